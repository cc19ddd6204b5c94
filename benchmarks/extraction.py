"""How well newsgen's saved-page import finds an article's text (issue 21).

Runs the import's own reading of each page (importer/page_workers.py, as
``newsgen import page.html`` does) over the public article-extraction benchmark
(github.com/scrapinghub/article-extraction-benchmark, MIT licence: 181 real news
pages with a hand-checked article body each), and scores the body newsgen
writes, as a reader sees it (the Markdown rendered by newsgen's renderer, its
text taken), by the benchmark's own measure (its evaluate.py: token 4-gram F1,
precision and recall, averaged over pages, with bootstrap deviations). In the
same run it scores trafilatura's plain-text output, the library newsgen uses,
so the two figures come from one machine and one version.

    make bench-extraction                      # clones the benchmark at a pinned commit
    python benchmarks/extraction.py --data DIR # a checkout already on disk

A benchmark script, not a test: the figure goes to the README.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import lxml.html
import trafilatura

from newsgen.importer.page_workers import page_articles
from newsgen.importer.wordpress import ImportedPost, WordPressOptions
from newsgen.markdown.reference import make_reference, render_reference

REPOSITORY = "https://github.com/scrapinghub/article-extraction-benchmark"
COMMIT = "4a3bc979f76c0df73cb95fe272e2fc1b96f9f010"
DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "article-extraction-benchmark"
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "td",
          "th", "figcaption", "br", "div", "table"}  # fmt: skip


def main() -> int:
    """Score newsgen's and trafilatura's bodies; print the table; 0 when newsgen's F1 is
    at least trafilatura's."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    data = fetched(args.data)
    evaluate = _load_evaluate(data / "evaluate.py")
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        pages = [_unpacked(data / "html" / f"{key}.html.gz", Path(folder)) for key in truth]
        started = time.perf_counter()
        outcomes = page_articles(pages, WordPressOptions(), os.cpu_count() or 2)
        ours_seconds = time.perf_counter() - started
        started = time.perf_counter()
        library = {key: {"articleBody": trafilatura.extract(page.read_text(encoding="utf-8"),
                                                             include_comments=False) or ""}
                   for key, page in zip(truth, pages, strict=True)}  # fmt: skip
        library_seconds = time.perf_counter() - started
    ours = {key: {"articleBody": _reader_text(outcome)}
            for key, outcome in zip(truth, outcomes, strict=True)}  # fmt: skip
    rows = [
        (f"newsgen {_version('newsgen')} (import)", ours, ours_seconds),
        (f"trafilatura {_version('trafilatura')} (extract, text)", library, library_seconds),
    ]
    scores = {}
    print(f"{len(truth)} pages of {REPOSITORY} at {COMMIT[:7]}\n")
    print(f"{'':<40} {'F1':<14} {'precision':<14} {'recall':<14} seconds")
    for name, prediction, seconds in rows:
        metrics = evaluate.evaluate(truth, prediction, args.bootstrap)
        scores[name] = metrics["f1"]
        print(f"{name:<40} {metrics['f1']:.3f} ± {metrics['f1_std']:.3f}  "
              f"{metrics['precision']:.3f} ± {metrics['precision_std']:.3f}  "
              f"{metrics['recall']:.3f} ± {metrics['recall_std']:.3f}  {seconds:.1f}")  # fmt: skip
    skipped = sum(not isinstance(outcome, ImportedPost) for outcome in outcomes)
    print(f"\npages newsgen did not import: {skipped}")
    return 0 if scores[rows[0][0]] >= scores[rows[1][0]] else 1


def fetched(data: Path) -> Path:
    """The benchmark's checkout at ``data``, cloned at COMMIT when it is not there."""
    if not (data / "ground-truth.json").is_file():
        data.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "--quiet", REPOSITORY, str(data)], check=True)
        subprocess.run(["git", "-C", str(data), "checkout", "--quiet", COMMIT], check=True)
    return data


def _load_evaluate(path: Path) -> object:
    """The benchmark's own evaluate.py, as a module (its measure, not a copy of it)."""
    spec = importlib.util.spec_from_file_location("article_extraction_evaluate", path)
    if spec is None or spec.loader is None:
        sys.exit(f"{path}: not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _unpacked(packed: Path, folder: Path) -> Path:
    page = folder / packed.name.removesuffix(".gz")
    page.write_bytes(gzip.decompress(packed.read_bytes()))
    return page


def _reader_text(outcome: object) -> str:
    """The text a reader sees of the article's body: its Markdown rendered by newsgen's
    renderer, one line per block."""
    if not isinstance(outcome, ImportedPost):
        return ""
    body = outcome.text.partition("\n---\n")[2]
    html = render_reference(_MARKDOWN, body)[0]
    root = lxml.html.fromstring(f"<div>{html}</div>")
    for element in root.iter():
        if element.tag in BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return root.text_content()


def _version(name: str) -> str:
    try:
        return version(name)
    except Exception:
        return "?"


_MARKDOWN = make_reference()

if __name__ == "__main__":
    sys.exit(main())
