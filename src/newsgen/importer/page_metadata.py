"""What a saved news page says about itself: its structured data and meta tags.

page_metadata() reads, from a parsed page (lxml), the JSON-LD ``NewsArticle``
(or Article, ReportageNewsArticle, BlogPosting …, also inside ``@graph``),
the OpenGraph and ``article:*`` tags, ``<meta name=author|description|keywords>``,
the canonical link and ``<title>``; the first that gives a field wins, in that
order. No I/O; runs in a page worker (importer/page_workers.py), as lxml is
native code.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from newsgen.sanitize import is_readable_url

ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "blogposting",
     "liveblogposting", "socialmediaposting", "report", "scholarlyarticle", "techarticle"}
)  # fmt: skip


_CANONICAL = "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"


@dataclass(frozen=True, slots=True)
class LeadImage:
    """The page's main picture, as its structured data gives it."""

    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(slots=True)
class PageMeta:
    """A page's own account of the article it holds (empty strings: not given)."""

    headline: str = ""
    published: str = ""
    """As the page writes it (ISO 8601, usually)."""
    modified: str = ""
    authors: list[str] = field(default_factory=list)
    section: str = ""
    tags: list[str] = field(default_factory=list)
    description: str = ""
    url: str = ""
    """The canonical address (``<link rel=canonical>``, else og:url, else JSON-LD url)."""
    site_name: str = ""
    image: LeadImage | None = None


def page_metadata(tree: HtmlElement) -> PageMeta:
    """Return what ``tree`` (a whole page) says of its article; never raises."""
    meta = PageMeta()
    article = next(_articles(tree), None)
    if article is not None:
        _from_json_ld(article, meta)
    tags = _meta_tags(tree)
    meta.headline = meta.headline or tags.get("og:title", "") or tags.get("twitter:title", "")
    meta.published = meta.published or tags.get("article:published_time", "")
    meta.modified = meta.modified or tags.get("article:modified_time", "")
    if not meta.authors:
        names = [tags.get("author", ""), tags.get("article:author", "")]
        meta.authors = [n for n in names if n and "://" not in n][:1]
    meta.section = meta.section or tags.get("article:section", "")
    keywords = tags.get("article:tag", "") or tags.get("keywords", "")
    meta.tags = meta.tags or _split_keywords(keywords)
    meta.description = (
        meta.description or tags.get("og:description", "") or tags.get("description", "")
    )
    canonical = tree.xpath(_CANONICAL)
    canonical_url = str(canonical[0]).strip() if canonical else ""
    meta.url = canonical_url or tags.get("og:url", "") or meta.url
    meta.url = meta.url if is_readable_url(meta.url) else ""
    meta.site_name = meta.site_name or tags.get("og:site_name", "")
    if meta.image is None and _web_address(tags.get("og:image", "")):
        meta.image = LeadImage(tags["og:image"], tags.get("og:image:alt", ""))
    if not meta.headline:
        meta.headline = " ".join("".join(tree.xpath("//title//text()")).split())
    return meta


def _articles(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of an article type on the page, in page order."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        yield from (thing for thing in _things(data, 0) if _is_article(thing))


def _things(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _things(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _things(data.get("@graph"), depth + 1)


def _is_article(thing: dict[str, Any]) -> bool:
    kinds = thing.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds)


def _from_json_ld(article: dict[str, Any], meta: PageMeta) -> None:
    meta.headline = _text(article.get("headline")) or _text(article.get("name"))
    meta.published = _text(article.get("datePublished"))
    meta.modified = _text(article.get("dateModified"))
    meta.authors = _names(article.get("author"))
    section = article.get("articleSection")
    meta.section = _text(section[0] if isinstance(section, list) and section else section)
    keywords = article.get("keywords")
    meta.tags = (
        [_text(k) for k in keywords if _text(k)]
        if isinstance(keywords, list)
        else (_split_keywords(_text(keywords)))
    )
    meta.description = _text(article.get("description"))
    meta.url = _text(article.get("url")) or _text(article.get("mainEntityOfPage"))
    publisher = article.get("publisher")
    meta.site_name = _text(publisher.get("name")) if isinstance(publisher, dict) else ""
    meta.image = _image(article.get("image"))


def _image(value: Any) -> LeadImage | None:
    first = value[0] if isinstance(value, list) and value else value
    if isinstance(first, str):
        return LeadImage(first) if _web_address(first) else None
    if not isinstance(first, dict):
        return None
    url = _text(first.get("url")) or _text(first.get("contentUrl"))
    if not _web_address(url):
        return None
    credit = _text(first.get("creditText")) or ", ".join(
        _names(first.get("copyrightHolder")) or _names(first.get("author"))
    )
    caption = _text(first.get("caption")) or _text(first.get("description"))
    return LeadImage(url, _text(first.get("name")) if caption else "", caption, credit)


def _web_address(url: str) -> bool:
    """True for an http(s) address Python's URL library can read."""
    return url.startswith(("http://", "https://")) and is_readable_url(url)


def _names(value: Any) -> list[str]:
    """The names of a JSON-LD person, organisation, or list of them."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and "://" not in name and name not in names:
            names.append(name)
    return names


def _text(value: Any) -> str:
    """A JSON-LD value as one line of plain text ("" when it is not text)."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name") or ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return " ".join(html.unescape(str(value)).split())


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta property|name=... content=...>`` by lower-case name; the first of each."""
    found: dict[str, str] = {}
    for tag in tree.xpath("//meta[@content]"):
        name = (tag.get("property") or tag.get("name") or "").strip().lower()
        content = " ".join(str(tag.get("content")).split())
        if name and content and name not in found:
            found[name] = content
        elif name in ("article:tag",) and content:
            found[name] += "," + content
    return found


def _split_keywords(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()][:20]
