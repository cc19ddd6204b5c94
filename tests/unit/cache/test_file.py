"""newsgen.cache.file: opening the cache's SQLite file only when it is whole and newsgen's."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from newsgen.cache.file import (
    KEEP_DAMAGED,
    SCHEMA,
    CacheTrouble,
    open_database,
    set_aside,
    trouble,
)


def test_a_new_file_gets_the_schema_and_opens_again(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    open_database(path).close()
    db = open_database(path)
    tables = {sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql NOT NULL")}
    assert tables == set(SCHEMA)
    db.close()
    open_database(path, read_only=True).close()


def test_an_empty_file_is_a_new_cache(tmp_path: Path) -> None:
    """SQLite makes an empty file first: a build killed then leaves one (no damage)."""
    (tmp_path / "cache.sqlite").write_bytes(b"")
    open_database(tmp_path / "cache.sqlite").close()


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda path: path.write_bytes(b"x" * 5000), "is damaged (SQLite: file is not a database)"),
        (lambda path: path.mkdir(), "is damaged: cache.sqlite is not a file"),
        (lambda path: os.mkfifo(path), "is damaged: cache.sqlite is not a file"),
        (
            lambda path: Path(f"{path}-wal").mkdir(),
            "is damaged: cache.sqlite-wal is not a file",
        ),
        (lambda path: _database(path, "CREATE TABLE t (x)"), "holds tables that are not newsgen's"),
        (
            lambda path: _database(path, "CREATE TABLE entries (key, value)"),
            "written by another version of newsgen",
        ),
    ],
    ids=["not a database", "folder", "pipe", "folder for the journal", "foreign", "old"],
)
def test_a_file_newsgen_cannot_use_is_trouble(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cache.sqlite"
    make(path)
    with pytest.raises(CacheTrouble) as raised:
        open_database(path)
    assert raised.value.reason == reason and raised.value.damaged


def test_another_cache_format_is_another_version(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE about SET value = 'other'")
    with pytest.raises(CacheTrouble, match="written by another version of newsgen"):
        open_database(path)


def test_busy_or_full_is_no_damage() -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5  # type: ignore[attr-defined]
    assert not trouble(busy).damaged and "cannot be used now" in trouble(busy).reason
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    malformed.sqlite_errorcode = 11  # type: ignore[attr-defined]
    assert trouble(malformed).damaged
    assert trouble(PermissionError(13, "Permission denied")).reason == (
        "cannot be read: Permission denied"
    )


def test_a_damaged_file_is_moved_aside_with_its_journal_and_few_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    names = []
    for number in range(KEEP_DAMAGED + 2):
        path.write_text(f"copy {number}")
        Path(f"{path}-wal").write_text(f"journal {number}")
        aside = set_aside(path)
        names.append(aside.name)
        assert aside.read_text() == f"copy {number}"
        assert Path(f"{aside}-wal").read_text() == f"journal {number}"
        assert not path.exists() and not Path(f"{path}-wal").exists()
    left = sorted(p.name for p in tmp_path.iterdir())
    kept = names[-KEEP_DAMAGED:]
    assert left == sorted(kept + [f"{name}-wal" for name in kept])


def _database(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute(statement)
