"""newsgen.build.quick_sitemap: the sitemap files a moved page changes."""

from __future__ import annotations

from datetime import UTC, datetime

import jinja2
from unit_helpers import make_config

from newsgen.build.quick_sitemap import moved_sitemaps, with_changes
from newsgen.feeds.sitemaps import SitemapEntry, sitemap_parts
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
    assert after[after.index(base[0])] is base[0] and base[4] in after
    assert [e.lastmod for e in after if e.loc == base[3].loc] == [later]
