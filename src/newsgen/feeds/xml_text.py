"""XML written as text, byte for byte as xml.etree.ElementTree writes it indented.

A site's feeds hold the same items over and over: an article is in the site's
feed, its section's and each of its tags'. ElementTree would
serialize (and escape) each item once per feed; written as text, an item is
written once and its text joined into every feed that lists it (feeds/rss.py).
The sitemaps, which list every page, are written as text too (feeds/sitemaps.py).
The forms are ElementTree's own (``ET.indent`` with two spaces, then
``ET.tostring`` with an XML declaration), so the bytes do not change;
tests/unit/feeds/test_xml_text.py compares the two. Callers clean values of
characters XML forbids first.

Feed readers take some RSS elements as HTML (``description`` always, ``title``
when it looks like HTML), so an editor's text goes into them as HTML that
shows exactly that text: as_html() and as_text_or_html().
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape, unescape

INDENT = "  "
_ATTRIBUTE_ESCAPES = str.maketrans({'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})
XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
# What HTML reads as markup in text: a tag, end tag, comment or declaration starts, and
# numeric character references (named ones are found by html.unescape).
_HTML_MARKUP = re.compile(r"<[A-Za-z/!?]|&#")


def escape_text(text: str) -> str:
    """Return ``text`` escaped as element content (``&``, ``<``, ``>``), as ElementTree
    escapes it (xml.sax.saxutils.escape would do the same, but imports urllib.request
    and ssl)."""
    return escape(text, quote=False)


def escape_attribute(text: str) -> str:
    """Return ``text`` escaped as an attribute value, as ElementTree escapes it."""
    return escape(text, quote=False).translate(_ATTRIBUTE_ESCAPES)


def as_html(text: str) -> str:
    """Return HTML that shows exactly ``text``: ``&``, ``<`` and ``>`` escaped.

    For elements that readers take as HTML (RSS ``description``): there ``<!--``
    would hide the rest of the text, and ``<img onerror=...>`` would be an element.
    """
    return escape(text, quote=False)


def as_text_or_html(text: str) -> str:
    """Return ``text`` itself when HTML would show it unchanged, else as_html(text).

    For elements that some readers take as plain text and others as HTML when it
    looks like HTML (an RSS ``title``): ``AT&T`` and ``1 < 2`` reach both as they are,
    while ``<b>``, ``</p>``, ``<!--`` or a character reference such as ``&amp;``,
    which an HTML reader would not show as written, are escaped, and the text is
    then HTML for every reader.
    """
    if _HTML_MARKUP.search(text) or ("&" in text and unescape(text) != text):
        return as_html(text)
    return text


def attributes(pairs: Mapping[str, str] | None) -> str:
    """Return ``pairs`` as the attributes of a start tag (with a leading space each)."""
    if not pairs:
        return ""
    return "".join(f' {name}="{escape_attribute(value)}"' for name, value in pairs.items())


def leaf(tag: str, text: str | None = None, pairs: Mapping[str, str] | None = None) -> str:
    """Return an element without children: ``<tag a="v">text</tag>``, or ``<tag a="v" />``
    when it has no text (or only an empty one)."""
    if not text:
        return f"<{tag}{attributes(pairs)} />"
    return f"<{tag}{attributes(pairs)}>{escape_text(text)}</{tag}>"


def parent(
    tag: str, children: Sequence[str], level: int, pairs: Mapping[str, str] | None = None
) -> str:
    """Return an element holding the written ``children``, indented as an element at
    depth ``level`` of the document (the root is at 0); without children, a leaf."""
    if not children:
        return leaf(tag, None, pairs)
    inner = "\n" + INDENT * (level + 1)
    return f"<{tag}{attributes(pairs)}>{inner}{inner.join(children)}\n{INDENT * level}</{tag}>"


def document(
    tag: str,
    namespaces: Iterable[tuple[str, str]],
    pairs: Mapping[str, str] | None,
    children: Sequence[str],
) -> bytes:
    """Return a whole document: the XML declaration and a root element that declares
    ``namespaces`` (``(prefix, uri)``, sorted by prefix as ElementTree sorts them)."""
    declared = {f"xmlns:{prefix}": uri for prefix, uri in sorted(namespaces)}
    root = parent(tag, children, 0, {**declared, **(pairs or {})})
    return (XML_DECLARATION + root).encode("utf-8")
