"""The changes shard of the search index: the pages changed since their shard was made.

Pagefind cannot update an index, and a year's shard takes about 1.2 to 2.7 ms a
page to make again, which at 100,000 articles is many seconds for one new story.
So a shard whose pages changed is not always made again: when the pages that
changed since it was made (new, edited, moved away or removed) are few, the live
shard is kept as it is and those pages are indexed, with the changed pages of
every other shard kept so, into one small extra shard, ``changes``. The search
page leaves out of a kept shard's answers the pages it holds in an old version
(their Pagefind ids, listed in ``pagefind/shards.json`` as ``stale``) and merges
the changes shard's answers with the others.

Once more than CHANGES_LIMIT pages would be in the changes shard or hidden as
stale, the shards holding the most of them are made again, which empties it of
theirs: the cost of a publish is then bounded by the limit, and that of making
a shard again is paid once every hundred or more changed pages.

To know which pages changed, the build records for each shard it makes the
identity (inode and modification time) of every page it indexed and the
Pagefind id of each (read back from Pagefind's fragment files). Each shard's
folder also gets ``newsgen.json``: the date of each of its pages by Pagefind id,
which the search page needs to merge lists sorted by date.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CHANGES_SHARD = "changes"
"""The name of the shard of changed pages (no year is called so)."""
CHANGES_LIMIT = 300
"""Most pages the changes shard holds and stale pages the kept shards hide, together
(Pagefind indexes 300 pages in about half a second); beyond, the shards with most
of them are made again."""
DETAILS_NAME = "newsgen.json"
"""The file of a shard's folder giving each indexed page's date by Pagefind id."""
_FRAGMENT_MAGIC = b"pagefind_dcd"


@dataclass(frozen=True, slots=True)
class IndexedShard:
    """What a build remembers of a shard it made, to find later which pages changed."""

    key: str
    """The shard's key when it was made (index_key()): the live shard is the one made
    then when its entry file is recorded with this key."""
    pages: dict[str, tuple[int, int, str | None]]
    """Each page indexed, by path: its inode and modification time then, and its
    Pagefind id (None when Pagefind did not index it, as a ``.htm`` file)."""


@dataclass(frozen=True, slots=True)
class ShardChanges:
    """How a kept shard's pages differ from those it was made from."""

    changed: list[str]
    """Pages of the shard now that are new or not the files it indexed: they go to
    the changes shard."""
    stale: list[str]
    """The Pagefind ids of the pages it indexed that changed or are gone."""


def page_identity(tree: Path, path: str) -> tuple[int, int] | None:
    """Return the inode and modification time of ``tree/path``, or None when there is
    no such file. A kept or linked page is the same file with both; a page written
    again is a new file and differs in both (an inode number freed and reused would
    not bring back the time)."""
    try:
        info = os.lstat(os.path.join(tree, path))
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def shard_changes(indexed: IndexedShard, tree: Path, pages: Iterable[str]) -> ShardChanges:
    """Return how ``pages`` (the shard's pages in ``tree`` now) differ from those
    ``indexed`` records."""
    current = set(pages)
    changed = []
    for path in sorted(current):
        was = indexed.pages.get(path)
        if was is None or page_identity(tree, path) != (was[0], was[1]):
            changed.append(path)
    moved = set(changed)
    stale = [
        page_id
        for path, (_, _, page_id) in sorted(indexed.pages.items())
        if page_id is not None and (path not in current or path in moved)
    ]
    return ShardChanges(changed, stale)


def read_indexed(key: str, tree: Path, folder: Path, pages: Iterable[str]) -> IndexedShard | None:
    """Return the record of the shard Pagefind just wrote into ``folder`` from
    ``pages`` (paths in ``tree``), or None when its fragments cannot be read (a
    Pagefind whose files newsgen does not know: the shard is then always made
    again when a page of it changes)."""
    ids = fragment_ids(folder)
    if ids is None:
        return None
    recorded: dict[str, tuple[int, int, str | None]] = {}
    for path in pages:
        identity = page_identity(tree, path)
        if identity is None:
            return None
        recorded[path] = (*identity, ids.get(page_url(path)))
    return IndexedShard(key, recorded)


def fragment_ids(folder: Path) -> dict[str, str] | None:
    """Return the Pagefind id of each page of the index in ``folder``, by its URL, or
    None when a fragment file is not as Pagefind 1 writes it."""
    ids: dict[str, str] = {}
    try:
        with os.scandir(folder / "fragment") as entries:
            for entry in entries:
                page_id, dot, kind = entry.name.partition(".")
                if kind != "pf_fragment" or not dot:
                    continue
                with gzip.open(entry.path) as file:
                    data = file.read()
                if not data.startswith(_FRAGMENT_MAGIC):
                    return None
                url = json.loads(data[len(_FRAGMENT_MAGIC) :]).get("url")
                if not isinstance(url, str):
                    return None
                ids[url] = page_id
    except (OSError, EOFError, zlib.error, ValueError, AttributeError):
        return None
    return ids


def page_url(path: str) -> str:
    """Return the URL Pagefind gives the page at ``path`` of the site it indexes:
    ``a/b/index.html`` is ``/a/b/``, ``a/b.html`` is ``/a/b.html``."""
    folder, slash, name = path.rpartition("/")
    if name == "index.html":
        return f"/{folder}{slash}"
    return f"/{path}"


def write_details(
    folder: Path, indexed: IndexedShard | None, dates: Mapping[str, str], shards: Mapping[str, str]
) -> None:
    """Write ``folder/newsgen.json``: the date (``dates``, by page path) of each page
    ``indexed`` holds, by Pagefind id, and for the changes shard (``shards`` not
    empty) the shard each page belongs to."""
    by_id: dict[str, str] = {}
    of_shard: dict[str, str] = {}
    for path, (_, _, page_id) in sorted((indexed.pages if indexed else {}).items()):
        if page_id is None:
            continue
        if path in dates:
            by_id[page_id] = dates[path]
        if path in shards:
            of_shard[page_id] = shards[path]
    details: dict[str, object] = {"dates": by_id}
    if shards:
        details["shards"] = of_shard
    (folder / DETAILS_NAME).write_text(json.dumps(details, sort_keys=True) + "\n", "utf-8")


def changes_to_take(candidates: Mapping[str, ShardChanges], limit: int | None = None) -> list[str]:
    """Return the shards among ``candidates`` to keep, their changed pages going to
    the changes shard: those with fewest changed and stale pages first, while there
    are at most ``limit`` (default CHANGES_LIMIT) of those in all (so that removed
    articles do not stay in a kept shard, hidden, for ever). The others are to be
    made again."""
    limit = CHANGES_LIMIT if limit is None else limit

    def weight(shard: str) -> int:
        return len(candidates[shard].changed) + len(candidates[shard].stale)

    taken, total = [], 0
    for shard in sorted(candidates, key=lambda name: (weight(name), name)):
        count = weight(shard)
        if total + count > limit:
            break
        taken.append(shard)
        total += count
    return taken
