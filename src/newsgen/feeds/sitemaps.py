"""Sitemaps and robots.txt: ``/sitemap.xml``, ``/news-sitemap.xml`` and ``/robots.txt``.

``/sitemap.xml`` follows the sitemaps.org 0.9 protocol and lists every page
that has a ``lastmod``. One sitemap may hold at most 50,000 URLs and 50 MB
(52,428,800 bytes) uncompressed; past either limit ``/sitemap.xml`` becomes a
sitemap index of ``/sitemaps/sitemap-N.xml`` files. newsgen's URLs are short
(slugs are at most 80 characters), so an entry takes a few hundred bytes and
50,000 of them stay far below 50 MB; each child is cut by its size as well as
its count all the same, so the limit holds even for a very long ``base_url``.

``/news-sitemap.xml`` is a Google News sitemap of the articles of the last two
days before the build time. A sitemap must list at least one URL (the
sitemaps.org schema), so a sitemap with none (a quiet day for the news
sitemap, a site with no articles yet) is not written, and ``/robots.txt`` names
only the sitemaps that are. Built with ElementTree (the urlset, which lists
every page, as text in ElementTree's form: feeds/xml_text.py), so every value is
escaped after the characters XML 1.0 forbids are removed. The output depends
only on the input: no clock is read here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol
from urllib.parse import quote

from newsgen.feeds.dates import aware, w3c_datetime
from newsgen.feeds.xml_text import XML_DECLARATION, escape_text
from newsgen.models import Article, Output, Site, SiteConfig, SitemapEntry, SitemapList
from newsgen.sanitize import strip_forbidden
from newsgen.urls import absolute, href

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
ET.register_namespace("news", NEWS_NS)

MAX_URLS = 50_000
"""Most URLs one sitemap may list (sitemaps.org)."""
MAX_BYTES = 50 * 1024 * 1024
"""Largest size of one uncompressed sitemap in bytes (sitemaps.org: 50 MB, 52,428,800 bytes)."""
NEWS_MAX_URLS = 1_000
"""Most URLs a Google News sitemap may list."""
NEWS_WINDOW = timedelta(days=2)
"""How far back from the build time the news sitemap reaches."""

SITEMAP_PATH = "sitemap.xml"
NEWS_SITEMAP_PATH = "news-sitemap.xml"
ROBOTS_PATH = "robots.txt"
CHILD_PATH = "sitemaps/sitemap-{number}.xml"
ROOT_SITEMAPS = (SITEMAP_PATH, NEWS_SITEMAP_PATH)
"""The sitemaps robots.txt names, when they are written."""

# Bytes of one serialized <url> entry beyond its loc: the lastmod (25 characters)
# and the indented tags (57), rounded up; and room for the XML declaration and <urlset>.
_ENTRY_OVERHEAD = 96
_DOCUMENT_OVERHEAD = 1024
_WIDEST = 5
"""The most bytes one character of a URL takes in a sitemap (``&`` is ``&amp;``; UTF-8
takes at most 4)."""


class Listed(Protocol):
    """A page that may go in the sitemap: an Output, or a planned one."""

    @property
    def path(self) -> str: ...
    @property
    def lastmod(self) -> datetime | None: ...



def sitemap_entries(config: SiteConfig, pages: Sequence[Listed]) -> SitemapList:
    """Return an entry for every page with a ``lastmod``, sorted by URL."""
    entries = [page_entry(config, page.path, page.lastmod) for page in pages if page.lastmod]
    return sitemap_list(sorted(entries, key=lambda entry: entry.loc))


def page_entry(config: SiteConfig, output_path: str, lastmod: datetime) -> SitemapEntry:
    """Return the sitemap entry of the page at ``output_path`` changed at ``lastmod``."""
    return sitemap_entry(page_url(config, output_path), aware(lastmod, config.timezone))


def sitemap_entry(loc: str, lastmod: datetime) -> SitemapEntry:
    """Return the sitemap entry of ``loc`` changed at ``lastmod``, its ``<url>`` element
    made."""
    return SitemapEntry(loc, lastmod, _url_element(loc, lastmod))


def sitemap_list(entries: Sequence[SitemapEntry]) -> SitemapList:
    """Return ``entries`` (sorted by URL) as a SitemapList, each with its ``<url>``
    element made: the one form the sitemap functions below work on."""
    if type(entries) is SitemapList:
        return entries
    lastmods = tuple(entry.lastmod for entry in entries)
    return SitemapList(
        tuple(entry.loc for entry in entries),
        lastmods,
        tuple(entry.xml or _url_element(entry.loc, entry.lastmod) for entry in entries),
        array("d", [lastmod.timestamp() for lastmod in lastmods]).tobytes(),
    )


def _url_element(loc: str, lastmod: datetime) -> str:
    text = escape_text(strip_forbidden(loc))
    stamp = w3c_datetime(lastmod)  # digits, "-", ":", "T", "+": nothing to escape
    return f"  <url>\n    <loc>{text}</loc>\n    <lastmod>{stamp}</lastmod>\n  </url>\n"


def page_url(config: SiteConfig, output_path: str) -> str:
    """Return the absolute URL an output file is served at.

    ``world/x/index.html`` is ``{base_url}world/x/`` and ``index.html`` the site root.
    """
    if output_path == "index.html":
        output_path = ""
    elif output_path.endswith("/index.html"):
        output_path = output_path[: -len("index.html")]
    return absolute(config.base_url, href(config.base_path, "/" + quote(output_path)))


def sitemap_files(
    config: SiteConfig,
    entries: Sequence[SitemapEntry],
    max_urls: int = MAX_URLS,
    max_bytes: int = MAX_BYTES,
) -> list[Output]:
    """Return ``/sitemap.xml`` listing ``entries``, or, when they do not fit one file,
    a sitemap index there and the child sitemaps ``/sitemaps/sitemap-N.xml``; nothing
    when there are no entries.
    """
    return [
        Output(part.path, part.render(), "sitemap")
        for part in sitemap_parts(config, entries, max_urls, max_bytes)
    ]


@dataclass(frozen=True, slots=True)
class SitemapPart:
    """One sitemap file to write, not yet serialized."""

    path: str
    """Where it goes, relative to the output directory."""
    shows: SitemapList | tuple[tuple[str, datetime], ...]
    """What it lists: entries, or for an index its children's URLs and dates."""
    render: Callable[[], bytes]
    """Returns its bytes."""


def sitemap_parts(
    config: SiteConfig,
    entries: Sequence[SitemapEntry],
    max_urls: int = MAX_URLS,
    max_bytes: int = MAX_BYTES,
) -> list[SitemapPart]:
    """Return the sitemap files for ``entries`` (see sitemap_files), each rendered on
    demand; none when there are no entries."""
    columns = sitemap_list(entries)
    chunks = split_entries(columns, max_urls, max_bytes)
    if not chunks:
        return []
    if len(chunks) == 1:
        return [SitemapPart(SITEMAP_PATH, columns, partial(urlset, columns))]
    children = [
        SitemapPart(CHILD_PATH.format(number=number), chunk, partial(urlset, chunk))
        for number, chunk in enumerate(chunks, start=1)
    ]
    listed = tuple(
        (page_url(config, child.path), chunk.newest())
        for child, chunk in zip(children, chunks, strict=True)
    )
    return [SitemapPart(SITEMAP_PATH, listed, partial(sitemap_index, listed)), *children]


def split_entries(entries: SitemapList, max_urls: int, max_bytes: int) -> list[SitemapList]:
    """Return ``entries`` cut in order into runs (slices of it) of at most ``max_urls``
    entries whose sitemap stays within ``max_bytes`` (an entry too big alone still gets
    its own run).
    """
    locs = entries.locs
    longest = max(map(len, locs), default=0)
    if _WIDEST * longest + _ENTRY_OVERHEAD <= (max_bytes - _DOCUMENT_OVERHEAD) // max_urls:
        # No run of max_urls entries can pass max_bytes: cut by count alone.
        return [entries[i : i + max_urls] for i in range(0, len(entries), max_urls)]
    starts: list[int] = []
    size = 0
    for at, loc in enumerate(locs):
        entry_size = _entry_size(loc)
        if not starts or at - starts[-1] >= max_urls or size + entry_size > max_bytes:
            starts.append(at)
            size = _DOCUMENT_OVERHEAD
        size += entry_size
    return [entries[a:b] for a, b in zip(starts, [*starts[1:], len(locs)], strict=True)]


def urlset(entries: Sequence[SitemapEntry]) -> bytes:
    """Return a sitemaps.org ``<urlset>`` document listing ``entries`` in order.

    Written as text rather than through ElementTree (a site's sitemap lists
    every page: 15,000 elements at 10,000 articles took 0.3 s), in exactly
    the form ElementTree gives: the same declaration, indentation and escaping
    (``&``, ``<`` and ``>``), and text cleared of forbidden characters.
    """
    if not entries:
        return _serialize(ET.Element(_sm("urlset")))
    head = f'{XML_DECLARATION}<urlset xmlns="{SITEMAP_NS}">\n'
    return "".join([head, *sitemap_list(entries).xml, "</urlset>\n"]).encode("utf-8")


def sitemap_index(children: Sequence[tuple[str, datetime]]) -> bytes:
    """Return a ``<sitemapindex>`` document of ``(absolute URL, newest lastmod)`` pairs."""
    root = ET.Element(_sm("sitemapindex"))
    for loc, lastmod in children:
        sitemap = _sub(root, _sm("sitemap"))
        _sub(sitemap, _sm("loc"), loc)
        _sub(sitemap, _sm("lastmod"), w3c_datetime(lastmod))
    return _serialize(root)


def news_articles(site: Site) -> list[Article]:
    """Return the articles for the news sitemap: published within the two days up to
    the build time (none when it is unknown), newest first, at most 1,000.
    """
    if site.build_time is None:
        return []
    end = aware(site.build_time, site.config.timezone)
    start = end - NEWS_WINDOW
    recent = sorted(
        (article for article in site.articles if start <= article.date <= end),
        key=lambda article: article.permalink,
    )
    recent.sort(key=lambda article: article.date, reverse=True)
    return recent[:NEWS_MAX_URLS]


def news_sitemap(site: Site, articles: Sequence[Article]) -> bytes:
    """Return the Google News sitemap of ``articles`` (``news_articles(site)``: the
    caller writes none when there are none)."""
    config = site.config
    name = config.publisher_name or config.title
    language = news_language(config.language)
    root = ET.Element(_sm("urlset"))
    for article in articles:
        url = _sub(root, _sm("url"))
        _sub(url, _sm("loc"), article.permalink)
        news = _sub(url, _news("news"))
        publication = _sub(news, _news("publication"))
        _sub(publication, _news("name"), name)
        _sub(publication, _news("language"), language)
        _sub(news, _news("publication_date"), w3c_datetime(article.date))
        _sub(news, _news("title"), article.headline)
    return _serialize(root)


def news_language(language: str) -> str:
    """Return the language code Google News wants for a BCP 47 tag.

    The primary subtag lowercased (``en-GB`` -> ``en``), except Chinese, which is
    ``zh-cn`` (Simplified: ``zh-CN``, ``zh-SG``, ``zh-Hans…``) or ``zh-tw``
    (Traditional: ``zh-TW``, ``zh-HK``, ``zh-MO``, ``zh-Hant…``) where the tag says which.
    """
    subtags = language.strip().lower().replace("_", "-").split("-")
    primary, rest = subtags[0], subtags[1:]
    if primary == "zh":
        if "hant" in rest:
            return "zh-tw"
        if "hans" in rest:
            return "zh-cn"
        if any(region in rest for region in ("tw", "hk", "mo")):
            return "zh-tw"
        if any(region in rest for region in ("cn", "sg")):
            return "zh-cn"
    return primary


def robots_txt(config: SiteConfig, sitemaps: Sequence[str]) -> bytes:
    """Return ``/robots.txt``: everything allowed, and where the ``sitemaps`` written
    are (output paths: ``sitemap.xml``, ``news-sitemap.xml``)."""
    lines = ["User-agent: *", "Allow: /"]
    if sitemaps:
        lines += ["", *(f"Sitemap: {page_url(config, path)}" for path in sitemaps)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry_size(loc: str) -> int:
    return len(escape_text(strip_forbidden(loc)).encode("utf-8")) + _ENTRY_OVERHEAD


def _sm(name: str) -> str:
    return f"{{{SITEMAP_NS}}}{name}"


def _news(name: str) -> str:
    return f"{{{NEWS_NS}}}{name}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = strip_forbidden(text)
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return (
        ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=SITEMAP_NS)
        + b"\n"
    )
