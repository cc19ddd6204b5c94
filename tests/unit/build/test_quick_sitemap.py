"""newsgen.build.quick_sitemap: the sitemap files a moved page changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import jinja2
from unit_helpers import make_config

from newsgen.build.quick_sitemap import moved_sitemaps, with_changes
from newsgen.cache import codec
from newsgen.feeds.sitemaps import (
    SitemapEntry,
    sitemap_entry,
    sitemap_list,
    sitemap_parts,
    urlset,
)
from newsgen.render.keys import InputKeys
from newsgen.render.outputs import sitemap_key
from newsgen.site.assemble import build_site

ROOT = "https://gazette.example.com/"
WHEN = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def keys() -> InputKeys:
    config = make_config()
    env = jinja2.Environment(loader=jinja2.DictLoader({}))
    return InputKeys(build_site(config, []), "base", {}, env)


def listed(count: int) -> tuple[SitemapEntry, ...]:
    return tuple(SitemapEntry(f"{ROOT}world/story-{i:03d}/", WHEN) for i in range(count))


def test_a_move_renders_the_sitemap_files_whose_entries_differ(monkeypatch):
    from newsgen.build import quick_sitemap
    from newsgen.feeds import sitemaps

    parts = sitemaps.sitemap_parts
    monkeypatch.setattr(quick_sitemap, "sitemap_parts", lambda c, e: parts(c, e, max_urls=10))
    base = listed(30)  # three files of ten, and the index
    moves = {f"{ROOT}world/story-025/": None, f"{ROOT}world/story-025-renamed/": WHEN}
    made = moved_sitemaps((base, {}), moves, make_config(), keys())
    assert made is not None
    outputs, made_keys = made
    assert [output.path for output in outputs] == ["sitemaps/sitemap-3.xml"]
    text = outputs[0].data.decode()
    assert "story-025-renamed/" in text and "story-025/" not in text
    after = {**{entry.loc: entry.lastmod for entry in base}, **moves}
    entries = [SitemapEntry(loc, after[loc]) for loc in sorted(after) if after[loc]]
    [part] = [p for p in parts(make_config(), entries, max_urls=10) if p.path == outputs[0].path]
    assert made_keys == {part.path: sitemap_key(keys(), part)}
    assert outputs[0].data == part.render()


def test_a_move_that_changes_which_sitemap_files_there_are_is_left_to_a_full_build():
    base = listed(1)
    assert moved_sitemaps((base, {}), {f"{ROOT}a/": WHEN}, make_config(), keys()) is not None
    emptied = {entry.loc: None for entry in base}
    assert moved_sitemaps((base, {}), emptied, make_config(), keys()) is None  # none left
    assert sitemap_parts(make_config(), []) == []


def test_changes_keep_the_entries_sorted_and_the_others_the_same_objects():
    base = listed(5)
    later = datetime(2024, 6, 1, tzinfo=UTC)
    changes = {
        base[1].loc: None,
        f"{ROOT}world/story-002-b/": later,
        base[3].loc: later,
        f"{ROOT}aaa/": WHEN,
        f"{ROOT}world/gone-already/": None,
    }
    after = with_changes(base, changes)
    kept = [base[0].loc, base[2].loc, base[3].loc, base[4].loc]
    added = [f"{ROOT}aaa/", f"{ROOT}world/story-002-b/"]
    assert [entry.loc for entry in after] == sorted([*added, *kept])
    first = after.locs.index(base[0].loc)
    assert after.locs[first] is base[0].loc and after.lastmods[first] is base[0].lastmod
    assert [e.lastmod for e in after if e.loc == base[3].loc] == [later]
    # every entry carries its <url> element, as urlset() writes it
    assert all(e.xml.encode() in urlset([SitemapEntry(e.loc, e.lastmod)]) for e in after)
    assert with_changes(sitemap_list(base), changes) == after


def test_a_sitemap_list_reads_as_its_entries():
    entries = listed(4)
    columns = sitemap_list(entries)
    assert len(columns) == 4 and list(columns) == [sitemap_entry(e.loc, e.lastmod) for e in entries]
    assert columns[1:3] == sitemap_list(entries[1:3]) and columns[-1].loc == entries[-1].loc
    assert urlset(columns) == urlset(entries)
    assert codec.loads(codec.dumps(columns)) == columns  # the cache may hold it


def test_the_newest_of_a_sitemap_list_is_the_latest_instant_whatever_its_offset():
    berlin = timezone(timedelta(hours=1))
    entries = [
        SitemapEntry(f"{ROOT}a/", datetime(2024, 5, 1, 9, 30, tzinfo=berlin)),  # 08:30 UTC
        SitemapEntry(f"{ROOT}b/", WHEN + timedelta(minutes=20)),  # 08:20 UTC
        SitemapEntry(f"{ROOT}c/", datetime(2024, 5, 1, 8, 30, tzinfo=UTC)),  # as a/, later
    ]
    columns = sitemap_list(entries)
    assert columns.newest() is entries[0].lastmod
    assert columns[1:].newest() is entries[2].lastmod
    moved = with_changes(columns, {f"{ROOT}b/": WHEN + timedelta(hours=2)})
    assert moved.newest() == WHEN + timedelta(hours=2)
    index = sitemap_parts(make_config(), moved, max_urls=2)[0]  # the index, of two files
    assert [newest for _, newest in index.shows] == [WHEN + timedelta(hours=2), entries[2].lastmod]
