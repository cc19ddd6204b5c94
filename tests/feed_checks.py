"""What a feed reader shows: feedparser's (sanitised) values read as a reader reads them.

feedparser says of each text value whether it is HTML (``text/html``) or plain
text; a reader parses the HTML. shown() does the same with html5lib and
returns the text a reader shows and the elements it would make.
"""

from __future__ import annotations

from typing import Any

import html5lib

HTML_TYPES = ("text/html", "application/xhtml+xml")

# What editors type that HTML reads as markup, and text that must stay as it is.
HOSTILE = (
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "]]>",
    "&amp;",
    "<b>",
    "</p>",
    "&#60;",
    "&notice",
    "AT&T",
    "a < b",
    "I <3 Q&A",
    "'quoted' \"too\"",
)


def shown(value: str, content_type: str) -> tuple[str, list[str]]:
    """Return ``(text, elements)``: what a reader shows for a value of ``content_type``,
    and the names of the elements (``#comment`` for a comment) it would make from it
    (none for plain text)."""
    if content_type not in HTML_TYPES:
        return value, []
    fragment = html5lib.parseFragment(value, namespaceHTMLElements=False)
    made = [node.tag if isinstance(node.tag, str) else "#comment" for node in fragment.iter()]
    return _text(fragment), made[1:]


def _text(node: Any) -> str:
    """The text a reader sees in ``node``: its text and its children's, never a comment's."""
    inside = [node.text or ""] if isinstance(node.tag, str) else []
    for child in node:
        inside += [_text(child), child.tail or ""]
    return "".join(inside)


def shown_detail(detail: Any) -> tuple[str, list[str]]:
    """shown() for one of feedparser's ``*_detail`` values."""
    return shown(detail["value"], detail["type"])
