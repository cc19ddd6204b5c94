"""newsgen.site.assemble: ordering, sections, listings, home page and output collisions."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

from unit_helpers import BERLIN, make_article, make_config, sections_config

from newsgen.build.collisions import Claim, NameLimits, find_collisions, find_unwritable, output_key
from newsgen.errors import Problems
from newsgen.site.assemble import build_site

DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)


def site_of(articles, **config_changes):
    """Build the Site and run the build's collision check over the article pages."""
    problems = Problems()
    site = build_site(make_config(**config_changes), articles)
    find_collisions((Claim(a.output_path, a.source_path) for a in site.articles), problems)
    return site, problems


# --- ordering -----------------------------------------------------------------------------


def test_articles_newest_first():
    a = make_article("Old", DAY - timedelta(days=2))
    b = make_article("New", DAY)
    c = make_article("Middle", DAY - timedelta(days=1))
    site, problems = site_of([a, b, c])
    assert list(problems) == []
    assert [x.headline for x in site.articles] == ["New", "Middle", "Old"]


def test_ordering_compares_instants_across_offsets():
    from datetime import timezone

    early = make_article(
        "Early", datetime(2024, 12, 16, 10, 0, tzinfo=timezone(timedelta(hours=5)))
    )
    later = make_article("Later", datetime(2024, 12, 16, 9, 0, tzinfo=UTC))
    site, _ = site_of([early, later])
    assert [x.headline for x in site.articles] == ["Later", "Early"]


def test_same_time_ordered_by_headline_then_path():
    b = make_article("Bravo", DAY, source_path="content/world/b.md")
    a2 = make_article("Alpha", DAY, slug="alpha-2", source_path="content/world/z.md")
    a1 = make_article("Alpha", DAY, source_path="content/world/a.md")
    site, _ = site_of([b, a2, a1])
    assert [x.source_path for x in site.articles] == [
        "content/world/a.md",
        "content/world/z.md",
        "content/world/b.md",
    ]


def test_latest_holds_newest_home_latest():
    articles = [make_article(f"Story {i}", DAY + timedelta(hours=i)) for i in range(15)]
    site, _ = site_of(articles)
    assert len(site.latest) == site.config.home_latest == 10
    assert site.latest == site.articles[:10]


# --- sections -----------------------------------------------------------------------------


def test_section_title_from_config_wins():
    articles = [make_article("A", DAY, section="world"), make_article("B", DAY, section="World")]
    site, _ = site_of(articles, sections=sections_config(("world", "World News")))
    assert [(s.slug, s.title) for s in site.sections] == [("world", "World News")]
    assert {a.section.title for a in site.articles} == {"World News"}


def test_section_title_most_common_spelling():
    articles = [
        make_article("A", DAY, section="world"),
        make_article("B", DAY, section="World"),
        make_article("C", DAY, section="World"),
    ]
    site, _ = site_of(articles)
    assert [s.title for s in site.sections] == ["World"]
    assert {a.section.title for a in site.articles} == {"World"}
    assert len({a.section for a in site.articles}) == 1


def test_section_title_tie_is_deterministic():
    one = [make_article("A", DAY, section="world"), make_article("B", DAY, section="World")]
    two = list(reversed(one))
    assert site_of(one)[0].sections[0].title == site_of(two)[0].sections[0].title


def test_section_order_config_then_alphabetical():
    articles = [
        make_article("A", DAY, section="Zebra"),
        make_article("B", DAY, section="Culture"),
        make_article("C", DAY, section="world"),
        make_article("D", DAY, section="business"),
        make_article("E", DAY, section="Arts"),
    ]
    config_sections = sections_config(("world", "World"), ("business", "Business"))
    site, _ = site_of(articles, sections=config_sections)
    assert [s.title for s in site.sections] == ["World", "Business", "Arts", "Culture", "Zebra"]


def test_configured_section_without_articles_is_left_out():
    site, _ = site_of(
        [make_article("A", DAY, section="world")],
        sections=sections_config(("local", "Local"), ("world", "World")),
    )
    assert [s.slug for s in site.sections] == ["world"]


def test_alphabetical_order_ignores_case():
    articles = [make_article("A", DAY, section="beta"), make_article("B", DAY, section="Alpha")]
    site, _ = site_of(articles)
    assert [s.title for s in site.sections] == ["Alpha", "beta"]


def test_section_pages_and_home_blocks():
    articles = [make_article(f"W{i}", DAY + timedelta(hours=i), section="World") for i in range(7)]
    articles += [make_article("L", DAY, section="Local")]
    site, _ = site_of(articles, per_page=3)
    world_pages = site.section_pages["world"]
    assert [len(p.items) for p in world_pages] == [3, 1, 3]
    assert world_pages[0].title == "World"
    assert world_pages[0].url == "/world/"
    blocks = {b.section.slug: b for b in site.home_blocks}
    assert [h.headline for h in blocks["world"].articles] == ["W6", "W5", "W4", "W3", "W2"]
    assert [h.headline for h in blocks["local"].articles] == ["L"]
    assert [b.section.slug for b in site.home_blocks] == [s.slug for s in site.sections]


def test_feed_url_under_base_path():
    config = make_config(base_url="https://example.com/news/")
    article = make_article("A", DAY, config=config)
    site = build_site(config, [article])
    assert site.feed_url == "/news/feed.xml"


# --- collisions ---------------------------------------------------------------------------


def names_both(problem, first, second):
    """True when the problem is about one file and its message names the other."""
    return {problem.path, problem.message.split(", which ")[1].split(" also writes")[0]} == {
        first,
        second,
    }


def test_same_output_path_is_an_error_naming_both_files():
    a = make_article("Talks", DAY, source_path="content/world/talks.md")
    b = make_article("Talks", DAY + timedelta(hours=1), source_path="content/world/talks-2.md")
    assert a.output_path == b.output_path
    _, problems = site_of([a, b])
    [problem] = problems.errors
    assert names_both(problem, "content/world/talks.md", "content/world/talks-2.md")
    assert problem.line == 1
    assert a.output_path in problem.message


def test_different_paths_no_collision():
    _, problems = site_of([make_article("One", DAY), make_article("Two", DAY)])
    assert list(problems) == []


def test_paths_differing_in_case_collide():
    a = make_article("Talks", DAY, source_path="content/world/a.md")
    b = make_article(
        "Talks",
        DAY,
        source_path="content/world/b.md",
        output_path=a.output_path.replace("talks", "Talks"),
    )
    _, problems = site_of([a, b])
    [problem] = problems.errors
    assert "differs only in case or accents" in problem.message
    assert names_both(problem, "content/world/a.md", "content/world/b.md")


def test_paths_differing_in_unicode_form_collide():
    nfc = unicodedata.normalize("NFC", "world/café/index.html")
    nfd = unicodedata.normalize("NFD", "world/café/index.html")
    assert nfc != nfd
    a = make_article("A", DAY, source_path="content/a.md", output_path=nfc)
    b = make_article("B", DAY, source_path="content/b.md", output_path=nfd)
    _, problems = site_of([a, b])
    assert len(problems.errors) == 1


def test_find_collisions_direct():
    problems = Problems()
    pairs = [
        ("static/Logo.png", "static/Logo.png"),
        ("world/index.html", "section World"),
        ("static/logo.png", "content/world/a.md"),
        ("feed.xml", "site feed"),
        ("feed.xml", "static/feed.xml"),
    ]
    find_collisions([Claim(*pair) for pair in pairs], problems)
    assert [(p.path, p.line) for p in problems.errors] == [
        ("content/world/a.md", 1),
        ("static/feed.xml", 1),
    ]
    assert "static/Logo.png" in problems.errors[0].message
    assert "site feed" in problems.errors[1].message


def test_three_claims_give_two_errors():
    problems = Problems()
    find_collisions([Claim(*pair) for pair in [("x", "a"), ("x", "b"), ("X", "c")]], problems)
    assert [p.path for p in problems.errors] == ["b", "c"]


def test_output_key_folds_case_and_form():
    assert output_key("World/Café") == output_key(unicodedata.normalize("NFD", "world/café"))
    assert output_key("a") != output_key("b")


# --- paths the file system cannot hold, or newsgen keeps for itself ---------------------


def unwritable(*claims: Claim, limits: NameLimits | None = None) -> list[str]:
    problems = Problems()
    find_unwritable(claims, limits or NameLimits(), problems)
    return [str(problem) for problem in problems]


def test_paths_under_newsgens_own_names_are_errors_on_the_claim():
    found = unwritable(
        Claim(".newsgen-output", "content/a.md", 7, "aliases[0]"),
        Claim("old/.newsgen-spare-public/index.html", "content/a.md", 8, "aliases[1]"),
        Claim(".newsgen-dirty", "content/b.md", 9, "aliases[0]"),
        Claim("old/newsgen-output/x.newsgen-y/index.html", "content/a.md", 10, "aliases[2]"),
    )
    assert [line.split(": would be")[0] for line in found] == [
        "content/a.md:7: aliases[0]",
        "content/a.md:8: aliases[1]",
        "content/b.md:9: aliases[0]",
    ]
    assert "names starting with '.newsgen-' are newsgen's own" in found[0]


def test_a_name_longer_than_the_file_system_allows_is_an_error():
    long = "é" * 128  # 128 characters, 256 bytes of UTF-8
    found = unwritable(
        Claim(f"old/{long}/index.html", "content/a.md", 5, "aliases[0]"),
        Claim(f"world/2024/{long[:127]}/index.html", "content/b.md"),  # 254 bytes: fits
        Claim(f"images/{'x' * 256}.png", "static/images/x.png"),
    )
    assert found[0].startswith("content/a.md:5: aliases[0]: would be written to old/")
    assert "is 256 bytes long, and the file system of the output allows at most 255" in found[0]
    assert found[0].endswith("shorten it")
    assert found[1].startswith("static/images/x.png:1: would be written to images/xxx")
    assert found[1].endswith("rename the file")
    assert len(found) == 2


def test_the_output_disks_own_limits_are_used():
    found = unwritable(
        Claim("world/2024/01/02/a-fairly-long-slug/index.html", "content/a.md"),
        Claim("a/b/c/d/index.html", "content/b.md", 3, "aliases[0]"),
        limits=NameLimits(name=10, path=30),
    )
    assert found[0].startswith("content/a.md:1: would be written to world/")
    assert "'a-fairly-long-slug…' is 18 bytes long" in found[0]
    assert found[0].endswith("a shorter 'slug:' (or a shorter permalink in newsgen.yaml)")
    assert found == found[:1]  # 18 bytes: fits in 30
    deep = Claim("a/" * 20 + "index.html", "content/b.md", 3, "aliases[0]")
    [whole] = unwritable(deep, limits=NameLimits(name=10, path=30))
    assert "the path is 50 bytes long, and the file system of the output allows at most 30" in whole


def test_a_path_too_many_folders_deep_is_an_error():
    deep = Claim("a/" * 101 + "index.html", "content/b.md", 3, "aliases[0]")
    [found] = unwritable(deep, Claim("a/" * 100 + "index.html", "content/c.md", 3, "aliases[0]"))
    assert found.startswith("content/b.md:3: aliases[0]: would be written to a/a/")
    assert found.endswith("it is more than 100 folders deep; shorten it")
