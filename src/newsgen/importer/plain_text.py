"""Recognise the parts of an article pasted as plain text: parse_plain_text(text).

Copy from a wire service or scraped from a web page has a section line, a
headline, perhaps bylines and dates, paragraphs, subheadings, photo captions
with credits, source markers, and the scraper's boilerplate around it. This
module finds each part, with the input line it came from, and lists what it
dropped or could not place. No I/O; importer/command.py writes the article.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from newsgen.importer import text_parts as parts
from newsgen.importer.boilerplate import Effect, boilerplate
from newsgen.importer.imported import (
    Block,
    BlockKind,
    FoundSource,
    ImportedArticle,
    Note,
    NoteKind,
    Photo,
)
from newsgen.importer.paragraphs import Unit, split_units
from newsgen.importer.text_dates import MentionedDate, find_dates
from newsgen.urls import make_slug

SECTION_LINE_WORDS = 4
"""A first title line of at most this many words, before the headline, is the section line."""
HEADING_WORDS = 12
"""A subheading has at most this many words."""


@dataclass(slots=True)
class _Draft:
    """What the walk over the units has found so far (one parse only)."""

    titles: list[Unit] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    agency: str | None = None
    published: MentionedDate | None = None
    updated: MentionedDate | None = None
    dates: list[MentionedDate] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    sources: list[FoundSource] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    comments_from: int | None = None
    related_from: int | None = None
    image_src: tuple[int, str] | None = None
    shaped: dict[int, parts.Caption] = field(default_factory=dict)
    """Captions known by their shape (a line repeated with and without its credit in
    brackets), by line."""

    def caption(self, unit: Unit) -> parts.Caption | None:
        """Return the caption on ``unit``, known by its shape or its credit, or None."""
        return self.shaped.get(unit.line) or parts.caption(unit.text)

    def drop(self, line: int, why: str, text: str) -> None:
        """Record that the text on ``line`` was left out, and why."""
        self.notes.append(Note(line, NoteKind.DROPPED, f'{why}: "{_short(text)}"'))


def parse_plain_text(text: str, sections: Collection[str] = ()) -> ImportedArticle:
    """Return the parts of the plain-text article ``text``.

    ``sections`` are the slugs of the site's sections: a short first line
    that names one is the section line even when only one title line follows.
    Never raises: a text without a recognisable headline or date gives an
    ImportedArticle whose ``headline`` or ``published`` is None.
    """
    units = split_units(text)
    draft = _Draft(shaped=_repeated_captions(units))
    start = _read_header(units, draft)
    for index in range(start, len(units)):
        following = units[index + 1] if index + 1 < len(units) else None
        _read_body_unit(units[index], following, draft)
    _unused_image_url(draft)
    return _finish(draft, sections)


def _repeated_captions(units: list[Unit]) -> dict[int, parts.Caption]:
    """Return the captions known by their shape, by line: each pair of neighbouring
    units that are one caption, once with its credit in brackets and once without."""
    found: dict[int, parts.Caption] = {}
    for one, other in itertools.pairwise(units):
        for bracketed, bare in ((one, other), (other, one)):
            shaped = parts.repeated_caption(bracketed.text, bare.text)
            if shaped is not None:
                found[bracketed.line] = shaped
                words = bare.text.rstrip()
                cut = words[: -len(shaped.credit)].rstrip() if words.endswith(shaped.credit) else ""
                found[bare.line] = parts.Caption(cut or shaped.caption, shaped.credit)
                break
    return found


def _read_header(units: list[Unit], draft: _Draft) -> int:
    """Read the title lines and byline/date lines at the top; return the first body unit."""
    for index, unit in enumerate(units):
        found = boilerplate(unit.text)
        if found is not None and found.effect is not Effect.LINE:
            return index
        if found is not None:
            draft.drop(unit.line, found.reason, unit.text)
        elif not _read_meta(unit, draft):
            if not _is_title_line(unit.text):
                return index
            draft.titles.append(unit)
    return len(units)


def _is_title_line(text: str) -> bool:
    return parts.is_title_like(text) and not (
        parts.caption(text)
        or parts.pull_quote(text)
        or parts.source_line(text)
        or parts.image_url(text)
    )


def _read_meta(unit: Unit, draft: _Draft) -> bool:
    """Take bylines, dates and tags from a meta line; return False for other lines."""
    tag_list = parts.tags(unit.text)
    if tag_list is not None:
        draft.tags.extend(tag_list)
        return True
    meta = parts.meta_line(unit.text, unit.line)
    if meta is None:
        return False
    draft.bylines.extend(name for name in meta.bylines if name not in draft.bylines)
    for day in (meta.published, meta.updated):
        if day is not None:
            draft.dates.append(day)
    first = draft.published
    if first and meta.published and not _same_time(first, meta.published):
        draft.drop(unit.line, f"another date (line {first.line} gives the date)", unit.text)
    draft.published = draft.published or meta.published
    draft.updated = draft.updated or meta.updated
    if meta.reading_time:
        draft.drop(unit.line, "reading time", meta.reading_time)
    return True


def _same_time(one: MentionedDate, other: MentionedDate) -> bool:
    return (one.day, one.moment) == (other.day, other.moment)


def _read_body_unit(unit: Unit, following: Unit | None, draft: _Draft) -> None:
    """Read one unit of the body into ``draft``."""
    if draft.caption(unit) is None:
        _unused_image_url(draft)
    if _skipped(unit, draft):
        return
    if not any(b.kind is BlockKind.PARAGRAPH for b in draft.blocks) and _read_meta(unit, draft):
        return
    if parts.tags(unit.text) is not None:
        _read_meta(unit, draft)
    elif (found := parts.source_line(unit.text)) is not None:
        _add_source(unit.line, found, draft, line_of_its_own=True)
    elif (quote := parts.pull_quote(unit.text)) is not None:
        _add_block(BlockKind.QUOTE, quote, unit.line, draft)
    elif (url := parts.image_url(unit.text)) is not None:
        _add_image_url(unit.line, url, draft)
    elif (found_caption := draft.caption(unit)) is not None:
        src = draft.image_src[1] if draft.image_src else None
        draft.image_src = None
        draft.photos.append(Photo(found_caption.caption, found_caption.credit, unit.line, src))
        draft.dates.extend(find_dates(unit.text, unit.line))
    elif _is_heading(unit, following, draft):
        _add_block(BlockKind.HEADING, unit.text, unit.line, draft)
    else:
        _add_paragraph(unit, draft)


def _skipped(unit: Unit, draft: _Draft) -> bool:
    """Drop boilerplate, the comment section and "Related" link lists; True when dropped."""
    found = boilerplate(unit.text)
    if draft.comments_from is not None:
        why = found.reason if found else f"comment section (from line {draft.comments_from})"
        draft.drop(unit.line, why, unit.text)
        return True
    if found is not None:
        draft.drop(unit.line, found.reason, unit.text)
        if found.effect is Effect.COMMENTS:
            draft.comments_from = unit.line
        elif found.effect is Effect.RELATED:
            draft.related_from = unit.line
        return True
    if draft.related_from is not None and parts.tags(unit.text) is None:
        if parts.is_title_like(unit.text) or re.fullmatch(r"In [\"“].*[\"”]", unit.text):
            draft.drop(unit.line, f"related links (from line {draft.related_from})", unit.text)
            return True
        draft.related_from = None
    return False


def _is_heading(unit: Unit, following: Unit | None, draft: _Draft) -> bool:
    """A subheading: a short title line after a blank line, with body text after it."""
    if not (unit.blank_before and draft.blocks and parts.is_title_like(unit.text)):
        return False
    if len(unit.text.split()) > HEADING_WORDS or unit.text.endswith("!"):
        return False
    if not re.match(r"[\"“‘'(\d]*[A-Z]", unit.text):
        return False
    return following is not None and not _ends_body(following.text)


def _ends_body(text: str) -> bool:
    return bool(boilerplate(text) or parts.source_line(text))


def _add_paragraph(unit: Unit, draft: _Draft) -> None:
    text, refs = parts.source_markers(unit.text)
    if not any(b.kind is BlockKind.PARAGRAPH for b in draft.blocks):
        found = parts.dateline(text, unit.line)
        if found is not None:
            draft.agency = found.agency
            if found.date is not None and found.date.day is not None:
                draft.published = draft.published or found.date
    for ref in refs:
        _add_source(unit.line, ref, draft)
    if text:
        _add_block(BlockKind.PARAGRAPH, text, unit.line, draft)


def _add_block(kind: BlockKind, text: str, line: int, draft: _Draft) -> None:
    draft.blocks.append(Block(kind, text, line))
    draft.dates.extend(find_dates(text, line))


def _add_source(
    line: int, ref: parts.SourceRef, draft: _Draft, line_of_its_own: bool = False
) -> None:
    if ref.url is not None:
        draft.sources.append(FoundSource(line, ref.name, ref.url, ref.written))
    elif line_of_its_own and ref.name is None:  # a bare "Source link": scraper boilerplate
        draft.drop(line, "source link without a target", ref.written)
    else:
        what = "source marker" if not line_of_its_own else "source line"
        draft.notes.append(
            Note(
                line,
                NoteKind.NOT_PLACED,
                f'{what} "{_short(ref.written)}": the text gives no URL for it; '
                "add the source under 'sources:' with its URL",
            )
        )


def _unused_image_url(draft: _Draft) -> None:
    """Note the image URL waiting for a caption as not placed: none came."""
    if draft.image_src is not None:
        line, url = draft.image_src
        draft.image_src = None
        why = "no caption beside it; add it under 'images:' by hand"
        draft.notes.append(Note(line, NoteKind.NOT_PLACED, f"image {url}: {why}"))


def _add_image_url(line: int, url: str, draft: _Draft) -> None:
    last = draft.photos[-1] if draft.photos else None
    if last is not None and last.src is None and last.line == line - 1:
        draft.photos[-1] = Photo(last.caption, last.credit, last.line, url)
    else:
        draft.image_src = (line, url)


def _finish(draft: _Draft, sections: Collection[str]) -> ImportedArticle:
    titles = _without_repeats(draft.titles, draft)
    section, headline, summary, extra = _split_titles(titles, sections)
    blocks = [Block(BlockKind.PARAGRAPH, u.text, u.line) for u in extra] + draft.blocks
    photos, duplicates = _unique_photos(draft.photos)
    notes = sorted(draft.notes + duplicates, key=lambda note: note.line)
    title_dates = [d for u in titles for d in find_dates(u.text, u.line)]
    repeated = {note.line for note in duplicates}
    dates = [d for d in title_dates + draft.dates if d.line not in repeated]
    return ImportedArticle(
        headline=headline.text if headline else None,
        headline_line=headline.line if headline else 1,
        section_label=section.text if section else None,
        section_line=section.line if section else 1,
        summary=summary.text if summary else None,
        bylines=tuple(draft.bylines),
        agency=draft.agency,
        published=draft.published,
        updated=draft.updated,
        dates=tuple(sorted(dates, key=lambda d: d.line)),
        blocks=tuple(sorted(blocks, key=lambda b: b.line)),
        photos=tuple(photos),
        sources=tuple(draft.sources),
        tags=tuple(dict.fromkeys(draft.tags)),
        notes=tuple(notes),
    )


def _without_repeats(titles: list[Unit], draft: _Draft) -> list[Unit]:
    """Return ``titles`` without a title that repeats an earlier one (a page's
    title above its headline), noting each left out."""
    seen: dict[str, int] = {}
    kept = []
    for unit in titles:
        key = unit.text.casefold()
        if key in seen:
            draft.drop(unit.line, f"title repeated (as on line {seen[key]})", unit.text)
        else:
            seen[key] = unit.line
            kept.append(unit)
    return kept


def _split_titles(
    titles: list[Unit], sections: Collection[str]
) -> tuple[Unit | None, Unit | None, Unit | None, list[Unit]]:
    """Return (section line, headline, standfirst, the rest) of the title lines on top.

    Of two title lines, the first is a section line when it names one of
    ``sections``, or reads like one (``Exclusive``, ``World News``, ``WORLD``,
    ``Home » World``); otherwise the two are headline and standfirst.
    """
    if not titles:
        return None, None, None, []
    section = None
    first = titles[0].text
    short = len(first.split()) <= SECTION_LINE_WORDS or bool(_BREADCRUMB.search(first))
    if short and (len(titles) >= 3 or (len(titles) == 2 and _section_like(first, sections))):
        section, titles = titles[0], titles[1:]
    summary = titles[1] if len(titles) >= 2 else None
    return section, titles[0], summary, titles[2:]


_BREADCRUMB = re.compile(r"\s[»›>|/]\s")


def _section_like(text: str, sections: Collection[str]) -> bool:
    words = [word for word in text.split() if word not in ("&", "and")]
    return bool(
        set(section_slugs(text)) & set(sections)
        or len(words) <= 2
        or text.isupper()
        or text.lower().endswith(" news")
        or _BREADCRUMB.search(text)
    )


def section_slugs(label: str) -> list[str]:
    """Return the section slugs a section line may mean, most likely first:
    ``World News`` -> ``world``, ``world-news``; ``Home » World`` -> … ``world``."""
    candidates = [label, *re.split(r"\s*[»›>|/]\s*", label)]
    slugs = [make_slug(re.sub(r"(?i)\s+news$", "", text)) for text in candidates]
    slugs += [make_slug(text) for text in candidates]
    return [slug for slug in dict.fromkeys(slugs) if slug and slug != "home"]


def _unique_photos(photos: list[Photo]) -> tuple[list[Photo], list[Note]]:
    """Keep each caption once (the copy with typographic quotes); note the others."""
    groups: dict[str, list[Photo]] = {}
    for photo in photos:
        groups.setdefault(_caption_key(photo.caption), []).append(photo)
    kept, notes = [], []
    for group in groups.values():
        best = max(group, key=lambda p: (_typographic(p.caption), p.src is not None, -p.line))
        if best.src is None:
            best = next(
                (Photo(best.caption, best.credit, best.line, p.src) for p in group if p.src), best
            )
        kept.append(best)
        for other in group:
            if other.line != best.line:
                why = f"photo caption repeated (kept the copy on line {best.line})"
                text = f'{why}: "{_short(other.caption)}"'
                notes.append(Note(other.line, NoteKind.DROPPED, text))
    return sorted(kept, key=lambda p: min(o.line for o in groups[_caption_key(p.caption)])), notes


def _caption_key(text: str) -> str:
    folded = text.translate(str.maketrans("‘’“”", "''\"\"")).casefold()
    return " ".join(re.sub(r"[^\w\s]", "", folded).split())


def _typographic(text: str) -> int:
    return sum(text.count(mark) for mark in "‘’“”")


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
