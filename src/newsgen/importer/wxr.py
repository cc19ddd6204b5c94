"""Reading a WordPress export (WXR 1.0 to 1.2): every item, streamed, with its line.

A WordPress eXtended RSS file is an RSS 2.0 channel whose items carry the
``wp:`` namespace: posts, pages, attachments, menu items. read_wxr() parses it
with defusedxml's SAX parser, which refuses entity declarations (an XML bomb,
or a file that names other files, is an error, never expanded) and holds one
item at a time, so an export of 50,000 posts takes the memory of one post.
Each WxrItem keeps the line its ``<item>`` starts on, for messages. No
conversion happens here: importer/wordpress.py (to come) decides the articles.
"""

from __future__ import annotations

import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.sax.expatreader import ExpatLocator

import defusedxml.sax
from defusedxml import DefusedXmlException

from newsgen.input_files import NotAFile, open_regular

WP_NAMESPACES = (
    "http://wordpress.org/export/1.0/",
    "http://wordpress.org/export/1.1/",
    "http://wordpress.org/export/1.2/",
    "https://wordpress.org/export/1.0/",
    "https://wordpress.org/export/1.1/",
    "https://wordpress.org/export/1.2/",
)
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
EXCERPT_NAMESPACES = tuple(ns + "excerpt/" for ns in WP_NAMESPACES)
MAX_TEXT = 20_000_000
"""Characters one field of one item may hold (a post of 20 MB is no news article)."""


class WxrError(Exception):
    """The file is not a readable WordPress export; ``line`` says where (0: unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Term:
    """A category or tag an item is filed under."""

    domain: str
    """``category`` or ``post_tag`` (or another taxonomy)."""
    slug: str
    """Its ``nicename``."""
    name: str


@dataclass(frozen=True, slots=True)
class WxrItem:
    """One ``<item>`` of a WordPress export, its fields as text (empty when absent)."""

    line: int
    """The line its ``<item>`` starts on."""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    """The author's login (``dc:creator``); WxrAuthor gives the display name."""
    content: str = ""
    """``content:encoded``: the body as WordPress stores it (HTML, block comments)."""
    excerpt: str = ""
    post_id: str = ""
    post_date: str = ""
    """In the site's own time: ``2018-10-20 20:03:48``."""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    post_name: str = ""
    status: str = ""
    """``publish``, ``draft``, ``pending``, ``private``, ``future``, ``inherit``, ``trash``."""
    post_type: str = ""
    """``post``, ``page``, ``attachment``, ``nav_menu_item`` ..."""
    post_parent: str = ""
    attachment_url: str = ""
    terms: tuple[Term, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    """``wp:postmeta`` pairs: ``_thumbnail_id``, ``_wp_attachment_image_alt`` ..."""


@dataclass(frozen=True, slots=True)
class WxrAuthor:
    """An author of the export (``wp:author``)."""

    login: str
    display_name: str


@dataclass
class WxrChannel:
    """What the export says of its site, filled as the file is read."""

    title: str = ""
    link: str = ""
    base_blog_url: str = ""
    authors: dict[str, WxrAuthor] = field(default_factory=dict)


def read_wxr(path: Path, channel: WxrChannel | None = None) -> Iterator[WxrItem]:
    """Yield the items of the export at ``path``, one at a time, in file order;
    ``channel``, when given, is filled with the site's title, address and authors
    (authors come before the items in an export).

    Raises WxrError (with a line) when the file is not well-formed XML, declares
    entities (refused: an XML bomb), or is no WordPress export.
    """
    try:
        stream = open_regular(path)
    except NotAFile as error:
        raise WxrError(str(error), 0) from None
    except OSError as error:
        raise WxrError(f"cannot be read: {error.strerror or error}", 0) from None
    with stream:
        yield from read_wxr_stream(stream, channel)


def read_wxr_stream(stream: IO[bytes], channel: WxrChannel | None = None) -> Iterator[WxrItem]:
    """read_wxr() of an open binary stream."""
    handler = _Handler(channel or WxrChannel())
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setContentHandler(handler)
    handler.setDocumentLocator(ExpatLocator(parser))  # parse() would; feed() does not
    failure: WxrError | None = None
    try:
        while chunk := stream.read(1 << 16):
            parser.feed(chunk)
            yield from handler.take()
        parser.close()
    except DefusedXmlException as error:
        failure = WxrError(
            f"declares entities ({type(error).__name__}), which an export never does: "
            "refused unread, as an XML bomb would be",
            handler.line(),
        )
    except xml.sax.SAXParseException as error:
        failure = WxrError(f"is not well-formed XML: {error.getMessage()}", error.getLineNumber())
    except WxrError as error:
        failure = error
    yield from handler.take()  # the items read before a failure are the caller's to keep
    if failure is not None:
        raise failure
    if not handler.seen_channel:
        raise WxrError("is not a WordPress export: it has no RSS <channel>", 1)
    if not handler.seen_wp:
        raise WxrError(
            "is not a WordPress export: no element of the wp: namespace "
            "(an RSS or Atom feed? use --format feed)",
            1,
        )


class _Handler(xml.sax.handler.ContentHandler):
    """Collects one item at a time; items done are handed out by take()."""

    def __init__(self, channel: WxrChannel) -> None:
        super().__init__()
        self.channel = channel
        self.locator: xml.sax.xmlreader.Locator | None = None
        self.path: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.size = 0
        self.item: dict[str, object] | None = None
        self.author: dict[str, str] | None = None
        self.meta: dict[str, str] | None = None
        self.term: tuple[str, str] | None = None
        self.done: list[WxrItem] = []
        self.seen_channel = False
        self.seen_wp = False

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator is not None else 0

    def take(self) -> list[WxrItem]:
        done, self.done = self.done, []
        return done

    def startElementNS(self, name, qname, attrs) -> None:  # type: ignore[no-untyped-def]
        namespace, local = name[0] or "", name[1]
        self.path.append((namespace, local))
        self.text, self.size = [], 0
        if namespace in WP_NAMESPACES:
            self.seen_wp = True
        if (namespace, local) == ("", "channel"):
            self.seen_channel = True
        elif (namespace, local) == ("", "item"):
            self.item = {"line": self.line(), "terms": [], "meta": []}
        elif namespace in WP_NAMESPACES and local == "author" and self.item is None:
            self.author = {}
        elif namespace in WP_NAMESPACES and local == "postmeta" and self.item is not None:
            self.meta = {}
        elif (namespace, local) == ("", "category") and self.item is not None:
            domain = attrs.get((None, "domain"), "category")
            self.term = (domain, attrs.get((None, "nicename"), ""))

    def characters(self, content: str) -> None:
        self.size += len(content)
        if self.size > MAX_TEXT:
            raise WxrError(f"holds a field of over {MAX_TEXT:,} characters", self.line())
        self.text.append(content)

    def endElementNS(self, name, qname) -> None:  # type: ignore[no-untyped-def]
        namespace, local = name[0] or "", name[1]
        text = "".join(self.text)
        self.text, self.size = [], 0
        self.path.pop()
        if self.item is not None:
            self._end_in_item(namespace, local, text)
        elif self.author is not None:
            self._end_in_author(namespace, local, text)
        elif namespace == "" and len(self.path) == 2 and self.path[-1][1] == "channel":
            if local in ("title", "link"):
                setattr(self.channel, local, text.strip())
        elif namespace in WP_NAMESPACES and local == "base_blog_url":
            self.channel.base_blog_url = text.strip()

    def _end_in_item(self, namespace: str, local: str, text: str) -> None:
        item = self.item
        assert item is not None
        if (namespace, local) == ("", "item"):
            self.done.append(_make_item(item))
            self.item = None
        elif self.meta is not None:
            if namespace in WP_NAMESPACES and local in ("meta_key", "meta_value"):
                self.meta[local] = text
            elif namespace in WP_NAMESPACES and local == "postmeta":
                pair = (self.meta.get("meta_key", ""), self.meta.get("meta_value", ""))
                item["meta"].append(pair)  # type: ignore[attr-defined]
                self.meta = None
        elif (namespace, local) == ("", "category") and self.term is not None:
            domain, slug = self.term
            item["terms"].append(Term(domain, slug, text.strip()))  # type: ignore[attr-defined]
            self.term = None
        elif len(self.path) == 3:  # a field of the item itself (rss/channel/item/FIELD)
            key = _FIELDS.get((namespace if namespace not in WP_NAMESPACES else "wp", local))
            if key is None and namespace in EXCERPT_NAMESPACES and local == "encoded":
                key = "excerpt"
            if key is not None:
                item[key] = text

    def _end_in_author(self, namespace: str, local: str, text: str) -> None:
        author = self.author
        assert author is not None
        if namespace in WP_NAMESPACES and local == "author":
            login = author.get("author_login", "").strip()
            if login:
                name = author.get("author_display_name", "").strip() or login
                self.channel.authors[login] = WxrAuthor(login, name)
            self.author = None
        elif namespace in WP_NAMESPACES:
            author[local] = text


_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("", "guid"): "guid",
    (DC, "creator"): "creator",
    (CONTENT, "encoded"): "content",
    ("wp", "post_id"): "post_id",
    ("wp", "post_date"): "post_date",
    ("wp", "post_date_gmt"): "post_date_gmt",
    ("wp", "post_modified"): "post_modified",
    ("wp", "post_modified_gmt"): "post_modified_gmt",
    ("wp", "post_name"): "post_name",
    ("wp", "status"): "status",
    ("wp", "post_type"): "post_type",
    ("wp", "post_parent"): "post_parent",
    ("wp", "attachment_url"): "attachment_url",
}
"""Fields of an item by (namespace, or "wp" for any WXR version's, local name)."""


def _make_item(values: dict[str, object]) -> WxrItem:
    terms = tuple(values.pop("terms"))  # type: ignore[arg-type]
    meta = tuple(values.pop("meta"))  # type: ignore[arg-type]
    text = {key: str(value).strip() for key, value in values.items() if key != "line"}
    for key in ("content", "excerpt"):  # bodies keep their inner white space
        if key in values:
            text[key] = str(values[key])
    return WxrItem(line=int(values["line"]), terms=terms, meta=meta, **text)  # type: ignore[arg-type]
