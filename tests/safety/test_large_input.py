"""Very large articles build, and build in time linear in their size.

Not a speed target (those live in benchmarks): the guard is generous and only
catches a quadratic blow-up, which would take minutes rather than seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

import feedparser
import html5lib

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.feeds.rss import MAX_ITEM_TAGS

CONFIG = "title: Big\nbase_url: https://big.example/\nfeed_items: 5\n"
GUARD_SECONDS = 120


def paragraphs(total_bytes: int) -> str:
    """Return Markdown paragraphs of varied inline syntax, about ``total_bytes`` long."""
    words = ["alpha", "*beta*", "**gamma**", "`delta`", "[epsilon](https://big.example/e)", "zeta"]
    parts, size, index = [], 0, 0
    while size < total_bytes:
        paragraph = " ".join(words[(index + i) % len(words)] for i in range(90)) + f" p{index}."
        parts.append(paragraph)
        size += len(paragraph) + 2
        index += 1
    return "\n\n".join(parts) + f"\n\nThe last paragraph, number {index}.\n"


def test_a_5_mb_body_and_10000_tags_build(make_site) -> None:
    body = paragraphs(5_000_000)
    tags = ", ".join(str(n) for n in range(10_000))
    root = make_site(
        {
            "content/world/long.md": f"---\nheadline: Long\ndate: 2024-01-01\n---\n{body}",
            "content/world/tags.md": (
                f"---\nheadline: Tags\ndate: 2024-01-02\ntags: [{tags}]\n---\nA.\n"
            ),
        },
        config=CONFIG,
    )
    started = time.perf_counter()
    report = build(BuildOptions(root))
    assert time.perf_counter() - started < GUARD_SECONDS
    assert report.articles == 2
    long_page = next((root / "public" / "world").rglob("long/index.html")).read_bytes()
    assert b"The last paragraph, number" in long_page
    tags_page = next((root / "public" / "world").rglob("tags/index.html")).read_text("utf-8")
    assert tags_page.count("<li") >= 10_000
    feed = feedparser.parse((root / "public" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert len(feed.entries[0].tags) == 1 + MAX_ITEM_TAGS  # the section and the first tags


def test_deeply_nested_and_unclosed_markdown_builds(make_site) -> None:
    hostile = (
        "[" * 100_000 + "\n\n" + "*a " * 4_000 + "\n\n" + "> " * 100 + "x\n\n" + "<" * 50_000
    )
    root = make_site(
        {"content/world/nested.md": f"---\nheadline: Nested\ndate: 2024-01-01\n---\n{hostile}\n"},
        config=CONFIG,
    )
    started = time.perf_counter()
    build(BuildOptions(root))
    assert time.perf_counter() - started < GUARD_SECONDS
    page = next(Path(root / "public").rglob("nested/index.html")).read_bytes()
    html5lib.HTMLParser(strict=True).parse(page)
