"""newsgen.urls: slugs, permalinks, output files and links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsgen.urls import (
    SLUG_LENGTH,
    absolute,
    article_path,
    href,
    is_valid_slug,
    listing_path,
    make_slug,
    name_key,
    output_file,
)

DEFAULT = "/{section}/{yyyy}/{mm}/{dd}/{slug}/"
BERLIN = ZoneInfo("Europe/Berlin")

# --- make_slug ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kremlin Talks", "kremlin-talks"),
        ("  Spaces   everywhere  ", "spaces-everywhere"),
        ("Ünïcödé Straße", "unicode-strasse"),
        ("Q&A: what's next?", "q-a-what-s-next"),
        ("2024 in review", "2024-in-review"),
        ("under_score", "under-score"),
        ("Москва", "moskva"),
        ("🚀🔥", ""),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_make_slug(text, slug):
    assert make_slug(text) == slug


def test_make_slug_results_are_valid_slugs():
    for text in ["Kremlin Talks", "Ünïcödé Straße", "a -- b", "--x--", "Москва 2024"]:
        assert is_valid_slug(make_slug(text))


def test_make_slug_cuts_at_word_boundary_within_limit():
    text = "word " * 40
    slug = make_slug(text)
    assert len(slug) <= SLUG_LENGTH == 80
    assert not slug.endswith("-")
    assert all(part == "word" for part in slug.split("-"))


def test_make_slug_custom_limit():
    assert make_slug("alpha beta gamma", max_length=11) == "alpha-beta"


def test_make_slug_is_a_prefix_of_the_unlimited_slug():
    # Cutting "at a word boundary" means the slug is the start of the headline's slug.
    text = "aaaa bbbb cccc dddd " + "x" * 10 + " ee"
    slug = make_slug(text, max_length=25)
    assert slug == "aaaa-bbbb-cccc-dddd"


# --- is_valid_slug ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["a", "kremlin-talks", "2024", "a1-b2-c3"])
def test_valid_slugs(slug):
    assert is_valid_slug(slug)


@pytest.mark.parametrize(
    "slug", ["", "-a", "a-", "a--b", "A", "a_b", "a b", "straße", "a/b", "a.b", "a\n"]
)
def test_invalid_slugs(slug):
    assert not is_valid_slug(slug)


# --- article_path -------------------------------------------------------------------------


def test_article_path_default_pattern():
    moment = datetime(2024, 3, 5, 9, 0, tzinfo=BERLIN)
    assert article_path(DEFAULT, "world", "talks", moment) == "/world/2024/03/05/talks/"


def test_article_path_custom_pattern():
    moment = datetime(2024, 3, 5, 9, 0, tzinfo=BERLIN)
    assert article_path("/{yyyy}-{mm}-{dd}-{slug}/", "w", "s", moment) == "/2024-03-05-s/"


def test_article_path_pads_year():
    moment = datetime(999, 1, 2, tzinfo=UTC)
    assert article_path(DEFAULT, "w", "s", moment) == "/w/0999/01/02/s/"


@pytest.mark.parametrize(
    ("moment", "expected_day"),
    [
        # late evening in New York is already the next day in Berlin
        (datetime(2024, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "2025/01/01"),
        # early morning in Tokyo is still the previous day in Berlin
        (datetime(2024, 6, 1, 5, 0, tzinfo=timezone(timedelta(hours=9))), "2024/05/31"),
        # midnight Berlin time stays on its day
        (datetime(2024, 12, 16, 0, 0, tzinfo=BERLIN), "2024/12/16"),
        # 23:30 UTC in summer is 01:30 next day in Berlin (UTC+2)
        (datetime(2024, 7, 14, 23, 30, tzinfo=UTC), "2024/07/15"),
    ],
)
def test_article_path_uses_site_timezone_day(moment, expected_day):
    local = moment.astimezone(BERLIN)  # as the loader does
    assert article_path(DEFAULT, "world", "s", local) == f"/world/{expected_day}/s/"


# --- listing_path -------------------------------------------------------------------------


def test_listing_path_front_page():
    assert listing_path("/world/", None) == "/world/"


def test_listing_path_numbered():
    assert listing_path("/world/", 3) == "/world/page/3/"
    assert listing_path("/news/world/", 1) == "/news/world/page/1/"


# --- output_file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_path", "file"),
    [
        ("/", "index.html"),
        ("", "index.html"),
        ("/world/", "world/index.html"),
        ("/world/2024/12/16/talks/", "world/2024/12/16/talks/index.html"),
        ("/feed.xml", "feed.xml"),
        ("/world/feed.xml", "world/feed.xml"),
    ],
)
def test_output_file(site_path, file):
    assert output_file(site_path) == file


# --- href and absolute --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_path", "site_path", "link"),
    [
        ("/", "/world/", "/world/"),
        ("/", "world/", "/world/"),
        ("/news/", "/world/", "/news/world/"),
        ("/news", "/world/", "/news/world/"),
        ("/news/", "/", "/news/"),
        ("/", "/", "/"),
    ],
)
def test_href(base_path, site_path, link):
    assert href(base_path, site_path) == link


@pytest.mark.parametrize(
    ("base_url", "path", "url"),
    [
        ("https://example.com/", "/world/", "https://example.com/world/"),
        ("https://example.com/news/", "/news/world/", "https://example.com/news/world/"),
        ("https://example.com/news/", "world/", "https://example.com/news/world/"),
        ("http://127.0.0.1:8000/", "/feed.xml", "http://127.0.0.1:8000/feed.xml"),
    ],
)
def test_absolute(base_url, path, url):
    assert absolute(base_url, path) == url


# --- name_key: when two names with one slug are one name ------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("World", "world"),
        ("Middle East", "middle-east"),
        ("Middle East", "Middle  East"),
        ("José", "Jose"),
        ("Straße", "STRASSE"),
        ("U.S.", "u.s"),
        ("Rock 'n' Roll", "Rock n Roll"),
    ],
)
def test_spellings_of_one_name_have_one_key(one, other):
    assert make_slug(one) == make_slug(other)
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("C++", "C"), ("C#", "C"), ("C++", "C#"), ("F#", "f"), ("AT&T", "AT T"), ("北京", "背景")],
)
def test_different_names_with_one_slug_have_different_keys(one, other):
    assert make_slug(one) == make_slug(other)
    assert name_key(one) != name_key(other)
