"""Writing one shard of the search index from the pages of a built tree.

write_shard() reads each page's marks (extract.py), makes the shard's files
(shard.py) and writes them into a new folder, in the build's own process: about
0.8 ms a page at the benchmark's articles (0.35 to read the marks, 0.5 to count
and file the words), where Pagefind took 1.2 to 2.7 ms and 300 KB a page in a
process of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from newsgen.lifeline import die_with_parent
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


def write_shards(
    tree: Path,
    shards: Mapping[str, Sequence[str]],
    folders: Mapping[str, Path],
    language: str,
    jobs: int,
) -> dict[str, dict[str, str | None]]:
    """Write each of ``shards`` (name -> its pages in ``tree``) into its folder of
    ``folders`` as write_shard() does; return the ids of each shard's pages. With
    ``jobs`` above 1 and several shards, up to ``jobs`` are written at once, largest
    first, each in a worker that ends with the build (lifeline.py). The workers are
    new interpreters ("spawn"), not forks: a fork of a build of 100,000 articles
    shares its 2 GB only until its collector and reference counts touch them, and
    the machine counts each fork's share again. Raises OSError when a page cannot
    be read or a shard written."""
    if jobs <= 1 or len(shards) <= 1:
        stems = Stems(language)
        return {
            name: write_shard(tree, pages, folders[name], stems) for name, pages in shards.items()
        }
    order = sorted(shards, key=lambda name: -len(shards[name]))
    context = get_context("spawn")
    workers = min(jobs, len(shards))
    with ProcessPoolExecutor(workers, context, die_with_parent, (os.getpid(),)) as pool:
        try:
            futures = {
                name: pool.submit(_write_one, tree, shards[name], folders[name], language)
                for name in order
            }
            return {name: futures[name].result() for name in shards}
        except BaseException:  # interrupted, or a shard failed: start no further one
            pool.shutdown(cancel_futures=True)
            raise


def _write_one(
    tree: Path, pages: Sequence[str], folder: Path, language: str
) -> dict[str, str | None]:
    """write_shard() in a worker, with the stems of its own language."""
    return write_shard(tree, pages, folder, _stems(language))


_WORKER_STEMS: dict[str, Stems] = {}


def _stems(language: str) -> Stems:
    """The worker's Stems of ``language``, made once (a worker writes several shards)."""
    return _WORKER_STEMS.setdefault(language, Stems(language))
