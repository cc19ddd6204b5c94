"""The changes shard of the search index: the pages changed since their shard was made.

A shard is written whole (search/shard.py), and a year's takes about 0.8 ms a
page to write again, which for a year of 10,000 articles is seconds for one new
story. So a shard whose pages changed is not always made again: when the pages
that changed since it was made (new, edited, moved away or removed) are few, the
live shard is kept as it is and those pages are indexed, with the changed pages
of every other shard kept so, into one small extra shard, ``changes``. The
search page leaves out of a kept shard's answers the pages it holds in an old
version (their ids in it, listed in ``pagefind/shards.json`` as ``stale``), and
counts them nowhere, so that it ranks as one index over the live pages would.

Once more than CHANGES_LIMIT pages would be in the changes shard or hidden as
stale, the shards holding the most of them are made again, which empties it of
theirs: the cost of a publish is then bounded by the limit, and that of making
a shard again is paid once every hundred or more changed pages.

To know which pages changed, the build records for each shard it makes the
identity (inode and modification time) of every page it indexed and the id the
shard gave it (its number in the shard, newest first).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CHANGES_SHARD = "changes"
"""The name of the shard of changed pages (no year is called so)."""
CHANGES_LIMIT = 300
"""Most pages the changes shard holds and stale pages the kept shards hide, together
(300 pages are indexed in about a quarter of a second); beyond, the shards with
most of them are made again."""


@dataclass(frozen=True, slots=True)
class IndexedShard:
    """What a build remembers of a shard it made, to find later which pages changed."""

    key: str
    """The shard's key when it was made (index_key()): the live shard is the one made
    then when its entry file is recorded with this key."""
    pages: dict[str, tuple[int, int, str | None]]
    """Each page indexed, by path: its inode and modification time then, and its id
    in the shard (None when nothing of it is marked for searching)."""


@dataclass(frozen=True, slots=True)
class ShardChanges:
    """How a kept shard's pages differ from those it was made from."""

    changed: list[str]
    """Pages of the shard now that are new or not the files it indexed: they go to
    the changes shard."""
    stale: list[str]
    """The ids of the pages it indexed that changed or are gone."""


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
