"""A damaged cache is never fatal and never published (docs/safety.md).

Each test takes a small site as a build with its cache left it (without its
output, so that the next build renders every page from what the cache holds),
damages ``.newsgen/`` in one way and builds again. That build must succeed
with exactly one warning, naming what in ``.newsgen/`` was wrong, and write
byte for byte what a ``--no-cache`` build writes; the build after it must have
no warning (the damage was repaired or moved aside).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsgen.build.full_build
import newsgen.cache.file_hashes
import newsgen.pagehelper.pool
from commands import find_newsgen
from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.cache.codec import seal
from newsgen.cache.file import KEEP_DAMAGED, PAGE_SIZE
from newsgen.output.write import spare_path

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.com/
language: en
timezone: Europe/Berlin
per_page: 3
search: false
"""
BODIES = {
    "world/rail.md": "The **rail** strike entered its third day.\n\nTrains stood still.",
    "world/budget.md": "The budget vote was delayed [again](https://example.com/).",
    "local/park.md": "A new park opened on the river bank.\n\n> Quoted words.",
    "local/fire.md": "Firefighters put out a blaze at the old mill.",
}
FILES: dict[str, str | bytes] = {
    f"content/{path}": f"---\nheadline: {path[6:-3].title()}\n"
    f"date: 2024-12-1{number}T10:00:00+01:00\ntags: [Town]\n---\n{body}\n"
    for number, (path, body) in enumerate(BODIES.items())
}
FILES["static/style.css"] = "body { color: black; }\n"
Damage = Callable[[Path], None]


@pytest.fixture(autouse=True)
def settled_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record the hashes of files written a moment ago, as of files long settled (so
    that the cache holds them, as it does in a newsroom)."""
    monkeypatch.setattr(newsgen.cache.file_hashes, "RACY_SECONDS", 0)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What a --no-cache build of the site writes."""
    root = write_site(tmp_path_factory.mktemp("reference"))
    build(BuildOptions(root, now=NOW, cache=False, jobs=1))
    return snapshot(root / "public")


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The site's folder, and a copy of it as a build with the cache left it, output
    removed. The cache's keys name the content folder: copies are put back in its place."""
    folder = tmp_path_factory.mktemp("built")
    root = write_site(folder / "site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(newsgen.cache.file_hashes, "RACY_SECONDS", 0)
        assert built(root).warnings == ()
    forget_output(root)
    return root, Path(shutil.copytree(root, folder / "pristine", symlinks=True))


@pytest.fixture
def site(built_once: tuple[Path, Path]) -> Path:
    """The site as a build with its cache left it (see built_once)."""
    root, pristine = built_once
    shutil.rmtree(root, ignore_errors=True)
    return Path(shutil.copytree(pristine, root, symlinks=True))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder``, by its path in it."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_site(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "newsgen.yaml").write_text(CONFIG, encoding="utf-8")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


def built(root: Path, jobs: int = 1) -> BuildReport:
    return build(BuildOptions(root, now=NOW, jobs=jobs))


def forget_output(root: Path) -> None:
    """Delete the output and its spare: the next build renders every page again."""
    for folder in (root / "public", spare_path(root / "public")):
        shutil.rmtree(folder, ignore_errors=True)


def damaged_build(root: Path, damage: Damage, reference: dict[str, bytes], jobs: int = 1) -> str:
    """Damage the cache of ``root`` (a site built with it, its output removed) and
    build again; check that build and the next (see the module's docstring); return
    the warning."""
    damage(root / ".newsgen")
    report = built(root, jobs)
    assert snapshot(root / "public") == reference
    [warning] = report.warnings
    assert warning.path.startswith(".newsgen") and warning.line == 1
    again = built(root, jobs)
    assert again.warnings == () and snapshot(root / "public") == reference
    return warning.message


def database(folder: Path) -> sqlite3.Connection:
    return sqlite3.connect(folder / "cache.sqlite", isolation_level=None)


def root_page(folder: Path, table: str) -> int:
    with database(folder) as db:
        query = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        return db.execute(query, (table,)).fetchone()[0]


def flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(offset)
        file.write(bytes([byte[0] ^ 0x55]))


def zero_page(folder: Path, number: int) -> None:
    with open(folder / "cache.sqlite", "r+b") as file:
        file.seek((number - 1) * PAGE_SIZE)
        file.write(bytes(PAGE_SIZE))


def flip_in(text: bytes) -> Damage:
    """Flip a byte in the middle of where ``text`` is stored in the cache file."""

    def damage(folder: Path) -> None:
        path = folder / "cache.sqlite"
        offset = path.read_bytes().index(text)
        flip(path, offset + len(text) // 2)

    return damage


def flip_page_header(table: str) -> Damage:
    return lambda folder: flip(folder / "cache.sqlite", (root_page(folder, table) - 1) * PAGE_SIZE)


def execute(*statements: str) -> Damage:
    def damage(folder: Path) -> None:
        with database(folder) as db:
            for statement in statements:
                db.execute(statement)

    return damage


def replace_file(make: Callable[[Path], None]) -> Damage:
    def damage(folder: Path) -> None:
        (folder / "cache.sqlite").unlink()
        make(folder / "cache.sqlite")

    return damage


def foreign_database(*statements: str) -> Damage:
    def make(path: Path) -> None:
        with sqlite3.connect(path) as db:
            for statement in statements:
                db.execute(statement)

    return replace_file(make)


def truncate(size: Callable[[int], int]) -> Damage:
    def damage(folder: Path) -> None:
        path = folder / "cache.sqlite"
        os.truncate(path, size(path.stat().st_size))

    return damage


def resealed_by_another_version(folder: Path) -> None:
    """Give every article row the checksum another cache format would give it."""
    with database(folder) as db:
        for key, value in db.execute("SELECT key, value FROM entries").fetchall():
            other = hashlib.sha256(b"another format\0" + f"entries\0{key}\0".encode() + value)
            query = "UPDATE entries SET value_check = ? WHERE key = ?"
            db.execute(query, (other.digest()[:16], key))


def swap_two(column: str) -> Damage:
    """Swap ``column`` (and its checksum) between the rows of two articles."""
    check = {"body": "body_check", "value": "value_check"}[column]

    def damage(folder: Path) -> None:
        with database(folder) as db:
            query = f"SELECT key, {column}, {check} FROM entries WHERE body IS NOT NULL LIMIT 2"
            (one, a, a_check), (two, b, b_check) = db.execute(query).fetchall()
            update = f"UPDATE entries SET {column} = ?, {check} = ? WHERE key = ?"
            db.executemany(update, [(b, b_check, one), (a, a_check, two)])

    return damage


def on_compiled_templates(change: Callable[[Path], None]) -> Damage:
    """Apply ``change`` to every compiled template file."""

    def damage(folder: Path) -> None:
        files = sorted((folder / "templates").glob("*.code"))
        assert files
        for path in files:
            change(path)

    return damage


def folder_instead(path: Path) -> None:
    path.unlink(missing_ok=True)  # a finished build removes its lock file (build/locks.py)
    path.mkdir()
    (path / "x").write_text("x")


def file_instead(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("not a folder")


DAMAGE: dict[str, Damage] = {
    "flipped byte: file header": lambda folder: flip(folder / "cache.sqlite", 3),
    "flipped byte: page header of the entries": flip_page_header("entries"),
    "flipped byte: page header of the schema": lambda folder: flip(folder / "cache.sqlite", 100),
    "flipped byte: inside a body": flip_in(b"Firefighters put out"),
    "flipped byte: inside an article's pickle": flip_in(b"content/local/park.md"),
    "flipped byte: inside a remembered record": flip_in(b"Test Gazette"),
    "zeroed page: the first": lambda folder: zero_page(folder, 1),
    "zeroed page: the entries": lambda folder: zero_page(folder, root_page(folder, "entries")),
    "zeroed page: an index": lambda folder: zero_page(
        folder, root_page(folder, "sqlite_autoindex_entries_1")
    ),
    "foreign schema: another program's tables": foreign_database("CREATE TABLE notes (x)"),
    "foreign schema: entries with other columns": foreign_database(
        "CREATE TABLE entries (key TEXT, value BLOB)"
    ),
    "foreign schema: one table more": execute("CREATE TABLE extra (x)"),
    "foreign schema: a trigger": execute(
        "CREATE TRIGGER t AFTER INSERT ON entries BEGIN DELETE FROM entries; END"
    ),
    "a folder in place of cache.sqlite": replace_file(lambda path: path.mkdir()),
    "truncated to half": truncate(lambda size: size // 2),
    "truncated within the first page": truncate(lambda size: 1000),
    "rows from another version: the file": execute("UPDATE about SET value = 'old'"),
    "rows from another version: the article rows": resealed_by_another_version,
    "two articles' bodies swapped": swap_two("body"),
    "two articles' values swapped": swap_two("value"),
    "file hashes: a digest altered": execute(
        "UPDATE file_digests SET records = CAST(replace(CAST(records AS TEXT), ':', ';') AS BLOB)"
    ),
    "compiled templates: a flipped byte each": on_compiled_templates(lambda path: flip(path, 80)),
    "compiled templates: truncated": on_compiled_templates(lambda path: os.truncate(path, 60)),
    "compiled templates: zeroed": on_compiled_templates(
        lambda path: path.write_bytes(bytes(path.stat().st_size))
    ),
    "compiled templates: a folder in place of one": lambda folder: folder_instead(
        sorted((folder / "templates").glob("*.code"))[0]
    ),
    "compiled templates: a file in place of the folder": lambda folder: file_instead(
        folder / "templates"
    ),
    "a folder in place of build.lock": lambda folder: folder_instead(folder / "build.lock"),
    "a folder in place of cache.sqlite-wal": lambda folder: (folder / "cache.sqlite-wal").mkdir(),
    "a file in place of .newsgen": lambda folder: file_instead(folder),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_damage_gives_one_warning_and_the_no_cache_output(
    name: str, site: Path, reference: dict[str, bytes]
) -> None:
    message = damaged_build(site, DAMAGE[name], reference)
    assert "Traceback" not in message


def test_a_damaged_file_is_moved_aside_and_only_a_few_are_kept(
    site: Path, reference: dict[str, bytes]
) -> None:
    folder = site / ".newsgen"
    for _ in range(KEEP_DAMAGED + 2):
        message = damaged_build(site, lambda folder: flip(folder / "cache.sqlite", 3), reference)
        assert "is damaged (SQLite: file is not a database); moved aside to" in message
    aside = sorted(folder.glob("cache.sqlite.damaged-*"))
    assert len(aside) == KEEP_DAMAGED
    assert all(path.read_bytes()[3] == ord("i") ^ 0x55 for path in aside)


def test_a_planted_pickle_is_not_run(
    site: Path, tmp_path: Path, reference: dict[str, bytes]
) -> None:
    """Even with a valid checksum, a pickle that names anything but newsgen's data is
    refused: the cache is data, not a program."""
    planted = tmp_path / "planted"

    class Plant:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return os.system, (f"touch {planted}",)

    def damage(folder: Path) -> None:
        data = pickle.dumps(Plant())
        with database(folder) as db:
            for (key,) in db.execute("SELECT key FROM entries").fetchall():
                query = "UPDATE entries SET value = ?, value_check = ? WHERE key = ?"
                db.execute(query, (data, seal("entries", key, data), key))

    message = damaged_build(site, damage, reference)
    assert message.startswith("4 cached entries did not match what was stored")
    assert not planted.exists()


def test_damage_found_in_mid_build_moves_the_cache_aside(
    site: Path, reference: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is damaged after the build opened it and read the file hashes (by
    another process), before it reads the articles."""
    real, root = newsgen.build.full_build.load_articles, site

    def load_articles(*args: object, **kwargs: object) -> object:
        folder = root / ".newsgen"
        zero_page(folder, root_page(folder, "entries"))
        return real(*args, **kwargs)

    monkeypatch.setattr(newsgen.build.full_build, "load_articles", load_articles)
    [warning] = built(root).warnings
    monkeypatch.undo()
    assert snapshot(root / "public") == reference
    assert "is damaged (SQLite: database disk image is malformed)" in warning.message
    assert list((root / ".newsgen").glob("cache.sqlite.damaged-*"))


def test_the_page_helper_leaves_what_it_cannot_trust_to_the_build(
    site: Path, reference: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper process reads the cache too, with the same checks: a page whose body
    does not match is rendered by the build, from the article file."""
    monkeypatch.setattr(newsgen.pagehelper.pool, "HELPER_PAGES", 1)
    message = damaged_build(site, swap_two("body"), reference, jobs=2)
    assert message.startswith("2 cached entries did not match what was stored")


def test_the_command_prints_one_warning_line_and_exits_0(
    site: Path, reference: dict[str, bytes]
) -> None:
    command = [find_newsgen(), "build", "--source", str(site), "--jobs", "1"]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    for damage in (swap_two("body"), lambda folder: zero_page(folder, 1)):
        damage(site / ".newsgen")
        forget_output(site)
        done = subprocess.run(command, capture_output=True, text=True, env=environment)
        assert done.returncode == 0, done.stderr
        [line] = done.stderr.splitlines()
        assert line.startswith(".newsgen/cache.sqlite:1: warning: ")
        assert snapshot(site / "public") == reference
