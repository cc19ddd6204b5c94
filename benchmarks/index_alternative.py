"""What a search index written by the build in Python would cost, side by side with
Pagefind over the same pages (issue 18: "if Pagefind cannot reach these figures,
measure an alternative ... and choose by the figures").

This is a measurement, not newsgen's search: newsgen ships Pagefind's index
(output/pagefind.py). The alternative measured here is the simplest index that
could answer the search page's queries at 100,000 articles without loading the
whole of it: each page's indexed text (what ``data-pagefind-body`` holds, less
``data-pagefind-ignore``) split into lower-case words, each word cut to a stem
by a few English suffixes, and written as

- postings by word, in chunk files by the word's first two letters
  (``words/ab.json.gz``: word -> page numbers as gaps, and counts), so that a
  query fetches the chunks of its words only;
- the pages' titles, URLs, dates, sections and first 200 characters in chunk
  files of 500 (``pages/N.json.gz``), fetched for the results shown;
- the filters (section, year) as page-number lists (``filters.json.gz``).

Both runs read the same built article pages: Pagefind over hard links to them
in a folder of their own (as a shard is indexed), the alternative over the
files themselves. Usage, on a site built by ``run.py --keep``:

    python benchmarks/index_alternative.py --site SITE [--pages 2500] [--all]

``--all`` also times the alternative over every article page of the site.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsgen.output.pagefind import pagefind_binary

_BODY = re.compile(r"<(\w+)[^>]*\bdata-pagefind-body\b[^>]*>(.*)</\1>", re.S)
_IGNORED = re.compile(r"<(\w+)[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>", re.S)
_TITLE = re.compile(r'data-pagefind-meta="title"[^>]*>([^<]*)<')
_SECTION = re.compile(r'data-pagefind-filter="section"[^>]*>([^<]*)<')
_YEAR = re.compile(r'data-pagefind-filter="year:(\d+)"')
_DATE = re.compile(r'data-pagefind-sort="date:([^"]+)"')
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly")
PAGES_PER_CHUNK = 500


def article_pages(public: Path) -> list[Path]:
    """Return the site's article pages (``section/YYYY/MM/DD/slug/index.html``), sorted."""
    return sorted(public.glob("*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"))


def stem(word: str, known: dict[str, str]) -> str:
    """Return ``word`` cut by the first of _SUFFIXES it ends in (leaving 3 letters)."""
    found = known.get(word)
    if found is None:
        found = word
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                found = word[: -len(suffix)]
                break
        known[word] = found
    return found


def page_record(html: str, url: str) -> tuple[dict[str, str], str]:
    """Return what a result shows of a page, and its indexed text."""
    body = _BODY.search(html)
    text = _TAG.sub(" ", _IGNORED.sub(" ", body.group(2) if body else ""))
    field = {
        name: (pattern.search(html) or [None, ""])[1]
        for name, pattern in (
            ("title", _TITLE),
            ("section", _SECTION),
            ("year", _YEAR),
            ("date", _DATE),
        )
    }
    excerpt = " ".join(text.split())[:200]
    return {"url": url, **field, "excerpt": excerpt}, text


def write_json(path: Path, value: object) -> int:
    """Write ``value`` as gzipped JSON at ``path``; return the bytes written."""
    data = gzip.compress(json.dumps(value, separators=(",", ":")).encode(), 6, mtime=0)
    path.write_bytes(data)
    return len(data)


def own_index(public: Path, pages: list[Path], out: Path) -> dict[str, float]:
    """Index ``pages`` into ``out``; return its size in bytes and file count."""
    known: dict[str, str] = {}
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    records, filters = [], defaultdict(list)
    for number, path in enumerate(pages):
        html = path.read_text(encoding="utf-8")
        url = "/" + path.parent.relative_to(public).as_posix() + "/"
        record, text = page_record(html, url)
        records.append(record)
        words = Counter(stem(w, known) for w in _WORD.findall(text.lower()))
        for word in _WORD.findall(record["title"].lower()):
            words[stem(word, known)] += 5  # a word of the headline weighs more
        for word, count in words.items():
            postings[word].append((number, count))
        filters[f"section:{record['section']}"].append(number)
        filters[f"year:{record['year']}"].append(number)
    out.mkdir(parents=True)
    (out / "words").mkdir()
    (out / "pages").mkdir()
    chunks: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word, found in postings.items():
        numbers = [number for number, _ in found]
        gaps = [b - a for a, b in zip([0, *numbers], numbers, strict=False)]
        chunks[word[:2]][word] = gaps + [count for _, count in found]
    size = sum(write_json(out / "words" / f"{key}.json.gz", value) for key, value in chunks.items())
    for start in range(0, len(records), PAGES_PER_CHUNK):
        chunk = records[start : start + PAGES_PER_CHUNK]
        size += write_json(out / "pages" / f"{start // PAGES_PER_CHUNK}.json.gz", chunk)
    size += write_json(out / "filters.json.gz", filters)
    return {"bytes": size, "files": len(chunks) + len(records) // PAGES_PER_CHUNK + 2}


def largest_word_chunk(out: Path) -> int:
    """Return the bytes of the largest chunk of postings (what a common word fetches)."""
    return max(path.stat().st_size for path in (out / "words").iterdir())


def timed_pagefind(public: Path, pages: list[Path], work: Path) -> tuple[float, int]:
    """Run Pagefind over hard links to ``pages``; return wall seconds and the index bytes."""
    site = work / "pf-site"
    for path in pages:
        target = site / path.relative_to(public)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
    started = time.perf_counter()
    command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(work / "pf")]
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (work / "pf").rglob("*") if p.is_file())
    return seconds, size


def timed_own(public: Path, pages: list[Path], out: Path) -> tuple[float, dict[str, float]]:
    """Run own_index(); return wall seconds and what it wrote."""
    started = time.perf_counter()
    written = own_index(public, pages, out)
    return time.perf_counter() - started, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a site built by run.py --keep")
    parser.add_argument("--pages", type=int, default=2500, help="pages for the side by side")
    parser.add_argument("--all", action="store_true", help="also the alternative over all")
    args = parser.parse_args()
    public = args.site / "public"
    pages = article_pages(public)
    some = pages[: args.pages]
    with tempfile.TemporaryDirectory(prefix="index-alternative-") as folder:
        work = Path(folder)
        pf_seconds, pf_bytes = timed_pagefind(public, some, work)
        own_seconds, own = timed_own(public, some, work / "own")
        print("| index | pages | wall s | ms a page | index MB |\n|---|---:|---:|---:|---:|")
        print(
            f"| Pagefind | {len(some):,} | {pf_seconds:.2f} | "
            f"{1000 * pf_seconds / len(some):.2f} | {pf_bytes / 1e6:.1f} |"
        )
        print(
            f"| Python, words by prefix | {len(some):,} | {own_seconds:.2f} | "
            f"{1000 * own_seconds / len(some):.2f} | {own['bytes'] / 1e6:.1f} |"
        )
        if args.all:
            shutil.rmtree(work / "own")
            all_seconds, written = timed_own(public, pages, work / "own")
            print(
                f"| Python, words by prefix | {len(pages):,} | {all_seconds:.2f} | "
                f"{1000 * all_seconds / len(pages):.2f} | {written['bytes'] / 1e6:.1f} |"
            )
            print(
                f"\nlargest chunk of postings: {largest_word_chunk(work / 'own') / 1e3:.0f} KB;"
                f" files: {written['files']:,}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the Python index (this process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
