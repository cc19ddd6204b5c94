"""Checks on built pages shared by the e2e and safety tests (not a test module)."""

from __future__ import annotations

import re
from typing import Any

from newsgen.output.pagefind import INDEX_DIR
from newsgen.preview.live_reload import SCRIPT_PATH

SEARCH_PAGE = "search/index.html"
"""The search page's file in the output."""


def is_search_page_own(page: str, element: Any) -> bool:
    """True for the two active elements the theme's search page has by design: its
    script (the module file ``js/search.js`` of the theme, no inline code) and its
    search form. ``page`` is the file's path in the output; ``element`` an lxml or
    ElementTree element."""
    if page != SEARCH_PAGE:
        return False
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "script":
        return (
            element.get("type") == "module"
            and (element.get("src") or "").endswith("/js/search.js")
            and not (element.text or "").strip()
        )
    return tag == "form" and element.get("role") == "search"


_RELOAD_SCRIPT = re.compile(
    rb'<script src="' + re.escape(SCRIPT_PATH.encode()) + rb'" data-build="\d+"></script>'
)


def remove_script(html: bytes) -> bytes:
    """Return ``html`` as the preview served it without its live-reload script: the
    page's own bytes (live_reload.inject_script adds the one tag)."""
    return _RELOAD_SCRIPT.sub(b"", html)


def reproducible(path: str) -> bool:
    """False for the files of the index whose bytes differ between two Pagefind runs
    over the same pages: each shard's ``pagefind-entry.json``, ``*.pf_meta`` and ``filter/*``.

    Pagefind writes filter values in hash-map order, which changes from run to
    run; the hashes in those files' names and in the entry file follow. The
    index means the same either way, and every other file (pages, fragments,
    word index, scripts) is byte-identical. ``path`` is relative to the output.
    """
    folder, _, inside = path.partition("/")
    if folder != INDEX_DIR:
        return True
    name = inside.partition("/")[2] or inside  # inside a shard's folder (pagefind/2024/)
    return not (
        name == "pagefind-entry.json" or name.endswith(".pf_meta") or name.startswith("filter/")
    )
