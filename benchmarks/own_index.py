"""newsgen's own search index (src/newsgen/search/, static/js/search-engine.js) over a
built site's article pages: the cost of writing it and the search page's answers in
headless Chromium, as ``search_latency.py`` times Pagefind's.

    python benchmarks/own_index.py --site SITE [--pages N] [--runs 5]

Reads the article pages of ``SITE/public`` (a site kept by ``run.py --keep``), writes
the index twice, in shards by year and by quarter (``public/own-year/``,
``public/own-quarter/``), and times the queries of search_latency.py on each.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [
    str(HERE.parent / "src"),
    str(HERE.parent / "tests"),
    str(HERE.parent / "tests" / "browser"),
]

import index_alternative  # noqa: E402
import search_latency  # noqa: E402
from browser_helpers import chromium  # noqa: E402

from newsgen.search.extract import search_page  # noqa: E402
from newsgen.search.shard import SearchPage, shard_files  # noqa: E402
from newsgen.search.words import Stems  # noqa: E402

OPEN = """
const [listing, done] = arguments;
const started = performance.now();
import('/own-engine.js').then(async (engine) => {
  window.ownIndex = await engine.openIndex(listing);
  const found = await window.ownIndex.search('news', {});
  await Promise.all(found.results.slice(0, 10).map((result) => result.data()));
  done(performance.now() - started);
}).catch((error) => done('failed: ' + error));
"""
ASK = """
const [words, filters, done] = arguments;
const started = performance.now();
window.ownIndex.search(words, words ? {filters} : {filters, sort: {date: 'desc'}})
  .then((found) => Promise.all(found.results.slice(0, 10).map((result) => result.data()))
    .then(() => done([performance.now() - started, found.results.length])))
  .catch((error) => done(['failed: ' + error, 0]));
"""


def search_pages(public: Path, limit: int) -> tuple[list[SearchPage], float]:
    """Return what the index holds of the site's article pages (the first ``limit``), read
    from their marks as a build would, and the seconds that took (files read aside)."""
    files = index_alternative.article_pages(public)[: limit or None]
    texts = [(path.read_text(encoding="utf-8"), path) for path in files]
    started = time.perf_counter()
    found = []
    for text, path in texts:
        page = search_page(text, "/" + path.parent.relative_to(public).as_posix() + "/")
        if page is not None:
            found.append(page)
    return found, time.perf_counter() - started


def write_index(public: Path, pages: list[SearchPage], kind: str) -> tuple[float, int, int]:
    """Write the index in shards by ``kind`` (year or quarter); return seconds, bytes, shards."""
    out = public / f"own-{kind}"
    shutil.rmtree(out, ignore_errors=True)
    groups: dict[str, list[SearchPage]] = {}
    for page in pages:
        assert page.date is not None
        quarter = (page.date.month - 1) // 3 + 1
        name = str(page.date.year) if kind == "year" else f"{page.date.year}-q{quarter}"
        groups.setdefault(name, []).append(page)
    stems, size = Stems("en"), 0
    started = time.perf_counter()
    for name, group in groups.items():
        for relative, data in shard_files(group, stems).items():
            target = out / name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            size += len(data)
    listing = {"shards": sorted(groups, reverse=True), "changes": None, "stale": {}}
    (out / "shards.json").write_text(json.dumps(listing))
    return time.perf_counter() - started, size, len(groups)


def answers(
    public: Path, kind: str, runs: int
) -> tuple[list[float], dict[str, list[float]], dict[str, int]]:
    """Return the first answers' times, each query's times (ms) and result counts."""
    firsts: list[float] = []
    times: dict[str, list[float]] = {name: [] for name, _, _ in search_latency.QUERIES}
    counts: dict[str, int] = {}
    with search_latency.serving(public) as address, chromium() as browser:
        browser.set_script_timeout(120)
        for _ in range(runs):
            browser.get(address + "/search/")
            first = browser.execute_async_script(OPEN, f"/own-{kind}/shards.json")
            assert not isinstance(first, str), first
            firsts.append(first)
            for name, words, filters in search_latency.QUERIES:
                took, count = browser.execute_async_script(ASK, words, filters)
                assert not isinstance(took, str), took
                times[name].append(took)
                counts[name] = count
    return firsts, times, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=0, help="the first N article pages (0: all)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    public = args.site / "public"
    pages, seconds = search_pages(public, args.pages)
    print(
        f"read {len(pages):,} pages' marks in {seconds:.1f} s ({1000 * seconds / len(pages):.2f} ms a page)"
    )
    shutil.copy(HERE.parent / "static" / "js" / "search-engine.js", public / "own-engine.js")
    for kind in ("year", "quarter"):
        seconds, size, shards = write_index(public, pages, kind)
        print(
            f"{kind}: {shards} shards, {len(pages):,} pages in {seconds:.1f} s "
            f"({1000 * seconds / len(pages):.2f} ms a page), {size / 1e6:.1f} MB"
        )
        firsts, times, counts = answers(public, kind, args.runs)
        print(f"  first answer: median {statistics.median(firsts):.0f} ms")
        for name, _, _ in search_latency.QUERIES:
            print(
                f"  {name}: {counts[name]:,} results, median {statistics.median(times[name]):.0f}"
                f" ms, slowest {max(times[name]):.0f} ms"
            )


if __name__ == "__main__":
    main()
