"""newsgen.feeds.rss: RSS 2.0 documents, checked with lxml and feedparser."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from unit_helpers import BERLIN, article_feed, make_article, make_config, render_feeds

from feed_checks import HOSTILE, shown, shown_detail
from newsgen.feeds.absolute_links import absolutise_links
from newsgen.feeds.rss import NAMESPACES, Channel, FeedRenderer, corrections_feed, feed_plans
from newsgen.models import Correction, Image
from newsgen.sanitize import strip_forbidden
from newsgen.site.assemble import build_site

DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)
NS = {**NAMESPACES}
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)


def make_site(articles, **config_changes):
    return build_site(make_config(**config_changes), articles)


def feed_of(articles, **config_changes):
    site = make_site(articles, **config_changes)
    channel = Channel(
        site.config.title,
        site.config.base_url,
        site.config.description,
        site.feed_url,
        "site feed",
    )
    return article_feed(site, channel, site.articles, "newsgen test")


def parse(data: bytes):
    return etree.fromstring(data)


def items(data: bytes):
    return parse(data).findall("channel/item")


def rich_article():
    image = Image(
        url="/images/flags.jpg",
        absolute_url="https://gazette.example.com/images/flags.jpg",
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
        body_html=(
            '<p>See <a href="/world/other/">this</a> and <img src="/images/a.jpg" alt=""></p>\n'
        ),
    )


# --- the document -------------------------------------------------------------------------


def test_feed_is_well_formed_rss_2():
    data = feed_of([rich_article()])
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = parse(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"


def test_channel_fields():
    data = feed_of([rich_article()])
    channel = parse(data).find("channel")
    assert channel.findtext("title") == "Test Gazette"
    assert channel.findtext("link") == "https://gazette.example.com/"
    assert channel.findtext("description") == "A test site."
    assert channel.findtext("language") == "en"
    assert channel.findtext("generator") == "newsgen test"
    self_link = channel.find("atom:link", NS)
    assert self_link.get("href") == "https://gazette.example.com/feed.xml"
    assert self_link.get("rel") == "self"
    assert self_link.get("type") == "application/rss+xml"
    parsed = feedparser.parse(data)
    assert parsed.feed.title == "Test Gazette"
    assert parsed.feed.language == "en"


def test_last_build_date_is_newest_change_not_clock():
    old = make_article("Old", DAY - timedelta(days=3))
    updated = make_article("Updated", DAY - timedelta(days=2), updated=DAY + timedelta(hours=5))
    new = make_article("New", DAY)
    data = feed_of([old, updated, new])
    stamp = parse(data).find("channel").findtext("lastBuildDate")
    assert RFC822.match(stamp)
    assert parsedate_to_datetime(stamp) == DAY + timedelta(hours=5)
    assert feed_of([old, updated, new]) == data  # same input, same bytes


def test_empty_feed_has_no_items_and_no_last_build_date():
    data = feed_of([])
    channel = parse(data).find("channel")
    assert channel.findall("item") == []
    assert channel.find("lastBuildDate") is None
    assert feedparser.parse(data).bozo == 0


# --- items --------------------------------------------------------------------------------


def test_item_fields():
    article = rich_article()
    [item] = items(feed_of([article]))
    assert item.findtext("title") == "Kremlin talks"
    assert item.findtext("link") == article.permalink
    guid = item.find("guid")
    assert guid.text == article.permalink
    assert guid.get("isPermaLink") == "true"
    assert item.findtext("description") == "What was said."


def test_item_pub_date_rfc_822():
    [item] = items(feed_of([rich_article()]))
    stamp = item.findtext("pubDate")
    assert RFC822.match(stamp), stamp
    assert stamp == "Mon, 16 Dec 2024 10:00:00 +0100"
    assert parsedate_to_datetime(stamp) == DAY


def test_item_dc_creator_per_byline():
    [item] = items(feed_of([rich_article()]))
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Jane Doe", "John Roe"]


def test_item_without_byline_has_no_creator():
    [item] = items(feed_of([make_article("A", DAY)]))
    assert item.findall("dc:creator", NS) == []


def test_item_categories_section_then_tags():
    [item] = items(feed_of([rich_article()]))
    assert [c.text for c in item.findall("category")] == ["World", "Russia", "Syria"]


def test_item_media_content_is_lead_image():
    [item] = items(feed_of([rich_article()]))
    [media] = item.findall("media:content", NS)
    assert media.get("url") == "https://gazette.example.com/images/flags.jpg"
    assert media.get("medium") == "image"
    assert media.get("type") == "image/jpeg"
    assert media.findtext("media:description", namespaces=NS) == "Flags in Idlib"
    assert media.find("media:description", NS).get("type") == "html"  # it is HTML
    assert media.findtext("media:credit", namespaces=NS) == "AFP"
    parsed = feedparser.parse(feed_of([rich_article()]))
    assert (
        parsed.entries[0].media_content[0]["url"] == "https://gazette.example.com/images/flags.jpg"
    )


def test_item_without_image_has_no_media():
    [item] = items(feed_of([make_article("A", DAY)]))
    assert item.find("media:content", NS) is None


def test_item_content_encoded_has_absolute_links():
    [item] = items(feed_of([rich_article()]))
    content = item.findtext("content:encoded", namespaces=NS)
    assert 'href="https://gazette.example.com/world/other/"' in content
    assert 'src="https://gazette.example.com/images/a.jpg"' in content
    entry = feedparser.parse(feed_of([rich_article()])).entries[0]
    assert "https://gazette.example.com/world/other/" in entry.content[0].value


def test_item_content_page_relative_links_made_absolute():
    # docs/output-and-deploying.md promises content:encoded "links made absolute"; a link
    # relative to the article page must resolve against the article's permalink.
    article = make_article("A", DAY, body_html='<p><img src="photo.jpg" alt=""></p>\n')
    [item] = items(feed_of([article]))
    content = item.findtext("content:encoded", namespaces=NS)
    assert f'src="{article.permalink}photo.jpg"' in content


def test_feed_items_limit_and_newest_first():
    articles = [make_article(f"Story {i}", DAY + timedelta(hours=i)) for i in range(8)]
    data = feed_of(articles, feed_items=5)
    assert [i.findtext("title") for i in items(data)] == [
        "Story 7",
        "Story 6",
        "Story 5",
        "Story 4",
        "Story 3",
    ]


def test_newest_first_across_offsets():
    utc = make_article("UTC nine", datetime(2024, 12, 16, 9, 0, tzinfo=UTC))
    plus5 = make_article(
        "Plus five ten", datetime(2024, 12, 16, 10, 0, tzinfo=timezone(timedelta(hours=5)))
    )
    data = feed_of([plus5, utc])
    assert [i.findtext("title") for i in items(data)] == ["UTC nine", "Plus five ten"]


# --- hostile text -------------------------------------------------------------------------


def test_control_characters_removed():
    article = make_article(
        "Bad\x00\x08 chars\x0b\x1f",
        DAY,
        summary="Sum\x0cmary",
        bylines=("Jane\x01 Doe",),
        tags=("t\x02ag",),
    )
    data = feed_of([article])
    assert feedparser.parse(data).bozo == 0
    [item] = items(data)
    assert item.findtext("title") == "Bad chars"
    assert item.findtext("description") == "Summary"
    assert item.findtext("dc:creator", namespaces=NS) == "Jane Doe"
    assert [c.text for c in item.findall("category")][1:] == ["tag"]


def test_tabs_and_newlines_kept():
    assert strip_forbidden("a\tb\nc\rd") == "a\tb\nc\rd"
    assert strip_forbidden("x\ufffey\uffffz") == "xyz"


def test_cdata_end_and_script_in_headline_are_text():
    headline = "Ends ]]> here <script>alert(1)</script> & more"
    data = feed_of([make_article(headline, DAY, slug="hostile")])
    assert b"<script>" not in data
    root = parse(data)
    [item] = root.findall("channel/item")
    assert html.unescape(item.findtext("title")) == headline  # HTML that shows the headline
    assert root.find(".//script") is None
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert shown_detail(parsed.entries[0].title_detail) == (headline, [])




def hostile_feed(text: str):
    """A feed whose every text (site, section, tag, article fields) holds ``text``."""
    image = Image(
        url="/images/a.jpg",
        absolute_url="https://gazette.example.com/images/a.jpg",
        caption=f"Caption {text} end",
        credit=f"Credit {text} end",
        alt=f"Alt {text} end",
        media_type="image/jpeg",
    )
    article = make_article(
        f"Story {text} end",
        DAY,
        slug="story",
        section=f"Section {text} end",
        summary=f"Summary {text} end",
        bylines=(f"Writer {text} end",),
        tags=(f"Tag {text} end",),
        images=(image,),
    )
    return feed_of([article], title=f"Site {text} end", description=f"About {text} end")


@pytest.mark.parametrize("text", HOSTILE)
def test_every_text_reaches_feedparser_as_written(text):
    parsed = feedparser.parse(hostile_feed(text))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    feed, [entry] = parsed.feed, parsed.entries
    assert shown_detail(feed.title_detail) == (f"Site {text} end", [])
    assert shown_detail(feed.subtitle_detail) == (f"About {text} end", [])
    assert shown_detail(entry.title_detail) == (f"Story {text} end", [])
    assert shown(entry.summary, "text/html") == (f"Summary {text} end", [])
    # feedparser keeps the last <description> of an item, media:description, as
    # summary_detail (it is deeper in the item, so entry.summary stays the summary).
    assert shown_detail(entry.summary_detail) == (f"Caption {text} end", [])
    assert [author.name for author in entry.authors] == [f"Writer {text} end"]
    assert [tag.term for tag in entry.tags] == [f"Section {text} end", f"Tag {text} end"]
    assert [credit["content"] for credit in entry.media_credit] == [f"Credit {text} end"]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_text_of_the_corrections_feed_reaches_feedparser_as_written(text):
    correction = Correction(DAY + timedelta(days=1), f"Correction {text} end")
    article = make_article(f"Story {text} end", DAY, slug="story", corrections=(correction,))
    site = make_site([article], title=f"Site {text} end")
    parsed = feedparser.parse(corrections_feed(site, "g").data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert shown_detail(parsed.feed.title_detail) == (f"Corrections – Site {text} end", [])
    about = f"Every correction Site {text} end has published, newest first"
    assert shown_detail(parsed.feed.subtitle_detail) == (about, [])
    [entry] = parsed.entries
    assert shown_detail(entry.title_detail) == (f"Correction: Story {text} end", [])
    assert shown_detail(entry.summary_detail) == (f"Correction {text} end", [])


def test_plain_titles_are_written_as_they_are():
    # An ampersand or a lone < that HTML would show as it is stays single-escaped, so
    # readers that take a title as plain text show it right too.
    data = feed_of([make_article("AT&T buys 1 < 2 Q&A", DAY, slug="att")], title="Q&A")
    assert b"<title>AT&amp;T buys 1 &lt; 2 Q&amp;A</title>" in data
    assert b"<title>Q&amp;A</title>" in data


ALPHABET = st.sampled_from(["<", ">", "&", ";", "#", "!", "-", "/", "?", "x", "3", "amp", "lt",
                            "not", "b", "p", " ", "]]>", "é", "'", '"'])  # fmt: skip


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(ALPHABET, min_size=1, max_size=12).map("".join))
def test_any_text_reaches_feedparser_as_written(text):
    text = f"a{text}z"  # feedparser strips the ends
    parsed = feedparser.parse(feed_of([make_article(text, DAY, slug="s", summary=text)]))
    assert parsed.bozo == 0
    [entry] = parsed.entries
    assert shown_detail(entry.title_detail) == (text, [])
    assert shown(entry.summary, "text/html") == (text, [])


def test_script_in_body_stays_inside_content_text():
    article = make_article("A", DAY, body_html="<p>&lt;script&gt;x&lt;/script&gt;</p>")
    data = feed_of([article])
    root = parse(data)
    assert root.find(".//script") is None
    assert "&lt;script&gt;" in root.find("channel/item").findtext("content:encoded", namespaces=NS)


# --- render_feeds -------------------------------------------------------------------------


def test_render_feeds_site_and_sections():
    articles = [
        make_article("W", DAY, section="World"),
        make_article("L", DAY, section="Local"),
        make_article("L2", DAY + timedelta(hours=1), section="Local"),
    ]
    outputs = render_feeds(make_site(articles), "newsgen test")
    by_path = {o.path: o for o in outputs}
    assert set(by_path) == {"feed.xml", "local/feed.xml", "world/feed.xml", "corrections/feed.xml"}
    local = parse(by_path["local/feed.xml"].data)
    assert [i.findtext("title") for i in local.findall("channel/item")] == ["L2", "L"]
    channel = local.find("channel")
    assert channel.findtext("title") == "Local – Test Gazette"
    assert channel.findtext("link") == "https://gazette.example.com/local/"
    assert channel.find("atom:link", NS).get("href") == "https://gazette.example.com/local/feed.xml"
    assert len(parse(by_path["feed.xml"].data).findall("channel/item")) == 3


def test_render_feeds_under_base_path():
    config = make_config(base_url="https://example.com/news/")
    article = make_article("W", DAY, config=config)
    site = build_site(config, [article])
    outputs = {o.path: o for o in render_feeds(site, "g")}
    assert set(outputs) == {"feed.xml", "world/feed.xml", "corrections/feed.xml"}
    root = parse(outputs["world/feed.xml"].data)
    assert (
        root.find("channel/atom:link", NS).get("href") == "https://example.com/news/world/feed.xml"
    )
    assert root.findtext("channel/item/link") == "https://example.com/news/world/2024/12/16/w/"


def test_site_feed_description_falls_back_to_title():
    site = make_site([make_article("A", DAY)], description="")
    [feed] = [o for o in render_feeds(site, "g") if o.path == "feed.xml"]
    assert parse(feed.data).findtext("channel/description") == "Test Gazette"


# --- absolutise_links ---------------------------------------------------------------------


def test_absolutise_root_relative_href_and_src():
    html = '<a href="/world/x/">x</a><img src="/images/a.jpg">'
    assert absolutise_links(html, "https://example.com/") == (
        '<a href="https://example.com/world/x/">x</a><img src="https://example.com/images/a.jpg">'
    )


def test_absolutise_keeps_a_url_python_cannot_split_as_written():
    # Raw HTML (markdown.unsafe_html) may hold any href; Markdown links never reach
    # here unreadable (links.is_readable_url). urljoin() raises ValueError on these.
    html = '<a href="https://[2001:db8::1/x">a</a><a href="https://a]b.example/">b</a>'
    assert absolutise_links(html, "https://example.com/") == html


def test_absolutise_uses_origin_not_base_path():
    html = '<a href="/news/world/">x</a>'
    assert absolutise_links(html, "https://example.com/news/") == (
        '<a href="https://example.com/news/world/">x</a>'
    )


def test_absolutise_leaves_absolute_and_mailto_links_alone():
    html = '<a href="https://other.example/x">a</a><a href="mailto:a@b.example">d</a>'
    assert absolutise_links(html, "https://example.com/") == html


def test_absolutise_resolves_protocol_relative_and_fragments_against_the_page():
    # In a feed reader a bare "#fn1" points nowhere; the page's own footnote does.
    html = '<a href="//cdn.example/x">b</a><a href="#fn1">c</a>'
    page = "https://example.com/world/2024/12/16/talks/"
    assert absolutise_links(html, page) == (
        f'<a href="https://cdn.example/x">b</a><a href="{page}#fn1">c</a>'
    )


def test_absolutise_ignores_text_that_looks_like_an_attribute():
    html = "<p>write href=&quot;/x&quot; in text</p>"
    assert absolutise_links(html, "https://example.com/") == html


def test_a_renderer_given_its_plans_forgets_each_item_after_its_last_feed():
    tags = ["alpha", "beta", "gamma"]
    articles = [
        make_article(f"Story {i}", DAY + timedelta(hours=i), tags=tags[: 1 + i % 3])
        for i in range(12)
    ]
    site = make_site(articles, feed_items=5)
    plans = feed_plans(site)
    remembering = FeedRenderer(site, "newsgen test")
    forgetting = FeedRenderer(site, "newsgen test", plans)
    for plan in plans:
        assert forgetting.render(plan) == remembering.render(plan)
    assert forgetting._items == {}  # every item's last feed is rendered
    assert remembering._items  # without the plans, items are kept to the end


def test_absolutise_links_is_linear_in_the_body():
    # One link per 40 bytes of a 5 MB body, and no src attribute anywhere: looking for
    # the next src="" from every link again would take minutes.
    body = ' <a href="/e">e</a> text' * 200_000
    started = time.perf_counter()
    resolved = absolutise_links(body, "https://example.com/a/")
    assert time.perf_counter() - started < 10
    assert resolved.count('href="https://example.com/e"') == 200_000
