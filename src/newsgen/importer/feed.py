"""RSS and Atom feeds as newsgen articles: what each entry becomes.

feed_articles() parses a feed file with feedparser (a well-kept parser of
every RSS and Atom dialect, already used by the tests to read newsgen's own
feeds) and yields, for each entry, the ImportedPost importer/wordpress.py's
posts are too: the headline, the date and ``updated`` (in UTC: feeds carry
moments), the authors as the byline, the first category as the section (the
map renames it) and the others as tags, the summary, the full content
(``content:encoded``, Atom ``content``) as Markdown through
importer/html_markdown.py (else the summary), the first image enclosure or
``media:content`` as the lead image, the entry's link path as an alias, and
``extra.feed`` (the entry's id and link) by which a second import finds it.
An entry without a title or a date is skipped and said why. No writing here.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from newsgen.importer.html_markdown import html_to_markdown
from newsgen.importer.wordpress import (
    ImportedPost,
    Skipped,
    WordPressOptions,
    section_and_tags,
    source_id,
    yaml_text,
)
from newsgen.input_files import read_regular
from newsgen.sanitize import split_url
from newsgen.urls import make_slug

MAX_FEED_BYTES = 100_000_000
"""A feed file may hold this much (100 MB: years of a newsroom's full-text feed)."""
FEED_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*)*"
    rb"(?:<!DOCTYPE[^>]*>\s*)?<(?:rss|feed|rdf:RDF)\b",
    re.S,
)
"""The start of an RSS or Atom document: its root element, after the XML declaration,
comments and processing instructions (a text that only mentions ``<rss`` is no feed)."""


class FeedError(Exception):
    """The file is no feed feedparser can read."""


def is_feed(head: bytes) -> bool:
    """True when ``head`` (a file's first kilobytes) starts an RSS or Atom feed."""
    return FEED_START.match(head) is not None


def feed_articles(path: Path, options: WordPressOptions) -> Iterator[ImportedPost | Skipped]:
    """Yield what each entry of the feed at ``path`` becomes, in feed order. Raises
    FeedError when the file is not a feed, NotAFile or OSError when it cannot be read."""
    data = read_regular(path, MAX_FEED_BYTES)[0]
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        reason = str(parsed.get("bozo_exception", "")) or "no RSS or Atom element"
        raise FeedError(f"is not an RSS or Atom feed: {reason}")
    site = parsed.feed.get("link", "")
    for number, entry in enumerate(parsed.entries, 1):
        yield entry_article(entry, number, site, options)


def entry_article(
    entry: Any, number: int, site: str, options: WordPressOptions
) -> ImportedPost | Skipped:
    """Return the article feed entry ``entry`` (the ``number``-th) becomes; its notes and
    its ``line`` are the entry's number, as feedparser gives no lines."""
    headline = " ".join(html.unescape(entry.get("title", "")).split())
    if not headline:
        return Skipped(number, "", "the entry has no title")
    # dict.get: feedparser's own get() maps a missing updated to published, with a warning
    published = _moment(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"))
    if published is None:
        return Skipped(number, headline, "the entry has no date")
    content = next((c.get("value", "") for c in entry.get("content", []) if c.get("value")), "")
    converted = html_to_markdown(content or entry.get("summary", ""), number)
    front: dict[str, object] = {"headline": headline, "date": published.isoformat()}
    updated = _moment(dict.get(entry, "updated_parsed"))
    if updated is not None and updated > published:
        front["updated"] = updated.isoformat()
    terms = [(t.get("term") or "").strip() for t in entry.get("tags", [])]
    section, tags = section_and_tags([t for t in terms if t], [], options)
    front["section"] = section
    names = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    if names:
        front["byline"] = names if len(names) > 1 else names[0]
    if tags:
        front["tags"] = tags
    summary = html_to_markdown(entry.get("summary", "")).markdown if content else ""
    summary = " ".join(summary.replace("\\", "").split())
    if summary:
        front["summary"] = summary
    lead = _lead_image(entry)
    if lead:
        front["images"] = [{"src": lead}]
    alias = _path_of(entry.get("link", ""), site)
    if alias:
        front["aliases"] = [alias]
    identity = entry.get("id") or entry.get("link") or f"{headline}|{published.isoformat()}"
    front["extra"] = {"feed": {"id": identity, "link": entry.get("link", "")}}
    slug = make_slug(split_url(entry.get("link", "")).path.rstrip("/").rsplit("/", 1)[-1]) or (
        make_slug(headline)
    )
    slug = slug or f"entry-{number}"
    front = {"headline": front.pop("headline"), "slug": slug, **front}  # the old slug stays
    text = "---\n" + yaml_text(front) + "---\n" + converted.markdown
    notes = tuple(replace(note, line=number) for note in converted.notes)  # no lines in a feed
    old = tuple(url for url in (entry.get("link", ""),) if url)
    return ImportedPost(number, make_slug(section), slug, text, notes, source_id(identity, ""), old)


def _moment(value: Any) -> datetime | None:
    """A feedparser time (a UTC struct_time) as an aware datetime, or None."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _lead_image(entry: Any) -> str:
    for media in entry.get("media_content", []):
        url = media.get("url", "")
        if url.startswith(("http://", "https://")) and media.get("medium", "image") == "image":
            return url
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            href = link.get("href", "")
            if href.startswith(("http://", "https://")):
                return href
    return ""


def _path_of(link: str, site: str) -> str:
    """The entry's address as a site path, when it is on the feed's own site."""
    if not link:
        return ""
    parts, base = split_url(link), split_url(site)
    if parts.query or (base.netloc and parts.netloc and parts.netloc != base.netloc):
        return ""
    return parts.path if parts.path not in ("", "/") else ""
