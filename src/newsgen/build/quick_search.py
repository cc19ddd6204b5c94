"""The search index in a quick rebuild: the edited pages go to the changes shard.

A quick rebuild (quick_rebuild.py) writes an edited article's page again. With
search on, the index must find its new words, yet the page's year (or quarter)
shard holds the old ones. As a full build does (output/search_changes.py), the
quick rebuild keeps every year's shard as it is, hides the page's old version
in its shard (its id there joins the ``stale`` list of ``shards.json``) and
indexes the page into the small ``changes`` shard, with the pages that shard
already held: a few hundred pages written at most, never a year of them.

The full build leaves in its QuickState what this needs (QuickSearch): the order
of the shards, the pages of the changes shard and the stale pages of the kept
ones. Which shard holds an edited page, and its id there, come from the
memo of the shards' pages the full build stored (build/search_step.py). When the
changes shard and the stale pages would pass CHANGES_LIMIT, or a shard's record
is missing, the rebuild is not quick: the full build makes the shards with most
changes again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsgen.output.pagefind import SHARDS_FILE, SearchIndexer, shard_entry
from newsgen.output.search_changes import CHANGES_LIMIT, CHANGES_SHARD, IndexedShard


@dataclass(frozen=True, slots=True)
class QuickSearch:
    """The search index as a build left it, as far as a quick rebuild changes it."""

    order: tuple[str, ...]
    """The shards, newest first, as ``shards.json`` lists them."""
    changes: dict[str, str]
    """The pages of the changes shard: the shard each belongs to, by path."""
    dates: dict[str, str]
    """The date (ISO 8601) of each article page of the changes shard, by path."""
    stale: dict[str, tuple[str, ...]]
    """The ids of the pages each kept shard holds in an old version."""
    files: frozenset[str] = field(default_factory=frozenset)
    """The files of the changes shard and ``shards.json`` in the output."""


def search_left(indexer: SearchIndexer | None) -> QuickSearch:
    """Return the QuickSearch of the index ``indexer`` put into a full build's output
    (an empty one when the build had no page to index, so no index)."""
    if indexer is None:
        return QuickSearch((), {}, {}, {})
    changes = dict(indexer.changes)
    return QuickSearch(
        tuple(indexer.order),
        changes,
        {path: indexer.dates[path] for path in changes if path in indexer.dates},
        {shard: tuple(ids) for shard, ids in indexer.stale.items() if ids},
        _index_files(indexer.files),
    )


@dataclass(frozen=True, slots=True)
class QuickIndex:
    """The changes shard a quick rebuild makes: the pages it holds and those it hides."""

    before: QuickSearch
    """The index as the rebuild found it."""
    search: QuickSearch
    """The index once the rebuild is done (but its ``files``: see after())."""
    indexer: SearchIndexer | None = None
    """What makes the changes shard (None: no indexed page changed)."""

    def index(self, tree: Path) -> None:
        """Make the changes shard and ``shards.json`` in ``tree`` (the spare tree, which
        holds the new site). Raises SearchError when it cannot be written, OSError when the
        file system does."""
        if self.indexer is not None:
            search = self.search
            self.indexer.index_changes(tree, search.order, search.changes, search.stale)

    def files(self) -> dict[str, tuple[str, int]]:
        """Return the index files index() made: path -> (key of their shard, inode)."""
        return self.indexer.recorded() if self.indexer is not None else {}

    def after(self) -> QuickSearch:
        """Return the QuickSearch of the output once the rebuild is done."""
        if self.indexer is None:
            return self.search
        return replace(self.search, files=_index_files(self.indexer.files))

    def gone(self) -> frozenset[str]:
        """Return the index files the output had before the rebuild and has no longer."""
        return self.before.files - self.after().files


def index_changes(
    search: QuickSearch,
    written: Mapping[str, str],
    remembered: Mapping[str, IndexedShard],
    output: Path,
    live: Mapping[str, int],
    moved: Mapping[str, str] | None = None,
    added: Mapping[str, str] | None = None,
    language: str = "en",
) -> QuickIndex | None:
    """Return how a quick rebuild that wrote the pages ``written`` (path -> date, ISO
    8601, of the article each shows) updates the index of ``output``, or None when it
    cannot be quick: the changes shard and the stale pages would pass CHANGES_LIMIT,
    the last build's record of a shard's pages (``remembered``) is missing, or a
    shard's entry file is not the one ``live`` (path -> inode) records (a shard
    removed or replaced by hand: the full build makes it again). ``moved`` gives the
    old path of each page written that moved (its old version is hidden, its new
    one goes to the changes shard for the old one's shard); ``added`` gives the shard
    of each page written that is new (an article added). Raises SearchError when
    the shard cannot be written."""
    moved, added = moved or {}, added or {}
    if any(shard not in remembered for shard in search.order):
        return None  # which shard holds a page written cannot be told
    if not _shards_in_place(search.order, output, live):
        return None
    changes, dates = dict(search.changes), dict(search.dates)
    stale = {shard: list(ids) for shard, ids in search.stale.items()}
    edited = False
    for path, date in written.items():
        was = moved.get(path, path)
        if was in changes:  # its shard's version is hidden already
            changes[path] = changes.pop(was)
            dates.pop(was, None)
            dates[path], edited = date, True
            continue
        if path in added:  # a new article's page: no shard holds an old version
            changes[path], dates[path], edited = added[path], date, True
            continue
        found = _indexed_in(was, remembered)
        if found is None:  # not a page the index holds (a feed)
            continue
        shard, page_id = found
        if page_id is not None:
            stale.setdefault(shard, []).append(page_id)
        changes[path], dates[path], edited = shard, date, True
    if not edited:
        return QuickIndex(search, search)
    if len(changes) + sum(len(ids) for ids in stale.values()) > CHANGES_LIMIT:
        return None
    after = QuickSearch(
        search.order,
        changes,
        dates,
        {shard: tuple(sorted(ids)) for shard, ids in stale.items()},
        search.files,
    )
    indexer = SearchIndexer(changes, output, {}, dates=dates, language=language)
    return QuickIndex(search, after, indexer)


def _shards_in_place(order: Iterable[str], output: Path, live: Mapping[str, int]) -> bool:
    """True when the entry file of each shard of ``order`` in ``output`` is the one
    ``live`` records (one lstat a shard: deeper damage, as a fragment file removed, is
    left to the next full build, as a no-change rebuild leaves it)."""
    for shard in order:
        entry = shard_entry(shard)
        try:
            inode = os.lstat(os.path.join(output, entry)).st_ino
        except OSError:
            return False
        if inode != live.get(entry):
            return False
    return True


def _indexed_in(
    path: str, remembered: Mapping[str, IndexedShard]
) -> tuple[str, str | None] | None:
    """Return the shard holding the page at ``path`` and its id there, or None
    when no shard holds it."""
    for shard, indexed in remembered.items():
        page = indexed.pages.get(path)
        if page is not None:
            return shard, page[2]
    return None


def _index_files(files: Iterable[str]) -> frozenset[str]:
    """Return the files of ``files`` a quick rebuild makes again: the changes shard's
    and the list of shards."""
    folder = shard_entry(CHANGES_SHARD).rpartition("/")[0] + "/"
    return frozenset(path for path in files if path == SHARDS_FILE or path.startswith(folder))
