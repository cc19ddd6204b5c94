"""How fast the /search/ page answers in a real browser, on a generated archive.

``python benchmarks/search_latency.py [--articles 10000] [--runs 5]`` builds the
corpus (``corpus.py``, search on) with ``newsgen build`` (or takes one built
already: ``--site SITE``, its output in ``SITE/public``), serves the output over
HTTP on this machine and opens ``/search/`` in headless Chromium (Debian's
``chromium`` and ``chromedriver``, as the browser tests use). It times:

- the first answer: from opening the page to the first search answered, the
  index's shards loaded on the way (what a reader waits for once);
- each query afterwards: ``window.newsgenSearch`` (the page's own search over
  every shard) and the data of the first ten results, which the page shows.

The figures are printed and appended to ``benchmarks/results.md``; the issue's
target is an answer within 300 ms once the index is loaded.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import corpus

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "browser")]

from browser_helpers import chromium  # noqa: E402

RESULTS = HERE / "results.md"
TARGET_MS = 300.0
BUILD_TIME = "1735689600"
QUERIES = (
    ("a common word", "council", {}),
    ("another word", "satellite", {}),
    ("two words", "harbour strike", {}),
    ("a word in one section", "council", {"section": "Business"}),
    ("a year, no words", None, {"year": "2020"}),
)
ANSWER = """
const [words, filters, done] = arguments;
const started = performance.now();
window.newsgenSearch(words, words ? { filters } : { filters, sort: { date: "desc" } })
  .then((found) => Promise.all(found.results.slice(0, 10).map((r) => r.data()))
    .then(() => done([performance.now() - started, found.results.length])))
  .catch((error) => done(["failed: " + error, 0]));
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Say nothing of each request."""


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on a free port; yield its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build(site: Path) -> Path:
    """Build ``site`` with the newsgen beside this Python; return the output folder."""
    newsgen = Path(sys.executable).parent / "newsgen"
    out = site.parent / "public"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_TIME}
    command = [str(newsgen), "build", "--source", str(site), "--output", str(out), "-q"]
    subprocess.run(command, check=True, env=env)
    return out


def measure(address: str, runs: int) -> tuple[list[float], dict[str, list[float]], dict[str, int]]:
    """Return the first answers' times, each query's times (ms) and its result counts."""
    firsts: list[float] = []
    times: dict[str, list[float]] = {name: [] for name, _, _ in QUERIES}
    counts: dict[str, int] = {}
    with chromium() as browser:
        browser.set_script_timeout(120)
        for _ in range(runs):
            started = time.perf_counter()
            browser.get(address + "/search/")
            first = browser.execute_async_script(ANSWER, "news", {})
            assert not isinstance(first[0], str), first
            firsts.append((time.perf_counter() - started) * 1000)
            for name, words, filters in QUERIES:
                took, count = browser.execute_async_script(ANSWER, words, filters)
                assert not isinstance(took, str), took
                times[name].append(took)
                counts[name] = count
    return firsts, times, counts


def report(articles: int, shards: int, firsts: list[float], times, counts) -> str:
    """Return the Markdown section of the figures."""
    lines = [
        f"## Search page latency: {articles:,} articles, {shards} shards",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores; headless "
        "Chromium on the same machine, the output served by Python's http.server",
        f"- figures: median and slowest of {len(firsts)} page loads (ms)",
        "",
        "| measure | results | median ms | slowest ms | target |",
        "|---|---:|---:|---:|---|",
        f"| first answer after opening /search/ (index loaded) |  | "
        f"{statistics.median(firsts):.0f} | {max(firsts):.0f} |  |",
    ]
    for name, values in times.items():
        verdict = "✓" if statistics.median(values) < TARGET_MS else "✗"
        lines.append(
            f"| {name} | {counts[name]:,} | {statistics.median(values):.0f} | "
            f"{max(values):.0f} | < {TARGET_MS:.0f} ms {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (10000)")
    parser.add_argument("--runs", type=int, default=5, help="page loads to time (5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown file to append to")
    parser.add_argument(
        "--site",
        type=Path,
        help="a corpus already built into SITE/public (of --articles articles): measured as "
        "it is, neither generated nor built (a 100,000-article build takes minutes)",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsgen-search-bench-"))
    try:
        if args.site is not None:
            out = args.site / "public"
            if not (out / "pagefind" / "shards.json").is_file():
                parser.error(f"{out} holds no search index; build the site first")
        else:
            site = work / "site"
            corpus.write_site(site, args.articles, args.seed)
            out = build(site)
        shards = len([p for p in (out / "pagefind").iterdir() if p.is_dir()])
        with serving(out) as address:
            firsts, times, counts = measure(address, args.runs)
        text = report(args.articles, shards, firsts, times, counts)
        print(text)
        with args.results.open("a", encoding="utf-8") as results:
            results.write("\n" + text)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
