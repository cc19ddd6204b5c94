"""Writing one shard of the search index from the pages of a built tree.

write_shard() reads each page's marks (extract.py), makes the shard's files
(shard.py) and writes them into a new folder, in the build's own process: about
0.8 ms a page at the benchmark's articles (0.35 to read the marks, 0.5 to count
and file the words), where Pagefind took 1.2 to 2.7 ms and 300 KB a page in a
process of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from newsgen.search.extract import search_page
from newsgen.search.shard import SearchPage, page_order, shard_files
from newsgen.search.words import Stems

META_NAME = "meta.json"
"""The file every complete shard has, written last."""


def page_url(path: str) -> str:
    """Return the URL of the page at ``path`` below the site's base path:
    ``a/b/index.html`` is ``/a/b/``, ``a/b.html`` is ``/a/b.html``."""
    folder, slash, name = path.rpartition("/")
    if name == "index.html":
        return f"/{folder}{slash}"
    return f"/{path}"


def write_shard(
    tree: Path, pages: Iterable[str], folder: Path, stems: Stems
) -> dict[str, str | None]:
    """Write the shard of ``pages`` (paths in ``tree``) into ``folder`` (new; its
    META_NAME last, so that a shard without it is incomplete); return the id the
    shard gives each page (None for a page with nothing marked for searching).
    Raises OSError when a page cannot be read or the shard written."""
    found: dict[str, SearchPage] = {}
    ids: dict[str, str | None] = {}
    for path in pages:
        with open(os.path.join(tree, path), encoding="utf-8", errors="replace") as file:
            page = search_page(file.read(), page_url(path))
        ids[path] = None
        if page is not None:
            found[path] = page
    number_of = {page.url: number for number, page in enumerate(page_order(list(found.values())))}
    for path, page in found.items():
        ids[path] = str(number_of[page.url])
    files = shard_files(list(found.values()), stems)
    meta = files.pop(META_NAME)
    for relative, data in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / META_NAME).write_bytes(meta)
    return ids
