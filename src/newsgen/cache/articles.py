"""A persistent cache of loaded articles in ``.newsgen/cache.sqlite`` beside the content.

An entry maps a key — a hash of the article file's bytes, its path, newsgen's
version and everything else loading depends on (the config, the static and
content files that images may name) — to the pickled result of loading it:
the Article (or None) and the problems found, with the article's rendered
body kept in a column of its own, so that reading every article of an
archive (their headlines, dates, tags) reads none of their bodies. A cached
article costs no YAML parse and no Markdown render. SQLite commits in
transactions, so a build that is interrupted leaves the cache as it was.

It also remembers the hash of each article, static and image file's bytes
together with the file's ``stat`` (size, mtime, inode, ctime), so that an
unchanged file need not be read again to know its hash.

Nothing in the cache can break a build or reach the site unchecked
(cache/file.py, cache/codec.py): a value or body that does not match its
checksum, or does not unpickle to newsgen's data, is a miss (its article is
loaded again, its row forgotten); a damaged file is moved aside and the build
goes on with a new one, also when SQLite reports the damage in mid-build. A
build reports all of it in one warning (warning()).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from newsgen import errors
from newsgen.cache.bodies import BodyUnavailable
from newsgen.cache.codec import dumps, seal, sealed_text
from newsgen.cache.digest_rows import read_digests, write_digests
from newsgen.cache.file import MISSING, CacheDatabase, set_aside
from newsgen.gc_pause import collector_paused

__all__ = [
    "ArticleCache",
    "entry_key",
    "open_cache",
]

CACHE_DIR = ".newsgen"
CACHE_FILE = "cache.sqlite"
ARTICLE_FILES, OTHER_FILES = "file_digests", "asset_digests"
"""The tables of file hashes: article files, and static files and images."""
_HELD: dict[tuple[Path | None, str], tuple[str, object]] = {}
"""Memos this process stored or read, by cache file and name, with their signatures."""
FEW_KEYS = 500
"""get_many() looks up at most this many keys one by one; more, in one pass over all rows."""
PREFETCHED = 2_000
"""Bodies read ahead (prefetch_bodies) that may wait for body() at once."""


SealedRow = tuple[str, bytes, bytes, str | None, bytes | None]
"""An entry as stored: key, pickled value, its checksum, body (or None), its checksum."""


def sealed_row(key: str, value: bytes, body: str | None) -> SealedRow:
    """Return the entry ``(key, pickled value, body)`` with its checksums, as stored."""
    body_check = None if body is None else sealed_text("body", key, body)
    return key, value, seal("entries", key, value), body, body_check


def entry_key(context_fingerprint: str, relative_path: str, content_digest: str) -> str:
    """Return the cache key of one article file (by the hash of its bytes) in a load context."""
    digest = _context_hash(context_fingerprint).copy()  # a build keys 100,000s in one context
    digest.update(f"{relative_path}\0{content_digest}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@functools.lru_cache(maxsize=4)
def _context_hash(context_fingerprint: str) -> hashlib._Hash:
    """SHA-256 fed with ``context_fingerprint``: each key of that context starts from a copy."""
    return hashlib.sha256(context_fingerprint.encode())


class ArticleCache:
    """Read and write cached article loads; a disabled cache finds nothing and keeps nothing.

    Whatever goes wrong with the file is noted (see warning()), never raised:
    reads then find nothing, writes keep nothing, and only a body already
    handed out as a CachedBody is read again from its article file (reload).
    """

    def __init__(self, path: Path | None, read_only: bool = False) -> None:
        self.path = path
        self.hits = 0
        """Entries get_many() found that this process did not store itself."""
        self._stored_here: set[str] = set()
        self.read_only = read_only
        self.reload: Callable[[str], str | None] | None = None
        """Given an entry's key, loads its article file again and returns its body (None
        when it cannot): how body() answers when the cache cannot."""
        self._unfit_folders: dict[str, list[str]] = {}
        """Folders of file_digests() rows that did not match, by table: dropped on the next put."""
        self._reloaded: dict[str, str] = {}
        self._present: set[str] | None = None
        """The keys the entries table holds, once read."""
        self._fetched: dict[str, str] = {}
        """Bodies read ahead by prefetch_bodies(), each until body() hands it out."""
        self._file = CacheDatabase(path, read_only, self._forget_reads)

    def _forget_reads(self) -> None:
        """Forget what was read of a file that is no longer used (a damaged one)."""
        self._present, self._fetched = None, {}

    def note(self, shown: str, what: str) -> None:
        """Record that ``shown`` (a path in ``.newsgen/``) was damaged: ``what`` was done."""
        self._file.note(shown, what)

    def warning(self) -> errors.Problem | None:
        """Return the one warning that says what was wrong with the cache during this
        build and what was done about it, or None when nothing was."""
        return self._file.warning()

    def reject(self, key: str) -> None:
        """Count the entry of ``key`` as one that does not hold what was stored for it
        (its article is loaded again and stored over it)."""
        self._file.unfit("entries", key)

    def get_many(self, keys: Sequence[str]) -> dict[str, object]:
        """Return the cached values of those ``keys`` that are in the cache.

        The cache holds the entries of the last build (put_many() forgets the
        others), so all rows are read in one pass and those not wanted are
        skipped; an entry that does not match its checksum or cannot be
        unpickled counts as missing.
        """
        if not self._file.stores or not keys:
            return {}
        rows = self._file.query(lambda db: self._entry_rows(db, set(keys)), [])
        found: dict[str, object] = {}
        with collector_paused():
            for key, value, check in rows:
                loaded = self._file.checked("entries", key, value, check)
                if loaded is not MISSING:
                    found[key] = loaded
        self.hits += sum(1 for key in found if key not in self._stored_here)
        return found

    def _entry_rows(self, db: sqlite3.Connection, wanted: set[str]) -> list[tuple[str, ...]]:
        """Return the rows (key, value, checksum) of the ``wanted`` keys."""
        if len(wanted) <= FEW_KEYS:  # a quick rebuild's few articles: looked up by key
            marks = ", ".join("?" * len(wanted))
            query = f"SELECT key, value, value_check FROM entries WHERE key IN ({marks})"
            return db.execute(query, sorted(wanted)).fetchall()
        self._present, rows = set(), []  # one pass over every row, noting the keys held
        for key, value, check in db.execute("SELECT key, value, value_check FROM entries"):
            self._present.add(key)
            if key in wanted:
                rows.append((key, value, check))
        return rows

    def put_many(
        self,
        items: Iterable[tuple[str, object]],
        keep: Iterable[str] | None = None,
        forget: Iterable[str] = (),
    ) -> None:
        """Store ``items`` and forget the entries of the keys in ``forget`` and, given
        ``keep``, every entry whose key is not in it, in one transaction."""
        rows = ((key, dumps(value), None) for key, value in items)  # one pickle at a time
        self.put_rows(rows, keep, forget)

    def put_rows(
        self,
        rows: Iterable[tuple[str, bytes, str | None]],
        keep: Iterable[str] | None = None,
        forget: Iterable[str] = (),
    ) -> None:
        """Like put_many(), for entries already pickled: ``(key, pickled value, body)``,
        where ``body`` is an article's rendered body kept apart from its pickle (read
        by body() and bodies(), never by get_many()), or None."""
        self.put_sealed((sealed_row(*row) for row in rows), keep, forget)

    def put_sealed(
        self,
        rows: Iterable[SealedRow],
        keep: Iterable[str] | None = None,
        forget: Iterable[str] = (),
    ) -> None:
        """Like put_rows(), for rows made by sealed_row() (by a worker process)."""
        stored: list[str] = []

        def noted() -> Iterator[SealedRow]:
            for row in rows:
                stored.append(row[0])
                self._stored_here.add(row[0])
                yield row

        def put(db: sqlite3.Connection) -> None:
            stale = [(key,) for key in forget]
            if keep is not None:
                kept = set(keep)
                if self._present is None:
                    self._present = {key for (key,) in db.execute("SELECT key FROM entries")}
                stale += [(key,) for key in self._present if key not in kept]
            with db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", noted())
                db.executemany("DELETE FROM entries WHERE key = ?", stale)
            if self._present is not None:
                self._present = (self._present - {key for (key,) in stale}) | set(stored)

        self._file.query(put, None)

    def body(self, key: str) -> str:
        """Return the body stored apart with the entry of ``key`` (see put_rows()); when
        the cache cannot give it (gone, damaged), the body reload() makes again.

        Raises BodyUnavailable when neither can.
        """
        fetched = self._fetched.pop(key, None)
        if fetched is not None:
            return fetched
        found = self.bodies([key])
        if key in found:
            return found[key]
        if key not in self._reloaded:
            text = self.reload(key) if self.reload is not None else None
            if text is None:
                raise BodyUnavailable(
                    f"an article body went missing from the cache {self.path} during the "
                    "build; build again"
                )
            self._reloaded[key] = text
        return self._reloaded[key]

    def prefetch_bodies(self, keys: Iterable[str]) -> None:
        """Read the bodies of ``keys`` in one query for body() to hand out, each once
        (a body read alone costs a query: a feed or a chunk of pages asks for dozens)."""
        if len(self._fetched) > PREFETCHED:  # read ahead and never asked for: forget them
            self._fetched.clear()
        wanted = [key for key in keys if key not in self._fetched]
        if wanted:
            self._fetched.update(self.bodies(wanted))

    def bodies(self, keys: Sequence[str]) -> dict[str, str]:
        """Return the bodies stored apart with the entries of ``keys``, of those that have
        one that matches its checksum (an entry whose body does not is forgotten)."""
        wanted = sorted(set(keys))

        def read(db: sqlite3.Connection) -> list[tuple[str, object, object]]:
            rows = []
            for start in range(0, len(wanted), FEW_KEYS):
                batch = wanted[start : start + FEW_KEYS]
                marks = ", ".join("?" * len(batch))
                query = f"SELECT key, body, body_check FROM entries WHERE key IN ({marks})"
                rows += db.execute(f"{query} AND body IS NOT NULL", batch).fetchall()
            return rows

        found: dict[str, str] = {}
        for key, body, check in self._file.query(read, []):
            if isinstance(body, str) and check == sealed_text("body", key, body):
                found[key] = body
            elif not self.read_only:  # a reader leaves it to the build to say so
                self._file.unfit("body", key)
                self.put_rows((), forget=[key])
        return found

    def file_digests(self, table: str = ARTICLE_FILES) -> dict[str, tuple[str, str]]:
        """Return what put_file_digests() recorded in ``table``: path -> (stat key, hash of
        the bytes); the rows of folders that do not match their checksums are left out
        (and dropped by the next put_file_digests())."""
        found, unfit = read_digests(self._file, _digest_table(table))
        self._unfit_folders.setdefault(table, []).extend(unfit)
        return found

    def put_file_digests(
        self,
        rows: Sequence[tuple[str, str, str]],
        forget: Iterable[str],
        table: str = ARTICLE_FILES,
    ) -> None:
        """Record ``(path, stat key, digest)`` rows in ``table`` and drop the rows of the
        paths in ``forget``, in one transaction (none when there is nothing to do)."""
        unfit = self._unfit_folders.pop(table, [])
        write_digests(self._file, _digest_table(table), rows, forget, unfit)

    def last_build(self, output: str) -> object | None:
        """Return what put_last_build() stored for the output folder ``output``, or None."""
        query = "SELECT value, checksum FROM builds WHERE output = ?"
        row = self._file.query(lambda db: db.execute(query, (output,)).fetchone(), None)
        found = self._file.checked("builds", output, *row) if row else None
        return None if found is MISSING else found

    def put_last_build(self, output: str, value: object) -> None:
        """Remember ``value`` (the last build's inputs and report) for ``output``."""
        self._put("builds", output, value)

    def page_keys(self, output: str) -> dict[str, tuple[str, int]]:
        """Return what put_page_keys() stored for ``output``: path -> (inputs key, inode)."""
        query = "SELECT value, checksum FROM page_keys WHERE output = ?"
        row = self._file.query(lambda db: db.execute(query, (output,)).fetchone(), None)
        value = self._file.checked("page_keys", output, *row) if row else {}
        return value if isinstance(value, dict) else {}

    def put_page_keys(self, output: str, keys: dict[str, tuple[str, int]]) -> None:
        """Remember, for each file of ``output``, the key of its inputs and its inode."""
        self._put("page_keys", output, keys)

    def _put(self, table: str, name: str, value: object) -> None:
        """Store ``value`` as ``name`` in ``table`` (builds or page_keys)."""
        if not self._file.stores:
            return
        data = dumps(value)
        query = f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)"
        self._file.query(lambda db: _commit(db, query, (name, data, seal(table, name, data))), None)

    def memo(self, name: str) -> tuple[str, object] | None:
        """Return the signature and value put_memo() last stored under ``name``, or None.

        A value this process read before under the same signature is returned
        as it is, without reading it again (a live preview rebuilds many
        times): callers must not change the values they get.
        """
        query = "SELECT signature FROM memos WHERE name = ?"
        row = self._file.query(lambda db: db.execute(query, (name,)).fetchone(), None)
        if row is None:
            return None
        held = _HELD.get((self.path, name))
        if held is not None and held[0] == row[0]:
            return held
        query = "SELECT signature, value, checksum FROM memos WHERE name = ?"
        row = self._file.query(lambda db: db.execute(query, (name,)).fetchone(), None)
        if row is None:
            return None
        value = self._file.checked("memos", f"{name}\0{row[0]}", row[1], row[2])
        if value is MISSING:
            return None
        found = _HELD[(self.path, name)] = (row[0], value)
        return found

    def put_memo(self, name: str, signature: str, value: object) -> None:
        """Remember ``value`` under ``name``, with the ``signature`` of what it was made from
        (a different signature for a different value: memo() goes by it)."""
        if not self._file.stores:
            return
        data = dumps(value)
        check = seal("memos", f"{name}\0{signature}", data)
        query = "INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?)"
        self._file.query(lambda db: _commit(db, query, (name, signature, data, check)), None)
        _HELD.pop((self.path, name), None)  # held once read back: ``value`` may hold
        # CachedBody objects of this build, whose cache is closed after it

    def forget_memo(self, name: str) -> None:
        """Forget what put_memo() stored under ``name``."""
        _HELD.pop((self.path, name), None)
        query = "DELETE FROM memos WHERE name = ?"
        self._file.query(lambda db: _commit(db, query, (name,)), None)

    @property
    def stores(self) -> bool:
        """True when the cache keeps what it is given (it is enabled and could be opened)."""
        return self._file.stores

    def folder(self, name: str) -> Path | None:
        """Return the path of folder ``name`` beside the cache file (for other caches,
        such as compiled templates), or None when the cache is disabled."""
        return self.path.parent / name if self.path is not None and self.stores else None

    def close(self) -> None:
        """Close the database."""
        self._file.close()


def _commit(db: sqlite3.Connection, query: str, values: tuple[object, ...]) -> None:
    with db:
        db.execute(query, values)


def _digest_table(table: str) -> str:
    if table not in (ARTICLE_FILES, OTHER_FILES):
        raise ValueError(f"no table of file hashes named {table!r}")
    return table


def open_cache(site_root: Path, enabled: bool) -> ArticleCache:
    """Return the site's cache (``SITE_ROOT/.newsgen/cache.sqlite``), or a disabled one.

    When something else has the name ``.newsgen`` (a file), it is moved aside
    first (noted in the cache's warning()); a site whose ``.newsgen`` folder
    cannot be made (read-only) builds without a cache.
    """
    if not enabled:
        return ArticleCache(None)
    folder = site_root / CACHE_DIR
    note = None
    if os.path.lexists(folder) and not folder.is_dir():  # a file, a broken link
        try:
            note = (CACHE_DIR, f"is not a folder; moved aside to {set_aside(folder).name}")
        except OSError as error:
            cache = ArticleCache(None)
            cache.note(CACHE_DIR, f"is not a folder ({error.strerror}); built without the cache")
            return cache
    try:
        folder.mkdir(exist_ok=True)
    except OSError:  # a read-only site still builds, just without a cache
        return ArticleCache(None)
    cache = ArticleCache(folder / CACHE_FILE)
    if note is not None:
        cache.note(*note)
    return cache
