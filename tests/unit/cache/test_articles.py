"""newsgen.cache.articles: the SQLite article cache."""

from __future__ import annotations

import pickle
import sqlite3
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType

import pytest
from unit_helpers import BERLIN, load

from newsgen.cache import codec as cache_codec
from newsgen.cache.articles import CACHE_DIR, CACHE_FILE, ArticleCache, entry_key, open_cache
from newsgen.cache.bodies import BodyUnavailable, CachedBody
from newsgen.cache.codec import fingerprint, seal
from newsgen.models import Correction


def test_values_round_trip_and_hits_are_counted(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_many([("a", {"x": 1}), ("b", MappingProxyType({"y": 2}))], keep=["a", "b"])
    found = cache.get_many(["a", "b", "missing"])
    assert found["a"] == {"x": 1}
    assert dict(found["b"]) == {"y": 2} and isinstance(found["b"], MappingProxyType)
    assert cache.hits == 0  # stored by this process: parsed here, not taken from the cache
    later = ArticleCache(tmp_path / "c.sqlite")  # the next build's
    later.get_many(["a", "b", "missing"])
    assert later.hits == 2


def test_entries_not_kept_are_forgotten(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_many([("old", 1), ("kept", 2)], keep=["old", "kept"])
    cache.put_many([], keep=["kept"])
    assert cache.get_many(["old", "kept"]) == {"kept": 2}


def test_the_cache_survives_closing_and_reopening(tmp_path):
    cache = open_cache(tmp_path, enabled=True)
    cache.put_many([("k", "v")], keep=["k"])
    cache.close()
    assert (tmp_path / CACHE_DIR / CACHE_FILE).is_file()
    assert open_cache(tmp_path, enabled=True).get_many(["k"]) == {"k": "v"}


def test_a_damaged_cache_file_is_moved_aside_and_replaced(tmp_path):
    folder = tmp_path / CACHE_DIR
    folder.mkdir()
    (folder / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    cache = open_cache(tmp_path, enabled=True)
    assert cache.get_many(["k"]) == {}
    cache.put_many([("k", 1)], keep=["k"])
    assert cache.get_many(["k"]) == {"k": 1}
    [aside] = folder.glob(f"{CACHE_FILE}.damaged-*")
    assert aside.read_bytes() == b"this is not a database" * 100
    warning = cache.warning()
    assert warning is not None and warning.path == f"{CACHE_DIR}/{CACHE_FILE}"
    assert "is damaged (SQLite: file is not a database)" in warning.message
    assert f"moved aside to {aside.name}" in warning.message


def test_an_entry_that_does_not_match_or_unpickle_counts_as_a_miss(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    assert cache._file._db is not None and cache.warning() is None
    junk = b"\x00\xff\x00"
    with cache._file._db:
        rows = [("sealed", junk, seal("entries", "sealed", junk)), ("unsealed", junk, b"0" * 16)]
        cache._file._db.executemany("INSERT INTO entries VALUES (?, ?, ?, NULL, NULL)", rows)
    assert cache.get_many(["sealed", "unsealed"]) == {}
    assert cache.hits == 0
    warning = cache.warning()
    assert warning is not None and warning.message.startswith("2 cached entries did not match")


def test_a_disabled_cache_finds_and_keeps_nothing(tmp_path):
    cache = open_cache(tmp_path, enabled=False)
    cache.put_many([("k", 1)], keep=["k"])
    assert cache.get_many(["k"]) == {}
    assert not (tmp_path / CACHE_DIR).exists()


def test_keys_change_with_bytes_path_and_context():
    context = fingerprint("0.1.0", "config")
    key = entry_key(context, "world/a.md", "digest-1")
    assert key != entry_key(context, "world/a.md", "digest-2")
    assert key != entry_key(context, "world/b.md", "digest-1")
    assert key != entry_key(fingerprint("0.1.0", "other config"), "world/a.md", "digest-1")
    assert key == entry_key(fingerprint("0.1.0", "config"), "world/a.md", "digest-1")


def test_many_keys_are_found_in_one_query(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    keys = [f"k{n}" for n in range(1234)]
    cache.put_many(((key, key.upper()) for key in keys[::2]), keep=keys)
    cache = ArticleCache(tmp_path / "c.sqlite")  # the next build's
    found = cache.get_many([*keys, *keys[:10]])  # a key asked twice is found once
    assert found == {key: key.upper() for key in keys[::2]}
    assert cache.hits == 617
    assert cache.get_many(["k0"]) == {"k0": "K0"}  # the previous keys do not linger


def test_loaded_articles_and_their_problems_round_trip():
    text = "---\nheadline: Story\ndate: 2024-12-16T10:00:00+01:00\ntags: [A, B]\n"
    text += "sources: [{name: S, url: 'https://s.example/'}]\nextra: {x: 1}\n---\n"
    text += "Body [bad](javascript:x).\n"
    article, problems = load(text)
    assert article is not None and list(problems)
    article = replace(
        article, corrections=(Correction(datetime(2024, 12, 17, tzinfo=BERLIN), "Fixed."),)
    )
    value = (article, list(problems))
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"_dataclass_setstate" not in data  # pickled as the class and its field values
    again = pickle.loads(data)
    assert again == value
    assert isinstance(again[0].extra, MappingProxyType)


def test_the_cache_format_names_every_model_field(monkeypatch):
    """A field added to Article (without a version bump) changes every cache key."""
    before = cache_codec.cache_format()
    layout = list(cache_codec._LAYOUT)
    index = next(i for i, (name, _) in enumerate(layout) if name == "Article")
    fields = (*layout[index][1], "subtitle")
    layout[index] = ("Article", fields)
    monkeypatch.setattr(cache_codec, "_LAYOUT", tuple(layout))
    assert cache_codec.cache_format() != before


def test_file_digests_are_recorded_replaced_and_forgotten(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    assert cache.file_digests() == {}
    cache.put_file_digests([("a.md", "1:2:3:4", "da"), ("b.md", "5:6:7:8", "db")], forget=[])
    cache.put_file_digests([("a.md", "9:9:9:9", "dA")], forget=["b.md", "a.md"])
    cache.close()
    assert ArticleCache(tmp_path / "c.sqlite").file_digests() == {"a.md": ("9:9:9:9", "dA")}


def test_a_disabled_cache_has_no_file_digests(tmp_path):
    cache = open_cache(tmp_path, enabled=False)
    cache.put_file_digests([("a.md", "1:2:3:4", "da")], forget=[])
    assert cache.file_digests() == {}


def test_memos_round_trip_and_are_replaced(tmp_path):
    cache = open_cache(tmp_path, enabled=True)
    assert cache.memo("related") is None
    cache.put_memo("related", "sig1", {"a": ("b",)})
    cache.put_memo("related", "sig2", {"a": ("c",)})
    cache.close()
    assert open_cache(tmp_path, enabled=True).memo("related") == ("sig2", {"a": ("c",)})


def test_a_disabled_cache_keeps_no_memos_and_no_folders(tmp_path):
    cache = open_cache(tmp_path, enabled=False)
    cache.put_memo("related", "sig", 1)
    assert cache.memo("related") is None
    assert cache.folder("templates") is None
    assert open_cache(tmp_path, enabled=True).folder("templates") == tmp_path / CACHE_DIR / (
        "templates"
    )


def test_stale_entries_are_forgotten_after_a_read(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_many([("a", 1), ("b", 2), ("c", 3)], keep=["a", "b", "c"])
    cache.close()
    cache = ArticleCache(tmp_path / "c.sqlite")
    assert cache.get_many(["a", "c"]) == {"a": 1, "c": 3}
    cache.put_many([("d", 4)], keep=["a", "c", "d"])
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 1, "c": 3, "d": 4}


def test_a_cached_body_reads_as_the_text_it_stands_for(tmp_path):
    from markupsafe import Markup

    from newsgen.cache.bodies import CachedBody
    from newsgen.errors import NewsgenError

    article, _ = load("---\nheadline: H\ndate: 2024-12-16\n---\nBody *text*.\n")
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_rows([("k", pickle.dumps((article, [])), article.body_html)], keep=["k"])
    body = CachedBody(cache, "k")
    text = article.body_html
    assert str(body) == text and body == text and text == body
    assert Markup(body) == Markup(text)  # Jinja's | safe
    assert "<em>text</em>" in body and len(body) == len(text) and hash(body) == hash(text)
    assert pickle.loads(pickle.dumps(body)) == text
    assert type(pickle.loads(pickle.dumps(body))) is str
    with pytest.raises(NewsgenError, match="went missing"):
        str(CachedBody(cache, "gone"))
    cache.put_many([("plain", (article, []))])  # an entry with no body kept apart
    assert cache.bodies(["k", "plain", "gone"]) == {"k": text}


def test_prefetched_bodies_are_handed_out_once_each(tmp_path):
    cache = ArticleCache(tmp_path / "cache.sqlite")
    cache.put_rows([("a", b"x", "<p>A</p>"), ("b", b"y", "<p>B</p>")])
    bodies = [CachedBody(cache, "a"), CachedBody(cache, "b"), "<p>plain</p>"]
    CachedBody.prefetch(bodies)
    assert cache._fetched == {"a": "<p>A</p>", "b": "<p>B</p>"}
    assert str(bodies[0]) == "<p>A</p>"
    assert "a" not in cache._fetched  # handed out: no longer held
    assert str(bodies[0]) == "<p>A</p>"  # read again from the cache
    cache.close()


def body_row(cache: ArticleCache, key: str, text: str) -> None:
    article, _ = load("---\nheadline: H\ndate: 2024-12-16\n---\nBody.\n")
    cache.put_rows([(key, pickle.dumps((article, [])), text)], keep=None)


def test_a_body_that_does_not_match_is_made_again_and_its_entry_forgotten(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    body_row(cache, "a", "<p>A</p>")
    body_row(cache, "b", "<p>B</p>")
    assert cache._file._db is not None
    with cache._file._db:  # swapped: each body with the other's checksum too
        cache._file._db.execute(
            "UPDATE entries SET body = CASE key WHEN 'a' THEN '<p>B</p>' ELSE '<p>A</p>' END"
        )
    cache.reload = {"a": "<p>A again</p>"}.get
    assert cache.bodies(["a", "b"]) == {}
    assert str(CachedBody(cache, "a")) == "<p>A again</p>"
    with pytest.raises(BodyUnavailable):
        str(CachedBody(cache, "b"))  # neither the cache nor its file can give it
    assert cache.get_many(["a", "b"]) == {}  # forgotten: loaded and stored again next time
    warning = cache.warning()
    assert warning is not None and warning.message.startswith("2 cached entries did not match")


class Failing:
    """A connection whose file turned out damaged."""

    def execute(self, *args: object) -> None:
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = 11  # type: ignore[attr-defined]
        raise error

    def close(self) -> None:
        pass


def test_damage_found_in_mid_build_moves_the_file_aside_and_the_build_goes_on(tmp_path):
    cache = open_cache(tmp_path, enabled=True)
    body_row(cache, "a", "<p>A</p>")
    cache.put_memo("m", "sig", 1)
    assert cache._file._db is not None
    cache._file._db.close()
    cache._file._db = Failing()  # type: ignore[assignment]
    cache.reload = {"a": "<p>A from its file</p>"}.get
    assert str(CachedBody(cache, "a")) == "<p>A from its file</p>"
    assert cache.stores and cache.memo("m") is None  # a new, empty cache
    cache.put_memo("m", "sig", 2)
    assert cache.memo("m") == ("sig", 2)
    assert len(list((tmp_path / CACHE_DIR).glob(f"{CACHE_FILE}.damaged-*"))) == 1
    warning = cache.warning()
    assert warning is not None and "is damaged (SQLite: database disk image is malformed)" in (
        warning.message
    )


def test_a_reader_leaves_the_file_alone_and_says_nothing(tmp_path):
    """The page helper reads beside the build: the build itself reports and repairs."""
    ArticleCache(tmp_path / "c.sqlite").close()
    (tmp_path / "c.sqlite").write_bytes(b"not a database" * 300)
    reader = ArticleCache(tmp_path / "c.sqlite", read_only=True)
    assert not reader.stores and reader.warning() is None
    assert (tmp_path / "c.sqlite").read_bytes() == b"not a database" * 300


def test_file_hashes_that_do_not_match_are_left_out_then_forgotten(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    rows = [("w/a.md", "1:2:3:4", "da"), ("w/b.md", "5:6:7:8", "db"), ("c.md", "9:9:9:9", "dc")]
    cache.put_file_digests(rows, forget=[])
    assert cache._file._db is not None
    with cache._file._db:
        altered = "UPDATE file_digests SET records = CAST("
        altered += "replace(CAST(records AS TEXT), 'da', 'dX') AS BLOB)"
        cache._file._db.execute(f"{altered} WHERE folder = 'w'")
    assert cache.file_digests() == {"c.md": ("9:9:9:9", "dc")}
    cache.put_file_digests([], forget=[])
    assert cache._file._db.execute("SELECT folder FROM file_digests").fetchall() == [("",)]
    warning = cache.warning()
    assert warning is not None and warning.message.startswith("1 cached entry did not match")
