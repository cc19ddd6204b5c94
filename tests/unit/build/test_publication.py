"""newsgen.build.quick_publish and quick_listings.with_added: what one new article changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import jinja2
import pytest
from test_card_pages import NOW, PLAIN, START, environment, newsroom
from unit_helpers import make_article

from newsgen.build import quick_publish
from newsgen.build.quick_listings import joined, listings_of, quick_listings, with_joined
from newsgen.build.search_step import SHARD_PAGES
from newsgen.models import Period
from newsgen.site.assemble import build_site


def with_story(section: str = "World", tags: tuple[str, ...] = ("Trade",), days: float = 11):
    """The newsroom site, its listings, and both again with one story added, the newest."""
    config, site = newsroom()
    story = make_article(
        "Late story",
        START + timedelta(days=days),
        section=section,
        config=config,
        tags=list(tags),
        bylines=["Ada Reporter"],
    )
    after = build_site(config, [*site.articles, story], NOW)
    published = next(a for a in after.articles if a.source_path == story.source_path)
    return site, quick_listings(site, PLAIN), published, after, quick_listings(after, PLAIN)


@pytest.mark.parametrize(
    "section, tags", [("World", ("Trade",)), ("Business", ("Trade", "Ports")), ("World", ())]
)
def test_with_added_lists_the_story_as_a_full_build_would(section, tags):
    site, listings, story, _, expected = with_story(section, tags)
    keys = listings_of(listings, site.config, story)
    assert keys is not None and expected is not None
    added = with_joined(listings, joined(story, keys, True), site.config.home_latest)
    for key in expected.listings:
        assert added.items(key) == expected.items(key), key
    assert added.latest == expected.latest
    assert added.news == expected.news
    assert added.tag_counts == expected.tag_counts
    assert added.author_counts == expected.author_counts
    assert added.years == expected.years
    assert added.months == expected.months
    assert added.subjects == expected.subjects
    assert added.items(keys[0])[0] == story.source_path


def test_the_listing_pages_to_render_are_those_a_full_build_changes():
    """For a story added to listings of every length, the pages picked are exactly those
    whose items or links differ between the sites before and after."""
    for days in (11, 12, 13):
        site, listings, story, after, _ = with_story(days=days)
        keys = listings_of(listings, site.config, story)
        added = with_joined(listings, joined(story, keys, False), site.config.home_latest)
        pages, gained = quick_publish._listing_pages(added, keys, site.config.per_page, False)
        picked = {(page.listing, page.number): page for page in pages}
        for key in keys:
            kind, name = key.split(" ", 1)
            before = _pages(site, kind, name)
            now = _pages(after, kind, name)
            for number, page in now.items():
                old = before.get(number)
                differs = old is None or shows(old) != shows(page)
                assert ((key, number) in picked) == differs, (key, number)
                if differs:
                    shown = tuple(a.source_path for a in page.items)
                    assert picked[(key, number)].items == shown
                    assert picked[(key, number)].total == page.total
        assert gained == sum(
            len(_pages(after, *key.split(" ", 1))) - len(_pages(site, *key.split(" ", 1)))
            for key in keys
        )


def shows(page):
    """What a listing page shows: its items and its links (not the count of pages)."""
    return page.items, page.links, page.newer_url, page.older_url


def _pages(site, kind, name):
    """The pages of a listing by number (None: the front page)."""
    return {page.number: page for page in getattr(site, f"{kind}_pages")[name]}


def test_the_site_pages_that_read_what_an_addition_changes_are_rendered_again():
    default = environment(**{
        "home.html": "{{ site.latest }}{{ site.home_blocks }}",
        "tags.html": "{{ site.tags }}{{ site.tag_counts }}",
        "archive.html": "{{ site.years }}{{ site.months }}",
        "search.html": "{{ site.years }}",
        "404.html": "{{ site.sections }}",
        "article.html": "{{ article.headline }}",
        "tag.html": "{{ count }}",
    })  # fmt: skip
    pages = quick_publish._site_pages_to_render
    assert pages(default, search=True) == ("home.html", "tags.html", "archive.html", "search.html")
    assert pages(default, search=False) == ("home.html", "tags.html", "archive.html")
    for template, text in [
        ("article.html", "{{ site.tag_counts }}"),  # every article page would change
        ("tag.html", "{{ site.author_counts }}"),
        ("_base.html", "{{ site.years }}"),
    ]:
        templates = {**default.loader.mapping, template: text}  # type: ignore[attr-defined]
        if template == "_base.html":
            templates["period.html"] = '{% extends "_base.html" %}'
        assert pages(jinja2.Environment(loader=jinja2.DictLoader(templates)), True) is None
    # A page to render again that reads what the quick rebuild does not hold.
    corrections = {
        **default.loader.mapping,
        "tags.html": "{{ site.tag_counts }}{{ site.corrections }}",
    }  # type: ignore[attr-defined]
    assert pages(jinja2.Environment(loader=jinja2.DictLoader(corrections)), True) is None


def test_a_feed_takes_the_story_when_it_follows_one_of_its_listings():
    class Feed:
        def __init__(self, path, listing, items):
            self.path, self.listing, self.items = path, listing, items

    feeds = [
        Feed("feed.xml", "", ("a", "b", "c")),
        Feed("world/feed.xml", "section world", ("a",)),
        Feed("business/feed.xml", "section business", ("b",)),
        Feed("tags/trade/feed.xml", "tag trade", ()),
    ]
    items = quick_publish._feed_items(feeds, ["section world", "tag trade"], "new", 3)
    assert items == {
        "feed.xml": ("new", "a", "b"),
        "world/feed.xml": ("new", "a"),
        "tags/trade/feed.xml": ("new",),
    }
    unknown = [*feeds, Feed("other.xml", None, ())]
    assert quick_publish._feed_items(unknown, ["section world"], "new", 3) is None


@pytest.mark.parametrize(
    "count, order, expected",
    [
        (10, ("2024", "2023"), "2024"),
        (SHARD_PAGES, ("2024",), "2024"),
        (SHARD_PAGES + 1, ("2024",), None),  # the year turns to quarters: a full build
        (SHARD_PAGES + 2, ("2024-q1", "2024-q2"), "2024-q1"),
        (SHARD_PAGES + 2, ("2024",), None),
        (10, ("2023",), None),
    ],
)
def test_the_new_page_goes_to_its_year_or_quarter_shard(count, order, expected):
    _, _, story, _, listings = with_story()
    year = story.date.year
    years = tuple(
        replace(p, count=count) if p.year == year else p for p in listings.years
    )  # fmt: skip
    assert any(isinstance(p, Period) and p.year == year for p in years)
    added = quick_publish.Publication(
        story,
        replace(listings, years=years),
        (),
        None,
        (),
        {},
        (),
        False,
        0,
        (story.source_path, (), False, frozenset()),  # type: ignore[arg-type]
    )
    assert quick_publish.search_shard(added, order, story.date.tzinfo) == expected


def test_the_changes_of_publishes_in_a_row_add_up():
    from newsgen.build.quick_state import NO_CHANGES, QuickChanges

    def published(path: str, time: float, feeds: dict, answers: dict) -> QuickChanges:
        return replace(
            NO_CHANGES,
            added=(path,),
            feeds=feeds,
            json_items=(path,),
            joined=((path, ("section world",), False, frozenset()),),
            related_added=((path, time, "world", ()),),
            related_answers=answers,
        )

    first = published("a.md", 1.0, {"feed.xml": ("a.md",)}, {"a.md": (), "x.md": ("a.md",)})
    second = published("b.md", 2.0, {"feed.xml": ("b.md", "a.md")}, {"b.md": ("a.md",)})
    both = NO_CHANGES.then(first).then(second)
    assert both.added == ("a.md", "b.md")
    assert both.feeds == {"feed.xml": ("b.md", "a.md")}
    assert both.json_items == ("b.md",)
    assert [item[0] for item in both.joined] == ["a.md", "b.md"]  # oldest first
    assert [item[0] for item in both.related_added] == ["a.md", "b.md"]
    assert both.related_answers == {"a.md": (), "x.md": ("a.md",), "b.md": ("a.md",)}
    body_edit = replace(NO_CHANGES, digests={"a.md": "new"})
    assert both.then(body_edit).added == both.added  # a later edit keeps them
    assert both.then(body_edit).related_answers == both.related_answers
