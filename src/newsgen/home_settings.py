"""The ``home:`` block of ``newsgen.yaml``: how the front page is made up (site/front.py).

Every key is optional; the defaults (models.HomeSettings) make a lead story,
four top stories, five latest headlines and a block per section. Wrong values
are errors naming the line and the key, unknown keys too.
"""

from __future__ import annotations

from typing import Any

from newsgen.errors import Problems, did_you_mean
from newsgen.models import HomeBlockSetting, HomeSettings
from newsgen.urls import make_slug
from newsgen.yaml_source import LoadedMapping

SETTING_KEYS = ("top", "latest", "block_size", "blocks", "recent_hours")
BLOCK_KEYS = ("section", "size")
MAX_STORIES = 50
"""The most stories one part of the front page may show."""
MAX_HOURS = 24 * 366


def parse_home_settings(
    value: Any, loaded: LoadedMapping, shown: str, problems: Problems
) -> HomeSettings:
    """Return the HomeSettings ``value`` (the ``home:`` mapping) describes, recording an
    error in ``problems`` for each unknown key or wrong value (its default is used
    instead, so that one run reports every problem)."""
    defaults = HomeSettings()
    if value is None:
        return defaults
    if not isinstance(value, dict):
        problems.error(shown, loaded.line_of("home"), "home", "must be a mapping of settings")
        return defaults

    def fail(key: str, message: str) -> None:
        problems.error(shown, loaded.line_of(f"home.{key}"), f"home.{key}", message)

    for key in map(str, value):
        if key not in SETTING_KEYS:
            fail(key, f"unknown key{did_you_mean(key, SETTING_KEYS)}")

    def number(key: str, low: int, high: int) -> int:
        given = value.get(key, getattr(defaults, key))
        if isinstance(given, bool) or not isinstance(given, int) or not low <= given <= high:
            fail(key, f"must be a whole number from {low} to {high}, not {given!r}")
            return int(getattr(defaults, key))
        return given

    block_size = number("block_size", 1, MAX_STORIES)
    return HomeSettings(
        top=number("top", 0, MAX_STORIES),
        latest=number("latest", 0, MAX_STORIES),
        block_size=block_size,
        blocks=_blocks(value.get("blocks"), block_size, loaded, fail),
        recent_hours=number("recent_hours", 1, MAX_HOURS),
    )


def _blocks(
    value: Any, default_size: int, loaded: LoadedMapping, fail: Any
) -> tuple[HomeBlockSetting, ...] | None:
    """The section blocks in order, each section once; None when not given."""
    if value is None:
        return None
    if not isinstance(value, list):
        fail("blocks", "must be a list of sections: names, or {section: ..., size: ...}")
        return None
    blocks: dict[str, HomeBlockSetting] = {}
    for index, entry in enumerate(value):
        where = f"blocks[{index}]"
        if isinstance(entry, str):
            entry = {"section": entry}
        if not isinstance(entry, dict):
            fail(where, "must be a section name or {section: ..., size: ...}")
            continue
        for key in map(str, entry):
            if key not in BLOCK_KEYS:
                fail(f"{where}.{key}", f"unknown key{did_you_mean(key, BLOCK_KEYS)}")
        name, size = entry.get("section"), entry.get("size", default_size)
        slug = make_slug(name) if isinstance(name, str) else ""
        if not slug:
            fail(f"{where}.section", "is required: the name of a section")
        elif isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STORIES:
            fail(f"{where}.size", f"must be a whole number from 1 to {MAX_STORIES}, not {size!r}")
        elif slug in blocks:
            fail(f"{where}.section", f"'{name}' has a block already; give each section once")
        else:
            blocks[slug] = HomeBlockSetting(slug, size)
    return tuple(blocks.values())
