"""newsgen.content.parse: every rule of the content model, with the path, line and field it reports.

Articles are written as ``text(*front_matter_lines)``: front matter line ``i``
(0-based) is file line ``i + 2``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from unit_helpers import BERLIN, article_with, load, make_config, one_error

from newsgen.errors import Problems
from newsgen.models import SectionConfig
from newsgen.urls import make_slug

PATH = "content/world/story.md"
H = "headline: Kremlin talks"
D = "date: 2024-12-16T10:00:00+01:00"
BODY = "First paragraph of the story.\n\nSecond paragraph.\n"


def text(*lines: str, body: str = BODY) -> str:
    """Return an article whose front matter is ``lines`` (line 2 onwards)."""
    return article_with(*lines, body=body)


# --- a valid article ---------------------------------------------------------------------


def test_minimal_article_loads_without_problems():
    article, problems = load(text(H, D))
    assert list(problems) == []
    assert article is not None
    assert article.headline == "Kremlin talks"
    assert article.source_path == PATH
    assert article.url == "/world/2024/12/16/kremlin-talks/"
    assert article.permalink == "https://gazette.example.com/world/2024/12/16/kremlin-talks/"
    assert article.output_path == "world/2024/12/16/kremlin-talks/index.html"
    assert article.body_html.startswith("<p>First paragraph of the story.</p>")


def test_bom_and_crlf_article_loads():
    raw = "\ufeff" + text(H, D).replace("\n", "\r\n")
    article, problems = load(raw)
    assert not problems.has_errors()
    assert article is not None and article.headline == "Kremlin talks"
    assert "\r" not in article.body_html


def test_problem_text_is_path_line_field_message():
    _, problems = load(text(H, "date: soon"))
    assert str(one_error(problems, "date")).startswith(f"{PATH}:3: date: 'soon' is not an ISO 8601")


# --- front matter structure -------------------------------------------------------------


def test_no_front_matter_is_an_error_on_line_1():
    article, problems = load("Just a body.\n")
    assert article is None
    [problem] = problems.errors
    assert (problem.path, problem.line, problem.field) == (PATH, 1, None)
    assert "no front matter" in problem.message


def test_duplicate_key_reported_with_its_line():
    _, problems = load(text(H, D, "headline: Again"))
    [problem] = problems.errors
    assert (problem.path, problem.line) == (PATH, 4)
    assert "given twice" in problem.message


def test_unclosed_front_matter_reported():
    article, problems = load("---\nheadline: Hi\n")
    assert article is None
    assert "never closed" in problems.errors[0].message


# --- headline -----------------------------------------------------------------------------


def test_headline_required():
    article, problems = load(text(D))
    assert article is None
    problem = one_error(problems, "headline")
    assert (problem.path, problem.line) == (PATH, 1)
    assert problem.message == "is required"


def test_headline_null_is_required_on_its_line():
    _, problems = load(text("headline:", D))
    problem = one_error(problems, "headline")
    assert (problem.line, problem.message) == (2, "is required")


@pytest.mark.parametrize("value", ['""', '"   "', "' \t '"])
def test_headline_must_not_be_empty(value):
    _, problems = load(text(f"headline: {value}", D))
    problem = one_error(problems, "headline")
    assert (problem.path, problem.line, problem.message) == (PATH, 2, "must not be empty")


@pytest.mark.parametrize(
    ("value", "kind"),
    [("[Kremlin, talks]", "a list"), ("{a: b}", "a mapping"), ("true", "true")],
)
def test_headline_must_be_text(value, kind):
    _, problems = load(text(f"headline: {value}", D))
    problem = one_error(problems, "headline")
    assert (problem.line, problem.message) == (2, f"must be text, not {kind}")


def test_headline_whitespace_is_folded():
    article, _ = load(text('headline: "  Kremlin \\t talks\\n  today "', D))
    assert article is not None and article.headline == "Kremlin talks today"


def test_numeric_headline_is_taken_as_text():
    article, problems = load(text("headline: 2024", D))
    assert not problems.has_errors()
    assert article is not None and article.headline == "2024"


# --- date ---------------------------------------------------------------------------------


def test_date_required():
    article, problems = load(text(H))
    assert article is None
    problem = one_error(problems, "date")
    assert (problem.path, problem.line) == (PATH, 1)
    assert problem.message.startswith("is required")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("yesterday", "'yesterday'"),
        ("16/12/2024", "'16/12/2024'"),
        ('"2024-12-16T25:00"', "'2024-12-16T25:00'"),
        ("[2024, 12, 16]", "a list"),
        ("true", "true"),
    ],
)
def test_date_unparseable(value, shown):
    article, problems = load(text(H, f"date: {value}"))
    assert article is None
    problem = one_error(problems, "date")
    assert (problem.path, problem.line) == (PATH, 3)
    assert problem.message.startswith(f"{shown} is not an ISO 8601 date or datetime")


def test_impossible_calendar_date_is_a_problem_on_its_line():
    # YAML reads 2024-02-30 as a timestamp; datetime() refuses it. Expected: a Problem
    # on line 3, not a ValueError escaping load_article.
    article, problems = load(text(H, "date: 2024-02-30"))
    assert article is None
    assert [p.line for p in problems.errors] == [3]


@pytest.mark.parametrize("value", ["2024-12-16", '"2024-12-16"'])
def test_date_only_is_midnight_in_site_timezone(value):
    article, _ = load(text(H, f"date: {value}"))
    assert article is not None
    assert article.date == datetime(2024, 12, 16, 0, 0, tzinfo=BERLIN)
    assert article.date.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("value", ["2024-12-16 09:30", "2024-12-16T09:30:00", '"2024-12-16T09:30"'])
def test_naive_datetime_is_in_site_timezone(value):
    article, _ = load(text(H, f"date: {value}"))
    assert article is not None
    assert article.date == datetime(2024, 12, 16, 9, 30, tzinfo=BERLIN)
    assert article.date.utcoffset() == timedelta(hours=1)


def test_naive_datetime_uses_summer_offset_in_summer():
    article, _ = load(text(H, "date: 2024-07-01 09:30"))
    assert article is not None and article.date.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("value", ["2024-12-16T09:30:00+05:00", '"2024-12-16T09:30:00+05:00"'])
def test_date_offset_is_kept(value):
    article, _ = load(text(H, f"date: {value}"))
    assert article is not None
    assert article.date.utcoffset() == timedelta(hours=5)
    assert (article.date.hour, article.date.minute) == (9, 30)


def test_date_z_is_utc():
    article, _ = load(text(H, "date: 2024-12-16T09:30:00Z"))
    assert article is not None
    assert article.date == datetime(2024, 12, 16, 9, 30, tzinfo=UTC)


def test_permalink_date_is_taken_in_site_timezone():
    article, _ = load(text(H, "date: 2024-12-31T23:30:00-05:00"))
    assert article is not None
    assert article.url == "/world/2025/01/01/kremlin-talks/"
    assert article.date.utcoffset() == timedelta(hours=-5)  # the date itself is unchanged


# --- updated ------------------------------------------------------------------------------


def test_updated_before_date_is_an_error():
    _, problems = load(text(H, D, "updated: 2024-12-15T10:00:00+01:00"))
    problem = one_error(problems, "updated")
    assert (problem.path, problem.line) == (PATH, 4)
    assert "is earlier than date" in problem.message


def test_updated_after_date_is_kept():
    article, problems = load(text(H, D, "updated: 2024-12-16T12:00:00+01:00"))
    assert not problems.has_errors()
    assert article is not None
    assert article.updated == datetime(2024, 12, 16, 12, 0, tzinfo=BERLIN)
    assert article.modified == article.updated


def test_updated_unparseable_is_an_error():
    _, problems = load(text(H, D, "updated: later"))
    assert one_error(problems, "updated").line == 4


def test_updated_missing_is_none():
    article, _ = load(text(H, D))
    assert article is not None and article.updated is None
    assert article.modified == article.date


# --- section ------------------------------------------------------------------------------


def test_section_required_outside_a_folder():
    article, problems = load(text(H, D), path="story.md")
    assert article is None
    problem = one_error(problems, "section")
    assert (problem.path, problem.line) == ("content/story.md", 1)
    assert problem.message.startswith("is required for an article outside a section folder")


def test_section_given_outside_a_folder():
    article, _ = load(text(H, D, "section: World"), path="story.md")
    assert article is not None and article.section.slug == "world"


def test_folder_is_the_default_section():
    article, _ = load(text(H, D), path="world/story.md")
    assert article is not None
    assert article.section.title == "World"
    assert article.section.slug == "world"
    assert article.section.url == "/world/"
    assert article.section.feed_url == "/world/feed.xml"


@pytest.mark.parametrize(
    ("folder", "title", "slug"),
    [("middle-east", "Middle East", "middle-east"), ("World News", "World News", "world-news")],
)
def test_folder_section_title(folder, title, slug):
    article, _ = load(text(H, D), path=f"{folder}/story.md")
    assert article is not None
    assert (article.section.title, article.section.slug) == (title, slug)


def test_front_matter_section_wins_over_folder():
    article, _ = load(text(H, D, "section: Business"), path="world/story.md")
    assert article is not None
    assert (article.section.title, article.section.slug) == ("Business", "business")
    assert article.url.startswith("/business/")


@pytest.mark.parametrize("value", ['"!!!"', '"🚀🔥"'])
def test_section_without_letters_is_an_error(value):
    _, problems = load(text(H, D, f"section: {value}"))
    problem = one_error(problems, "section")
    assert (problem.line, problem.field) == (4, "section")
    assert "has no letters or digits" in problem.message


def test_section_must_be_text():
    _, problems = load(text(H, D, "section: [a, b]"))
    assert one_error(problems, "section").message == "must be text, not a list"


def test_section_uses_site_base_path():
    config = make_config(base_url="https://example.com/news/")
    article, _ = load(text(H, D), config=config)
    assert article is not None
    assert article.section.url == "/news/world/"
    assert article.url == "/news/world/2024/12/16/kremlin-talks/"
    assert article.output_path == "world/2024/12/16/kremlin-talks/index.html"
    assert article.permalink == "https://example.com/news/world/2024/12/16/kremlin-talks/"


# --- slug ---------------------------------------------------------------------------------


def test_slug_defaults_to_headline():
    article, _ = load(text('headline: "Kremlin: No Decisions on Syria’s Bases"', D))
    assert article is not None and article.slug == "kremlin-no-decisions-on-syrias-bases"


def test_slug_default_at_most_80_chars_cut_at_word_boundary():
    headline = " ".join(["newsroom"] * 20)  # 179 characters
    article, _ = load(text(f"headline: {headline}", D))
    assert article is not None
    assert len(article.slug) <= 80
    assert article.slug == "-".join(["newsroom"] * 9)  # exactly 80 chars; a 10th word would not fit


def test_slug_default_is_a_prefix_of_the_full_slug():
    # A long word that does not fit must end the slug, not be skipped so that later
    # short words fill the space: the slug must read as the start of the headline.
    headline = (
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima "
        "extraordinarily mike november"
    )
    article, _ = load(text(f"headline: {headline}", D))
    assert article is not None
    full = make_slug(headline, max_length=0)
    assert len(article.slug) <= 80
    assert full.startswith(article.slug + "-")
    assert (
        article.slug == "alpha-bravo-charlie-delta-echo-foxtrot-golf-hotel-india-juliet-kilo-lima"
    )


def test_explicit_valid_slug_is_used():
    article, _ = load(text(H, D, "slug: talks-in-moscow-2"))
    assert article is not None
    assert article.slug == "talks-in-moscow-2"
    assert article.url == "/world/2024/12/16/talks-in-moscow-2/"


def test_a_slug_longer_than_a_file_name_may_be_is_an_error_on_its_line():
    article, problems = load(text(H, D, "slug: " + "a" * 256))
    assert article is None
    [problem] = problems.errors
    assert (problem.line, problem.field) == (4, "slug")
    assert problem.message.startswith("is 256 characters long; a slug may have at most 200")
    assert "file systems allow 255 bytes" in problem.message
    article, _ = load(text(H, D, "slug: " + "a" * 200))
    assert article is not None


def test_explicit_numeric_slug_is_used():
    article, _ = load(text(H, D, "slug: 2024"))
    assert article is not None and article.slug == "2024"


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("My Story", "my-story"),
        ("my_story", "my-story"),
        ("my--story", "my-story"),
        ("-story-", "story"),
        ("Straße", "strasse"),
    ],
)
def test_explicit_invalid_slug_suggests_a_fix(value, suggestion):
    _, problems = load(text(H, D, f'slug: "{value}"'))
    problem = one_error(problems, "slug")
    assert (problem.path, problem.line) == (PATH, 4)
    assert "may only hold lowercase letters, digits and single hyphens" in problem.message
    assert problem.message.endswith(f"; use '{suggestion}'")


def test_slug_over_200_characters_is_an_error_not_a_crash():
    # Every slug names a folder of the site; a file system allows 255 bytes in a name.
    assert load(text(H, D, "slug: " + "a" * 200))[0] is not None
    article, problems = load(text(H, D, "slug: " + "a" * 201))
    assert article is None
    problem = one_error(problems, "slug")
    assert (problem.path, problem.line) == (PATH, 4)
    assert problem.message.startswith("is 201 characters long; a slug may have at most 200")


def test_invalid_slug_without_letters_has_no_suggestion():
    _, problems = load(text(H, D, 'slug: "--"'))
    problem = one_error(problems, "slug")
    assert "use '" not in problem.message


def test_emoji_only_headline_needs_a_slug():
    article, problems = load(text('headline: "🚀🔥"', D))
    assert article is None
    problem = one_error(problems, "headline")
    assert (problem.line, problem.field) == (2, "headline")
    assert "has no letters or digits" in problem.message
    assert "slug" in problem.message


def test_emoji_only_headline_with_slug_is_fine():
    article, problems = load(text('headline: "🚀🔥"', D, "slug: rocket"))
    assert not problems.has_errors()
    assert article is not None and article.slug == "rocket"


# --- summary ------------------------------------------------------------------------------


def test_summary_defaults_to_first_paragraph_as_plain_text():
    body = "First *para* with [a link](https://x.example/) and `code`.\n\nSecond.\n"
    article, _ = load(text(H, D, body=body))
    assert article is not None
    assert article.summary == "First para with a link and code."


def test_summary_skips_leading_heading():
    article, _ = load(text(H, D, body="## Kicker\n\nThe lede.\n"))
    assert article is not None and article.summary == "The lede."


def test_summary_default_is_cut_to_300_chars_with_ellipsis():
    paragraph = " ".join(f"word{n}" for n in range(200))
    article, _ = load(text(H, D, body=paragraph + "\n"))
    assert article is not None
    assert len(article.summary) <= 300
    assert article.summary.endswith("…")
    assert paragraph.startswith(article.summary[:-1])
    assert paragraph[len(article.summary) - 1] == " "  # cut at a word boundary


def test_explicit_summary_is_used():
    article, _ = load(text(H, D, "summary: '  A short   standfirst. '"))
    assert article is not None and article.summary == "A short standfirst."


def test_summary_must_be_text():
    _, problems = load(text(H, D, "summary: [a]"))
    assert one_error(problems, "summary").line == 4


def test_empty_body_is_a_warning():
    article, problems = load(text(H, D, body=""))
    assert article is not None
    assert not problems.has_errors()
    assert any("no body text" in p.message for p in problems.warnings)
    assert article.summary == ""


# --- byline -------------------------------------------------------------------------------


def test_byline_single_name():
    article, _ = load(text(H, D, "byline: Jane Doe"))
    assert article is not None and article.bylines == ("Jane Doe",)


def test_byline_list_keeps_order():
    article, _ = load(text(H, D, "byline: [Jane Doe, John Roe]"))
    assert article is not None and article.bylines == ("Jane Doe", "John Roe")


def test_byline_must_be_name_or_list():
    _, problems = load(text(H, D, "byline: {name: Jane}"))
    problem = one_error(problems, "byline")
    assert (problem.line, problem.message) == (
        4,
        "must be a name or a list of names, not a mapping",
    )


def test_byline_empty_item_is_an_error_on_its_line():
    _, problems = load(text(H, D, "byline:", "  - Jane Doe", '  - ""'))
    problem = one_error(problems, "byline[1]")
    assert (problem.line, problem.message) == (6, "must not be empty")


# --- tags ---------------------------------------------------------------------------------


def test_tags_list():
    article, _ = load(text(H, D, "tags: [Russia, Syria]"))
    assert article is not None
    assert [(t.name, t.slug, t.url) for t in article.tags] == [
        ("Russia", "russia", "/tags/russia/"),
        ("Syria", "syria", "/tags/syria/"),
    ]


def test_tags_duplicates_removed_first_spelling_kept():
    article, _ = load(text(H, D, "tags: [Russia, Syria, russia, Russia, Kremlin]"))
    assert article is not None
    assert [str(tag) for tag in article.tags] == ["Russia", "Syria", "Kremlin"]


def test_tags_must_be_a_list():
    _, problems = load(text(H, D, "tags: Russia, Syria"))
    problem = one_error(problems, "tags")
    assert (problem.line, problem.message) == (4, "must be a list of texts, not 'Russia, Syria'")


def test_tag_must_be_text():
    _, problems = load(text(H, D, "tags:", "  - Russia", "  - [nested]"))
    assert one_error(problems, "tags[1]").line == 6


# --- sources ------------------------------------------------------------------------------


def test_sources_loaded():
    article, problems = load(
        text(
            H,
            D,
            "sources:",
            "  - name: Kremlin statement (TASS)",
            "    url: https://tass.com/",
            "  - url: https://www.reuters.com/world/",
        )
    )
    assert list(problems) == []
    assert article is not None
    assert [(s.name, s.url) for s in article.sources] == [
        ("Kremlin statement (TASS)", "https://tass.com/"),
        ("www.reuters.com", "https://www.reuters.com/world/"),  # name defaults to the host
    ]


@pytest.mark.parametrize("url", ["/world/other/", "tass.com", "https://", "ftp://tass.com/"])
def test_source_url_must_be_absolute_http(url):
    _, problems = load(text(H, D, "sources:", "  - name: TASS", f"    url: {url}"))
    problem = one_error(problems, "sources[0].url")
    assert (problem.path, problem.line) == (PATH, 6)
    assert problem.message.startswith(f"'{url}' ")
    assert problem.message.endswith("must be an absolute http(s) URL")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x"])
def test_source_unsafe_url_is_an_error_not_a_dropped_source(url):
    # docs/writing-articles.md's field table: url must be an absolute http(s) URL. A warning that
    # leaves the source out would publish the article without it.
    article, problems = load(
        text(H, D, "sources:", f'  - url: "{url}"', "  - url: https://tass.com/")
    )
    assert article is None
    problem = one_error(problems, "sources[0].url")
    assert (problem.path, problem.line) == (PATH, 5)
    assert problem.message == f"'{url}' must be an absolute http(s) URL"
    assert problems.warnings == []


def test_source_unknown_key_is_an_error_with_suggestion():
    _, problems = load(text(H, D, "sources:", "  - nmae: TASS", "    url: https://tass.com/"))
    problem = one_error(problems, "sources[0].nmae")
    assert (problem.path, problem.line) == (PATH, 5)
    assert problem.message == "unknown key 'nmae'; did you mean 'name'?"


def test_source_url_required():
    _, problems = load(text(H, D, "sources:", "  - name: TASS"))
    problem = one_error(problems, "sources[0].url")
    assert (problem.line, problem.message) == (5, "is required")


def test_sources_must_be_a_list_of_mappings():
    _, problems = load(text(H, D, "sources: https://tass.com/"))
    assert one_error(problems, "sources").line == 4
    _, problems = load(text(H, D, "sources:", "  - https://tass.com/"))
    problem = one_error(problems, "sources[0]")
    assert (problem.line, problem.message) == (
        5,
        "must be a mapping with name, url, not 'https://tass.com/'",
    )


# --- images -------------------------------------------------------------------------------


def test_static_image_must_exist_and_is_linked_from_site_root():
    article, problems = load(
        text(H, D, "images:", "  - src: /images/x.jpg", "    caption: A street"),
        static={"images/x.jpg"},
    )
    assert list(problems) == []
    assert article is not None
    [image] = article.images
    assert image.url == "/images/x.jpg"
    assert image.absolute_url == "https://gazette.example.com/images/x.jpg"
    assert image.media_type == "image/jpeg"
    assert article.lead_image == image
    assert article.assets == ()


def test_static_image_missing_is_an_error():
    _, problems = load(
        text(H, D, "images:", "  - src: /images/nope.jpg", "    alt: x"), static={"images/x.jpg"}
    )
    problem = one_error(problems, "images[0].src")
    assert (problem.path, problem.line) == (PATH, 5)
    assert (
        problem.message
        == "'/images/nope.jpg' names no file in static/ (looked for static/images/nope.jpg)"
    )


def test_static_image_under_base_path():
    config = make_config(base_url="https://example.com/news/")
    article, _ = load(
        text(H, D, "images:", "  - src: /images/x.jpg", "    alt: x"),
        static={"images/x.jpg"},
        config=config,
    )
    assert article is not None
    assert article.images[0].url == "/news/images/x.jpg"
    assert article.images[0].absolute_url == "https://example.com/news/images/x.jpg"


def test_image_beside_article_becomes_an_asset():
    article, problems = load(
        text(H, D, "images:", "  - src: photo.png", "    alt: A photo"),
        path="world/story.md",
        assets={"world/photo.png"},
    )
    assert list(problems) == []
    assert article is not None
    [image] = article.images
    assert image.url == "/world/2024/12/16/kremlin-talks/photo.png"
    assert (
        image.absolute_url == "https://gazette.example.com/world/2024/12/16/kremlin-talks/photo.png"
    )
    assert image.media_type == "image/png"
    [asset] = article.assets
    assert asset.source == Path("/site/content/world/photo.png")
    assert asset.output_path == "world/2024/12/16/kremlin-talks/photo.png"


def test_image_beside_article_in_subfolder():
    article, _ = load(
        text(H, D, "images:", "  - src: img/photo.jpg", "    alt: A photo"),
        path="world/story.md",
        assets={"world/img/photo.jpg"},
    )
    assert article is not None
    assert article.assets[0].source == Path("/site/content/world/img/photo.jpg")
    assert article.assets[0].output_path == "world/2024/12/16/kremlin-talks/img/photo.jpg"


def test_image_beside_article_under_base_path():
    config = make_config(base_url="https://example.com/news/")
    article, _ = load(
        text(H, D, "images:", "  - src: photo.png", "    alt: A photo"),
        config=config,
        assets={"world/photo.png"},
    )
    assert article is not None
    assert article.images[0].url == "/news/world/2024/12/16/kremlin-talks/photo.png"
    assert article.assets[0].output_path == "world/2024/12/16/kremlin-talks/photo.png"


def test_image_beside_article_dot_slash_is_normalised():
    article, _ = load(
        text(H, D, "images:", "  - src: ./photo.png", "    alt: A photo"),
        assets={"world/photo.png"},
    )
    assert article is not None
    assert article.assets[0].output_path == "world/2024/12/16/kremlin-talks/photo.png"
    assert article.images[0].url == "/world/2024/12/16/kremlin-talks/photo.png"


def test_image_beside_article_missing_is_an_error():
    _, problems = load(
        text(H, D, "images:", "  - src: photo.png", "    alt: x"), assets={"world/other.png"}
    )
    problem = one_error(problems, "images[0].src")
    assert problem.line == 5
    assert (
        "names no file beside the article (looked for content/world/photo.png)" in problem.message
    )


@pytest.mark.parametrize("src", ["../other/photo.png", "img\\\\photo.png"])
def test_image_path_escaping_is_an_error(src):
    _, problems = load(text(H, D, "images:", f'  - src: "{src}"', "    alt: x"))
    problem = one_error(problems, "images[0].src")
    assert "must not contain '..' or backslashes" in problem.message


def test_remote_image_is_kept_as_is():
    src = "https://cdn.example.org/photos/a.jpg"
    article, problems = load(text(H, D, "images:", f"  - src: {src}", "    alt: A photo"))
    [warning] = list(problems)  # that it cannot be sized or stripped (images.warn_remote)
    assert warning.field == "images[0].src" and "remote picture" in warning.message
    assert article is not None
    assert article.images[0].url == src
    assert article.images[0].absolute_url == src  # not glued onto base_url
    assert article.images[0].file == ""


@pytest.mark.parametrize(
    "src", ["javascript:alert(1)", "//evil.example/x.jpg", "ftp://x.example/a.jpg"]
)
def test_non_http_image_is_an_error_not_a_dropped_image(src):
    article, problems = load(text(H, D, "images:", f'  - src: "{src}"', "    alt: x"))
    assert article is None
    problem = one_error(problems, "images[0].src")
    assert (problem.path, problem.line) == (PATH, 5)
    assert problem.message.startswith(f"'{src}' must be an absolute http(s) URL, a site path")


def test_image_alt_defaults_to_caption():
    article, problems = load(
        text(H, D, "images:", "  - src: /images/x.jpg", "    caption: Flags in Idlib"),
        static={"images/x.jpg"},
    )
    assert problems.warnings == []
    assert article is not None and article.images[0].alt == "Flags in Idlib"


def test_image_explicit_alt_wins_and_credit_kept():
    article, _ = load(
        text(
            H,
            D,
            "images:",
            "  - src: /images/x.jpg",
            "    caption: Flags",
            "    alt: Fighters",
            "    credit: AFP",
        ),
        static={"images/x.jpg"},
    )
    assert article is not None
    image = article.images[0]
    assert (image.caption, image.alt, image.credit) == ("Flags", "Fighters", "AFP")


def test_image_without_alt_or_caption_warns():
    article, problems = load(
        text(H, D, "images:", "  - src: /images/x.jpg"), static={"images/x.jpg"}
    )
    assert not problems.has_errors()
    assert article is not None and article.images[0].alt == ""
    [warning] = problems.warnings
    assert (warning.field, warning.line) == ("images[0].alt", 5)
    assert "no alt text or caption" in warning.message


def test_image_src_required():
    _, problems = load(text(H, D, "images:", "  - caption: x"))
    problem = one_error(problems, "images[0].src")
    assert (problem.line, problem.message) == (5, "is required")


def test_image_unknown_key():
    _, problems = load(
        text(H, D, "images:", "  - src: /images/x.jpg", "    captoin: x"), static={"images/x.jpg"}
    )
    problem = one_error(problems, "images[0].captoin")
    assert problem.line == 6
    assert "did you mean 'caption'?" in problem.message


def test_first_image_is_lead_image():
    article, _ = load(
        text(
            H,
            D,
            "images:",
            "  - src: /images/a.jpg",
            "    alt: a",
            "  - src: /images/b.jpg",
            "    alt: b",
        ),
        static={"images/a.jpg", "images/b.jpg"},
    )
    assert article is not None
    assert [i.url for i in article.images] == ["/images/a.jpg", "/images/b.jpg"]
    assert article.lead_image is not None and article.lead_image.url == "/images/a.jpg"


# --- draft --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False)])
def test_draft_flag(value, expected):
    article, _ = load(text(H, D, f"draft: {value}"))
    assert article is not None and article.draft is expected


def test_draft_defaults_to_false():
    article, _ = load(text(H, D))
    assert article is not None and article.draft is False


@pytest.mark.parametrize(
    ("value", "shown"), [('"yes"', "'yes'"), ("1", "the number 1"), ("[true]", "a list")]
)
def test_draft_must_be_bool(value, shown):
    _, problems = load(text(H, D, f"draft: {value}"))
    problem = one_error(problems, "draft")
    assert (problem.line, problem.message) == (4, f"must be true or false, not {shown}")


# --- extra --------------------------------------------------------------------------------


def test_extra_mapping_passed_through():
    article, problems = load(
        text(
            H,
            D,
            "extra:",
            "  kicker: Exclusive",
            "  score: 3",
            "  nested: {a: [1, 2]}",
        )
    )
    assert list(problems) == []
    assert article is not None
    assert dict(article.extra) == {"kicker": "Exclusive", "score": 3, "nested": {"a": [1, 2]}}


def test_extra_is_read_only():
    article, _ = load(text(H, D, "extra:", "  kicker: Exclusive"))
    assert article is not None
    with pytest.raises(TypeError):
        article.extra["kicker"] = "changed"  # type: ignore[index]


@pytest.mark.parametrize(("value", "shown"), [("[a, b]", "a list"), ("Exclusive", "'Exclusive'")])
def test_extra_must_be_mapping(value, shown):
    _, problems = load(text(H, D, f"extra: {value}"))
    problem = one_error(problems, "extra")
    assert (problem.line, problem.message) == (
        4,
        f"must be a mapping of site-specific fields, not {shown}",
    )


# --- unknown keys and several problems ----------------------------------------------------


def test_unknown_key_names_its_line_and_suggests():
    _, problems = load(text("headlne: Kremlin talks", D))
    problem = one_error(problems, "headlne")
    assert (problem.path, problem.line) == (PATH, 2)
    assert "unknown key 'headlne'; did you mean 'headline'?" in problem.message
    assert "extra:" in problem.message


def test_unknown_key_without_close_match_lists_known_keys():
    _, problems = load(text(H, D, "zzzz: 1"))
    problem = one_error(problems, "zzzz")
    assert problem.line == 4
    assert "known keys are" in problem.message and "headline" in problem.message


def test_unknown_non_text_key_names_its_line():
    _, problems = load(text(H, D, "2024: a year"))
    problem = one_error(problems, "2024")
    assert problem.line == 4


def test_unknown_key_blocks_the_article():
    article, _ = load(text(H, D, "kicker: Exclusive"))
    assert article is None


def test_all_problems_of_a_file_reported_together():
    article, problems = load(
        text(
            'headline: ""',  # 2
            "date: someday",  # 3
            "slug: Bad Slug",  # 4
            "draft: maybe",  # 5
            "tags: notalist",  # 6
            "sources:",  # 7
            "  - url: /relative",  # 8
            "colour: red",  # 9
        )
    )
    assert article is None
    found = {(p.field, p.line) for p in problems.errors}
    assert found == {
        ("headline", 2),
        ("date", 3),
        ("slug", 4),
        ("draft", 5),
        ("tags", 6),
        ("sources[0].url", 8),
        ("colour", 9),
    }
    assert all(p.path == PATH for p in problems)


def test_earlier_errors_of_other_files_do_not_block_a_valid_article():
    problems = Problems()
    problems.error("content/world/other.md", 3, "date", "is broken")
    article, problems = load(text(H, D), problems=problems)
    assert article is not None
    assert len(problems) == 1


def test_problems_are_appended_to_the_given_list():
    problems = Problems()
    problems.error("content/world/other.md", 3, "date", "is broken")
    article, problems = load(text(D), problems=problems)
    assert article is None
    assert [(p.path, p.field) for p in problems] == [
        ("content/world/other.md", "date"),
        (PATH, "headline"),
    ]


def test_a_section_close_to_a_listed_one_is_warned_of_as_a_typo():
    config = make_config(
        sections=(SectionConfig("world", "World News"), SectionConfig("local", "Local"))
    )
    text = "---\nheadline: Talks\ndate: 2024-12-16\nsection: Wrold\n---\nBody.\n"
    article, problems = load(text, config=config)
    assert article is not None and article.section.slug == "wrold"  # as written
    [warning] = problems.warnings
    assert (warning.line, warning.field) == (4, "section")
    assert "did you mean 'world'?" in warning.message
    for fine in ("World News", "local", "Sport"):  # listed, or far from every listed one
        _, problems = load(text.replace("Wrold", fine), config=config)
        assert list(problems) == [], fine
