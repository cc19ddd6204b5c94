"""The ``images:`` block of ``newsgen.yaml``: how pictures are processed (images/).

Every key is optional; the defaults (models.ImageSettings) suit a news site.
Wrong values are errors naming the line and the key, unknown keys too.
"""

from __future__ import annotations

from typing import Any

from newsgen.errors import Problems, did_you_mean
from newsgen.models import ImageSettings
from newsgen.yaml_source import LoadedMapping

SETTING_KEYS = ("widths", "formats", "quality", "max_pixels", "keep_credit", "warn_remote")
MODERN_FORMATS = ("avif", "webp")
"""The formats ``images.formats`` may name (the original format's copies are always made)."""
MAX_WIDTH = 8192
"""The widest copy ``images.widths`` may ask for."""
MAX_WIDTHS = 12


def parse_image_settings(
    value: Any, loaded: LoadedMapping, shown: str, problems: Problems
) -> ImageSettings:
    """Return the ImageSettings ``value`` (the ``images:`` mapping) describes, recording
    an error in ``problems`` for each unknown key or wrong value (its default is used
    instead, so that one run reports every problem)."""
    defaults = ImageSettings()
    if value is None:
        return defaults
    if not isinstance(value, dict):
        problems.error(shown, loaded.line_of("images"), "images", "must be a mapping of settings")
        return defaults

    def fail(key: str, message: str) -> None:
        problems.error(shown, loaded.line_of(f"images.{key}"), f"images.{key}", message)

    for key in map(str, value):
        if key not in SETTING_KEYS:
            fail(key, f"unknown key{did_you_mean(key, SETTING_KEYS)}")
    return ImageSettings(
        widths=_widths(value.get("widths", defaults.widths), fail) or defaults.widths,
        formats=_formats(value.get("formats", defaults.formats), fail, defaults.formats),
        quality=_number("quality", value.get("quality", defaults.quality), 1, 100, fail)
        or defaults.quality,
        max_pixels=_number(
            "max_pixels", value.get("max_pixels", defaults.max_pixels), 1_000_000, 1 << 31, fail
        )
        or defaults.max_pixels,
        keep_credit=_flag("keep_credit", value.get("keep_credit", defaults.keep_credit), fail),
        warn_remote=_flag("warn_remote", value.get("warn_remote", defaults.warn_remote), fail),
    )


def _widths(value: Any, fail: Any) -> tuple[int, ...] | None:
    """The widths, sorted and without repeats; None (after an error) when they are wrong."""
    if not isinstance(value, list | tuple) or not value:
        fail("widths", "must be a list of widths in pixels, e.g. [320, 640, 960, 1280, 1920]")
        return None
    if len(value) > MAX_WIDTHS:
        fail("widths", f"holds {len(value)} widths; at most {MAX_WIDTHS} are made of a picture")
        return None
    for width in value:
        if isinstance(width, bool) or not isinstance(width, int) or not 16 <= width <= MAX_WIDTH:
            fail("widths", f"{width!r} is not a width from 16 to {MAX_WIDTH} pixels")
            return None
    return tuple(sorted(set(value)))


def _formats(value: Any, fail: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    """The modern formats in the order given, without repeats (may be empty)."""
    if not isinstance(value, list | tuple):
        fail("formats", "must be a list of formats: avif, webp, both or none ([])")
        return default
    formats: list[str] = []
    for name in value:
        if not isinstance(name, str) or name.lower() not in MODERN_FORMATS:
            hint = " (JPEG, PNG and GIF pictures always get copies in their own format)"
            fail("formats", f"{name!r} is not one of {', '.join(MODERN_FORMATS)}{hint}")
            return default
        if name.lower() not in formats:
            formats.append(name.lower())
    return tuple(formats)


def _number(key: str, value: Any, low: int, high: int, fail: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        fail(key, f"must be a whole number from {low:,} to {high:,}, not {value!r}")
        return None
    return value


def _flag(key: str, value: Any, fail: Any) -> bool:
    if not isinstance(value, bool):
        fail(key, "must be true or false")
        return False
    return value
