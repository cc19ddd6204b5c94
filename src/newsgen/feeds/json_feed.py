"""The site's JSON Feed 1.1 (https://jsonfeed.org/version/1.1) at ``/feed.json``.

It carries the same articles as ``/feed.xml``: the newest ``feed_items``, with
full bodies whose links are made absolute. Every text is cleared of the
characters that pages and feeds may not carry (a lone surrogate could not even
be encoded). Dates are RFC 3339 in the article's own offset. Keys keep a fixed
order and nothing reads the clock, so the same input always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from newsgen.feeds.absolute_links import absolutise_links
from newsgen.feeds.dates import w3c_datetime
from newsgen.models import Article, Author, Output, Site, SiteConfig
from newsgen.sanitize import strip_forbidden
from newsgen.urls import absolute, href

VERSION = "https://jsonfeed.org/version/1.1"
FEED_PATH = "feed.json"


def render_json_feed(site: Site, generator: str) -> Output:
    """Return ``/feed.json``: the JSON Feed of the newest ``feed_items`` articles."""
    document = _clean(json_feed(site, generator))
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return Output(FEED_PATH, text.encode("utf-8"), "json feed")


def json_feed(site: Site, generator: str) -> dict[str, Any]:
    """Return the JSON Feed object of ``site`` (before forbidden characters are removed).

    ``generator`` goes in the ``_newsgen`` extension object, as JSON Feed has no field for it.
    """
    config = site.config
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": config.title,
        "home_page_url": config.base_url,
        "feed_url": absolute(config.base_url, href(config.base_path, "/" + FEED_PATH)),
    }
    if config.description:
        feed["description"] = config.description
    feed["language"] = config.language
    feed["authors"] = [{"name": config.publisher_name or config.title, "url": config.base_url}]
    feed["_newsgen"] = {"generator": generator}
    feed["items"] = [json_item(config, article) for article in feed_articles(site)]
    return feed


def feed_articles(site: Site) -> list[Article]:
    """Return the newest ``feed_items`` articles of the site, newest first."""
    ordered = sorted(site.articles, key=lambda article: article.date, reverse=True)
    return ordered[: site.config.feed_items]


def json_item(config: SiteConfig, article: Article) -> dict[str, Any]:
    """Return the JSON Feed item of ``article``."""
    item: dict[str, Any] = {
        "id": article.guid,
        "url": article.permalink,
        "title": article.headline,
        "content_html": absolutise_links(str(article.body_html), article.permalink),
    }
    if article.summary:
        item["summary"] = article.summary
    image = article.lead_image
    if image:
        item["image"] = image.absolute_url
    item["date_published"] = w3c_datetime(article.date, config.timezone)
    item["date_modified"] = w3c_datetime(article.modified, config.timezone)
    authors = [json_author(config, author) for author in article.authors]
    if not authors:
        authors = [{"name": name} for name in article.bylines]
    if authors:
        item["authors"] = authors
    item["tags"] = list(dict.fromkeys([article.section.title, *(str(tag) for tag in article.tags)]))
    return item


def json_author(config: SiteConfig, author: Author) -> dict[str, str]:
    """Return the JSON Feed author object of ``author``: name, page URL and photo if any."""
    entry = {"name": author.name}
    if author.url:
        entry["url"] = absolute(config.base_url, author.url)
    if author.photo:
        entry["avatar"] = absolute(config.base_url, author.photo)
    return entry


def _clean(value: Any) -> Any:
    """Return ``value`` with forbidden characters removed from every string in it."""
    if isinstance(value, str):
        return strip_forbidden(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value
