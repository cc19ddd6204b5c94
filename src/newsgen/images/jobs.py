"""What is asked of a picture file, and what was made of it: plain data that goes to an
image worker and comes back, and that the cache keeps (images/store.py).

A file's work is split in units, each named by a key that hashes everything its
files depend on, so a unit made once is never made again: the *base* unit (the
picture's size and colour, its copy without metadata at its own URL and, when a
its resized copies) and one *crops* unit per focal point and
``crop`` setting a page asks for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from newsgen.models import ImageSettings

PIPELINE_VERSION = "3"
"""Changes whenever the same settings would make different files: every key with it."""
CROP_KINDS = ("thumb", "square", "social", "structured")
"""``thumb``: 3:2 for cards; ``square``: 1:1 for author photos; ``social``: 1200x630;
``structured``: 16:9, 4:3 and 1:1 for JSON-LD."""
SOCIAL_SIZE = (1200, 630)
THUMB_WIDTHS = (320, 640, 960)
SQUARE_WIDTHS = (160, 320)
STRUCTURED_SHAPES = (("16x9", 16 / 9), ("4x3", 4 / 3), ("1x1", 1.0))
STRUCTURED_WIDTH = 1200


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of work on a picture file."""

    key: str
    """Names the unit's files and its record in the cache."""
    focus: tuple[float, float] | None = None
    """Crops unit: the focal point (None: this is the base unit)."""
    crop: bool = True
    """Crops unit: False to letterbox instead of cutting."""
    kinds: tuple[str, ...] = ()
    """Crops unit: which crops (of CROP_KINDS)."""


@dataclass(frozen=True, slots=True)
class Made:
    """One file a unit made."""

    name: str
    """Its path in the cache folder and under the output (``img/3f/3f9a…-640.webp``)."""
    role: str
    """``original`` (the file's own copy), ``full``, ``thumb``, ``square``, ``social``,
    or a structured-data shape (``16x9``)."""
    width: int
    height: int
    extension: str


@dataclass(frozen=True, slots=True)
class UnitResult:
    """What a unit made, as the cache keeps it."""

    key: str
    files: tuple[Made, ...]
    width: int
    """The picture's width, oriented (SVG: as its attributes say, 0 when they do not)."""
    height: int
    placeholder: str
    """Its average colour, ``#rrggbb``."""
    frames: int = 1
    vector: bool = False
    notes: tuple[str, ...] = ()


def base_key(digest: str, settings: ImageSettings, extension: str) -> str:
    """Return the key of a file's base unit."""
    parts = [PIPELINE_VERSION, digest, extension, repr(settings.widths)]
    parts += [repr(settings.formats), str(settings.quality)]
    parts += [str(settings.max_pixels), repr(settings.keep_credit)]
    return _hash(parts)


def crops_key(base: str, focus: tuple[float, float], crop: bool, kinds: tuple[str, ...]) -> str:
    """Return the key of a crops unit of the file whose base unit is ``base``."""
    return _hash([base, f"{focus[0]:.4f},{focus[1]:.4f}", repr(crop), ",".join(kinds)])


def _hash(parts: list[str]) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def file_name(key: str, label: str, extension: str) -> str:
    """Return the path, under ``img/``, of a unit's file: content-addressed, so it can be
    cached for ever."""
    return f"img/{key[:2]}/{key}-{label}.{extension}"
