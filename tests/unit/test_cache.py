"""newsgen.cache: the SQLite article cache."""

from __future__ import annotations

from types import MappingProxyType

from newsgen.cache import CACHE_DIR, CACHE_FILE, ArticleCache, entry_key, fingerprint, open_cache


def test_values_round_trip_and_hits_are_counted(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    cache.put_many([("a", {"x": 1}), ("b", MappingProxyType({"y": 2}))], keep=["a", "b"])
    found = cache.get_many(["a", "b", "missing"])
    assert found["a"] == {"x": 1}
    assert dict(found["b"]) == {"y": 2} and isinstance(found["b"], MappingProxyType)
    assert cache.hits == 2


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


def test_a_damaged_cache_file_is_replaced(tmp_path):
    folder = tmp_path / CACHE_DIR
    folder.mkdir()
    (folder / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    cache = open_cache(tmp_path, enabled=True)
    assert cache.get_many(["k"]) == {}
    cache.put_many([("k", 1)], keep=["k"])
    assert cache.get_many(["k"]) == {"k": 1}


def test_an_unreadable_entry_counts_as_a_miss(tmp_path):
    cache = ArticleCache(tmp_path / "c.sqlite")
    assert cache._db is not None
    with cache._db:
        cache._db.execute("INSERT INTO articles VALUES ('k', X'00ff00')")
    assert cache.get_many(["k"]) == {}
    assert cache.hits == 0


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
