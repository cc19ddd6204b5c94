"""RSS 2.0 feeds for the site and each section.

Built with ElementTree, so every value is escaped by the serializer; text is
first cleared of characters that XML 1.0 forbids. Dates are RFC 822 as RSS
requires. ``lastBuildDate`` is the newest change among the items, not the
clock, so that the same input always gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from email.utils import format_datetime
from html import escape as xml_escape
from html import unescape as html_unescape
from urllib.parse import urljoin

from .links import strip_forbidden
from .models import Article, Output, Site
from .urls import absolute

NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}
for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

_LINK_ATTRIBUTE = re.compile(r'(\s(?:href|src)=)"([^"]*)"')


def xml_text(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 cannot carry (and noncharacters)."""
    return strip_forbidden(text)


def render_feeds(site: Site, generator: str) -> list[Output]:
    """Return the site feed ``/feed.xml`` and one ``/{section}/feed.xml`` per section."""
    config = site.config
    outputs = [
        Output(
            "feed.xml",
            rss_feed(
                site,
                config.title,
                config.base_url,
                config.description or config.title,
                site.articles,
                site.feed_url,
                generator,
            ),
            "site feed",
        ),
    ]
    for section in site.sections:
        articles = [
            page_item for page in site.section_pages[section.slug] for page_item in page.items
        ]
        outputs.append(
            Output(
                section.feed_url[len(config.base_path) :],
                rss_feed(
                    site,
                    f"{section.title} – {config.title}",
                    absolute(config.base_url, section.url),
                    f"The latest from {section.title} at {config.title}",
                    articles,
                    section.feed_url,
                    generator,
                ),
                f"feed of section {section.title}",
            )
        )
    return outputs


def rss_feed(
    site: Site,
    title: str,
    link: str,
    description: str,
    articles: Sequence[Article],
    feed_url: str,
    generator: str,
) -> bytes:
    """Return an RSS 2.0 document of the newest ``feed_items`` of ``articles``."""
    config = site.config
    items = sorted(articles, key=lambda a: a.date, reverse=True)[: config.feed_items]
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", link)
    _sub(channel, "description", description)
    _sub(channel, "language", config.language)
    _sub(channel, "generator", generator)
    if items:
        _sub(channel, "lastBuildDate", format_datetime(max(a.modified for a in items)))
    _sub(
        channel,
        _ns("atom", "link"),
        attrib={
            "href": absolute(config.base_url, feed_url),
            "rel": "self",
            "type": "application/rss+xml",
        },
    )
    for article in items:
        _item(channel, article)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def _item(channel: ET.Element, article: Article) -> None:
    item = _sub(channel, "item")
    _sub(item, "title", article.headline)
    _sub(item, "link", article.permalink)
    _sub(item, "guid", article.permalink, {"isPermaLink": "true"})
    _sub(item, "pubDate", format_datetime(article.date))
    _sub(item, "description", article.summary)
    _sub(item, _ns("content", "encoded"), absolutise_links(article.body_html, article.permalink))
    for name in article.bylines:
        _sub(item, _ns("dc", "creator"), name)
    for category in (article.section.title, *article.tags):
        _sub(item, "category", category)
    image = article.lead_image
    if image:
        media = _sub(
            item,
            _ns("media", "content"),
            attrib={
                "url": image.absolute_url,
                "medium": "image",
                "type": image.media_type,
            },
        )
        if image.caption:
            _sub(media, _ns("media", "description"), image.caption)
        if image.credit:
            _sub(media, _ns("media", "credit"), image.credit)


def absolutise_links(html: str, page_url: str) -> str:
    """Return ``html`` with every relative ``href``/``src`` resolved against ``page_url``.

    Feed readers show the body away from the page, where relative links break.
    """

    def resolve(match: re.Match[str]) -> str:
        return f'{match.group(1)}"{xml_escape(urljoin(page_url, html_unescape(match.group(2))))}"'

    return _LINK_ATTRIBUTE.sub(resolve, html)


def _ns(prefix: str, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, attrib: dict[str, str] | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in (attrib or {}).items()})
    if text is not None:
        element.text = xml_text(text)
    return element
