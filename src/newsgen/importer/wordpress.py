"""WordPress posts as newsgen articles: what each exported item becomes.

wordpress_articles() reads an export twice with importer/wxr.py: first its
attachments (the featured images, with their alt text and captions), then
its posts, and yields for each post a ImportedPost: the article file's
text (front matter and Markdown from importer/html_markdown.py), where it
goes, and the notes of what was left out. It decides:

- the headline (the post's title, entities decoded; a post without one is
  skipped with a note), the date in the site's own offset (``post_date``
  against ``post_date_gmt``), ``updated`` from the modified date;
- the byline (the author's display name), the section (the first category,
  renamed by ``section_map``; the other categories and the tags become tags),
  the summary (the excerpt), the lead image (the featured image);
- ``aliases``: the post's old address as a site path, so that it redirects;
- ``draft: true`` for drafts, pending and private posts (skipped with
  ``published_only``); scheduled posts keep their future date;
- ``extra.wordpress``: the post's ID, GUID and address, by which a second
  import of the same export finds the articles it wrote.

Pages are imported only with ``pages``; attachments, menu items and other
kinds never are. Comments are not imported. No writing here: the import's
transaction (importer/transaction.py) checks each text with the build's
loader and writes them all or none.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import yaml

from newsgen.importer.attachments import Attachments, plain_text, post_images, read_attachments
from newsgen.importer.html_markdown import html_to_markdown
from newsgen.importer.imported import Note
from newsgen.importer.wxr import WxrChannel, WxrItem, read_wxr
from newsgen.sanitize import split_url
from newsgen.urls import make_slug

WXR_SNIFF = re.compile(rb"<rss\b[^>]*wordpress\.org/export/1\.[012]/", re.S)
DRAFT_STATUSES = frozenset({"draft", "pending", "private"})
PUBLISHED_STATUSES = frozenset({"publish", "future"})
NO_DATE = "0000-00-00 00:00:00"
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it (ten times faster), else PyYAML's own."""


@dataclass(frozen=True, slots=True)
class WordPressOptions:
    """How an export is imported (the options of ``newsgen import``)."""

    section_map: Mapping[str, str] = field(default_factory=dict)
    """Category slug -> section name (``--section-map old=new``)."""
    published_only: bool = False
    """Skip drafts, pending and private posts instead of importing them as drafts."""
    pages: bool = False
    """Import pages (``post_type`` page) too."""
    default_section: str = "news"
    """The section of a post with no category."""


@dataclass(frozen=True, slots=True)
class ImportedPost:
    """One post as an article file."""

    line: int
    """The line of the post's ``<item>`` in the export."""
    section: str
    """The section's slug: the article goes to ``content/<section>/<slug>.md``."""
    slug: str
    text: str
    """The file's text: front matter and Markdown."""
    notes: tuple[Note, ...]
    source_id: str
    """What identifies the post across imports: its GUID (else its address) and ID
    (source_id()); GUIDs alone repeat in some exports."""
    old_urls: tuple[str, ...] = ()
    """The addresses the post had (its permalink, ``?p=ID``): links to them from the
    other imported articles are pointed at this article's file."""
    files: tuple[tuple[str, str], ...] = ()
    """Picture files the article shows that the import copies: ``(its path in
    static/, the file)`` (a saved page's own pictures)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An item that makes no article, and why."""

    line: int
    title: str
    reason: str


def is_wordpress_export(head: bytes) -> bool:
    """True when ``head`` (a file's first kilobytes) starts a WordPress export."""
    return WXR_SNIFF.search(head) is not None


def wordpress_articles(
    path: Path, options: WordPressOptions = WordPressOptions()
) -> Iterator[ImportedPost | Skipped]:
    """Yield what each item of the export at ``path`` becomes, in file order (items that
    are not posts or pages are left out silently). Raises WxrError when the file cannot
    be read (wxr.py)."""
    attachments = read_attachments(path)
    channel = WxrChannel()
    for item in read_wxr(path, channel):
        if item.post_type == "post" or (item.post_type == "page" and options.pages):
            yield article_of(item, channel, attachments, options)


def article_of(
    item: WxrItem,
    channel: WxrChannel,
    attachments: Attachments,
    options: WordPressOptions,
) -> ImportedPost | Skipped:
    """Return the article ``item`` (a post or page) becomes, or why it becomes none."""
    headline = " ".join(html.unescape(item.title).split())
    if not headline:
        return Skipped(item.line, item.title, "the post has no title: give it one in WordPress")
    if item.status in DRAFT_STATUSES and options.published_only:
        return Skipped(item.line, headline, f"a {item.status} post (--published-only)")
    if item.status not in DRAFT_STATUSES | PUBLISHED_STATUSES:
        return Skipped(item.line, headline, f"a post with status '{item.status}'")
    published = _moment(item.post_date, item.post_date_gmt)
    if published is None:
        return Skipped(item.line, headline, "the post has no date (a draft never scheduled)")
    notes: list[Note] = []
    converted = html_to_markdown(item.content, item.line)
    notes += converted.notes
    categories = [(t.slug, t.name) for t in item.terms if t.domain == "category" and t.name]
    post_tags = [t.name for t in item.terms if t.domain == "post_tag" and t.name]
    section, tags = section_and_tags([name for _, name in categories], post_tags, options,
                                     [slug for slug, _ in categories])  # fmt: skip
    front: dict[str, object] = {"headline": headline, "date": published.isoformat()}
    modified = _moment(item.post_modified, item.post_modified_gmt)
    if modified is not None and modified > published:
        front["updated"] = modified.isoformat()
    front["section"] = section
    author = channel.authors.get(item.creator)
    if author is not None or item.creator:
        front["byline"] = author.display_name if author else item.creator
    if tags:
        front["tags"] = tags
    summary = plain_text(item.excerpt)
    if summary:
        front["summary"] = summary
    images = post_images(item, attachments, converted.images)
    if images:
        front["images"] = images
    alias = _alias(item.link, channel.link or channel.base_blog_url)
    if alias:
        front["aliases"] = [alias]
    if item.status in DRAFT_STATUSES:
        front["draft"] = True
    source = source_id(item.guid or item.link, item.post_id)
    front["extra"] = {"wordpress": {"id": item.post_id, "guid": item.guid, "link": item.link}}
    slug = make_slug(item.post_name) or make_slug(headline) or f"post-{item.post_id}"
    front = {"headline": front.pop("headline"), "slug": slug, **front}  # the old slug stays
    text = "---\n" + yaml_text(front) + "---\n" + (converted.markdown or "")
    old = [url for url in (item.link, item.guid, _short_link(item.post_id, channel)) if url]
    return ImportedPost(item.line, make_slug(section), slug, text, tuple(notes), source,
                        tuple(dict.fromkeys(old)))  # fmt: skip


def _short_link(post_id: str, channel: WxrChannel) -> str:
    """The ``?p=ID`` address WordPress answers for every post."""
    site = channel.base_blog_url or channel.link
    return f"{site.rstrip('/')}/?p={post_id}" if site and post_id else ""


def source_id(guid: str, post_id: str) -> str:
    """Return what identifies a post across imports: ``GUID#ID``."""
    return f"{guid}#{post_id}"


def section_and_tags(
    categories: list[str],
    tags: list[str],
    options: WordPressOptions,
    category_slugs: list[str] | None = None,
) -> tuple[str, list[str]]:
    """Return the section (the first category, renamed by the map through its slug or
    name) and the tags (the other categories, then ``tags``), each once."""
    names = list(tags)
    if categories:
        first, slug = categories[0], (category_slugs or [""])[0]
        section = (
            options.section_map.get(slug)
            or options.section_map.get(first)
            or options.section_map.get(make_slug(first))
            or html.unescape(first)
        )
        names = [html.unescape(name) for name in categories[1:]] + names
    else:
        section = options.default_section
    if not make_slug(section):  # a category of signs alone makes no section folder
        section = options.default_section
    seen: dict[str, str] = {}
    for name in (" ".join(html.unescape(n).split()) for n in names):
        if make_slug(name) and make_slug(name) not in seen:
            seen[make_slug(name)] = name
    return section, list(seen.values())


def _moment(local: str, gmt: str) -> datetime | None:
    """The moment of a WordPress date pair, in the site's own offset (the difference
    between the local and the GMT time); None when neither is set."""
    try:
        when = datetime.fromisoformat(local) if local and local != NO_DATE else None
        utc = datetime.fromisoformat(gmt) if gmt and gmt != NO_DATE else None
    except ValueError:
        return None
    if when is None:
        return utc.replace(tzinfo=UTC) if utc else None
    if utc is None:
        return when.replace(tzinfo=UTC)
    offset = timedelta(minutes=round((when - utc).total_seconds() / 60))
    if abs(offset) > timedelta(hours=14):
        return utc.replace(tzinfo=UTC)
    return when.replace(tzinfo=timezone(offset))


def _alias(link: str, site: str) -> str:
    """The post's old address as a site path (``/2018/10/20/keyboard-navigation/``), or
    "" when it has none a static site can answer (``/?p=1724``: a query string)."""
    if not link:
        return ""
    parts, base = split_url(link), split_url(site)
    if parts.query or (base.netloc and parts.netloc and parts.netloc != base.netloc):
        return ""
    path = parts.path or "/"
    prefix = base.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    return path if path not in ("", "/") else ""


def yaml_text(value: object) -> str:
    """Return ``value`` as the YAML of front matter."""
    return yaml.dump(value, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1_000_000)
