"""A persistent cache of loaded articles in ``.newsgen/cache.sqlite`` beside the content.

An entry maps a key — a hash of the article file's bytes, its path, newsgen's
version and everything else loading depends on (the config, the static and
content files that images may name) — to the pickled result of loading it:
the Article (or None) and the problems found, with the article's rendered
body kept in a column of its own, so that reading every article of an
archive (their headlines, dates, tags) reads none of their bodies. A cached
article costs no YAML parse and no Markdown render. SQLite commits in
transactions, so a build that is interrupted leaves the cache as it was; a
damaged cache file is replaced.

It also remembers the hash of each article file's bytes together with the
file's ``stat`` (size, mtime, inode, ctime), so that an unchanged file need
not be read again to know its hash.

The models are pickled as their class and field values and rebuilt by
calling the class (much faster than dataclasses' generic ``__setstate__``);
cache_format() names that layout, and loading folds it into every key, so
that entries pickled by a newsgen whose models differ are never used.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import MappingProxyType

from . import errors, models
from .collector import collector_paused

CACHE_DIR = ".newsgen"
CACHE_FILE = "cache.sqlite"
_SCHEMA = (
    "DROP TABLE IF EXISTS articles;"  # the layout before bodies had a column of their own
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL, body TEXT);"
    "CREATE TABLE IF NOT EXISTS builds (output TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS memos"
    " (name TEXT PRIMARY KEY, signature TEXT NOT NULL, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS page_keys (output TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS file_digests"
    " (path TEXT PRIMARY KEY, stat TEXT NOT NULL, digest TEXT NOT NULL)"
)
_HELD: dict[tuple[Path | None, str], tuple[str, object]] = {}
"""Memos this process stored or read, by cache file and name, with their signatures."""
FEW_KEYS = 500
"""get_many() looks up at most this many keys one by one; more, in one pass over all rows."""
PREFETCHED = 2_000
"""Bodies read ahead (prefetch_bodies) that may wait for body() at once."""
PAGE_SIZE = 65_536
"""Bytes in a page of a new cache file: an article (pickle and body, ~10 KB) fits in one,
and writing a cold build's 100 MB takes a sixteenth of the system calls of 4 KiB pages."""
_FORMAT = 3
"""How values are pickled; bump it when that changes in a way cache_format() cannot see."""


def read_only(data: dict[object, object]) -> MappingProxyType[object, object]:
    """Return a read-only view of ``data`` (how Article.extra is unpickled)."""
    return MappingProxyType(data)


# Article.extra is a read-only mapping view, which pickle cannot name; pickle it
# as the dict it wraps, rebuilt by read_only().
copyreg.pickle(MappingProxyType, lambda view: (read_only, (dict(view),)))


def _pickled_classes() -> list[type]:
    """The dataclasses that cached values hold: the models and Problem."""
    found = [errors.Problem]
    found += [
        value
        for value in vars(models).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    return found


def _register_by_fields(cls: type) -> tuple[str, ...]:
    """Pickle instances of ``cls`` as ``cls(*field values)``; return the field names."""
    names = tuple(field.name for field in dataclasses.fields(cls))

    def reduce(value: object) -> tuple[type, tuple[object, ...]]:
        return type(value), tuple([getattr(value, name) for name in names])

    copyreg.pickle(cls, reduce)
    return names


_LAYOUT = tuple((cls.__qualname__, _register_by_fields(cls)) for cls in _pickled_classes())


def cache_format() -> str:
    """Return a name for how values are pickled: the format number and every
    pickled class with its fields, in order (so a changed model changes it)."""
    return fingerprint(_FORMAT, _LAYOUT)


def fingerprint(*parts: object) -> str:
    """Return a short hash of ``parts`` (their reprs), for cache keys."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def entry_key(context_fingerprint: str, relative_path: str, content_digest: str) -> str:
    """Return the cache key of one article file (by the hash of its bytes) in a load context."""
    digest = hashlib.sha256(context_fingerprint.encode())
    digest.update(relative_path.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(content_digest.encode())
    return digest.hexdigest()


class CachedBody:
    """An article's rendered body left in the cache until a page or feed shows it.

    A large archive's bodies are most of a build's memory (100,000 articles:
    over a gigabyte as Python text), yet each is read once or twice: by its
    article page and the feeds that carry it. Once the articles are cached,
    the build swaps each body for one of these (load_articles(defer_bodies=)).
    It reads as the text it stands for: ``str()``, ``__html__`` (Jinja's
    ``safe``), ``==``, ``in`` and ``len``; pickled, it is that text.
    """

    __slots__ = ("_cache", "_key")

    def __init__(self, cache: ArticleCache, key: str) -> None:
        self._cache = cache
        self._key = key

    def __str__(self) -> str:
        return self._cache.body(self._key)

    def __html__(self) -> str:
        return str(self)

    @staticmethod
    def prefetch(values: Iterable[object]) -> None:
        """Have the bodies that the CachedBody objects among ``values`` stand for read
        ahead, one query per cache (ArticleCache.prefetch_bodies)."""
        keys: dict[int, tuple[ArticleCache, list[str]]] = {}
        for value in values:
            if isinstance(value, CachedBody):
                keys.setdefault(id(value._cache), (value._cache, []))[1].append(value._key)
        for cache, wanted in keys.values():
            cache.prefetch_bodies(wanted)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str | CachedBody):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)


class ArticleCache:
    """Read and write cached article loads; a disabled cache finds nothing and keeps nothing."""

    def __init__(self, path: Path | None, read_only: bool = False) -> None:
        self.path = path
        self.hits = 0
        if path is None:
            self._db = None
        else:
            self._db = _open_read_only(path) if read_only else _open(path)
        self._present: set[str] | None = None
        """The keys the entries table holds, once read."""
        self._fetched: dict[str, str] = {}
        """Bodies read ahead by prefetch_bodies(), each until body() hands it out."""

    def get_many(self, keys: Sequence[str]) -> dict[str, object]:
        """Return the cached values of those ``keys`` that are in the cache.

        The cache holds the entries of the last build (put_many() forgets the
        others), so all rows are read in one pass and those not wanted are
        skipped; an entry that cannot be unpickled counts as missing.
        """
        if self._db is None or not keys:
            return {}
        wanted = set(keys)
        if len(wanted) <= FEW_KEYS:  # a quick rebuild's few articles: looked up by key
            marks = ", ".join("?" * len(wanted))
            query = f"SELECT key, value FROM entries WHERE key IN ({marks})"
            rows = self._db.execute(query, sorted(wanted)).fetchall()
        else:  # one pass over every row, noting which keys the cache holds
            self._present, rows = set(), []
            for key, value in self._db.execute("SELECT key, value FROM entries"):
                self._present.add(key)
                if key in wanted:
                    rows.append((key, value))
        found: dict[str, object] = {}
        with collector_paused():
            for key, value in rows:
                try:
                    found[key] = pickle.loads(value)
                except Exception:  # written by another newsgen: load the article again
                    continue
        self.hits += len(found)
        return found

    def put_many(
        self,
        items: Iterable[tuple[str, object]],
        keep: Iterable[str] | None = None,
        forget: Iterable[str] = (),
    ) -> None:
        """Store ``items`` and forget the entries of the keys in ``forget`` and, given
        ``keep``, every entry whose key is not in it, in one transaction."""

        def rows() -> Iterator[tuple[str, bytes, None]]:  # one pickle at a time: 100,000
            for key, value in items:  # at once would hold most of a gigabyte
                yield key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), None

        self.put_rows(rows(), keep, forget)

    def put_rows(
        self,
        rows: Iterable[tuple[str, bytes, str | None]],
        keep: Iterable[str] | None = None,
        forget: Iterable[str] = (),
    ) -> None:
        """Like put_many(), for entries already pickled: ``(key, pickled value, body)``,
        where ``body`` is an article's rendered body kept apart from its pickle (read
        by body() and bodies(), never by get_many()), or None."""
        if self._db is None:
            return
        stored: list[str] = []

        def noted() -> Iterator[tuple[str, bytes, str | None]]:
            for row in rows:
                stored.append(row[0])
                yield row

        stale = [(key,) for key in forget]
        if keep is not None:
            kept = set(keep)
            if self._present is None:
                query = "SELECT key FROM entries"
                self._present = {key for (key,) in self._db.execute(query)}
            stale += [(key,) for key in self._present if key not in kept]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", noted())
            self._db.executemany("DELETE FROM entries WHERE key = ?", stale)
        if self._present is not None:
            self._present = (self._present - {key for (key,) in stale}) | set(stored)

    def body(self, key: str) -> str:
        """Return the body stored apart with the entry of ``key`` (see put_rows()).

        Raises NewsgenError when the entry is gone (the cache was deleted
        during the build).
        """
        fetched = self._fetched.pop(key, None)
        if fetched is not None:
            return fetched
        found = self.bodies([key])
        if key not in found:
            raise errors.NewsgenError(
                f"an article body went missing from the cache {self.path} during the build; "
                "build again"
            )
        return found[key]

    def prefetch_bodies(self, keys: Iterable[str]) -> None:
        """Read the bodies of ``keys`` in one query for body() to hand out, each once
        (a body read alone costs a query: a feed or a chunk of pages asks for dozens)."""
        if len(self._fetched) > PREFETCHED:  # read ahead and never asked for: forget them
            self._fetched.clear()
        wanted = [key for key in keys if key not in self._fetched]
        if wanted:
            self._fetched.update(self.bodies(wanted))

    def bodies(self, keys: Sequence[str]) -> dict[str, str]:
        """Return the bodies stored apart with the entries of ``keys``, of those that have one."""
        if self._db is None:
            return {}
        wanted = sorted(set(keys))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), FEW_KEYS):
            batch = wanted[start : start + FEW_KEYS]
            marks = ", ".join("?" * len(batch))
            query = f"SELECT key, body FROM entries WHERE key IN ({marks}) AND body IS NOT NULL"
            found.update(self._db.execute(query, batch))
        return found

    def file_digests(self) -> dict[str, tuple[str, str]]:
        """Return what put_file_digests() recorded: path -> (stat key, hash of the bytes)."""
        if self._db is None:
            return {}
        rows = self._db.execute("SELECT path, stat, digest FROM file_digests")
        return {path: (stat, digest) for path, stat, digest in rows}

    def put_file_digests(self, rows: Sequence[tuple[str, str, str]], forget: Iterable[str]) -> None:
        """Record ``(path, stat key, digest)`` rows and drop the rows of the paths
        in ``forget``, in one transaction (none when there is nothing to do)."""
        forgotten = [(path,) for path in forget]
        if self._db is None or not (rows or forgotten):
            return
        with self._db:
            self._db.executemany("DELETE FROM file_digests WHERE path = ?", forgotten)
            self._db.executemany("INSERT OR REPLACE INTO file_digests VALUES (?, ?, ?)", rows)

    def last_build(self, output: str) -> object | None:
        """Return what put_last_build() stored for the output folder ``output``, or None."""
        if self._db is None:
            return None
        row = self._db.execute("SELECT value FROM builds WHERE output = ?", (output,)).fetchone()
        try:
            return pickle.loads(row[0]) if row else None
        except Exception:
            return None

    def put_last_build(self, output: str, value: object) -> None:
        """Remember ``value`` (the last build's inputs and report) for ``output``."""
        if self._db is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO builds VALUES (?, ?)", (output, data))

    def page_keys(self, output: str) -> dict[str, tuple[str, int]]:
        """Return what put_page_keys() stored for ``output``: path -> (inputs key, inode)."""
        if self._db is None:
            return {}
        query = "SELECT value FROM page_keys WHERE output = ?"
        row = self._db.execute(query, (output,)).fetchone()
        try:
            value = pickle.loads(row[0]) if row else {}
        except Exception:
            return {}
        return value if isinstance(value, dict) else {}

    def put_page_keys(self, output: str, keys: dict[str, tuple[str, int]]) -> None:
        """Remember, for each file of ``output``, the key of its inputs and its inode."""
        if self._db is None:
            return
        data = pickle.dumps(keys, protocol=pickle.HIGHEST_PROTOCOL)
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO page_keys VALUES (?, ?)", (output, data))

    def memo(self, name: str) -> tuple[str, object] | None:
        """Return the signature and value put_memo() last stored under ``name``, or None.

        A value this process read before under the same signature is returned
        as it is, without reading it again (a live preview rebuilds many
        times): callers must not change the values they get.
        """
        if self._db is None:
            return None
        query = "SELECT signature FROM memos WHERE name = ?"
        row = self._db.execute(query, (name,)).fetchone()
        if row is None:
            return None
        held = _HELD.get((self.path, name))
        if held is not None and held[0] == row[0]:
            return held
        query = "SELECT signature, value FROM memos WHERE name = ?"
        row = self._db.execute(query, (name,)).fetchone()
        try:
            found = (row[0], pickle.loads(row[1])) if row else None
        except Exception:
            return None
        if found is not None:
            _HELD[(self.path, name)] = found
        return found

    def put_memo(self, name: str, signature: str, value: object) -> None:
        """Remember ``value`` under ``name``, with the ``signature`` of what it was made from
        (a different signature for a different value: memo() goes by it)."""
        if self._db is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._db:
            query = "INSERT OR REPLACE INTO memos VALUES (?, ?, ?)"
            self._db.execute(query, (name, signature, data))
        _HELD.pop((self.path, name), None)  # held once read back: ``value`` may hold
        # CachedBody objects of this build, whose cache is closed after it

    def forget_memo(self, name: str) -> None:
        """Forget what put_memo() stored under ``name``."""
        if self._db is None:
            return
        _HELD.pop((self.path, name), None)
        with self._db:
            self._db.execute("DELETE FROM memos WHERE name = ?", (name,))

    @property
    def stores(self) -> bool:
        """True when the cache keeps what it is given (it is enabled and could be opened)."""
        return self._db is not None

    def folder(self, name: str) -> Path | None:
        """Return the path of folder ``name`` beside the cache file (for other caches,
        such as compiled templates), or None when the cache is disabled."""
        return self.path.parent / name if self.path is not None and self._db is not None else None

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None


def open_cache(site_root: Path, enabled: bool) -> ArticleCache:
    """Return the site's cache (``SITE_ROOT/.newsgen/cache.sqlite``), or a disabled one."""
    if not enabled:
        return ArticleCache(None)
    folder = site_root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
    except OSError:  # a read-only site still builds, just without a cache
        return ArticleCache(None)
    return ArticleCache(folder / CACHE_FILE)


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    """Open the cache file for reading only (a helper process reading beside a build)."""
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None


def _open(path: Path) -> sqlite3.Connection | None:
    """Open (or create) the cache database; a damaged file is deleted and made anew."""
    for _attempt in range(2):
        try:
            db = sqlite3.connect(path, isolation_level="DEFERRED")
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file's only: kept as made
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            return db
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return None
    return None
