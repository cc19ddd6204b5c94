"""SVG drawings: published as they are only when nothing in them can run.

An SVG file is a document: opened at its own URL it runs its scripts with the
site's origin. newsgen does not rewrite SVG (a sanitiser that misses one trick
publishes it); it refuses any SVG holding what can run or fetch: ``<script>``,
event attributes (``onload=``), ``javascript:`` or ``data:`` links,
``<foreignObject>`` (HTML inside), ``<iframe>``/``<embed>``/``<object>``,
entity declarations (which expand without bound) and links to other files.
The theme shows the drawings it keeps through ``<img>``, where even these could
not run. A plain text scan, linear in the file's size: no XML parser is fed it.
"""

from __future__ import annotations

import re

_ACTIVE = (
    (re.compile(rb"<\s*(?:[\w-]+:)?script\b", re.I), "a <script> element"),
    (re.compile(rb"\son[a-z]+\s*=", re.I), "an event attribute (onload=, onclick=, ...)"),
    (re.compile(rb"javascript\s*:", re.I), "a javascript: link"),
    (re.compile(rb"<\s*(?:[\w-]+:)?foreignObject\b", re.I), "a <foreignObject> (HTML inside)"),
    (re.compile(rb"<\s*(?:[\w-]+:)?(?:iframe|embed|object)\b", re.I), "an embedded document"),
    (re.compile(rb"<!ENTITY", re.I), "an entity declaration"),
    (
        re.compile(rb"""(?:href|src)\s*=\s*["']\s*(?:data:|https?:|//)""", re.I),
        "a link to another file",
    ),
    (
        re.compile(rb"@import|url\(\s*['\"]?\s*(?:https?:|//|data:)", re.I),
        "a style that loads a file",
    ),
)
_SVG_START = re.compile(rb"<svg\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(rb"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.I)
_LENGTH = re.compile(rb"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
MAX_SVG_BYTES = 5_000_000


def svg_problem(data: bytes) -> str | None:
    """Return why the SVG drawing ``data`` cannot be published, or None when it can."""
    if len(data) > MAX_SVG_BYTES:
        return f"is an SVG file of {len(data):,} bytes; at most {MAX_SVG_BYTES:,} are published"
    if _SVG_START.search(data) is None:
        return "is not an SVG drawing (no <svg> element): export it again"
    for pattern, what in _ACTIVE:
        if pattern.search(data):
            return (
                f"is an SVG drawing holding {what}, which would run or load with the site's "
                "origin where the file is opened: export it again as a plain drawing, or "
                "as PNG"
            )
    return None


def svg_size(data: bytes) -> tuple[int, int]:
    """Return the drawing's width and height from its ``width``/``height`` attributes
    (in pixels) or its ``viewBox``; (0, 0) when neither says."""
    found = _SVG_START.search(data)
    if found is None:
        return 0, 0
    attributes = {name.lower(): value for name, value in _ATTRIBUTE.findall(found.group(1))}
    width, height = _pixels(attributes.get(b"width")), _pixels(attributes.get(b"height"))
    if width and height:
        return width, height
    box = attributes.get(b"viewbox", b"").replace(b",", b" ").split()
    try:
        box_width, box_height = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        return 0, 0
    if box_width <= 0 or box_height <= 0:
        return 0, 0
    return round(box_width), round(box_height)


def _pixels(value: bytes | None) -> int:
    found = _LENGTH.match(value or b"")
    return round(float(found.group(1))) if found else 0
