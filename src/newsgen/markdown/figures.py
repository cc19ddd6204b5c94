"""Body images as figures: an image alone in its paragraph becomes a ``<figure>``.

``![Rescuers at the pier](pier.jpg "Rescuers reach the pier — Jane Roe/AP")``
alone in a paragraph is written as a figure whose caption is the title before
its last em dash and whose credit is what follows it (no dash: all caption).
Images inside a paragraph's text stay inline. Works on the HTML either
Markdown engine writes (``<p><img src="…" alt="…" title="…"></p>``); no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

_LONE_IMAGE = re.compile(
    r'^<p>(<img src="([^"]*)" alt="([^"]*)"(?: title="([^"]*)")?>)</p>$', re.MULTILINE
)
_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"(?: title="([^"]*)")?>')
CREDIT_MARK = "\u2014"
"""The em dash that parts a caption from its credit in an image's title."""


@dataclass(frozen=True, slots=True)
class BodyImage:
    """An image in a body, as written."""

    src: str
    """Its URL as the body writes it (unescaped)."""
    alt: str
    caption: str
    credit: str


def with_figures(html: str) -> str:
    """Return ``html`` with each image alone in a paragraph written as a figure."""
    if "<p><img " not in html:
        return html
    return _LONE_IMAGE.sub(_figure, html)


def _figure(found: re.Match[str]) -> str:
    image, title = found.group(1), found.group(4)
    if not title:
        return f'<figure class="figure body-figure">{image}</figure>'
    caption, credit = split_title(title)
    parts = []
    if caption:
        parts.append(f'<span class="caption">{caption}</span>')
    if credit:
        parts.append(
            f'<span class="credit"><span class="visually-hidden">Credit: </span>{credit}</span>'
        )
    plain = image.replace(f' title="{title}"', "")
    caption = f"<figcaption>{' '.join(parts)}</figcaption>"
    return f'<figure class="figure body-figure">{plain}{caption}</figure>'


def split_title(title: str) -> tuple[str, str]:
    """Return ``(caption, credit)`` of an image title ``Caption — Credit``."""
    caption, mark, credit = title.rpartition(CREDIT_MARK)
    if not mark:
        return title.strip(), ""
    return caption.strip(), credit.strip()


def body_images(html: str) -> list[BodyImage]:
    """Return every image of the body HTML, in order."""
    if "<img " not in html:
        return []
    found = []
    for src, alt, title in _IMAGE.findall(html):
        caption, credit = split_title(unescape(title)) if title else ("", "")
        found.append(BodyImage(unescape(src), unescape(alt), caption, credit))
    return found
