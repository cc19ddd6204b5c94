"""The site's icons: the ones ``newsgen.yaml`` names, or a pair drawn from its initials.

A site without ``favicon:`` gets ``/favicon.svg``, its initials in white on the
theme's accent colour (a vector: sharp at every size, a few hundred bytes);
one without ``touch_icon:`` gets ``/apple-touch-icon.png``, the same drawn at
180x180 pixels with Pillow, for the home screens of phones (which take no SVG).
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from newsgen.models import SiteConfig

FAVICON_PATH = "favicon.svg"
TOUCH_ICON_PATH = "apple-touch-icon.png"
TOUCH_SIZE = 180
BACKGROUND = "#a3121b"
"""The default theme's accent colour (static/css/newsgen.css ``--accent``)."""
_SMALL_WORDS = frozenset({"the", "a", "an", "le", "la", "les", "der", "die", "das", "el"})


def initials(title: str) -> str:
    """Return up to two initials of ``title``: ``The Eastmere Courier`` gives ``EC``
    (an article is passed over when other words follow), ``Zeit`` gives ``Z``."""
    words = [w for w in title.split() if w[:1].isalnum()]
    meaningful = [w for w in words if w.casefold() not in _SMALL_WORDS] or words
    return "".join(word[0] for word in meaningful[:2]).upper() or "N"


def icon_path(config: SiteConfig) -> str:
    """Return the site path of the favicon: ``favicon:`` or the drawn one."""
    return config.favicon or "/" + FAVICON_PATH


def touch_icon_path(config: SiteConfig) -> str:
    """Return the site path of the touch icon: ``touch_icon:`` or the drawn one."""
    return config.touch_icon or "/" + TOUCH_ICON_PATH


def drawn_icons(config: SiteConfig) -> dict[str, bytes]:
    """Return the icons newsgen draws for ``config`` (those it names none of), by their
    path below the output."""
    drawn = {}
    letters = initials(config.title)
    if not config.favicon:
        drawn[FAVICON_PATH] = favicon_svg(letters)
    if not config.touch_icon:
        drawn[TOUCH_ICON_PATH] = touch_icon_png(letters)
    return drawn


def favicon_svg(letters: str) -> bytes:
    """Return an SVG icon of ``letters`` on the accent colour."""
    size = 44 if len(letters) < 2 else 34
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="12" fill="{BACKGROUND}"/>'
        f'<text x="32" y="33" fill="#fff" font-family="Georgia,serif" font-size="{size}" '
        f'font-weight="700" text-anchor="middle" dominant-baseline="central">'
        f"{escape(letters)}</text></svg>\n"
    ).encode()


@cache
def touch_icon_png(letters: str) -> bytes:
    """Return a 180x180 PNG of ``letters`` on the accent colour (drawn with Pillow's own
    font: the same bytes on every machine with the same Pillow)."""
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.new("RGB", (TOUCH_SIZE, TOUCH_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=96 if len(letters) < 2 else 76)
    middle = TOUCH_SIZE / 2
    draw.text((middle, middle), letters, fill="#ffffff", font=font, anchor="mm")
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()
