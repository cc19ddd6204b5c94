"""The tables of file hashes, a row per folder (cache/digest_rows.py)."""

from __future__ import annotations

import pytest

from newsgen.cache.articles import OTHER_FILES, ArticleCache
from newsgen.cache.digest_rows import decode_rows, encode_rows, folder_of

ODD_NAMES = [
    "a.md",
    "world/b c.md",
    "world/line\nbreak.md",
    "wörld/ünïcode.md",
    "raw/\udcff\udcfebytes.md",  # a name that is not UTF-8, as os.fsdecode() gives it
    "deep/er/still/x.png",
]


def test_records_come_back_as_they_were_written():
    rows = {name: (f"{i}:2:3:4", f"digest{i}") for i, name in enumerate(ODD_NAMES)}
    assert decode_rows(encode_rows(rows)) == rows


@pytest.mark.parametrize("data", [b"a\0b", b"a\0b\0c\0d", b"\xff\xfe\0b\0c", b""])
def test_bytes_that_are_not_records_are_none(data):
    assert decode_rows(data) is None


def test_the_folder_of_a_path():
    assert [folder_of(name) for name in ("a.md", "w/a.md", "w/x/a.md")] == ["", "w", "w/x"]


def folders(cache: ArticleCache, table: str = "file_digests") -> dict[str, bytes]:
    assert cache._file._db is not None
    rows = cache._file._db.execute(f"SELECT folder, records FROM {table}").fetchall()
    return dict(rows)


def test_a_row_holds_every_file_of_its_folder(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_file_digests([(name, "1:2:3:4", "d") for name in ODD_NAMES], forget=[])
    assert set(folders(cache)) == {folder_of(name) for name in ODD_NAMES}
    assert cache.file_digests() == {name: ("1:2:3:4", "d") for name in ODD_NAMES}


def test_a_write_touches_the_rows_of_its_folders_only(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_file_digests([("w/a.md", "1", "a"), ("w/b.md", "2", "b"), ("x/c.md", "3", "c")], [])
    before = folders(cache)
    cache.put_file_digests([("w/a.md", "9", "A")], forget=[])
    after = folders(cache)
    assert after["x"] == before["x"] and after["w"] != before["w"]
    expected = {"w/a.md": ("9", "A"), "w/b.md": ("2", "b"), "x/c.md": ("3", "c")}
    assert cache.file_digests() == expected


def test_a_folder_whose_files_are_all_forgotten_has_no_row(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_file_digests([("w/a.md", "1", "a"), ("x/c.md", "3", "c")], forget=[])
    cache.put_file_digests([], forget=["w/a.md", "w/gone.md"])
    assert set(folders(cache)) == {"x"}


def test_the_two_tables_are_apart(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_file_digests([("w/a.md", "1", "a")], forget=[])
    cache.put_file_digests([("static/s.css", "2", "s")], forget=[], table=OTHER_FILES)
    assert cache.file_digests() == {"w/a.md": ("1", "a")}
    assert cache.file_digests(OTHER_FILES) == {"static/s.css": ("2", "s")}


def test_a_damaged_row_is_left_out_and_made_again_by_the_next_write(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_file_digests([("w/a.md", "1", "a"), ("w/b.md", "2", "b")], forget=[])
    assert cache._file._db is not None
    with cache._file._db:
        cache._file._db.execute("UPDATE file_digests SET records = CAST('w/a.md' AS BLOB)")
    assert cache.file_digests() == {}
    cache.put_file_digests([("w/b.md", "2", "b")], forget=[])  # as a build hashes them again
    assert cache.file_digests() == {"w/b.md": ("2", "b")}


def test_with_unknown_table_names_it_refuses(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    with pytest.raises(ValueError):
        cache.file_digests("entries")
