"""newsgen.build.quick_listings and quick_cards: which pages show an edited card."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import jinja2
from unit_helpers import BERLIN, make_article, make_config

from newsgen.build.quick_cards import card_pages, card_site
from newsgen.build.quick_listings import (
    cards_can_change_alone,
    listing_key,
    listings_of,
    quick_listings,
)
from newsgen.models import HomeSettings
from newsgen.site.assemble import build_site

START = datetime(2024, 3, 1, 8, 0, tzinfo=BERLIN)
NOW = datetime(2024, 3, 12, 12, 0, tzinfo=BERLIN)


def environment(**templates: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates))


PLAIN = environment(**{"home.html": "{{ site.latest }}", "tag.html": "{{ page.items }}"})


def newsroom():
    """Eleven articles a day apart, newest last made: two sections, two tags, two authors."""
    home = HomeSettings(top=1, latest=1, block_size=1)
    config = make_config(per_page=2, home_latest=3, home_per_section=1, home=home)
    articles = [
        make_article(
            f"Story {i}",
            START + timedelta(days=i, hours=i % 3),
            section="World" if i % 2 else "Business",
            config=config,
            tags=["Trade"] if i % 3 else ["Trade", "Ports"],
            bylines=["Ada Reporter" if i % 2 else "Ben Writer"],
        )
        for i in range(11)
    ]
    return config, build_site(config, articles, NOW)


def test_a_template_reading_every_article_leaves_no_listings():
    _, site = newsroom()
    assert cards_can_change_alone(PLAIN)
    assert quick_listings(site, PLAIN) is not None
    for template, text in [
        ("tags.html", "{{ site.articles | length }}"),
        ("section.html", "{{ site.tag_pages }}"),
        ("article.html", "{% for a in site.latest %}{% endfor %}"),
        ("_layout.html", "{{ site.related }}"),
    ]:
        env = environment(**{template: text, "home.html": "{{ site.home_blocks }}"})
        assert not cards_can_change_alone(env), template
        assert quick_listings(site, env) is None


def test_the_listings_hold_each_listing_newest_first():
    config, site = newsroom()
    listings = quick_listings(site, PLAIN)
    assert listings is not None
    world = site.section_pages["world"]
    assert listings.items("section world") == [a.source_path for page in world for a in page.items]
    assert listings.latest == tuple(a.source_path for a in site.latest)
    assert listings.tag_counts == dict(site.tag_counts)
    assert listings.author_counts == {"ada-reporter": 5, "ben-writer": 6}
    article = site.articles[4]
    keys = listings_of(listings, config, article)
    assert keys is not None
    assert keys[0] == listing_key("section", article.section)
    assert {key.split(" ")[0] for key in keys} == {"section", "tag", "author", "period"}
    assert all(article.source_path in listings.items(key) for key in keys)


def test_an_edited_card_shows_on_one_page_of_each_listing_and_where_related():
    _, site = newsroom()
    listings = quick_listings(site, PLAIN)
    assert listings is not None
    article = site.articles[-1]  # old enough to be on numbered pages, not on the home page
    edited = replace(article, headline="A new headline")
    related = {path: tuple(a.source_path for a in items) for path, items in site.related.items()}
    path = article.source_path
    pages = card_pages(listings, site, {path: edited}, [path], related)
    assert pages is not None
    all_pages = [
        *site.section_pages.values(),
        *site.tag_pages.values(),
        *site.author_pages.values(),
        *site.period_pages.values(),
    ]
    holding = [page for pages_ in all_pages for page in pages_ if article in page.items]
    assert sorted((p.number or 0, p.total) for p in holding) == sorted(
        (p.number or 0, p.total) for p in pages.listed
    )
    assert sorted(p.items for p in pages.listed) == sorted(
        tuple(a.source_path for a in p.items) for p in holding
    )
    assert set(pages.referrers) == {
        path for path, shown in related.items() if article.source_path in shown
    }
    assert pages.referrers and article.source_path not in pages.referrers
    assert not pages.home and not pages.news
    newest = site.articles[0]
    pages = card_pages(listings, site, {newest.source_path: newest}, [], related)
    assert pages is not None and pages.home and pages.news


def test_the_card_site_gives_the_home_page_its_articles_as_loaded():
    _, site = newsroom()
    listings = quick_listings(site, PLAIN)
    assert listings is not None
    loaded = {a.source_path: a for a in site.articles}
    made = card_site(replace(site, latest=(), home_blocks=()), listings, loaded)
    assert made.latest == site.latest and made.home_blocks == site.home_blocks
    assert made.author_counts == site.author_counts and made.months == site.months
    assert card_site(site, listings, {}).latest == ()  # not loaded: the home page is not shown


def test_a_listing_missing_from_the_listings_is_not_guessed():
    config, site = newsroom()
    listings = quick_listings(site, PLAIN)
    assert listings is not None
    article = site.articles[2]
    moved = replace(article, tags=(*article.tags, replace(article.tags[0], slug="new-tag")))
    assert listings_of(listings, config, moved) is None
    assert card_pages(listings, site, {article.source_path: moved}, [], {}) is None
