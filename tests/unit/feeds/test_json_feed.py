"""newsgen.feeds.json_feed: ``/feed.json``, parsed with json and checked against JSON Feed 1.1.

feedparser (6.0.x, the newest release) reads no JSON Feed, so ``check_json_feed``
checks the document against the rules of https://jsonfeed.org/version/1.1 instead.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from unit_helpers import BERLIN, make_article, make_config

from newsgen.feeds.json_feed import VERSION, render_json_feed
from newsgen.models import Author, Correction, Image
from newsgen.site.assemble import build_site

DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)
BASE = "https://gazette.example.com/"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
FEED_KEYS = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
ITEM_KEYS = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}
URL_KEYS = {"home_page_url", "feed_url", "url", "image", "avatar"}


def check_json_feed(feed: dict[str, Any]) -> None:
    """Assert that ``feed`` follows JSON Feed 1.1: required fields, types, formats."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    _check_object(feed, FEED_KEYS)
    for author in feed.get("authors", []):
        _check_author(author)
    for item in feed["items"]:
        _check_object(item, ITEM_KEYS)
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            if key in item:
                assert RFC3339.match(item[key]), item[key]
                assert datetime.fromisoformat(item[key]).utcoffset() is not None
        for author in item.get("authors", []):
            _check_author(author)
        assert all(isinstance(tag, str) for tag in item.get("tags", []))


def _check_object(value: dict[str, Any], known: set[str]) -> None:
    for key, field in value.items():
        if key.startswith("_"):  # an extension: _ and a letter, holding an object
            assert re.match(r"^_[A-Za-z]", key) and isinstance(field, dict)
            continue
        assert key in known, key
        if key in URL_KEYS:
            _check_url(field)
        elif key not in ("items", "authors", "tags", "hubs", "attachments", "expired"):
            assert isinstance(field, str), key


def _check_author(author: dict[str, Any]) -> None:
    assert set(author) <= {"name", "url", "avatar"} and author
    for key, value in author.items():
        assert isinstance(value, str)
        if key != "name":
            _check_url(value)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, url


def make_site(articles, **config_changes):
    return build_site(make_config(**config_changes), list(articles), DAY)


def feed_of(articles, **config_changes) -> dict[str, Any]:
    output = render_json_feed(make_site(articles, **config_changes), "newsgen test")
    feed = json.loads(output.data.decode("utf-8"))
    check_json_feed(feed)
    return feed


def rich_article():
    image = Image(
        url="/images/flags.jpg",
        absolute_url=f"{BASE}images/flags.jpg",
        caption="Flags in Idlib",
        credit="AFP",
        alt="Fighters",
        media_type="image/jpeg",
    )
    return make_article(
        "Kremlin talks",
        DAY,
        bylines=("Jane Doe", "John Roe"),
        tags=("Russia", "Syria"),
        images=(image,),
        summary="What was said.",
        updated=DAY + timedelta(hours=5),
        body_html=('<p>See <a href="/world/other/">this</a> and <img src="../a.jpg" alt=""></p>\n'),
    )


# --- the document -------------------------------------------------------------------------


def test_output_is_feed_json_in_utf8_with_a_trailing_newline():
    output = render_json_feed(make_site([rich_article()]), "newsgen test")
    assert output.path == "feed.json"
    assert output.source == "json feed"
    assert output.lastmod is None
    assert output.data.endswith(b"}\n")
    check_json_feed(json.loads(output.data.decode("utf-8")))


def test_top_level_fields():
    feed = feed_of([rich_article()], publisher_name="Gazette Media", language="en-GB")
    assert feed["version"] == VERSION
    assert feed["title"] == "Test Gazette"
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == f"{BASE}feed.json"
    assert feed["description"] == "A test site."
    assert feed["language"] == "en-GB"
    assert feed["authors"] == [{"name": "Gazette Media", "url": BASE}]
    assert feed["_newsgen"] == {"generator": "newsgen test"}
    assert list(feed)[:4] == ["version", "title", "home_page_url", "feed_url"]
    assert list(feed)[-1] == "items"


def test_publisher_defaults_to_the_title_and_empty_description_is_left_out():
    feed = feed_of([], description="")
    assert feed["authors"] == [{"name": "Test Gazette", "url": BASE}]
    assert "description" not in feed
    assert feed["items"] == []


def test_urls_are_under_the_base_path():
    config = make_config(base_url="https://example.org/news/")
    article = make_article("A", DAY, config=config)
    feed = feed_of([article], base_url="https://example.org/news/")
    assert feed["home_page_url"] == "https://example.org/news/"
    assert feed["feed_url"] == "https://example.org/news/feed.json"
    assert feed["items"][0]["url"] == "https://example.org/news/world/2024/12/16/a/"


def test_item_fields():
    article = rich_article()
    (item,) = feed_of([article])["items"]
    assert item["id"] == article.permalink
    assert item["url"] == article.permalink
    assert item["title"] == "Kremlin talks"
    assert item["summary"] == "What was said."
    assert item["image"] == f"{BASE}images/flags.jpg"
    assert item["tags"] == ["World", "Russia", "Syria"]
    assert item["authors"] == [
        {"name": "Jane Doe", "url": f"{BASE}authors/jane-doe/"},
        {"name": "John Roe", "url": f"{BASE}authors/john-roe/"},
    ]


def test_content_html_has_absolute_links():
    (item,) = feed_of([rich_article()])["items"]
    assert f'href="{BASE}world/other/"' in item["content_html"]
    assert f'src="{BASE}world/2024/12/16/a.jpg"' in item["content_html"]


def test_dates_are_rfc3339_in_the_articles_offset():
    moscow = timezone(timedelta(hours=3))
    published = datetime(2024, 12, 16, 15, 0, 0, 123, tzinfo=moscow)
    corrected = published + timedelta(days=1)
    article = make_article(
        "Dated",
        published,
        updated=published + timedelta(hours=2),
        corrections=(Correction(corrected, "A name was misspelt."),),
    )
    (item,) = feed_of([article])["items"]
    assert item["date_published"] == "2024-12-16T15:00:00+03:00"
    assert item["date_modified"] == "2024-12-17T15:00:00+03:00"
    assert datetime.fromisoformat(item["date_published"]) == published.replace(microsecond=0)
    assert datetime.fromisoformat(item["date_modified"]) == article.modified.replace(microsecond=0)


def test_unchanged_article_is_modified_when_published():
    (item,) = feed_of([make_article("Plain", DAY)])["items"]
    assert item["date_modified"] == item["date_published"] == "2024-12-16T10:00:00+01:00"


def test_id_is_urn_uuid_for_an_article_with_an_id():
    uuid = "3f1c8a52-7d4e-4b8a-9c1e-2a5b6d7e8f90"
    with_id = make_article("With id", DAY, id=uuid)
    without = make_article("Without id", DAY - timedelta(hours=1))
    items = feed_of([with_id, without])["items"]
    assert items[0]["id"] == f"urn:uuid:{uuid}"
    assert items[0]["url"] == with_id.permalink
    assert items[1]["id"] == without.permalink


def test_items_are_the_newest_feed_items_newest_first():
    articles = [make_article(f"Story {n}", DAY - timedelta(hours=n)) for n in range(8)]
    items = feed_of(reversed(articles), feed_items=5)["items"]
    assert [item["title"] for item in items] == [f"Story {n}" for n in range(5)]


def test_authors_without_pages_and_plain_bylines():
    profiled = Author("Lena Brandt", "lena-brandt", "", photo="/images/lena.jpg")
    article = make_article("Profiled", DAY, bylines=("Lena Brandt",), authors=(profiled,))
    (item,) = feed_of([article])["items"]
    assert item["authors"] == [{"name": "Lena Brandt", "avatar": f"{BASE}images/lena.jpg"}]
    (bare,) = feed_of([make_article("No byline", DAY)])["items"]
    assert "authors" not in bare


def test_script_end_tags_and_unicode_round_trip():
    headline = '</script><script>alert(1)</script> Ünïcödé — 東京 🚀 \u2028 "quoted"'
    article = make_article(headline, DAY, slug="hostile", summary="Ça va? </script>")
    output = render_json_feed(make_site([article]), "newsgen test")
    assert "東京 🚀".encode() in output.data  # not \\u-escaped
    (item,) = json.loads(output.data)["items"]
    assert item["title"] == headline
    assert item["summary"] == "Ça va? </script>"
    assert "Body of &lt;/script&gt;" in item["content_html"]


def test_forbidden_characters_are_removed():
    headline = "Bad\x00\x1b\x7f\x85\ufffe \ud800 chars"
    article = make_article(headline, DAY, slug="bad")
    (item,) = feed_of([article])["items"]
    assert item["title"] == "Bad  chars"


def test_output_is_deterministic():
    articles = [rich_article(), make_article("Other", DAY - timedelta(days=1))]
    first = render_json_feed(make_site(articles), "newsgen test")
    second = render_json_feed(make_site(list(reversed(articles))), "newsgen test")
    assert first == second
