"""The parts of a plain-text article as the importer found them: ImportedArticle.

Plain frozen dataclasses; parse_plain_text() (importer/plain_text.py) makes them and
the importer turns them into an article file. Line numbers are the input's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from newsgen.importer.text_dates import MentionedDate


class NoteKind(StrEnum):
    """What happened to a piece of the input that is not in the article."""

    DROPPED = "dropped"
    """Not part of the article: scraper boilerplate, a repeated caption or title."""
    NOT_PLACED = "not placed"
    """Part of the article that cannot be written validly: a source without a URL,
    a photo caption without an image file."""
    WARNING = "warning"
    """The imported article builds, but the build will warn about it."""


@dataclass(frozen=True, slots=True)
class Note:
    """A piece of the input left out of the article, and why."""

    line: int
    """The input line (1-based)."""
    kind: NoteKind
    """Dropped, not placed, or a warning of the article loader."""
    text: str
    """What was left out and why, for people: ``share prompt: "Share this:"``."""


class BlockKind(StrEnum):
    """The kinds of body block an import writes."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    QUOTE = "quote"
    """A clearly marked pull quote, written as a Markdown block quote."""


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the article body, as plain text (not yet Markdown)."""

    kind: BlockKind
    """Paragraph, subheading or pull quote."""
    text: str
    """The text as it is shown, whitespace folded, source markers taken out."""
    line: int
    """The input line the block starts on."""


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo caption found in the text."""

    caption: str
    """The caption without its credit."""
    credit: str
    """Who took the photo and for whom (``Omar Haj Kadour/AFP via Getty Images``)."""
    line: int
    """The input line of the copy of the caption that was kept."""
    src: str | None = None
    """The image's address when the text gives one (a bare image URL beside the caption)."""


@dataclass(frozen=True, slots=True)
class FoundSource:
    """A source the text names with its URL: a ``(source: …)`` marker or a source line.

    Sources without a URL are notes (not placed), not FoundSources.
    """

    line: int
    """The input line that names it."""
    name: str | None
    """The name the text gives it (``TASS``), if any."""
    url: str
    """Its absolute http(s) URL."""
    marker: str
    """How the text named it: ``(source)``, ``Source link`` …"""


@dataclass(frozen=True, slots=True)
class ImportedArticle:
    """The parts of one plain-text article. Line numbers are the input's, 1-based."""

    headline: str | None
    """The first title line (after any section line); None when the text has none."""
    headline_line: int
    section_label: str | None
    """The section line above the headline (``World News``), if any."""
    section_line: int
    summary: str | None
    """A standfirst: a title line below the headline, if any."""
    bylines: tuple[str, ...]
    """Names from ``By …`` and ``Posted … by …`` lines."""
    agency: str | None
    """The news agency of a wire dateline (``MOSCOW (Reuters) —``), if any."""
    published: MentionedDate | None
    """The publication date given by a date line, a labelled date or the dateline."""
    updated: MentionedDate | None
    """The date of an ``Updated: …`` line, if any."""
    dates: tuple[MentionedDate, ...]
    """Every date the kept text mentions, in order (a date without a year has day None)."""
    blocks: tuple[Block, ...]
    """The body, in input order."""
    photos: tuple[Photo, ...]
    """Photo captions with credits, each caption once."""
    sources: tuple[FoundSource, ...]
    tags: tuple[str, ...]
    """From a ``Tags: …`` line."""
    notes: tuple[Note, ...]
    """Everything dropped or not placed, in input order."""
