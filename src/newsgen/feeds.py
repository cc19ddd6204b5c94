"""RSS 2.0 feeds for the site and each section.

Built with ElementTree, so every value is escaped by the serializer; text is
first cleared of characters that XML 1.0 forbids. Dates are RFC 822 as RSS
requires. ``lastBuildDate`` is the newest change among the items, not the
clock, so that the same input always gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape as xml_escape
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urljoin

from .links import strip_forbidden
from .models import Article, CorrectionEntry, Output, Site
from .urls import absolute

MAX_ITEM_TAGS = 100
"""Tags listed as categories of one feed item. An article has a feed per tag, so
without a limit an article with thousands of tags would fill every one of those
feeds with all of them: output growing with the square of the tag count."""

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


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed is about."""

    title: str
    link: str
    """Absolute URL of the page the feed follows."""
    description: str
    feed_url: str
    """Root-relative URL of the feed itself."""
    source: str
    """What the feed is made from, for messages (``feed of tag Syria``)."""


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """One article feed to write: its channel and its items, newest first."""

    path: str
    """Where it goes, relative to the output directory."""
    channel: Channel
    """Title, links and description."""
    items: tuple[Article, ...]
    """The articles it lists (at most ``feed_items``), newest first."""


def feed_plans(site: Site) -> list[FeedPlan]:
    """Return the article feeds of ``site``: the site's, each section's and each tag's."""
    config = site.config
    name = config.title

    def plan(title: str, url: str, about: str, feed_url: str, source: str, items: Any) -> FeedPlan:
        channel = Channel(title, absolute(config.base_url, url), about, feed_url, source)
        return FeedPlan(_output_path(site, feed_url), channel, newest_items(site, items))

    plans = [
        plan(
            name,
            config.base_path,
            config.description or name,
            site.feed_url,
            "site feed",
            site.articles,
        )
    ]
    for section in site.sections:
        plans.append(
            plan(
                f"{section.title} – {name}",
                section.url,
                f"The latest from {section.title} at {name}",
                section.feed_url,
                f"feed of section {section.title}",
                [a for page in site.section_pages[section.slug] for a in page.items],
            )
        )
    for tag in site.tags:
        plans.append(
            plan(
                f"{tag.name} – {name}",
                tag.url,
                f"Articles tagged {tag.name} at {name}",
                tag.feed_url,
                f"feed of tag {tag.name}",
                [a for page in site.tag_pages[tag.slug] for a in page.items],
            )
        )
    return plans


def newest_items(site: Site, articles: Sequence[Article]) -> tuple[Article, ...]:
    """Return the newest ``feed_items`` of ``articles``, newest first."""
    return tuple(sorted(articles, key=lambda a: a.date, reverse=True)[: site.config.feed_items])


class FeedRenderer:
    """Renders article feeds, making each article's ``<item>`` once for all its feeds
    (an article is in the site feed, its section's and each of its tags').

    Given the ``plans`` it will render, it forgets an item once the last feed
    that lists it is rendered, so that the items (each with its article's
    whole body) of a site's thousands of feeds are never all held at once.
    """

    def __init__(self, site: Site, generator: str, plans: Sequence[FeedPlan] = ()) -> None:
        self.site = site
        self.generator = generator
        self._items: dict[str, ET.Element] = {}
        self._uses = Counter(article.source_path for plan in plans for article in plan.items)
        self._counted = bool(plans)

    def render(self, plan: FeedPlan) -> bytes:
        """Return the RSS document of ``plan``."""

        def add(parent: ET.Element) -> None:
            for article in plan.items:
                path = article.source_path
                item = self._items.get(path)
                if item is None:
                    item = article_item(article)
                    if not self._counted or self._uses[path] > 1:
                        self._items[path] = item
                parent.append(item)
                if self._counted:
                    self._uses[path] -= 1
                    if self._uses[path] <= 0:
                        self._items.pop(path, None)

        newest = max((a.modified for a in plan.items), default=None)
        return _document(self.site, plan.channel, self.generator, newest, add)


def render_feeds(site: Site, generator: str) -> list[Output]:
    """Return every RSS feed of ``site``: the site's, each section's, each tag's and
    the corrections feed."""
    renderer = FeedRenderer(site, generator)
    outputs = [
        Output(plan.path, renderer.render(plan), plan.channel.source) for plan in feed_plans(site)
    ]
    outputs.append(corrections_feed(site, generator))
    return outputs


def article_feed(
    site: Site, channel: Channel, articles: Sequence[Article], generator: str
) -> Output:
    """Return the RSS feed of ``channel`` listing the newest ``feed_items`` of ``articles``."""
    plan = FeedPlan(_output_path(site, channel.feed_url), channel, newest_items(site, articles))
    return Output(plan.path, FeedRenderer(site, generator).render(plan), channel.source)


def corrections_feed(site: Site, generator: str) -> Output:
    """Return the RSS 2.0 feed of the newest corrections, one item per correction."""
    config = site.config
    channel = Channel(
        f"Corrections – {config.title}",
        absolute(config.base_url, site.corrections_url),
        f"Every correction {config.title} has published, newest first",
        site.corrections_feed_url,
        "corrections feed",
    )
    entries = site.corrections[: config.feed_items]
    newest = entries[0].correction.date if entries else None
    document = _document(
        site,
        channel,
        generator,
        newest,
        lambda parent: [_correction_item(parent, entry) for entry in entries],
    )
    return Output(_output_path(site, channel.feed_url), document, channel.source)


def _document(
    site: Site,
    channel: Channel,
    generator: str,
    last_change: datetime | None,
    add_items: Callable[[ET.Element], object],
) -> bytes:
    """Return an RSS 2.0 document for ``channel``; ``add_items`` appends the items."""
    config = site.config
    rss = ET.Element("rss", {"version": "2.0"})
    element = _sub(rss, "channel")
    _sub(element, "title", channel.title)
    _sub(element, "link", channel.link)
    _sub(element, "description", channel.description)
    _sub(element, "language", config.language)
    _sub(element, "generator", generator)
    if last_change:
        _sub(element, "lastBuildDate", format_datetime(last_change))
    self_link = {
        "href": absolute(config.base_url, channel.feed_url),
        "rel": "self",
        "type": "application/rss+xml",
    }
    _sub(element, _ns("atom", "link"), attrib=self_link)
    add_items(element)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def _output_path(site: Site, feed_url: str) -> str:
    return feed_url[len(site.config.base_path) :]


def _correction_item(channel: ET.Element, entry: CorrectionEntry) -> None:
    article, correction = entry.article, entry.correction
    item = _sub(channel, "item")
    _sub(item, "title", f"Correction: {article.headline}")
    _sub(item, "link", f"{article.permalink}#corrections")
    stamp = correction.date.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    _sub(item, "guid", f"{article.guid}#correction-{stamp}", {"isPermaLink": "false"})
    _sub(item, "pubDate", format_datetime(correction.date))
    _sub(item, "description", correction.text)


def article_item(article: Article) -> ET.Element:
    """Return the RSS ``<item>`` of ``article``."""
    item = ET.Element("item")
    _sub(item, "title", article.headline)
    _sub(item, "link", article.permalink)
    permanent = "false" if article.id else "true"
    _sub(item, "guid", article.guid, {"isPermaLink": permanent})
    _sub(item, "pubDate", format_datetime(article.date))
    _sub(item, "description", article.summary)
    body = absolutise_links(str(article.body_html), article.permalink)
    _sub(item, _ns("content", "encoded"), body)
    for name in article.bylines:
        _sub(item, _ns("dc", "creator"), name)
    tags = article.tags[:MAX_ITEM_TAGS]
    for category in (article.section.title, *(tag.name for tag in tags)):
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
    return item


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
