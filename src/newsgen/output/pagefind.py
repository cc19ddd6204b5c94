"""The search index: newsgen's own, written into the new site before it is swapped in,
in shards (the folder keeps the name ``pagefind/`` of the Pagefind index it replaced,
which deployments and links know).

It holds what the elements templates mark ``data-pagefind-body`` hold (the article
element of ``article.html``; every page whole when no template marks one), read
from the rendered pages (search/extract.py) and written by search/shard.py.

The index is made in shards, one per year of the articles (or per quarter of a
large year, and one, ``pages``, for indexed pages that are no article's): each
shard is written from that year's pages alone, into ``pagefind/YEAR/``, and
``pagefind/shards.json`` lists the shards, newest first; the search page
(static/js/search-engine.js) asks every shard and ranks their pages as one index
over them would. A shard takes about 0.8 ms a page to write, so shards let a
build write only where pages changed: a shard is reused when every one of its
pages is the very file the live output holds (kept, or byte-identical and so
linked by the writer): its key hashes its pages' paths, inodes and times and the
index's format, the build records it with the inode of every index file (beside
the page keys), and the next build links those files into its tree instead of
writing them again. When only a few pages of a shard changed, the shard is kept
all the same and those pages go to the small ``changes`` shard
(output/search_changes.py), so that a publish indexes a handful of pages, not a
year of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import jinja2

from newsgen.content.load import default_jobs
from newsgen.errors import NewsgenError
from newsgen.output.directory import OutputError
from newsgen.output.index_files import files_below, link_files, remove
from newsgen.output.search_changes import (
    CHANGES_SHARD,
    IndexedShard,
    ShardChanges,
    changes_to_take,
    page_identity,
    shard_changes,
)
from newsgen.output.staging import Tree
from newsgen.render.keys import template_sources
from newsgen.search.shard import FORMAT
from newsgen.search.write import META_NAME, write_shards

INDEX_DIR = "pagefind"
"""The folder of the index in the output (served under the site's base path)."""
SHARDS_FILE = f"{INDEX_DIR}/shards.json"
"""The list of the index's shards, newest first, that the search page reads first."""
ENTRY_NAME = META_NAME
"""The file the search page reads first of a shard; every complete shard has one."""
OTHER_SHARD = "pages"
"""The shard of indexed pages that belong to no article (static HTML pages, or every
page when no template marks what is indexed)."""
BODY_MARK = "data-pagefind-body"
"""The attribute that marks what is indexed (Pagefind's name, which themes know)."""


class SearchError(NewsgenError):
    """The index could not be written; the output is unchanged."""


def indexed_templates(env: jinja2.Environment, names: Iterable[str]) -> frozenset[str]:
    """Return which of the templates ``names`` render pages the index holds: those
    marking ``data-pagefind-body`` (in their text or a template they use), or all of
    them when none does (every page is then indexed)."""
    names = set(names)
    marked = frozenset(
        name for name in names if any(BODY_MARK in source for source in template_sources(env, name))
    )
    return marked or frozenset(names)


def shard_entry(shard: str) -> str:
    """Return the path of ``shard``'s entry file in the output."""
    return f"{INDEX_DIR}/{shard}/{ENTRY_NAME}"


def shard_order(shards: Iterable[str]) -> list[str]:
    """Return ``shards`` newest first: years (and quarters of years, ``2024-q3``) from
    the latest, then the others by name."""
    names = set(shards)
    dated = {name: _SHARD_DATE.fullmatch(name) for name in names}
    times = {name: (int(m[1]), int(m[2] or 5)) for name, m in dated.items() if m}
    return sorted(times, key=times.__getitem__, reverse=True) + sorted(names - set(times))


_Linker = Callable[[Iterable[str]], "dict[str, int] | None"]
"""Links the live output's files at the paths given into the new tree; returns their
inodes, or None when one is not the file recorded."""
_SHARD_DATE = re.compile(r"(\d+)(?:-q([1-4]))?")


def index_key(tree: Path, pages: Iterable[str]) -> str:
    """Return the key of the index of ``pages`` (paths of the indexed files in
    ``tree``).

    It hashes each page's path, inode and modification time, so that it equals the
    key the last build recorded exactly when every page of the new tree is the very
    file the live output has (kept or linked as byte-identical: two files that both
    exist never share an inode, and a new file given the inode of one removed since
    has another time), and the index's format (FORMAT of search/shard.py).
    """
    digest = hashlib.sha256(f"newsgen-index {FORMAT}\0".encode())
    base = os.path.join(tree, "")
    for path in sorted(pages):
        try:
            info = os.lstat(base + path)
            identity = f"{info.st_ino}\0{info.st_mtime_ns}"
        except OSError:
            identity = "missing"
        digest.update(f"{path}\0{identity}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def reusable_index(
    previous: Mapping[str, tuple[str, int]], key: str | None, output: Path, shard: str
) -> list[str] | None:
    """Return the files of ``shard`` that ``output`` holds, if the last build recorded
    them in ``previous`` (path -> (key, inode)) with ``key`` (None: with any key)
    and every one is still there, the same file; else None."""
    folder = f"{INDEX_DIR}/{shard}/"
    recorded = {path: entry for path, entry in previous.items() if path.startswith(folder)}
    if shard_entry(shard) not in recorded:
        return None
    if key is not None and any(entry[0] != key for entry in recorded.values()):
        return None
    for path, (_, inode) in recorded.items():
        try:
            info = os.lstat(os.path.join(output, path))
        except OSError:
            return None
        if info.st_ino != inode or not stat.S_ISREG(info.st_mode):
            return None
    return sorted(recorded)


class SearchIndexer:
    """The writer's ``place`` and ``finish`` steps: puts the search index into the
    new tree.

    place() decides, shard by shard, which are kept: a shard made from the very
    same pages (see index_key()), or one whose few changed pages go to the changes
    shard (output/search_changes.py); it links those in from the live output
    through the writer's tree. Called with the tree's folder once the tree holds
    the new site, it writes the other shards (and the changes shard)
    and writes ``pagefind/shards.json``. Called without place() first (as the
    tests do), it decides and links itself. Only new files are made, never
    written into.
    """

    def __init__(
        self,
        pages: Mapping[str, str],
        output: Path,
        previous: Mapping[str, tuple[str, int]],
        progress: Callable[[str, int, int], None] | None = None,
        refresh: bool = True,
        dates: Mapping[str, str] | None = None,
        indexed: Mapping[str, IndexedShard] | None = None,
        language: str = "en",
    ) -> None:
        """Index ``pages`` (paths of the indexed files -> the shard each belongs to)
        for a build into ``output``, whose last build recorded ``previous`` (path ->
        (key, inode)) and ``indexed`` (what it knew of each shard's pages, see
        output/search_changes.py). ``dates`` gives the date of each article page
        (ISO 8601), which the search page sorts by. With ``refresh`` False, the live
        output's shards are kept whatever they were made from, when it has them (the
        live preview). ``language`` (the site's) stems the words."""
        self.shards: dict[str, list[str]] = {}
        for path, shard in pages.items():
            self.shards.setdefault(shard, []).append(path)
        self.refresh = refresh
        self.output = output
        self.previous = previous
        self.progress = progress
        self.dates = dates or {}
        self.indexed_before = indexed or {}
        self.language = language
        self.jobs = default_jobs()
        self.keys: dict[str, str] = {}
        """The key of each shard in the tree (index_key()), once called."""
        self.files: dict[str, int] = {}
        """Every file of the index in the tree, by path relative to it: its inode."""
        self.reused: set[str] = set()
        """The shards linked in from the live output, not made again."""
        self.indexed: dict[str, IndexedShard] = {}
        """What is known of each shard in the tree, to remember for the next build."""
        self.stale: dict[str, list[str]] = {}
        """The ids of the pages each kept shard holds in an old version."""
        self.changes: dict[str, str] = {}
        """The pages of the changes shard: the shard each belongs to, by path."""
        self._planned: tuple[list[str], list[str]] | None = None
        """The shards newest first and those to write, once decided."""
        self._link: _Linker = lambda paths: None
        self._by_shard: dict[str, dict[str, tuple[str, int]]] = {}
        for path, entry in previous.items():
            if path.startswith(f"{INDEX_DIR}/"):
                shard = path[len(INDEX_DIR) + 1 :].partition("/")[0]
                self._by_shard.setdefault(shard, {})[path] = entry

    def _of_shard(self, shard: str) -> Mapping[str, tuple[str, int]]:
        """Return what the last build recorded of ``shard``'s files (path -> (key, inode))."""
        return self._by_shard.get(shard, {})

    @property
    def all_reused(self) -> bool:
        """True when every shard was linked in from the live output."""
        return self.reused == set(self.shards)

    def reused_files(self) -> int:
        """Return how many files of the index were linked in from the live output."""
        live = self.previous.get(SHARDS_FILE)
        listing = int(live is not None and self.files.get(SHARDS_FILE) == live[1])
        folders = tuple(f"{INDEX_DIR}/{shard}/" for shard in self.reused)
        return listing + (
            sum(1 for path in self.files if path.startswith(folders)) if folders else 0
        )

    def place(self, tree: Tree) -> None:
        """Link the shards that are kept into ``tree`` through it, before the writer
        clears it of what the new site lacks: a file the spare tree already holds is
        left as it is, so a kept shard costs nothing. Raises OutputError when a live
        file it links vanished since it was checked (the output changed during the
        build), OSError when the file system fails."""
        self._plan(Path(tree.root).absolute(), functools.partial(self._link_in_tree, tree))

    def __call__(self, tree: Path) -> None:
        """Put the index of the site in ``tree`` into ``tree/pagefind/``: the shards
        place() kept, or (when it was not called) linked in now, and the others made
        anew. Raises SearchError when a shard cannot be written, OSError when the file
        system does."""
        tree = tree.absolute()
        if self._planned is None:
            remove(tree / INDEX_DIR)
            link = functools.partial(link_files, source=self.output, tree=tree)
            self._plan(tree, lambda paths: link(paths, expected=self.previous))
        assert self._planned is not None
        order, pending = self._planned
        for shard in pending:  # nothing of a shard written anew may be there
            remove(tree / INDEX_DIR / shard)
        if pending:
            self._index_shards(tree, pending)
        self._list_shards(tree, self._listing(order))

    @property
    def order(self) -> list[str]:
        """The shards of the index but the changes shard, newest first."""
        if self._planned is not None:
            return self._planned[0]
        return shard_order(set(self.shards) - {CHANGES_SHARD})

    def index_changes(
        self,
        tree: Path,
        order: Iterable[str],
        changes: Mapping[str, str],
        stale: Mapping[str, Iterable[str]],
    ) -> None:
        """Make the changes shard of the pages ``changes`` (path -> their shard) in
        ``tree`` and list it in ``shards.json`` with the shards ``order`` and the
        ``stale`` pages, every other shard of ``tree`` kept as it is (a quick rebuild,
        build/quick_search.py). Raises SearchError when it cannot be written, OSError when
        the file system does."""
        tree = tree.absolute()
        self.changes = dict(changes)
        self.stale = {shard: list(ids) for shard, ids in stale.items()}
        self.shards[CHANGES_SHARD] = sorted(self.changes)
        self.keys[CHANGES_SHARD] = index_key(tree, self.shards[CHANGES_SHARD])
        self._planned = (list(order), [CHANGES_SHARD])
        remove(tree / SHARDS_FILE)  # a link to the live output's: never written into
        self(tree)

    def _plan(self, tree: Path, link: _Linker) -> None:
        """Decide which shards are kept (linked in with ``link``), which pages go to
        the changes shard, and which shards are written anew."""
        self._link = link
        order = shard_order(self.shards)
        pending = [shard for shard in order if not self._link_shard(tree, shard)]
        if not self.refresh and not pending and self._keep_live_changes():
            pass  # the preview: every shard kept as it is, the changes shard with them
        elif pending or self.refresh:
            pending = self._keep_with_changes(tree, pending)
        if self.changes:
            self.shards[CHANGES_SHARD] = sorted(self.changes)
            if not self._link_shard(tree, CHANGES_SHARD):
                pending.append(CHANGES_SHARD)
        self._planned = (order, pending)

    def _link_in_tree(self, tree: Tree, paths: Iterable[str]) -> dict[str, int]:
        """Link the live output's ``paths`` into ``tree``; return their inodes."""
        linked = {}
        for path in paths:
            inode = self.previous[path][1]
            try:
                tree.link(path, os.path.join(self.output, path), inode)
            except FileNotFoundError:
                raise OutputError(
                    f"{path} of the search index should be kept from the last build, but the "
                    "output folder has no such file (was it changed during the build?); "
                    "build again"
                ) from None
            linked[path] = inode
        return linked

    def _listing(self, order: list[str]) -> bytes:
        """Return ``pagefind/shards.json``: the shards newest first, the changes shard
        when there is one, and the stale pages of the shards kept when there are any
        (sorted: a quick rebuild lists them as the full build after it does)."""
        listing: dict[str, object] = {"shards": order}
        if self.changes or CHANGES_SHARD in self.reused:
            listing["changes"] = CHANGES_SHARD
        stale = {shard: sorted(ids) for shard, ids in sorted(self.stale.items()) if ids}
        if stale:
            listing["stale"] = stale
        return (json.dumps(listing) + "\n").encode()

    def _keep_with_changes(self, tree: Path, pending: list[str]) -> list[str]:
        """Keep, of the ``pending`` shards, those whose changed pages the changes shard
        can hold (see output/search_changes.py); return the shards to make again."""
        candidates: dict[str, ShardChanges] = {}
        for shard in pending:
            indexed = self._indexed_live(shard)
            if indexed is not None:
                candidates[shard] = shard_changes(indexed, tree, self.shards[shard])
        for shard in changes_to_take(candidates):
            indexed = self.indexed_before[shard]
            kept = reusable_index(self._of_shard(shard), indexed.key, self.output, shard)
            linked = kept and self._link(kept)
            if not linked:
                continue
            self.files.update(linked)
            self.reused.add(shard)
            self.keys[shard], self.indexed[shard] = indexed.key, indexed
            self.stale[shard] = candidates[shard].stale
            self.changes.update((path, shard) for path in candidates[shard].changed)
        return [shard for shard in pending if shard not in self.reused]

    def _keep_live_changes(self) -> bool:
        """Link the live output's changes shard in, with the stale pages its listing
        names, as they are (the preview keeps the index it has); True when there was
        none, or it was linked; False when it could not be."""
        kept = reusable_index(self._of_shard(CHANGES_SHARD), None, self.output, CHANGES_SHARD)
        if kept is None:
            return CHANGES_SHARD not in self._by_shard
        try:
            stale = json.loads((self.output / SHARDS_FILE).read_bytes()).get("stale", {})
        except (OSError, ValueError, AttributeError):
            return False
        if not isinstance(stale, dict):
            return False
        linked = self._link(kept)
        if linked is None:
            return False
        self.files.update(linked)
        self.reused.add(CHANGES_SHARD)
        self.keys[CHANGES_SHARD] = self.previous[shard_entry(CHANGES_SHARD)][0]
        self.stale = {shard: list(ids) for shard, ids in stale.items() if shard in self.shards}
        return True

    def _indexed_live(self, shard: str) -> IndexedShard | None:
        """Return what the last build recorded of ``shard``'s pages, if the live
        output's shard is the one it recorded."""
        indexed = self.indexed_before.get(shard)
        entry = self.previous.get(shard_entry(shard))
        return indexed if indexed is not None and entry and entry[0] == indexed.key else None

    def _list_shards(self, tree: Path, text: bytes) -> None:
        """Write ``pagefind/shards.json``, or link the live one in when it says the same."""
        live, listing = self.output / SHARDS_FILE, tree / SHARDS_FILE
        recorded = self.previous.get(SHARDS_FILE)
        try:
            same = recorded is not None and live.read_bytes() == text
            if same and os.lstat(live).st_ino == recorded[1]:  # type: ignore[index]
                os.link(live, listing, follow_symlinks=False)
                self.files[SHARDS_FILE] = recorded[1]  # type: ignore[index]
                return
        except OSError:
            pass
        listing.write_bytes(text)
        self.files[SHARDS_FILE] = listing.stat().st_ino

    def recorded(self) -> dict[str, tuple[str, int]]:
        """Return what a build remembers of the index it wrote, beside the page keys:
        path -> (its shard's key, inode) of every index file."""
        return {path: (self._key_of(path), inode) for path, inode in self.files.items()}

    def _key_of(self, path: str) -> str:
        shard = path.removeprefix(f"{INDEX_DIR}/").partition("/")[0]
        return self.keys.get(shard, "")

    def _link_shard(self, tree: Path, shard: str) -> bool:
        """Link ``shard`` in from the live output when it can be reused; True when it was."""
        key = self.keys[shard] = index_key(tree, self.shards[shard])
        kept = reusable_index(self._of_shard(shard), key, self.output, shard)
        if kept is None and not self.refresh:
            kept = reusable_index(self._of_shard(shard), None, self.output, shard)
            if kept is not None:  # stale: remembered under the key it was made with
                self.keys[shard] = self.previous[shard_entry(shard)][0]
        if kept is None:
            return False
        linked = self._link(kept)
        if linked is None:  # the output changed meanwhile: index anew
            self.keys[shard] = key
            return False
        self.files.update(linked)
        self.reused.add(shard)
        indexed = self._indexed_live(shard)
        if indexed is not None and shard != CHANGES_SHARD:
            self.indexed[shard] = indexed
        return True

    def _index_shards(self, tree: Path, pending: list[str]) -> None:
        """Write each of the ``pending`` shards from its pages in ``tree``, several at
        once on several cores (search/write.py), and record which id each gives its
        pages."""
        progress = self.progress
        if progress is not None:
            progress("indexing", 0, len(pending))
        folders = {shard: tree / INDEX_DIR / shard for shard in pending}
        shards = {shard: self.shards[shard] for shard in pending}
        try:
            written = write_shards(tree, shards, folders, self.language, self.jobs)
        except OSError as error:
            raise SearchError(
                f"search: cannot write the index: {error}; the previous output is unchanged"
            ) from None
        for shard, ids in written.items():
            indexed = _indexed(self.keys[shard], tree, ids)
            if indexed is not None and shard != CHANGES_SHARD:
                self.indexed[shard] = indexed
            self.files.update(files_below(tree, f"{INDEX_DIR}/{shard}"))
        if progress is not None:
            progress("indexing", len(pending), len(pending))


def _indexed(key: str, tree: Path, ids: Mapping[str, str | None]) -> IndexedShard | None:
    """Return the record of a shard just written with the page ``ids`` (path -> id),
    or None when a page is gone meanwhile."""
    recorded: dict[str, tuple[int, int, str | None]] = {}
    for path, page_id in ids.items():
        identity = page_identity(tree, path)
        if identity is None:
            return None
        recorded[path] = (*identity, page_id)
    return IndexedShard(key, recorded)
