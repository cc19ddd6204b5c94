"""newsgen.content.load: hashing article files (reusing recorded hashes) and loading them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from unit_helpers import article_text, make_config

from newsgen.cache import file_hashes
from newsgen.cache.articles import ArticleCache, open_cache
from newsgen.content import load as loading
from newsgen.content.discover import discover_content
from newsgen.content.load import LoadSettings, load_articles, read_sources
from newsgen.errors import Problems


def settings_for(root: Path) -> LoadSettings:
    tree = discover_content(root, Problems())
    return LoadSettings(make_config(), root / "content", frozenset(), tree.assets)


def read(root: Path, cache: ArticleCache | None) -> tuple[dict[str, loading.SourceBytes], Problems]:
    problems = Problems()
    tree = discover_content(root, problems)
    found = read_sources(tree, settings_for(root), problems, cache)
    return {item.source.content_relative: item for item in found}, problems


@pytest.fixture
def site(make_site) -> Path:
    return make_site(
        {
            "content/world/a.md": article_text("First story"),
            "content/world/b.md": article_text("Second story"),
            "content/local/c.md": article_text("Third story"),
        }
    )


@pytest.fixture
def not_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat files written a moment ago as settled, so that their stat is recorded."""
    monkeypatch.setattr(file_hashes, "RACY_SECONDS", 0)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- read_sources ---------------------------------------------------------------------------


def test_without_a_cache_every_file_is_read(site: Path) -> None:
    found, problems = read(site, None)
    assert list(problems) == []
    assert sorted(found) == ["local/c.md", "world/a.md", "world/b.md"]
    for name, item in found.items():
        assert item.held == (site / "content" / name).read_bytes()
        assert item.digest == sha(site / "content" / name)


def test_a_recorded_hash_is_reused_without_reading(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    first, _ = read(site, cache)
    assert set(cache.file_digests()) == {"local/c.md", "world/a.md", "world/b.md"}
    again, problems = read(site, cache)
    assert list(problems) == []
    for name, item in again.items():
        assert item.held is None  # not read
        assert (item.digest, item.key) == (first[name].digest, first[name].key)
        assert item.data == (site / "content" / name).read_bytes()  # read when asked


def test_fresh_files_are_racy_and_hashed_again(site: Path) -> None:
    """Files changed within RACY_SECONDS of being hashed are not recorded."""
    cache = open_cache(site, enabled=True)
    read(site, cache)
    assert cache.file_digests() == {}
    again, _ = read(site, cache)
    assert all(item.held is not None for item in again.values())


@pytest.mark.parametrize("change", ["appended", "same size and mtime", "replaced"])
def test_a_changed_file_is_hashed_again(site: Path, not_racy: None, change: str) -> None:
    cache = open_cache(site, enabled=True)
    read(site, cache)
    path = site / "content" / "world" / "a.md"
    before = path.stat()
    if change == "appended":
        path.write_text(path.read_text() + "More.\n")
    elif change == "same size and mtime":  # only the ctime tells
        path.write_bytes(path.read_bytes().replace(b"First", b"Fir5t"))
        loading.os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:  # a new file renamed over the old one: a new inode
        (path.parent / "new").write_bytes(path.read_bytes().replace(b"First", b"Fir5t"))
        (path.parent / "new").replace(path)
    again, _ = read(site, cache)
    assert again["world/a.md"].held == path.read_bytes()
    assert again["world/a.md"].digest == sha(path)
    assert again["world/b.md"].held is None
    assert cache.file_digests()["world/a.md"][1] == sha(path)


def test_a_removed_file_is_forgotten(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    read(site, cache)
    (site / "content" / "world" / "b.md").unlink()
    found, problems = read(site, cache)
    assert sorted(found) == ["local/c.md", "world/a.md"] and list(problems) == []
    assert set(cache.file_digests()) == {"local/c.md", "world/a.md"}


def test_a_disabled_cache_records_nothing(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=False)
    found, _ = read(site, cache)
    assert all(item.held is not None for item in found.values())
    assert cache.file_digests() == {}
    assert not (site / ".newsgen").exists()


def test_an_unreadable_file_is_a_problem_at_its_path(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    read(site, cache)
    tree = discover_content(site, Problems())
    path = site / "content" / "world" / "a.md"
    path.unlink()
    path.mkdir()  # discover saw a file; reading it now fails
    problems = Problems()
    found = read_sources(tree, settings_for(site), problems, cache)
    assert "world/a.md" not in {item.source.content_relative for item in found}
    [problem] = problems.errors
    assert problem.path == "content/world/a.md"
    assert problem.message.startswith("is a folder, not a regular file")
    assert "world/a.md" not in cache.file_digests()


# --- load_articles --------------------------------------------------------------------------


def load(root: Path, cache: ArticleCache) -> tuple[list[str], Problems]:
    problems = Problems()
    tree = discover_content(root, problems)
    sources = read_sources(tree, settings_for(root), problems, cache)
    articles = load_articles(sources, settings_for(root), cache, 1, problems)
    return [article.headline for article in articles], problems


def test_cached_articles_need_no_bytes(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    assert load(site, cache)[0] == ["Third story", "First story", "Second story"]
    problems = Problems()
    sources = read_sources(discover_content(site, problems), settings_for(site), problems, cache)
    for item in sources:
        os.unlink(item.source.path)  # a hit never reads the file
    cache = open_cache(site, enabled=True)  # the next build's
    articles = load_articles(sources, settings_for(site), cache, 1, problems)
    assert [a.headline for a in articles] == ["Third story", "First story", "Second story"]
    assert list(problems) == [] and cache.hits == 3


def test_a_miss_reads_the_file_then(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    load(site, cache)
    problems = Problems()
    changed = LoadSettings(make_config(title="Other"), site / "content", frozenset(), frozenset())
    sources = read_sources(discover_content(site, problems), changed, problems, cache)
    assert all(item.held is None for item in sources)  # hashes recorded, keys all new
    articles = load_articles(sources, changed, cache, 1, problems)
    assert [a.headline for a in articles] == ["Third story", "First story", "Second story"]
    assert list(problems) == []


def test_a_miss_whose_file_went_away_is_a_problem(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    load(site, cache)
    problems = Problems()
    changed = LoadSettings(make_config(title="Other"), site / "content", frozenset(), frozenset())
    sources = read_sources(discover_content(site, problems), changed, problems, cache)
    (site / "content" / "world" / "b.md").unlink()
    articles = load_articles(sources, changed, cache, 1, problems)
    assert [a.headline for a in articles] == ["Third story", "First story"]
    [problem] = problems.errors
    assert problem.path == "content/world/b.md" and "cannot be read" in problem.message


def test_a_file_changed_after_hashing_is_loaded_but_not_cached(site: Path, not_racy: None) -> None:
    cache = open_cache(site, enabled=True)
    load(site, cache)
    problems = Problems()
    changed = LoadSettings(make_config(title="Other"), site / "content", frozenset(), frozenset())
    sources = read_sources(discover_content(site, problems), changed, problems, cache)
    path = site / "content" / "world" / "a.md"
    path.write_text(article_text("Rewritten meanwhile"))
    articles = load_articles(sources, changed, cache, 1, problems)
    assert [a.headline for a in articles] == ["Third story", "Rewritten meanwhile", "Second story"]
    stale_key = next(item.key for item in sources if item.source.path == str(path))
    assert cache.get_many([stale_key]) == {}  # the old hash's key holds no new article


# --- progress -------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_loading_reports_progress_of_the_articles_it_parses(
    site: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 1)
    problems = Problems()
    tree = discover_content(site, problems)
    sources = read_sources(tree, settings_for(site), problems, None)
    told: list[tuple[str, int, int]] = []
    cache = ArticleCache(None)
    loaded = load_articles(
        sources, settings_for(site), cache, jobs, problems, lambda *a: told.append(a)
    )
    assert len(loaded) == 3
    assert told[-1] == ("parsing", 3, 3)
    assert [done for _, done, _ in told] == sorted(done for _, done, _ in told)


@pytest.mark.parametrize("jobs", [1, 2])
def test_past_the_threshold_bytes_are_not_kept_and_workers_read_the_files(
    site: Path, jobs: int, monkeypatch: pytest.MonkeyPatch, not_racy: None
) -> None:
    # A large archive: the parent keeps no bytes (a forked worker would count them
    # too); each file is read by whoever parses it, checked against its hash.
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 1)
    found, _ = read(site, None)
    assert sum(item.held is not None for item in found.values()) == 1
    cache = open_cache(site, enabled=True)
    headlines, problems = load(site, cache)
    assert list(problems) == [] and len(headlines) == 3
    cache = open_cache(site, enabled=True)  # the next build's
    again, _ = load(site, cache)
    assert again == headlines and cache.hits == 3


def test_deferred_bodies_stay_in_the_cache_until_read(site: Path, not_racy: None) -> None:
    from newsgen.cache.bodies import CachedBody

    cache = open_cache(site, enabled=True)
    problems = Problems()
    sources = read_sources(discover_content(site, problems), settings_for(site), problems, cache)
    plain = load_articles(sources, settings_for(site), ArticleCache(None), 1, problems)
    for _ in range(2):  # parsed and stored, then from the cache
        deferred = load_articles(sources, settings_for(site), cache, 1, problems, defer_bodies=True)
        assert all(isinstance(a.body_html, CachedBody) for a in deferred)
        assert [str(a.body_html) for a in deferred] == [a.body_html for a in plain]


def test_articles_are_cached_chunk_by_chunk_as_they_are_parsed(
    site: Path, monkeypatch: pytest.MonkeyPatch, not_racy: None
) -> None:
    # The bodies of a large archive are never all held at once: each chunk is
    # stored (and, deferred, its bodies left in the cache) before the next.
    monkeypatch.setattr(loading, "SERIAL_CHUNK", 1)
    cache = open_cache(site, enabled=True)
    stored: list[int] = []
    real = cache.put_sealed

    def put_sealed(rows, keep=None, forget=()):  # type: ignore[no-untyped-def]
        rows = list(rows)
        stored.append(len(rows))
        real(rows, keep, forget)

    monkeypatch.setattr(cache, "put_sealed", put_sealed)
    problems = Problems()
    sources = read_sources(discover_content(site, problems), settings_for(site), problems, cache)
    articles = load_articles(sources, settings_for(site), cache, 1, problems, defer_bodies=True)
    assert stored == [1, 1, 1, 0]  # three chunks of one, then the forgetting of stale ones
    assert all("<p>" in article.body_html for article in articles)  # read from the cache


def test_the_cache_keeps_bodies_apart_from_the_articles(site: Path, not_racy: None) -> None:
    # Reading every cached article (a rebuild after a headline edit) reads no body.
    cache = open_cache(site, enabled=True)
    problems = Problems()
    sources = read_sources(discover_content(site, problems), settings_for(site), problems, cache)
    articles = load_articles(sources, settings_for(site), cache, 1, problems)
    keys = [item.key for item in sources]
    entries = cache.get_many(keys)
    bodies = cache.bodies(keys)
    assert len(entries) == len(bodies) == len(articles) > 0
    for key, article in zip(keys, articles, strict=True):
        assert entries[key][0].body_html == ""
        assert bodies[key] == article.body_html and "<p>" in bodies[key]
    again = load_articles(sources, settings_for(site), cache, 1, Problems())
    assert [a.body_html for a in again] == [a.body_html for a in articles]


def test_equal_sections_tags_and_authors_are_one_object(make_site, not_racy: None) -> None:
    # Each cached article is its own pickle; loaded, equal names are shared again.
    tagged = {"tags": "[Rail, Budget]", "byline": "Ana Costa"}
    site = make_site(
        {
            "content/world/a.md": article_text("First story", **tagged),
            "content/world/b.md": article_text("Second story", **tagged),
        }
    )
    for _ in range(2):  # parsed, then from the cache
        cache = open_cache(site, enabled=True)
        problems = Problems()
        sources = read_sources(
            discover_content(site, problems), settings_for(site), problems, cache
        )
        first, second = load_articles(sources, settings_for(site), cache, 1, problems)
        assert not problems.has_errors()
        assert first.section is second.section
        assert [t.name for t in first.tags] == ["Rail", "Budget"]
        assert all(a is b for a, b in zip(first.tags, second.tags, strict=True))
        assert first.authors and first.authors[0] is second.authors[0]
        cache.close()
