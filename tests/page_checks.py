"""Checks on built pages shared by the e2e and safety tests (not a test module)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from newsgen.output.pagefind import INDEX_DIR, SHARDS_FILE
from newsgen.preview.live_reload import SCRIPT_PATH
from newsgen.search.words import Stems, split_words

SEARCH_PAGE = "search/index.html"
"""The search page's file in the output."""


def is_search_page_own(page: str, element: Any) -> bool:
    """True for the active elements the theme has by design: the search page's script
    (the module file ``js/search.js`` of the theme, under its hashed name, no inline
    code) and its search form, and the masthead's search field on every page (a form
    that goes, by GET, to the search page). ``page`` is the file's path in the output;
    ``element`` an lxml or ElementTree element."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "form" and element.get("role") == "search":
        return page == SEARCH_PAGE or (
            element.get("method") == "get" and (element.get("action") or "").endswith("/search/")
        )
    if page != SEARCH_PAGE or tag != "script":
        return False
    return (
        element.get("type") == "module"
        and re.search(r"/js/search(\.[0-9a-f]{10})?\.js$", element.get("src") or "") is not None
        and not (element.text or "").strip()
    )


_RELOAD_SCRIPT = re.compile(
    rb'<script src="' + re.escape(SCRIPT_PATH.encode()) + rb'" data-build="\d+"></script>'
)


def remove_script(html: bytes) -> bytes:
    """Return ``html`` as the preview served it without its live-reload script: the
    page's own bytes (live_reload.inject_script adds the one tag)."""
    return _RELOAD_SCRIPT.sub(b"", html)


def reproducible(path: str) -> bool:
    """True for every file of an output: two fresh builds of the same input give the
    same bytes, the search index's files too (Pagefind's did not: it wrote filter
    values in hash-map order). ``path`` is relative to the output."""
    return bool(path)


SERVED_INDEX = f"{INDEX_DIR} (what it finds)"
"""The name comparable_files() gives what the search index finds."""


def shard_pages(folder: Path, shard: str) -> dict[int, dict[str, object]]:
    """Return what the shard ``shard`` of the output in ``folder`` holds of each page,
    by its number there: its record (URL, title, meta, filters, excerpt), its length,
    date, and the count of each stem in it."""
    base = folder / INDEX_DIR / shard
    meta = json.loads((base / "meta.json").read_text(encoding="utf-8"))
    pages: dict[int, dict[str, object]] = {}
    for records in sorted((base / "records").glob("*.json")):
        start = int(records.stem) * meta["records"]
        for offset, record in enumerate(json.loads(records.read_text(encoding="utf-8"))):
            number = start + offset
            date = meta["dates"][number]
            pages[number] = {**record, "length": meta["lengths"][number], "date": date}
            pages[number]["words"] = {}
    for words in sorted((base / "words").glob("*.json")):
        for stem, (gaps, counts) in json.loads(words.read_text(encoding="utf-8")).items():
            number = 0
            for gap, count in zip(gaps, counts, strict=True):
                number += gap
                pages[number]["words"][stem] = count  # type: ignore[index]
    return pages


def pages_with(folder: Path, shard: str, words: str) -> list[str]:
    """Return the URLs of the pages of ``shard`` (stale ones too) holding every word of
    ``words``."""
    stems = Stems("en")
    wanted = {stems.of(word) for word in split_words(words)}
    found = shard_pages(folder, shard).values()
    return sorted(str(page["url"]) for page in found if wanted <= set(page["words"]))  # type: ignore[arg-type]


def served_index(folder: Path) -> bytes:
    """Return what the search index of the output in ``folder`` finds, as JSON: the
    shards it lists, and each page it finds (its record and words, see shard_pages())
    by URL, from every shard but the stale pages of each (see
    newsgen.output.search_changes). Two outputs whose indexes are made in different
    steps (a changes shard beside kept shards, or all shards anew) give the same
    bytes when a search finds the same pages in both. Raises AssertionError when a
    page is found twice."""
    listing = json.loads((folder / SHARDS_FILE).read_text(encoding="utf-8"))
    stale = listing.get("stale", {})
    shards = [*listing["shards"], *([listing["changes"]] if "changes" in listing else [])]
    pages: dict[str, object] = {}
    for shard in shards:
        hidden = {int(page_id) for page_id in stale.get(shard, ())}
        for number, page in shard_pages(folder, shard).items():
            if number in hidden:
                continue
            assert page["url"] not in pages, f"{page['url']} is found twice"
            pages[str(page["url"])] = page
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
