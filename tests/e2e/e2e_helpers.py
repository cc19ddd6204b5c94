"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from page_checks import SEARCH_PAGE, is_search_page_own, reproducible

__all__ = [
    "SEARCH_PAGE",
    "article_links",
    "aware",
    "by_class",
    "copy_fixture",
    "expected_pages",
    "file_for",
    "first_paragraph",
    "is_search_page_own",
    "one",
    "snapshot",
    "text_of",
]

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
"""The fixture sites (``basic``, ``newsroom``, ...)."""


def snapshot(directory: Path) -> dict[str, bytes]:
    """Return every file below ``directory`` as {relative path: bytes}, but the search
    index's files that Pagefind never writes twice the same (page_checks.reproducible)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and reproducible(p.relative_to(directory).as_posix())
    }


def file_for(out: Path, url: str) -> Path:
    """Return the output file that serves the root-relative ``url``."""
    relative = url.lstrip("/")
    return out / (relative + "index.html" if relative == "" or relative.endswith("/") else relative)


def copy_fixture(name: str, destination: Path) -> Path:
    """Copy the fixture site ``name`` (tests/fixtures/sites/NAME) to ``destination``;
    return ``destination``."""
    shutil.copytree(SITES / name, destination)
    return destination


def aware(value: Any, zone: ZoneInfo) -> datetime:
    """A front matter date (text, date or datetime) as an aware datetime, in ``zone``
    when it names no offset (as newsgen reads it)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=zone)


def first_paragraph(body: str) -> str:
    """The first paragraph of a Markdown ``body`` as plain text (links as their text,
    white space collapsed): the summary newsgen derives when none is given."""
    block = body.strip().split("\n\n", 1)[0]
    block = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)  # [text](link) -> text
    return " ".join(block.split())


def text_of(node: Any) -> str:
    """The text of an lxml node, white space collapsed."""
    return " ".join(node.xpath("string()").split())


def by_class(node: Any, cls: str, tag: str = "*") -> list[Any]:
    """The elements (``tag``) under ``node`` that have the class ``cls``."""
    return node.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]")


def one(nodes: list[Any], what: str) -> Any:
    """The only item of ``nodes``; fail naming ``what`` when there are none or several."""
    assert len(nodes) == 1, f"expected exactly one {what}, found {len(nodes)}"
    return nodes[0]


def article_links(node: Any, urls: Iterable[str]) -> list[str]:
    """Hrefs under ``node`` that are among the article ``urls``, in document order, each
    once."""
    wanted = set(urls)
    links: list[str] = []
    for href in node.xpath(".//a/@href"):
        if href in wanted and href not in links:
            links.append(href)
    return links


def expected_pages(urls: Sequence[str], per_page: int) -> list[tuple[int | None, list[str]]]:
    """The pages of a listing of ``urls`` (newest first), in the order "Older" links walk
    them: (None, the front page's URLs), then (number, URLs) from the highest number to
    1. Page 1 holds the oldest articles, so that a page's URL keeps its articles."""
    front = list(urls[:per_page])
    oldest_first = list(reversed(urls[per_page:]))
    chunks = [oldest_first[i : i + per_page] for i in range(0, len(oldest_first), per_page)]
    pages: list[tuple[int | None, list[str]]] = [(None, front)]
    for number in range(len(chunks), 0, -1):
        pages.append((number, list(reversed(chunks[number - 1]))))
    return pages
