"""Recognisers for the parts of a plain-text article, one line (or paragraph) at a time.

Photo captions with credits, wire datelines, byline and date lines, tag lines,
source markers and source lines, pull quotes. Pure functions; no I/O. The
plain-text importer (``importer/plain_text.py``) decides what to do with what they find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsgen.importer.text_dates import MentionedDate, date_alone, find_dates

_WORD = r"(?:[A-Z][\w.'’&-]*|al-\w+|el-\w+|de|da|van|von|der|den|bin|ibn|le|la|du|dos|del)"
_PART = rf"{_WORD}(?:\s+{_WORD}){{0,5}}"
_LABEL = r"(?:(?:AP\s+|AFP\s+)?(?:Photo|Image|Picture|Photograph|Credit)s?(?:\s+by|:)\s*)"
_CREDIT = (
    rf"(?:{_LABEL}?{_PART}(?:\s*/\s*{_PART})+(?:\s+via\s+{_PART})?"
    rf"|{_LABEL}{_PART}(?:\s+via\s+{_PART})?"
    rf"|{_PART}\s+via\s+{_PART}"
    rf"|©\s*{_PART}(?:\s*/\s*{_PART})*)"
)
_CAPTION_FORMS = (
    re.compile(rf"^(?P<caption>.+?)\s*\((?P<credit>{_CREDIT})\)$"),
    re.compile(rf"^(?P<caption>.+[.!?”’\"])\s+(?P<credit>{_CREDIT})$"),
    re.compile(rf"^(?P<caption>.+?)\s+[|—–]\s+(?P<credit>{_CREDIT})$"),
)
_LABELLED = r"(?:Photo|Image|Picture|Photograph|Credit)s?"
_SHAPED_FORMS = (  # a labelled credit, whatever it says; a caption by its shape alone
    re.compile(
        rf"^(?P<caption>.+?)\s*\((?P<credit>(?:{_LABELLED}\s*(?:by\b|:)"
        r"|Courtesy\b|Handout\b|File photo\b)[^()]{0,100})\)$"
    ),
    re.compile(rf"^(?P<caption>.+?[.!?”’\")])\s+(?P<credit>{_LABELLED}:\s*\S[^()]{{0,100}})$"),
)
_CREDIT_LABEL = re.compile(rf"^{_LABEL}", re.IGNORECASE)
_IN_BRACKETS_AT_END = re.compile(r"^(?P<caption>.+?)\s*\((?P<credit>[^()]{1,120})\)$")
_IMAGE_URL = re.compile(r"^https?://\S+\.(?:jpe?g|png|gif|webp|avif)(?:\?\S*)?$", re.IGNORECASE)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]*[A-Z.](?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?)"
    r"(?:,\s+(?P<date>[^()—–]{3,30}?))?"
    r"\s*\((?P<agency>[A-Z][\w.&' -]{0,30})\)\s*(?:[—–]|--?)\s*\S"
)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|posted by|reported by|author:?)\s+(?P<names>.+?)"
    r"(?:\s+on\s+(?P<date>.+))?$",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"^(?:(?:first\s+)?published|posted|date|dated)(?:\s+on)?\s*:?\s*(?P<date>.+?)"
    r"(?:\s+by\s+(?P<names>.+))?$",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"^(?:last\s+)?updated(?:\s+on)?\s*:?\s*(?P<date>.+)$", re.IGNORECASE)
_READING_TIME = re.compile(r"^\d+\s*(?:-\s*)?min(?:ute)?s?\s+read$", re.IGNORECASE)
_META_SEPARATOR = re.compile(r"\s+[|·•—–]\s+")
_NAME_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
_NAME = re.compile(_PART)
_CAPITALS_THEN_AGENCY = re.compile(
    r"(?P<name>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+)+)\s+(?:The\s+)?[A-Z][a-z][\w ]*"
)
_TAGS = re.compile(r"^(?:tags|tagged|tagged with|topics|keywords)\s*:\s*(?P<tags>.+)$", re.I)
_MARKER = re.compile(
    r"\s*\((?:(?:source|via)(?:\s*[:,–—-]\s*(?P<detail>[^()]*))?|(?P<url>https?://[^\s()]+))\)",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(
    r"^(?:source\s+link\b:?|(?:sources?|via|originally\s+published\s+(?:at|on|by)):)"
    r"\s*(?P<detail>.*)$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"]+")
_PULL_QUOTE = (
    re.compile(r"^>\s*(?P<text>.+)$"),
    re.compile(r"^\[pullquote[^\]]*\](?P<text>.+?)\[/pullquote\]$", re.IGNORECASE),
    re.compile(r"^pull\s*-?quote:\s*(?P<text>.+)$", re.IGNORECASE),
)
TERMINAL = (".", ",", ";", ":", "…")
"""A line ending with one of these is a sentence, not a title."""


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption with its credit."""

    caption: str
    credit: str


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline opening wire copy: ``MOSCOW, Dec 16 (Reuters) —``."""

    place: str
    agency: str
    date: MentionedDate | None
    """The date in the dateline, if it gives one."""


@dataclass(frozen=True, slots=True)
class MetaLine:
    """A line of bylines and dates (``By Jane Doe | Dec. 16, 2024``)."""

    bylines: tuple[str, ...] = ()
    published: MentionedDate | None = None
    updated: MentionedDate | None = None
    reading_time: str | None = None
    """A reading time on the line (``4 min read``), dropped from the article."""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source the text names, with its URL when it gives one."""

    name: str | None
    url: str | None
    written: str
    """The marker or line as the text wrote it: ``(source)``, ``Source link``."""


def is_title_like(text: str) -> bool:
    """Return True when ``text`` reads as a title (headline, section line, subheading):
    at most 25 words, not ending like a sentence, not a wire dateline."""
    words = text.split()
    return 0 < len(words) <= 25 and not text.endswith(TERMINAL) and not _DATELINE.match(text)


def caption(text: str) -> Caption | None:
    """Return the caption and credit when ``text`` is a photo caption with a credit
    (``Caption text. Name/Agency via Service``, or the credit in brackets), else None."""
    for form in _CAPTION_FORMS + _SHAPED_FORMS:
        match = form.match(text)
        if match and len(match["caption"].split()) >= 3:
            credit = _CREDIT_LABEL.sub("", match["credit"]).strip()
            return Caption(match["caption"].strip(), credit)
    return None


def repeated_caption(text: str, other: str) -> Caption | None:
    """Return the caption and credit when ``text`` ends with a credit in brackets and
    ``other`` is the same line without the brackets (``Flags in Idlib. (Omar/AFP)`` and
    ``Flags in Idlib. Omar/AFP``): a caption by its shape, whatever the credit says
    (``Expedition photo/Society name``, ``Handout``); else None."""
    match = _IN_BRACKETS_AT_END.match(text)
    if match is None or len(match["caption"].split()) < 3:
        return None
    bare = f"{match['caption']} {match['credit']}"
    if _folded(bare) != _folded(other):
        return None
    credit = _CREDIT_LABEL.sub("", match["credit"].strip()).strip()
    return Caption(match["caption"].strip(), credit)


def _folded(text: str) -> str:
    """``text`` with typographic quotes made plain, case folded and spaces collapsed."""
    return " ".join(text.translate(str.maketrans("‘’“”", "''\"\"")).casefold().split())


def image_url(text: str) -> str | None:
    """Return ``text`` when it is nothing but the http(s) address of an image file."""
    return text if _IMAGE_URL.match(text) else None


def dateline(text: str, line: int) -> Dateline | None:
    """Return the wire dateline that opens ``text`` (``MOSCOW (Reuters) —``), or None."""
    match = _DATELINE.match(text)
    if match is None:
        return None
    found = find_dates(match["date"] or "", line)
    return Dateline(match["place"].strip(), match["agency"].strip(), found[0] if found else None)


def meta_line(text: str, line: int) -> MetaLine | None:
    """Return the bylines and dates when every part of ``text`` is a byline, a
    (labelled) date or a reading time, as in ``Posted on Dec. 16, 2024 by Jane Doe``."""
    found = MetaLine()
    for part in _META_SEPARATOR.split(text.strip()):
        merged = _meta_part(part, line)
        if merged is None:
            return None
        found = MetaLine(
            found.bylines + merged.bylines,
            found.published or merged.published,
            found.updated or merged.updated,
            found.reading_time or merged.reading_time,
        )
    return found


def _meta_part(part: str, line: int) -> MetaLine | None:
    if _READING_TIME.match(part):
        return MetaLine(reading_time=part)
    alone = date_alone(part, line)
    if alone is not None:
        return MetaLine(published=alone)
    updated = _UPDATED.match(part)
    if updated:
        day = date_alone(updated["date"], line)
        return MetaLine(updated=day) if day else None
    for pattern in (_DATE_LABEL, _BYLINE):
        match = pattern.match(part)
        if match is None:
            continue
        day = date_alone(match["date"], line) if match["date"] else None
        names = _names(match["names"]) if match["names"] else ()
        if (match["date"] and day is None) or (match["names"] and not names):
            continue
        if day or names:
            return MetaLine(bylines=names, published=day)
    return None


def _names(text: str) -> tuple[str, ...]:
    """Return the person names in ``Jane Doe, John Roe and Ann Poe``, or () when any
    part does not look like a name (``By the time the troops left``).

    An agency after names in capitals is left out: ``JOSH BOAK Associated Press``
    is ``JOSH BOAK``.
    """
    parts = [name.strip() for name in _NAME_SEPARATOR.split(text.strip()) if name.strip()]
    names = tuple(_without_affiliation(name) for name in parts)
    if names and all(len(n.split()) <= 5 and _NAME.fullmatch(n) for n in names):
        return names
    return ()


def _without_affiliation(name: str) -> str:
    match = _CAPITALS_THEN_AGENCY.fullmatch(name)
    return match["name"] if match else name


def tags(text: str) -> tuple[str, ...] | None:
    """Return the tags of a ``Tags: Russia, Syria`` line, or None for any other line."""
    match = _TAGS.match(text)
    if match is None:
        return None
    return tuple(t.strip() for t in re.split(r"\s*[,|·;]\s*", match["tags"]) if t.strip())


def source_markers(text: str) -> tuple[str, list[SourceRef]]:
    """Return ``text`` without its ``(source)`` markers, and the sources they named.

    ``(source)``, ``(source: TASS)``, ``(source: https://…)`` and a bracketed
    bare URL are markers; a marker without a URL gives a SourceRef whose url is None.
    """
    found: list[SourceRef] = []

    def take(match: re.Match[str]) -> str:
        found.append(_source_ref(match["url"] or match["detail"] or "", match.group(0).strip()))
        return ""

    return _MARKER.sub(take, text).strip(), found


def source_line(text: str) -> SourceRef | None:
    """Return the source of a ``Source link``, ``Source: Name URL`` or ``Via: URL``
    line (its url None when it gives none), or None for any other line."""
    match = _SOURCE_LINE.match(text)
    if match is None or len(match["detail"]) > 300:
        return None
    return _source_ref(match["detail"], text)


def _source_ref(detail: str, written: str) -> SourceRef:
    url_match = _URL.search(detail)
    url = url_match.group(0).rstrip(".,;:)]") if url_match else None
    name = _URL.sub("", detail).strip(" ,:;-–—()") if detail else ""
    return SourceRef(name or None, url, written)


def pull_quote(text: str) -> str | None:
    """Return the quotation of a clearly marked pull quote (``> …``,
    ``[pullquote]…[/pullquote]``, ``Pull quote: …``), or None."""
    for pattern in _PULL_QUOTE:
        match = pattern.match(text)
        if match:
            return match["text"].strip()
    return None
