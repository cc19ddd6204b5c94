"""Checks on built pages shared by the e2e and safety tests (not a test module)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from newsgen.output.pagefind import INDEX_DIR, SHARDS_FILE
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


SERVED_INDEX = f"{INDEX_DIR} (what it finds)"
"""The name comparable_files() gives what the search index finds."""


def served_index(folder: Path) -> bytes:
    """Return what the search index of the output in ``folder`` finds, as JSON: the
    shards it lists, and each page it finds (Pagefind's fragment: URL, text, metadata,
    filters) by URL, from every shard but the stale pages of each (see
    newsgen.output.search_changes). Two outputs whose indexes are made in different
    steps (a changes shard beside kept shards, or all shards anew) give the same
    bytes when a search finds the same pages in both. Raises AssertionError when a
    page is found twice."""
    listing = json.loads((folder / SHARDS_FILE).read_text(encoding="utf-8"))
    stale = listing.get("stale", {})
    shards = [*listing["shards"], *([listing["changes"]] if "changes" in listing else [])]
    pages: dict[str, object] = {}
    for shard in shards:
        for fragment in sorted((folder / INDEX_DIR / shard / "fragment").glob("*.pf_fragment")):
            if fragment.name.partition(".")[0] in stale.get(shard, ()):
                continue
            data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])
            assert data["url"] not in pages, f"{data['url']} is found twice"
            pages[data["url"]] = data
    served = {"shards": listing["shards"], "pages": pages}
    return json.dumps(served, sort_keys=True, ensure_ascii=False).encode()


def comparable_files(folder: Path) -> dict[str, bytes]:
    """Return every file below ``folder`` as {relative path: bytes}, but the search
    index's, which are given as one entry, SERVED_INDEX: what it finds (served_index())."""
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != INDEX_DIR
    }
    if (folder / SHARDS_FILE).is_file():
        files[SERVED_INDEX] = served_index(folder)
    return files
