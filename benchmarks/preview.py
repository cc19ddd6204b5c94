"""Live preview latency: from saving one article to the reloaded page in a browser.

``python benchmarks/preview.py [--articles 10000] [--edits 5]`` writes a corpus
(``corpus.py``), starts ``newsgen serve`` on it, opens one article in headless
Chromium (Debian's ``chromium`` and ``chromium-driver``), and then, for each
edit, appends a sentence with a new marker word to that article's body and
times how long until the open page shows the marker by itself (the watcher's
debounce, the incremental rebuild, the Server-Sent Event and the browser's
reload). It prints the median and the range and appends them to
``benchmarks/results.md``. The issue's target is under 500 ms at 10,000 articles.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import corpus

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "browser")]

from browser_helpers import chromium, running_preview  # noqa: E402

RESULTS = HERE / "results.md"
TARGET_MS = 500.0


def chosen_article(site: Path) -> Path:
    """The article in the middle of the corpus, in path order (as run.py chooses)."""
    articles = sorted((site / "content").rglob("*.md"))
    return articles[len(articles) // 2]


def time_edits(site: Path, edits: int, log: Path) -> list[float]:
    """Return the milliseconds from each save to the page showing it."""
    article = chosen_article(site)
    with running_preview(site, log) as preview, chromium() as browser:
        browser.get(preview.url + "/")
        url = _find_article_page(browser, preview.url, article)
        browser.get(url)
        timings = []
        for number in range(edits):
            marker = f"zqmarker{number}x{os.getpid()}"
            started = time.perf_counter()
            with article.open("a", encoding="utf-8") as handle:
                handle.write(f"\nA closing line with {marker}.\n")
            while not browser.execute_script(
                "return document.readyState === 'complete' && "
                "document.body !== null && document.body.textContent.includes(arguments[0]);",
                marker,
            ):
                if time.perf_counter() - started > 120:
                    raise RuntimeError(f"the page never showed the edit; see {log}")
            timings.append((time.perf_counter() - started) * 1000)
            time.sleep(0.5)  # let the watcher settle between edits
        return timings


def _find_article_page(browser: object, base: str, article: Path) -> str:
    """Return the URL of ``article``'s page (from the preview's report of article URLs)."""
    relative = article.relative_to(article.parents[2]).as_posix()  # content/section/x.md
    sitemap = (article.parents[2] / ".newsgen" / "preview" / "sitemap.xml").read_text()
    slug = article.stem
    for line in sitemap.splitlines():
        if f"/{slug}/" in line and "<loc>" in line:
            return line.strip().removeprefix("<loc>").removesuffix("</loc>")
    raise RuntimeError(f"no page found for {relative}")


def report(articles: int, timings: Sequence[float]) -> str:
    median = statistics.median(timings)
    verdict = "✓" if median < TARGET_MS else "✗"
    lines = [
        f"## Live preview: {articles:,} articles, save to reloaded page",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        f"- edits: {len(timings)} (a sentence appended to one article's body, page open in "
        "headless Chromium)",
        "",
        "| median ms | min–max ms | target |",
        "|---:|---:|---|",
        f"| {median:.0f} | {min(timings):.0f}–{max(timings):.0f} "
        f"| < {TARGET_MS:.0f} ms {verdict} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (10000)")
    parser.add_argument("--edits", type=int, default=5, help="edits to time (5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown file to append to")
    parser.add_argument("--keep", action="store_true", help="keep the generated site")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsgen-preview-bench-"))
    try:
        site = work / "site"
        corpus.write_site(site, args.articles, args.seed)
        timings = time_edits(site, args.edits, work / "serve.log")
        text = report(args.articles, timings)
        print(text)
        with args.results.open("a", encoding="utf-8") as results:
            results.write("\n" + text)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
