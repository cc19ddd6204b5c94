"""newsgen.cache.file_hashes: a file's hash, reused while its stat is the one recorded with it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from newsgen.cache import file_hashes
from newsgen.cache.articles import OTHER_FILES, ArticleCache
from newsgen.cache.file_hashes import file_hashes as hashes_of


@pytest.fixture
def files(tmp_path: Path) -> list[tuple[str, Path]]:
    for name in ("a.css", "b.png"):
        (tmp_path / name).write_bytes(name.encode() * 10)
    return [("static/a.css", tmp_path / "a.css"), ("static/b.png", tmp_path / "b.png")]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_hashes_are_recorded_and_reused_without_reading(
    files: list[tuple[str, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_hashes, "RACY_SECONDS", 0)
    cache = ArticleCache(tmp_path / "c.sqlite")
    assert hashes_of(files, cache) == [(name, sha(path)) for name, path in files]
    assert set(cache.file_digests(OTHER_FILES)) == {"static/a.css", "static/b.png"}
    monkeypatch.setattr(file_hashes, "hash_file", lambda path: pytest.fail(f"read {path}"))
    assert hashes_of(files, cache) == [(name, sha(path)) for name, path in files]


def test_an_edit_that_keeps_size_and_mtime_is_hashed_again(
    files: list[tuple[str, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_hashes, "RACY_SECONDS", 0)
    cache = ArticleCache(tmp_path / "c.sqlite")
    hashes_of(files, cache)
    path = files[0][1]
    before = path.stat()
    path.write_bytes(path.read_bytes().upper())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert hashes_of(files, cache)[0] == ("static/a.css", sha(path))


def test_fresh_files_are_not_recorded_and_missing_ones_say_so(
    files: list[tuple[str, Path]], tmp_path: Path
) -> None:
    cache = ArticleCache(tmp_path / "c.sqlite")
    found = hashes_of([*files, ("static/gone.js", tmp_path / "gone.js")], cache)
    assert found[-1] == ("static/gone.js", "missing")
    assert cache.file_digests(OTHER_FILES) == {}  # written a moment ago: racy
    assert hashes_of(files, None) == [(name, sha(path)) for name, path in files]
