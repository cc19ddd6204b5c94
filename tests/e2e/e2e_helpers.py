"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

from newsgen.search import reproducible
from page_checks import SEARCH_PAGE, is_search_page_own

__all__ = ["SEARCH_PAGE", "file_for", "is_search_page_own", "snapshot"]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Return every file below ``directory`` as {relative path: bytes}, but the search
    index's files that Pagefind never writes twice the same (newsgen.search.reproducible)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and reproducible(p.relative_to(directory).as_posix())
    }


def file_for(out: Path, url: str) -> Path:
    """Return the output file that serves the root-relative ``url``."""
    relative = url.lstrip("/")
    return out / (relative + "index.html" if relative == "" or relative.endswith("/") else relative)

