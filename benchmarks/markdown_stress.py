"""Markdown stress patterns: the worst case of each, built by the real ``newsgen build``.

Each pattern is a body that crashed, stalled or slowed a Markdown parser
(nesting tens of thousands deep, many definitions, long runs of emphasis,
brackets, backticks, ``<``, tables, footnotes, plain text). Each is built
twice, as a one-article site, in a subprocess with a time limit:

- ``10 MB``: the pattern repeated to 10 MB (or the size the issue names);
  most such bodies are refused by newsgen's limits (markdown/guard.py);
- ``at the limit``: the pattern in paragraphs small enough for the
  per-paragraph limits, repeated to the largest body newsgen accepts (at
  most 10 MB): the slowest body of that kind that builds.

The table gives the wall time, the CPU time of the build's processes (what a
shared machine's load does not inflate) and what the build said (built, or its
first error). A body must build in under 10 s or be refused with a ``path:line``
error; ``crash`` or ``timeout`` would be a bug. Not a test: figures depend on
the machine. Append the table to results.md with ``--results``.

    python benchmarks/markdown_stress.py [--only NAME,...] [--limit-seconds 120]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsgen.markdown.guard import BodyRefused, check_body

HERE = Path(__file__).resolve().parent
TEN_MB = 10_000_000
CONFIG = "title: Stress\nbase_url: https://stress.example/\n"
FRONT = "---\nheadline: Stress\ndate: 2024-01-01\n---\n"

Pattern = Callable[[int], str]
"""Return the pattern repeated ``n`` times."""

PATTERNS: dict[str, tuple[str, Pattern, int | None]] = {
    # name: (what, body of n repetitions, n for the "10 MB" row or None for 10 MB)
    "quote 50k": ("50,000 `> ` on one line", lambda n: "> " * n + "x\n", 50_000),
    "ordered 50k": ("50,000 `1. ` on one line", lambda n: "1. " * n + "x\n", 50_000),
    "bullet 50k": ("50,000 `- ` on one line", lambda n: "- " * n + "x\n", 50_000),
    "indented lists": (
        "a list item per line, each indented one level deeper",
        lambda n: "".join("  " * i + "- x\n" for i in range(n)),
        3_000,
    ),
    "star nesting": ("`*` × n, `a`, `*` × n", lambda n: "*" * n + "a" + "*" * n + "\n", None),
    "brackets": ("`[` × n", lambda n: "[" * n + "\n", None),
    "image brackets": ("`![` × n", lambda n: "![" * n + "\n", None),
    "definitions 40k": (
        "40,000 reference definitions in a row",
        lambda n: "".join(f"[r{i}]: https://e.example/{i}\n" for i in range(n)) + "[r1]\n",
        40_000,
    ),
    "definitions 100k": (
        "100,000 reference definitions in a row",
        lambda n: "".join(f"[r{i}]: https://e.example/{i}\n" for i in range(n)) + "[r1]\n",
        100_000,
    ),
    "*a** runs": ("`*a**` × n", lambda n: "*a**" * n + "\n", None),
    "a*b_ runs": ("`a*b_` × n", lambda n: "a*b_" * n + "\n", None),
    "bold pairs": ("`**a** ` × n", lambda n: "**a** " * n + "\n", None),
    "backtick runs": (
        "runs of 1 to 50 backticks",
        lambda n: "".join("`" * (1 + i % 50) + "a" for i in range(n)) + "\n",
        None,
    ),
    "< runs": ("`<` × n", lambda n: "<" * n + "\n", None),
    "long table": (
        "a 2-column table, n rows",
        lambda n: "| a | b |\n|---|---|\n" + "| x | y |\n" * n,
        None,
    ),
    "wide table": (
        "a table n columns wide",
        lambda n: "|" + "a|" * n + "\n|" + "-|" * n + "\n|" + "x|" * n + "\n",
        None,
    ),
    "ordinary text": (
        "10 MB of sentences, a line each",
        lambda n: "Ordinary words of a sentence, nothing special.\n" * n,
        None,
    ),
    "one line": ("10 MB of words on one line", lambda n: "word " * n + "\n", None),
    "footnotes": (
        "n notes, each referenced",
        lambda n: (
            "".join(f"x[^{i}] " for i in range(n))
            + "\n\n"
            + "".join(f"[^{i}]: note {i}\n\n" for i in range(n))
        ),
        None,
    ),
    "inline notes": ("`^[` × n", lambda n: "^[" * n + "x" + "]" * n + "\n", None),
    "links": ("`[a](b) ` × n", lambda n: "[a](https://a.example/b) " * n + "\n", None),
    "autolinks": (
        "`<https://a.example/> ` × n",
        lambda n: "<https://a.example/> " * n + "\n",
        None,
    ),
    "code spans": ("`` `a` `` × n", lambda n: "`a` " * n + "\n", None),
    "entities": ("`&amp; ` × n", lambda n: "&amp; " * n + "\n", None),
    "headings": ("`# a` lines", lambda n: "# a\n" * n, None),
}


def size_for(pattern: Pattern, target: int) -> int:
    """Return the ``n`` that makes ``pattern(n)`` about ``target`` characters long."""
    per = max(1.0, len(pattern(1000)) / 1000)
    return max(1, int(target / per))


def in_paragraphs(pattern: Pattern, each: int) -> Pattern:
    """Return ``pattern`` as paragraphs of ``each`` repetitions, blank lines between."""

    def body(n: int) -> str:
        paragraph = pattern(each).strip("\n")
        return "\n\n".join([paragraph] * max(1, n // each)) + "\n"

    return body


def accepted(body: str) -> bool:
    try:
        check_body(body)
    except BodyRefused:
        return False
    return True


def largest_accepted(pattern: Pattern) -> int:
    """Return the largest ``n`` (up to 10 MB of body) whose body check_body accepts; 0 if none."""
    high = size_for(pattern, TEN_MB)
    if accepted(pattern(high)):
        return high
    low = 0
    while high - low > max(1, high // 50):
        middle = (low + high) // 2
        if accepted(pattern(middle)):
            low = middle
        else:
            high = middle
    return low


def paragraph_size(pattern: Pattern) -> int:
    """Return repetitions per paragraph that pass the per-paragraph limits (at most 1,000)."""
    each = 1_000
    while each > 1 and not accepted(pattern(each)):
        each //= 2
    return each


def build(newsgen: str, body: str, limit: float) -> tuple[float, float, str]:
    """Build a one-article site whose body is ``body``; return wall seconds, CPU seconds
    of the build's processes, and the outcome."""
    with tempfile.TemporaryDirectory(prefix="newsgen-stress-") as temp:
        site = Path(temp) / "site"
        (site / "content" / "world").mkdir(parents=True)
        (site / "newsgen.yaml").write_text(CONFIG, encoding="utf-8")
        (site / "content" / "world" / "stress.md").write_text(FRONT + body, encoding="utf-8")
        started = time.perf_counter()
        cpu = _children_cpu()
        try:
            done = subprocess.run(
                [newsgen, "build", "--source", str(site), "--output", str(site / "public")],
                capture_output=True, text=True, timeout=limit, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return limit, _children_cpu() - cpu, "timeout"
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode == 0:
        return seconds, cpu, "built"
    if done.returncode < 0:
        return seconds, cpu, f"crash (signal {-done.returncode})"
    first = next(
        (line for line in done.stderr.splitlines() if "error" in line or ": body:" in line), ""
    )
    return seconds, cpu, "refused: " + first.split("stress.md:", 1)[-1][:110]


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--newsgen", default=str(Path(sys.executable).parent / "newsgen"))
    parser.add_argument("--only", default="", help="comma-separated pattern names")
    parser.add_argument("--limit-seconds", type=float, default=120.0)
    parser.add_argument("--results", type=Path, help="Markdown file to append the table to")
    args = parser.parse_args(argv)
    names = [name for name in PATTERNS if not args.only or name in args.only.split(",")]
    rows = ["| pattern | body | MB | wall s | CPU s | outcome |", "|---|---|---:|---:|---:|---|"]
    for name in names:
        what, pattern, count = PATTERNS[name]
        cases = [
            (
                "10 MB" if count is None else f"n = {count:,}",
                pattern(count or size_for(pattern, TEN_MB)),
            )
        ]
        paragraphs = in_paragraphs(pattern, paragraph_size(pattern))
        n = largest_accepted(paragraphs)
        if n:
            cases.append(("at the limit", paragraphs(n)))
        for label, body in cases:
            seconds, cpu, outcome = build(args.newsgen, body, args.limit_seconds)
            size = len(body) / 1e6
            figures = f"{size:.2f} | {seconds:.2f} | {cpu:.2f}"
            row = f"| {name} ({what}) | {label} | {figures} | {outcome} |"
            rows.append(row)
            print(row, flush=True)
    table = "\n".join(rows)
    if args.results:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        with args.results.open("a", encoding="utf-8") as out:
            out.write(f"\n## Markdown stress patterns ({stamp})\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
