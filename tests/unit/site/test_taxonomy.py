"""newsgen.site.taxonomy: one Section, Tag and Author per slug, named the way the site agrees on."""

from __future__ import annotations

from datetime import datetime, timedelta

from unit_helpers import BERLIN, make_article, make_config, sections_config

from newsgen.models import Author, Link, Section, Tag
from newsgen.site.taxonomy import (
    NameClash,
    Spelling,
    canonical,
    canonical_authors,
    canonical_sections,
    canonical_tags,
    name_clashes,
    section_order,
    with_canonical_names,
)

DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)


def story(n: int, **changes):
    """A distinct article (own headline, slug and source path)."""
    return make_article(f"Story {n}", DAY + timedelta(hours=n), **changes)


# --- canonical() ----------------------------------------------------------------------------------


def test_canonical_one_item_per_slug_most_used_spelling():
    url = "/tags/middle-east/"
    tags = [
        Tag("Middle East", "middle-east", url, url + "feed.xml"),
        Tag("middle east", "middle-east", url, url + "feed.xml"),
        Tag("Middle East", "middle-east", url, url + "feed.xml"),
    ]
    chosen = canonical(tags, lambda t: t.name)
    assert list(chosen) == ["middle-east"]
    assert chosen["middle-east"] == Tag("Middle East", "middle-east", url, url + "feed.xml")


def test_canonical_tie_is_broken_alphabetically_whatever_the_order():
    url = "/tags/syria/"
    first = [Tag("syria", "syria", url, url), Tag("Syria", "syria", url, url)]
    # "Syria" < "syria" in code point order
    assert canonical(first, lambda t: t.name)["syria"].name == "Syria"
    assert canonical(reversed(first), lambda t: t.name)["syria"].name == "Syria"


def test_canonical_sections_use_title_field():
    sections = [
        Section("world", "world", "/world/", "/world/feed.xml"),
        Section("world", "World", "/world/", "/world/feed.xml"),
        Section("world", "World", "/world/", "/world/feed.xml"),
    ]
    chosen = canonical(sections, lambda s: s.title)
    assert chosen == {"world": Section("world", "World", "/world/", "/world/feed.xml")}


# --- tags -----------------------------------------------------------------------------------------


def test_two_spellings_of_a_tag_become_one_with_most_used_spelling():
    articles = [
        story(1, tags=["Middle East"]),
        story(2, tags=["middle east"]),
        story(3, tags=["Middle East", "Syria"]),
    ]
    tags = canonical_tags(articles)
    assert set(tags) == {"middle-east", "syria"}
    assert tags["middle-east"].name == "Middle East"
    assert tags["middle-east"].url == "/tags/middle-east/"
    assert tags["middle-east"].feed_url == "/tags/middle-east/feed.xml"
    assert tags["syria"].name == "Syria"


def test_tag_tie_is_alphabetical():
    articles = [story(1, tags=["syria"]), story(2, tags=["Syria"])]
    assert canonical_tags(articles)["syria"].name == "Syria"
    assert canonical_tags(list(reversed(articles)))["syria"].name == "Syria"


def test_minority_spelling_loses_even_when_seen_first():
    articles = [story(1, tags=["EU"]), story(2, tags=["eu"]), story(3, tags=["eu"])]
    assert canonical_tags(articles)["eu"].name == "eu"


def test_no_tags_gives_empty_mapping():
    assert canonical_tags([story(1), story(2)]) == {}


# --- authors --------------------------------------------------------------------------------------


def test_two_spellings_of_an_author_become_one():
    articles = [
        story(1, bylines=["Lena Brandt"]),
        story(2, bylines=["lena brandt"]),
        story(3, bylines=["Lena Brandt", "Omar Haddad"]),
    ]
    authors = canonical_authors(articles, {})
    assert set(authors) == {"lena-brandt", "omar-haddad"}
    assert authors["lena-brandt"].name == "Lena Brandt"
    assert authors["lena-brandt"].url == "/authors/lena-brandt/"


def test_author_tie_is_alphabetical():
    articles = [story(1, bylines=["lena brandt"]), story(2, bylines=["Lena Brandt"])]
    assert canonical_authors(articles, {})["lena-brandt"].name == "Lena Brandt"


def test_author_profile_replaces_the_byline_author():
    profile = Author(
        "Lena Brandt",
        "lena-brandt",
        "/authors/lena-brandt/",
        bio="Europe correspondent.",
        photo="/images/lena.jpg",
        links=(Link("Email", "mailto:lena@example.com"),),
    )
    articles = [story(1, bylines=["lena brandt"]), story(2, bylines=["Omar Haddad"])]
    authors = canonical_authors(articles, {"lena-brandt": profile, "nobody": profile})
    assert authors["lena-brandt"] == profile
    assert authors["omar-haddad"].bio == ""
    assert "nobody" not in authors  # profiles without bylines add no authors


# --- sections -------------------------------------------------------------------------------------


def test_two_spellings_of_a_section_become_one_with_most_used_spelling():
    articles = [
        story(1, section="world"),
        story(2, section="World"),
        story(3, section="World"),
        story(4, section="Local"),
    ]
    sections = canonical_sections(make_config(), articles)
    assert set(sections) == {"world", "local"}
    assert sections["world"].title == "World"
    assert sections["world"].url == "/world/"
    assert sections["world"].feed_url == "/world/feed.xml"


def test_section_tie_is_alphabetical():
    articles = [story(1, section="world"), story(2, section="World")]
    assert canonical_sections(make_config(), articles)["world"].title == "World"


def test_config_section_title_wins_over_spellings():
    config = make_config(sections=sections_config(("world", "World News")))
    articles = [story(1, section="World"), story(2, section="world"), story(3, section="World")]
    sections = canonical_sections(config, articles)
    assert sections["world"].title == "World News"


def test_config_section_matched_by_slug():
    config = make_config(sections=sections_config(("Middle East", "The Middle East")))
    articles = [story(1, section="middle-east"), story(2, section="middle east")]
    sections = canonical_sections(config, articles)
    assert list(sections) == ["middle-east"]
    assert sections["middle-east"].title == "The Middle East"


def test_configured_section_without_articles_is_not_invented():
    config = make_config(sections=sections_config(("sport", "Sport")))
    sections = canonical_sections(config, [story(1, section="World")])
    assert list(sections) == ["world"]


def test_section_order_config_first_then_alphabetical_by_title():
    config = make_config(
        sections=sections_config(("world", "World News"), ("local", "Local"), ("sport", "Sport"))
    )
    articles = [
        story(1, section="Science"),
        story(2, section="business"),
        story(3, section="Local"),
        story(4, section="Culture"),
        story(5, section="World"),
    ]
    sections = canonical_sections(config, articles)
    order = section_order(config, sections)
    assert [s.title for s in order] == ["World News", "Local", "business", "Culture", "Science"]
    assert [s.slug for s in order] == ["world", "local", "business", "culture", "science"]


def test_section_order_without_config_is_alphabetical():
    config = make_config()
    articles = [story(1, section="World"), story(2, section="Arts"), story(3, section="local")]
    order = section_order(config, canonical_sections(config, articles))
    assert [s.slug for s in order] == ["arts", "local", "world"]


# --- with_canonical_names -------------------------------------------------------------------------


def test_with_canonical_names_swaps_in_site_wide_objects():
    articles = [
        story(1, section="world", tags=["middle east", "Syria"], bylines=["lena brandt"]),
        story(2, section="World", tags=["Middle East"], bylines=["Lena Brandt"]),
        story(3, section="World", tags=["Middle East"], bylines=["Lena Brandt"]),
    ]
    config = make_config(sections=sections_config(("world", "World News")))
    sections = canonical_sections(config, articles)
    tags = canonical_tags(articles)
    authors = canonical_authors(articles, {})
    fixed = with_canonical_names(articles[0], sections, tags, authors)
    assert fixed.section is sections["world"]
    assert fixed.section.title == "World News"
    assert [t.name for t in fixed.tags] == ["Middle East", "Syria"]
    assert fixed.tags[0] is tags["middle-east"]
    assert [a.name for a in fixed.authors] == ["Lena Brandt"]
    assert fixed.authors[0] is authors["lena-brandt"]
    # everything else is untouched, including the bylines as written
    assert tuple(fixed.bylines) == ("lena brandt",)
    assert (fixed.headline, fixed.url, fixed.source_path) == (
        articles[0].headline,
        articles[0].url,
        articles[0].source_path,
    )
    assert articles[0].tags[0].name == "middle east"  # the original is not changed


def test_with_canonical_names_keeps_order_of_tags_and_authors():
    articles = [story(1, tags=["B", "A", "C"], bylines=["Zoe", "Adam"])]
    sections = canonical_sections(make_config(), articles)
    fixed = with_canonical_names(
        articles[0], sections, canonical_tags(articles), canonical_authors(articles, {})
    )
    assert [t.slug for t in fixed.tags] == ["b", "a", "c"]
    assert [a.slug for a in fixed.authors] == ["zoe", "adam"]


# --- name_clashes() -------------------------------------------------------------------------------


def at(n: int, **changes):
    """Article ``n`` in a file whose path sorts by ``n``."""
    return story(n, source_path=f"content/world/{n}.md", **changes)


def test_spellings_of_one_name_are_no_clash():
    articles = [
        at(1, tags=["Middle East"], bylines=["José"]),
        at(2, tags=["middle-east"], bylines=["Jose"], section="world"),
    ]
    assert name_clashes(make_config(), articles, {}) == []


def test_different_tags_with_one_slug_are_a_clash_listing_each_name_and_its_files():
    articles = [
        at(1, tags=["C++"]),
        at(2, tags=["c"]),
        at(3, tags=["C#", "x"]),
        at(4, tags=["c++"]),
    ]
    assert name_clashes(make_config(), articles, {}) == [
        NameClash(
            "tags",
            "/tags/c/",
            (
                Spelling("C++", ("content/world/1.md", "content/world/4.md")),
                Spelling("c", ("content/world/2.md",)),
                Spelling("C#", ("content/world/3.md",)),
            ),
        )
    ]


def test_sections_and_bylines_clash_too():
    articles = [
        at(1, section="北京", bylines=["C Desk"]),
        at(2, section="背景", bylines=["C++ Desk"]),
    ]
    clashes = name_clashes(make_config(), articles, {})
    assert [(c.field, c.url, [s.name for s in c.names]) for c in clashes] == [
        ("section", "/bei-jing/", ["北京", "背景"]),
        ("byline", "/authors/c-desk/", ["C Desk", "C++ Desk"]),
    ]


def test_profiles_and_configured_sections_are_names_too():
    config = make_config(sections=sections_config(("C++", "C++ News")))
    profile = Author("C++ Desk", "c-desk", "/authors/c-desk/")
    articles = [at(1, section="C", bylines=["C Desk"])]
    clashes = name_clashes(config, articles, {"c-desk": profile})
    assert [(c.field, c.names) for c in clashes] == [
        ("section", (Spelling("C", ("content/world/1.md",)), Spelling("C++", ("newsgen.yaml",)))),
        (
            "byline",
            (Spelling("C++ Desk", ("authors.yaml",)), Spelling("C Desk", ("content/world/1.md",))),
        ),
    ]


def test_a_profile_or_configured_section_without_articles_clashes_with_nothing():
    config = make_config(sections=sections_config(("C++", "C++ News")))
    profile = Author("C++ Desk", "c-desk", "/authors/c-desk/")
    assert name_clashes(config, [at(1, section="World")], {"c-desk": profile}) == []
