"""The cache's tables of file hashes: one row per folder, holding every file in it.

A build knows the hash of each article, static file and image by its stat
(cache/file_hashes.py): 200,000 files at 100,000 articles, each with a photograph.
Stored a row per file, reading a table took a fifth of a second at that size
(the rows, their checksums, their tuples). A row per folder holds the
``path NUL stat NUL hash`` records of the files in it as one sealed text, read
with one split; a build that records or forgets a few files writes the rows of
their folders again, and those only.

A row that does not match its checksum, or does not split into records, is
left out (its files are hashed again) and counted by the cache's warning; the
next write of the table drops it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from newsgen.cache.codec import seal
from newsgen.cache.file import CacheDatabase

DigestRows = dict[str, tuple[str, str]]
"""path -> (stat key, hash of the bytes)."""
_SEPARATOR = "\0"
_ENCODING = ("utf-8", "surrogatepass")  # a file name may hold any bytes but NUL


def folder_of(path: str) -> str:
    """Return the folder part of ``path`` (``/`` separators; empty at the top)."""
    return path.rpartition("/")[0]


def encode_rows(rows: DigestRows) -> bytes:
    """Return the records of ``rows``, sorted by path, as stored in a folder's row."""
    records = (f"{path}\0{stat}\0{digest}" for path, (stat, digest) in sorted(rows.items()))
    return _SEPARATOR.join(records).encode(*_ENCODING)


def decode_rows(data: bytes) -> DigestRows | None:
    """Return the rows encode_rows() wrote as ``data``; None when it holds no such records."""
    try:
        parts = data.decode(*_ENCODING).split(_SEPARATOR)
    except UnicodeDecodeError:
        return None
    if len(parts) % 3:
        return None
    found = iter(parts)
    return {path: (stat, digest) for path, stat, digest in zip(found, found, found, strict=True)}


def read_digests(file: CacheDatabase, table: str) -> tuple[DigestRows, list[str]]:
    """Return every row of the digest ``table`` that matches its checksum, and the
    folders whose rows do not (each counted as unfit by ``file``)."""
    query = f"SELECT folder, records, checksum FROM {table}"
    found: DigestRows = {}
    unfit: list[str] = []
    for folder, data, check in file.query(lambda db: db.execute(query).fetchall(), []):
        rows = _sound_rows(table, folder, data, check)
        if rows is None:
            file.unfit(table, str(folder))
            unfit.append(folder)
        else:
            found.update(rows)
    return found, unfit


def write_digests(
    file: CacheDatabase,
    table: str,
    rows: Sequence[tuple[str, str, str]],
    forget: Iterable[str],
    unfit: Sequence[str] = (),
) -> None:
    """Record ``(path, stat key, hash)`` ``rows`` in ``table``, drop the records of the
    paths in ``forget`` and the rows of the ``unfit`` folders, in one transaction (none
    when there is nothing to do). Only the rows of the folders concerned are written."""
    changed: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {}
    for row in rows:
        changed.setdefault(folder_of(row[0]), ([], []))[0].append(row)
    for path in forget:
        changed.setdefault(folder_of(path), ([], []))[1].append(path)
    dropped = [(folder,) for folder in unfit if folder not in changed]
    if not (changed or dropped):
        return

    def put(db: sqlite3.Connection) -> None:
        with db:
            db.executemany(f"DELETE FROM {table} WHERE folder = ?", dropped)
            for folder, (recorded, forgotten) in changed.items():
                _update_folder(db, table, folder, recorded, forgotten)

    file.query(put, None)


def _update_folder(
    db: sqlite3.Connection,
    table: str,
    folder: str,
    recorded: list[tuple[str, str, str]],
    forgotten: list[str],
) -> None:
    """Write the row of ``folder`` again with the ``recorded`` rows and without the
    ``forgotten`` paths (a row that does not match its checksum starts empty)."""
    query = f"SELECT records, checksum FROM {table} WHERE folder = ?"
    stored = db.execute(query, (folder,)).fetchone()
    rows = (_sound_rows(table, folder, *stored) if stored else None) or {}
    for path in forgotten:
        rows.pop(path, None)
    rows.update({path: (stat, digest) for path, stat, digest in recorded})
    if not rows:
        db.execute(f"DELETE FROM {table} WHERE folder = ?", (folder,))
        return
    data = encode_rows(rows)
    values = (folder, data, seal(table, folder, data))
    db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", values)


def _sound_rows(table: str, folder: object, data: object, check: object) -> DigestRows | None:
    """Return the rows stored as ``data`` for ``folder``; None when they do not match
    the checksum ``check`` or are not records."""
    if not (isinstance(folder, str) and isinstance(data, bytes)):
        return None
    return decode_rows(data) if check == seal(table, folder, data) else None
