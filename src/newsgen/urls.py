"""Slugs, permalinks and output paths. Pure functions; no I/O."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime

from slugify import slugify

SLUG_LENGTH = 80
NAME_BYTES = 255
"""The longest file or folder name most file systems allow (ext4, XFS, Btrfs, APFS, NTFS),
in bytes of UTF-8; the build checks the output's own limit too."""
_VALID_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SIGNIFICANT = frozenset("#&@%")
_SYMBOLS = frozenset(("Sm", "Sc", "So"))  # math (+), currency ($) and other (emoji) signs


@functools.lru_cache(maxsize=4096)  # tags and bylines come back in article after article
def make_slug(text: str, max_length: int = SLUG_LENGTH) -> str:
    """Return the URL slug of ``text``: lowercase ASCII words joined by hyphens.

    At most ``max_length`` characters, cut at a word boundary; may be empty
    when ``text`` has no letters or digits (an emoji-only headline).
    """
    return slugify(text, max_length=max_length, word_boundary=True, save_order=True)


def name_key(name: str) -> str:
    """Return what tells a tag, byline or section name from another with the same slug.

    That is its letters, digits and symbols (``+``, ``#``, ``&``, ``@``, ``%``,
    currency signs, emoji), in lowercase, without accents, spaces or other
    punctuation. Names with one slug are one name when their keys are equal
    (``World`` and ``world``, ``Middle East`` and ``middle-east``, ``José``
    and ``Jose``), different ones otherwise (``C++``, ``C#`` and ``C``;
    ``北京`` and ``背景``, both ``bei-jing``).
    """
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return "".join(
        character
        for character in decomposed
        if character.isalnum()
        or character in _SIGNIFICANT
        or unicodedata.category(character) in _SYMBOLS
    )


def is_valid_slug(slug: str) -> bool:
    """Return True when ``slug`` is lowercase ASCII letters and digits joined by single hyphens."""
    return bool(_VALID_SLUG.fullmatch(slug))


def article_path(pattern: str, section_slug: str, slug: str, local_date: datetime) -> str:
    """Return an article's site path (``/world/2024/12/16/slug/``) from a permalink pattern.

    ``local_date`` must already be in the site's time zone.
    """
    return pattern.format(
        section=section_slug,
        yyyy=f"{local_date.year:04d}",
        mm=f"{local_date.month:02d}",
        dd=f"{local_date.day:02d}",
        slug=slug,
    )


def listing_path(base: str, number: int | None) -> str:
    """Return the site path of a listing page: ``base`` itself or ``base/page/N/``."""
    return base if number is None else f"{base}page/{number}/"


def output_file(site_path: str) -> str:
    """Return the output file for a site path: ``/a/b/`` -> ``a/b/index.html``."""
    relative = site_path.lstrip("/")
    if not relative or relative.endswith("/"):
        return relative + "index.html"
    return relative


def href(base_path: str, site_path: str) -> str:
    """Return a root-relative link: the site's base path joined with ``site_path``."""
    return base_path.rstrip("/") + "/" + site_path.lstrip("/")


def absolute(base_url: str, site_path: str) -> str:
    """Return the absolute URL of ``site_path`` under ``base_url``; absolute URLs pass through."""
    if "://" in site_path:
        return site_path
    scheme, rest = base_url.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}{site_path}" if site_path.startswith("/") else base_url + site_path
