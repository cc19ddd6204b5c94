"""RSS 2.0 feeds for the site and each section.

Written as text by feeds/xml_text.py, in exactly the form ElementTree would give, so
every value is escaped; text is first cleared of characters that XML 1.0
forbids. Readers take ``description`` (and ``media:description``) as HTML and
guess at ``title``, so the editor's text goes into them as HTML that shows it as
written (xml_text.as_html, as_text_or_html); categories, ``dc:creator`` and
``media:credit`` are plain text. Each article's ``<item>`` is written once for
all the feeds that list it. Dates are RFC 822 as RSS requires. ``lastBuildDate``
is the newest change among the items, not the clock, so that the same input
always gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from newsgen.cache.bodies import CachedBody
from newsgen.feeds.absolute_links import absolutise_links
from newsgen.feeds.xml_text import as_html, as_text_or_html, document, leaf, parent
from newsgen.models import Article, CorrectionEntry, Output, Site
from newsgen.sanitize import strip_forbidden
from newsgen.urls import absolute

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
ITEM_LEVEL = 2
"""How deep items are in a feed: rss > channel > item."""

_HTML = {"type": "html"}
"""Media RSS text is plain unless it says so; readers take ``media:description`` as HTML."""


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


@dataclass(frozen=True, slots=True)
class WrittenItem:
    """A feed's ``<item>``, written."""

    xml: str
    prefixes: frozenset[str]
    """The namespace prefixes it uses (the feed declares them)."""


class FeedRenderer:
    """Renders article feeds, writing each article's ``<item>`` once for all its feeds
    (an article is in the site feed, its section's and each of its tags').

    Given the ``plans`` it will render, it forgets an item once the last feed
    that lists it is rendered, so that the items (each with its article's
    whole body) of a site's thousands of feeds are never all held at once.
    """

    def __init__(self, site: Site, generator: str, plans: Sequence[FeedPlan] = ()) -> None:
        self.site = site
        self.generator = generator
        self._items: dict[str, WrittenItem] = {}
        self._uses = Counter(article.source_path for plan in plans for article in plan.items)
        self._counted = bool(plans)

    def render(self, plan: FeedPlan) -> bytes:
        """Return the RSS document of ``plan``."""
        new = [
            article.body_html for article in plan.items if article.source_path not in self._items
        ]
        CachedBody.prefetch(new)  # bodies left in the cache: read in one query
        items = [self._item(article) for article in plan.items]
        newest = max((a.modified for a in plan.items), default=None)
        return _document(self.site, plan.channel, self.generator, newest, items)

    def _item(self, article: Article) -> WrittenItem:
        path = article.source_path
        item = self._items.get(path)
        if item is None:
            item = article_item(article)
            if not self._counted or self._uses[path] > 1:
                self._items[path] = item
        if self._counted:
            self._uses[path] -= 1
            if self._uses[path] <= 0:
                self._items.pop(path, None)
        return item


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
    items = [_correction_item(entry) for entry in entries]
    document = _document(site, channel, generator, newest, items)
    return Output(_output_path(site, channel.feed_url), document, channel.source)


def _document(
    site: Site,
    channel: Channel,
    generator: str,
    last_change: datetime | None,
    items: Sequence[WrittenItem],
) -> bytes:
    """Return an RSS 2.0 document for ``channel`` with the written ``items``."""
    config = site.config
    self_link = {
        "href": absolute(config.base_url, channel.feed_url),
        "rel": "self",
        "type": "application/rss+xml",
    }
    children = [
        _text("title", as_text_or_html(channel.title)),
        _text("link", channel.link),
        _text("description", as_html(channel.description)),
        _text("language", config.language),
        _text("generator", generator),
        *([_text("lastBuildDate", format_datetime(last_change))] if last_change else []),
        _text("atom:link", None, self_link),
        *(item.xml for item in items),
    ]
    prefixes = {"atom"}.union(*(item.prefixes for item in items))
    namespaces = [(prefix, NAMESPACES[prefix]) for prefix in prefixes]
    channel_xml = parent("channel", children, 1)
    return document("rss", namespaces, {"version": "2.0"}, [channel_xml]) + b"\n"


def _output_path(site: Site, feed_url: str) -> str:
    return feed_url[len(site.config.base_path) :]


def _correction_item(entry: CorrectionEntry) -> WrittenItem:
    article, correction = entry.article, entry.correction
    stamp = correction.date.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    children = [
        _text("title", as_text_or_html(f"Correction: {article.headline}")),
        _text("link", f"{article.permalink}#corrections"),
        _text("guid", f"{article.guid}#correction-{stamp}", {"isPermaLink": "false"}),
        _text("pubDate", format_datetime(correction.date)),
        _text("description", as_html(correction.text)),
    ]
    return WrittenItem(parent("item", children, ITEM_LEVEL), frozenset())


def article_item(article: Article) -> WrittenItem:
    """Return the RSS ``<item>`` of ``article``, written."""
    permanent = "false" if article.id else "true"
    body = absolutise_links(str(article.body_html), article.permalink)
    children = [
        _text("title", as_text_or_html(article.headline)),
        _text("link", article.permalink),
        _text("guid", article.guid, {"isPermaLink": permanent}),
        _text("pubDate", format_datetime(article.date)),
        _text("description", as_html(article.summary)),
        _text("content:encoded", body),
    ]
    prefixes = {"content"}
    children += [_text("dc:creator", name) for name in article.bylines]
    if article.bylines:
        prefixes.add("dc")
    tags = article.tags[:MAX_ITEM_TAGS]
    children += [
        _text("category", name) for name in (article.section.title, *(t.name for t in tags))
    ]
    image = article.lead_image
    if image:
        media = {"url": image.absolute_url, "medium": "image", "type": image.media_type}
        about = [
            *([_text("media:description", as_html(image.caption), _HTML)] if image.caption else []),
            *([_text("media:credit", image.credit)] if image.credit else []),
        ]
        children.append(parent("media:content", about, ITEM_LEVEL + 1, _cleaned(media)))
        prefixes.add("media")
    return WrittenItem(parent("item", children, ITEM_LEVEL), frozenset(prefixes))


def _text(tag: str, text: str | None, pairs: dict[str, str] | None = None) -> str:
    """Return an element with ``text`` and attributes ``pairs``, cleared of characters
    XML forbids."""
    return leaf(tag, None if text is None else strip_forbidden(text), _cleaned(pairs))


def _cleaned(pairs: dict[str, str] | None) -> dict[str, str] | None:
    return {name: strip_forbidden(value) for name, value in pairs.items()} if pairs else pairs
