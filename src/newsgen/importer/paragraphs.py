"""Split plain text into paragraphs ("units"), joining the lines of hard-wrapped copy.

Text scraped from a web page has one paragraph per line; wire copy is often
wrapped at a fixed width, with paragraphs between blank lines. No I/O.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise

from newsgen.importer import text_parts as parts
from newsgen.importer.boilerplate import boilerplate

WRAP_WIDTH = 100
"""Text whose lines are all at most this long, and run on without blank lines, is hard-wrapped."""
MIN_WRAP_WIDTH = 40
"""Text whose longest line is shorter than this is not taken for hard-wrapped copy."""
WRAPPED_BREAKS = 3
"""Nearly full lines breaking mid-sentence that it takes to call a text hard-wrapped."""
_SENTENCE_END = '.!?:;"”’)'


@dataclass(slots=True)
class Unit:
    """A paragraph of input: one line, or hard-wrapped lines joined."""

    line: int
    text: str
    blank_before: bool
    last_length: int
    """The length of the unit's last input line (for joining wrapped lines)."""


def split_units(text: str) -> list[Unit]:
    """Split ``text`` into paragraphs, joining the lines of hard-wrapped ones."""
    lines = [" ".join(line.split()) for line in _normalise(text).split("\n")]
    width = _wrap_width(lines)
    units: list[Unit] = []
    blank = True
    for number, line in enumerate(lines, start=1):
        if not line:
            blank = True
            continue
        previous = units[-1] if units else None
        if previous and not blank and width and _continues(previous, line, width):
            previous.text += " " + line
            previous.last_length = len(line)
        else:
            units.append(Unit(number, line, blank, len(line)))
        blank = False
    return units


def _normalise(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return unicodedata.normalize("NFC", text)


def _wrap_width(lines: list[str]) -> int | None:
    """Return the wrap width of hard-wrapped text, or None when lines are paragraphs.

    Text is hard-wrapped when no line is longer than WRAP_WIDTH and at least
    WRAPPED_BREAKS nearly full lines break mid-sentence: they end without a
    full stop and the next line goes on in lower case.
    """
    width = max((len(line) for line in lines), default=0)
    if width < MIN_WRAP_WIDTH or width > WRAP_WIDTH:
        return None
    breaks = [
        a
        for a, b in pairwise(lines)
        if len(a) >= 0.6 * width and a[-1] not in _SENTENCE_END and b[:1].islower()
    ]
    return width if len(breaks) >= WRAPPED_BREAKS else None


def _continues(previous: Unit, line: str, width: int) -> bool:
    """Return True when ``line`` carries on the wrapped paragraph ``previous``: the
    paragraph's last line was nearly full, and ``line`` is not one that stands alone."""
    return previous.last_length >= 0.6 * width and not _special(line)


def _special(text: str) -> bool:
    """Lines that stand alone even inside a wrapped paragraph."""
    return bool(
        boilerplate(text)
        or parts.meta_line(text, 0)
        or parts.dateline(text, 0)
        or parts.source_line(text)
        or parts.pull_quote(text)
        or parts.tags(text) is not None
    )
