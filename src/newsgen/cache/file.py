"""The cache's SQLite file: opened only when it is whole and newsgen's own, else moved aside.

A cache file is used when it is a regular file (so are its ``-wal`` and
``-shm`` companions, when present) that SQLite can read, holding exactly the
tables SCHEMA makes and the cache format of this newsgen. Anything else —
bytes SQLite calls malformed or not a database, a folder or a pipe where the
file should be, tables of another program or of another newsgen version, a
file that cannot be read — is damage: the file is renamed to
``cache.sqlite.damaged-TIME`` (UTC, to the microsecond; with its companions;
only the newest KEEP_DAMAGED are kept) and a new, empty cache is made in its
place. SQLite's own errors that say nothing about the file (busy, locked,
disk full) are not damage: the build then goes on without the cache and
leaves the file alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from newsgen import errors
from newsgen.cache.codec import cache_format, loads, seal

PAGE_SIZE = 65_536
"""Bytes in a page of a new cache file: an article (pickle and body, ~10 KB) fits in one,
and writing a cold build's 100 MB takes a sixteenth of the system calls of 4 KiB pages."""
SCHEMA = (
    "CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " value_check BLOB NOT NULL, body TEXT, body_check BLOB)",
    "CREATE TABLE builds (output TEXT PRIMARY KEY, value BLOB NOT NULL, checksum BLOB NOT NULL)",
    "CREATE TABLE memos (name TEXT PRIMARY KEY, signature TEXT NOT NULL, value BLOB NOT NULL,"
    " checksum BLOB NOT NULL)",
    "CREATE TABLE page_keys (output TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " checksum BLOB NOT NULL)",
    "CREATE TABLE file_digests (folder TEXT PRIMARY KEY, records BLOB NOT NULL,"
    " checksum BLOB NOT NULL)",
    "CREATE TABLE asset_digests (folder TEXT PRIMARY KEY, records BLOB NOT NULL,"
    " checksum BLOB NOT NULL)",
    "CREATE TABLE about (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
KEEP_DAMAGED = 3
"""Damaged cache files kept aside (the newest); older ones are deleted."""
COMPANIONS = ("-wal", "-shm")
_NOT_DAMAGE = frozenset(
    {
        5,  # SQLITE_BUSY
        6,  # SQLITE_LOCKED
        7,  # SQLITE_NOMEM
        9,  # SQLITE_INTERRUPT
        13,  # SQLITE_FULL
    }
)
"""SQLite's primary result codes that say nothing about the file's bytes."""
MISSING = object()
"""What CacheDatabase.checked() returns for a value it cannot give."""
_T = TypeVar("_T")


class CacheTrouble(Exception):
    """The cache file cannot be used; ``damaged`` when that is because of what it holds.
    ``reason`` says why, to follow the file's name (``is damaged (SQLite: ...)``)."""

    def __init__(self, reason: str, damaged: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.damaged = damaged


def trouble(error: Exception) -> CacheTrouble:
    """Return what an error raised by SQLite (or the OS) while using the cache means."""
    if isinstance(error, OSError):
        return CacheTrouble(f"cannot be read: {error.strerror or error}")
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _NOT_DAMAGE:
        return CacheTrouble(f"cannot be used now (SQLite: {error})", damaged=False)
    return CacheTrouble(f"is damaged (SQLite: {error})")


class CacheDatabase:
    """The cache file, open, with what went wrong with it during a build.

    Every use goes through query(): an SQLite error there (the file damaged
    while a build reads it) closes the file, moves it aside and goes on with
    a new one, like damage found when it is opened; ``forget_reads`` is told
    then. Rows that do not match their checksums are counted (unfit()).
    """

    def __init__(
        self, path: Path | None, read_only: bool, forget_reads: Callable[[], None]
    ) -> None:
        self.path = path
        self.read_only = read_only
        self._forget_reads = forget_reads
        self._notes: list[tuple[str, str]] = []
        self._unfit: set[tuple[str, str]] = set()
        """The rows (table, name) that did not match their checksums or did not unpickle."""
        self._db: sqlite3.Connection | None = None
        if path is not None:
            try:
                self._db = open_database(path, read_only)
            except CacheTrouble as problem:
                self._db = self._recover(problem)

    @property
    def stores(self) -> bool:
        """True when there is a file to read and write."""
        return self._db is not None

    @property
    def shown(self) -> str:
        """The cache file as users know it: ``.newsgen/cache.sqlite``."""
        return f"{self.path.parent.name}/{self.path.name}" if self.path else "cache"

    def note(self, shown: str, what: str) -> None:
        """Record that ``shown`` (a path in ``.newsgen/``) was damaged: ``what`` was done."""
        self._notes.append((shown, what))

    def unfit(self, table: str, name: str) -> None:
        """Count the row ``name`` of ``table`` as one that does not hold what was stored."""
        self._unfit.add((table, name))

    def warning(self) -> errors.Problem | None:
        """Return the one warning that says what was wrong with the cache during this
        build and what was done about it, or None when nothing was."""
        notes = list(self._notes)
        if self._unfit:
            count = len(self._unfit)
            what = f"{count} cached {'entries' if count > 1 else 'entry'} did not match what"
            notes.append((self.shown, f"{what} was stored; made again from the files, not used"))
        if not notes:
            return None
        shown, what = notes[0]
        if len(notes) > 1:
            what += f" (and {len(notes) - 1} more: {', '.join(path for path, _ in notes[1:])})"
        return errors.Problem(shown, 1, None, what, errors.Severity.WARNING)

    def query(self, action: Callable[[sqlite3.Connection], _T], default: _T) -> _T:
        """Return ``action(db)``, or ``default`` when there is no file or it fails."""
        if self._db is None:
            return default
        try:
            return action(self._db)
        except sqlite3.Error as error:
            self.close()
            self._forget_reads()
            self._db = self._recover(trouble(error))
            return default

    def checked(self, table: str, name: str, data: object, check: object) -> object:
        """Return the value unpickled from ``data``, stored as ``name`` in ``table``
        with checksum ``check``; MISSING (and the row counted) when either is wrong."""
        if isinstance(data, bytes) and check == seal(table, name, data):
            try:
                return loads(data)
            except Exception:  # sealed by us, yet not data: load what it stood for again
                pass
        self.unfit(table, name)
        return MISSING

    def close(self) -> None:
        """Close the file."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _recover(self, problem: CacheTrouble) -> sqlite3.Connection | None:
        """Move the damaged cache file aside and return a new one; note what was done.
        None (no cache for this build) for a reader, or when that cannot be done."""
        if self.read_only or self.path is None:
            return None  # the build itself reads the file too and says what it finds
        if not problem.damaged:
            self.note(self.shown, f"{problem.reason}; the build went on without it")
            return None
        try:
            aside = set_aside(self.path)
            db = open_database(self.path)
        except (OSError, CacheTrouble) as error:
            why = error.reason if isinstance(error, CacheTrouble) else error.strerror or error
            self.note(self.shown, f"{problem.reason}; the build went on without a cache ({why})")
            return None
        self.note(self.shown, f"{problem.reason}; moved aside to {aside.name}, and made anew")
        return db


def open_database(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """Open the cache file at ``path``, made anew (unless ``read_only``) when there is
    none. Raises CacheTrouble when it cannot be used as it is."""
    _check_kinds(path)
    try:
        if read_only:
            return _checked(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
        db = sqlite3.connect(path, isolation_level="DEFERRED")
    except sqlite3.Error as error:
        raise trouble(error) from None
    try:
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file's only: kept as made
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            with db:
                for statement in SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO about VALUES ('format', ?)", (cache_format(),))
        return _checked(db)
    except CacheTrouble:
        db.close()
        raise
    except sqlite3.Error as error:
        db.close()
        raise trouble(error) from None


def _check_kinds(path: Path) -> None:
    """Raise CacheTrouble when the cache file or a companion exists but is not a regular
    file (a folder, a pipe: SQLite cannot use it, or would wait for it forever)."""
    for name in (str(path), *(f"{path}{suffix}" for suffix in COMPANIONS)):
        try:
            mode = os.stat(name).st_mode
        except FileNotFoundError:
            continue
        except OSError as error:
            raise trouble(error) from None
        if not stat.S_ISREG(mode):
            raise CacheTrouble(f"is damaged: {Path(name).name} is not a file")


def _checked(db: sqlite3.Connection) -> sqlite3.Connection:
    """Return ``db`` when it holds exactly the tables of SCHEMA and this cache format;
    else close it and raise CacheTrouble."""
    try:
        query = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"  # not autoindexes
        tables = db.execute(query).fetchall()
        if sorted(sql for _, sql in tables) != sorted(SCHEMA):
            known = {statement.split()[2] for statement in SCHEMA} | {"articles"}
            if {name for name, _ in tables} <= known:
                raise CacheTrouble("written by another version of newsgen")
            raise CacheTrouble("holds tables that are not newsgen's")
        row = db.execute("SELECT value FROM about WHERE name = 'format'").fetchone()
        if row is None or row[0] != cache_format():
            raise CacheTrouble("written by another version of newsgen")
    except sqlite3.Error as error:
        db.close()
        raise trouble(error) from None
    except CacheTrouble:
        db.close()
        raise
    return db


def set_aside(path: Path) -> Path:
    """Rename the cache file at ``path`` (and its companions) to ``NAME.damaged-TIME``
    and delete all but the newest KEEP_DAMAGED such; return the new name.
    Raises OSError when it cannot be renamed."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S.%f")  # in order of time, by name
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while any(os.path.lexists(f"{aside}{suffix}") for suffix in ("", *COMPANIONS)):
        number += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    for suffix in COMPANIONS:  # first: a new file must not meet the old one's journal
        if os.path.lexists(f"{path}{suffix}"):
            os.rename(f"{path}{suffix}", f"{aside}{suffix}")
    if os.path.lexists(path):
        os.rename(path, aside)
    _prune(path)
    return aside


def _prune(path: Path) -> None:
    """Delete the damaged copies of ``path`` but the newest KEEP_DAMAGED (with their
    companions); what cannot be deleted stays."""
    prefix = f"{path.name}.damaged-"
    try:
        names = [entry.name for entry in os.scandir(path.parent) if entry.name.startswith(prefix)]
    except OSError:
        return
    copies = sorted({name.removesuffix("-wal").removesuffix("-shm") for name in names})
    old = set(copies[: max(0, len(copies) - KEEP_DAMAGED)])
    for name in names:
        if name.removesuffix("-wal").removesuffix("-shm") in old:
            remove(path.parent / name)


def remove(path: Path) -> None:
    """Delete ``path``, a file or a folder (without following links out of it), if it can."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
