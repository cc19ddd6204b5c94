"""Plan an imported article: its place, front matter and Markdown. No I/O.

plan_article() decides the section, date, bylines, images and sources of an
ImportedArticle (from the text, or from the command line's options) and
to_markdown() writes the article file's text. importer/command.py checks and writes it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import yaml

from newsgen.errors import NewsgenError
from newsgen.importer.imported import Block, BlockKind, ImportedArticle, Note, NoteKind
from newsgen.importer.plain_text import section_slugs
from newsgen.urls import make_slug

_T = TypeVar("_T")


class ImportFailed(NewsgenError):
    """One input file could not be imported; the others still are."""

    def __init__(
        self, line: int | None, message: str, more: Sequence[tuple[int | None, str]] = ()
    ) -> None:
        super().__init__(message)
        self.line = line
        """The input line concerned, or None when the whole file is."""
        self.message = message
        self.all: tuple[tuple[int | None, str], ...] = ((line, message), *more)
        """Every reason the file could not be imported, as (line, message): the first
        is ``line`` and ``message``."""

    @classmethod
    def of(cls, reasons: Sequence[ImportFailed]) -> ImportFailed:
        """Return one ImportFailed that carries every one of ``reasons`` (at least one)."""
        more = [(reason.line, reason.message) for reason in reasons[1:]]
        return cls(reasons[0].line, reasons[0].message, more)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The command line's choices, applied to every file imported."""

    section: str | None = None
    """The section to import into; default: the text's section line."""
    date: datetime | date | None = None
    """The publication date; default: the date the text gives."""
    bylines: tuple[str, ...] = ()
    """Byline names; default: the text's byline, or the agency of its dateline."""
    images: tuple[str, ...] = ()
    """Image sources for the photo captions, in order (``/images/a.jpg`` or http(s))."""


@dataclass(frozen=True, slots=True)
class PlannedArticle:
    """An article ready to be checked and written."""

    path: str
    """Where it goes, from the site root: ``content/world/slug.md``."""
    front: Mapping[str, Any]
    """The front matter, in the order it is written."""
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    """What was dropped or not placed, from the text and from the planning."""
    lines: Mapping[str, tuple[int, ...]]
    """The input line of each ``images`` and ``sources`` entry, by field."""
    pending_images: tuple[Mapping[str, str], ...] = ()
    """``images`` entries of captions without an image file (written as comments)."""

    @property
    def markdown(self) -> str:
        """The article file's text."""
        return to_markdown(self.front, self.blocks, self.pending_images)


def plan_article(
    parsed: ImportedArticle, options: ImportOptions, sections: Mapping[str, str], article_id: str
) -> PlannedArticle:
    """Return the article to write for ``parsed``: its path, front matter and body.

    ``sections`` are the site's sections (content/discover.py's known_sections()).
    Raises ImportFailed, with every reason at once, when the text has no headline,
    or no section or publication date and the options give none.
    """
    failed: list[ImportFailed] = []
    slug = _attempt(lambda: _headline_slug(parsed), failed)
    placed = _attempt(lambda: _section(parsed, options, sections), failed)
    published = _attempt(lambda: _published(parsed, options), failed)
    if failed:
        raise ImportFailed.of(failed)
    assert slug is not None and placed is not None and published is not None
    folder, section_notes = placed
    notes = list(parsed.notes) + section_notes
    front: dict[str, Any] = {"id": article_id, "headline": parsed.headline, "date": published}
    front.update(_updated(parsed, published, notes))
    bylines = options.bylines or parsed.bylines or ((parsed.agency,) if parsed.agency else ())
    if bylines:
        front["byline"] = list(bylines) if len(bylines) > 1 else bylines[0]
    if parsed.summary:
        front["summary"] = parsed.summary
    if parsed.tags:
        front["tags"] = list(parsed.tags)
    sources = [{"name": s.name, "url": s.url} if s.name else {"url": s.url} for s in parsed.sources]
    if sources:
        front["sources"] = sources
    images, pending, image_lines = _images(parsed, options, notes)
    if images:
        front["images"] = images
    notes.sort(key=lambda note: note.line)
    lines = {"images": image_lines, "sources": tuple(s.line for s in parsed.sources)}
    path = f"content/{folder}/{slug}.md"
    return PlannedArticle(path, front, parsed.blocks, tuple(notes), lines, tuple(pending))


def _attempt(step: Callable[[], _T], failed: list[ImportFailed]) -> _T | None:
    """Return what ``step`` returns; None when it raises ImportFailed, added to ``failed``."""
    try:
        return step()
    except ImportFailed as failure:
        failed.append(failure)
        return None


def _headline_slug(parsed: ImportedArticle) -> str:
    if parsed.headline is None:
        raise ImportFailed(
            1,
            "no headline found: the text should open with the headline on a line of its own, "
            "without a full stop (below a section line like 'World News' if it has one)",
        )
    slug = make_slug(parsed.headline)
    if not slug:
        raise ImportFailed(parsed.headline_line, "the headline has no letters or digits")
    return slug


def _section(
    parsed: ImportedArticle, options: ImportOptions, sections: Mapping[str, str]
) -> tuple[str, list[Note]]:
    """Return the section's folder name, and a note when ``--section`` replaced the text's.

    Raises ImportFailed when neither names a section, or ``--section`` names none of
    the site's but one close to it (a typo)."""
    folders = list(dict.fromkeys(sections.values()))  # newsgen.yaml's order, then folders
    names = ", ".join(folders)
    if options.section is not None:
        folder = _match_section(options.section, sections) or make_slug(options.section)
        close = difflib.get_close_matches(folder, folders, n=1, cutoff=0.75)
        if folder not in folders and close:
            raise ImportFailed(
                None,
                f"--section '{options.section}' is none of this site's sections ({names}); "
                f"did you mean '{close[0]}'?",
            )
        label = parsed.section_label
        if label is not None and _match_section(label, sections) != folder:
            why = f"section line (--section {options.section} given)"
            return folder, [Note(parsed.section_line, NoteKind.DROPPED, f'{why}: "{label}"')]
        return folder, []
    if parsed.section_label is None:
        choices = f" (this site's sections: {names})" if names else ""
        raise ImportFailed(
            1,
            "no section line above the headline (like 'World News'); "
            f"give the section with --section{choices}",
        )
    folder = _match_section(parsed.section_label, sections)
    if folder is None:
        label = make_slug(parsed.section_label)
        close = difflib.get_close_matches(label, folders, n=1, cutoff=0.6) if label else []
        guess = f"; did you mean '{close[0]}'?" if close else ""
        raise ImportFailed(
            parsed.section_line,
            f"the section line '{parsed.section_label}' names none of this site's sections "
            f"({names}){guess} Give the section with --section",
        )
    return folder, []


def _match_section(label: str, sections: Mapping[str, str]) -> str | None:
    """Return the folder of the site's section that ``label`` names (``World News`` ->
    ``world``); any label when the site has no sections; None when none matches."""
    slugs = section_slugs(label)
    if not sections:
        return slugs[0] if slugs else None
    return next((sections[slug] for slug in slugs if slug in sections), None)


def _published(parsed: ImportedArticle, options: ImportOptions) -> datetime | date:
    if options.date is not None:
        return options.date
    found = parsed.published
    if found is not None and (found.moment or found.day):
        return found.moment or found.day  # type: ignore[return-value]
    updated = parsed.updated
    mentioned = list(dict.fromkeys(d.text for d in parsed.dates if d is not updated))
    listed = ", ".join(mentioned[:6]) + (", …" if len(mentioned) > 6 else "")
    hint = f" (it mentions {listed} in passing)" if mentioned else ""
    if updated is not None:
        hint += f" (line {updated.line} gives only the time of an update, {updated.text})"
    raise ImportFailed(
        1,
        "no publication date found: no date line ('Dec. 16, 2024'), 'Published:' line "
        f"or wire dateline with a year{hint}; give it with --date, e.g. --date 2024-12-16",
    )


def _updated(parsed: ImportedArticle, published: datetime | date, notes: list[Note]) -> dict:
    found = parsed.updated
    if found is None or found.day is None:
        return {}
    day = published.date() if isinstance(published, datetime) else published
    if found.day > day:
        return {"updated": found.day}
    notes.append(
        Note(found.line, NoteKind.NOT_PLACED, f"update date {found.text} is not after {day}")
    )
    return {}


def _images(
    parsed: ImportedArticle, options: ImportOptions, notes: list[Note]
) -> tuple[list[dict], list[dict], tuple[int, ...]]:
    """Return the images entries (each caption with a src from the text or ``--image``),
    the entries of captions without an image (written as comments, PENDING_IMAGES),
    and the input line of each entry.

    Raises ImportFailed when ``--image`` is given more often than there are captions.
    """
    given = list(options.images)
    if len(given) > sum(photo.src is None for photo in parsed.photos):
        raise ImportFailed(
            None,
            f"--image was given {len(given)} times but the text has "
            f"{len(parsed.photos)} photo caption(s) without an image; give one per caption",
        )
    images, pending, lines = [], [], []
    for photo in parsed.photos:
        src = photo.src or (given.pop(0) if given else None)
        entry = {"src": src or "", "caption": photo.caption}
        if photo.credit:
            entry["credit"] = photo.credit
        if src is None:
            why = (
                "no image file for it; kept as a comment under 'images:' in the article: "
                "give its src there (or import with --image /images/NAME.jpg)"
            )
            notes.append(Note(photo.line, NoteKind.NOT_PLACED, f'photo "{photo.caption}": {why}'))
            pending.append(entry)
            continue
        images.append(entry)
        lines.append(photo.line)
    return images, pending, tuple(lines)


PENDING_IMAGES = (
    "# A photo caption without its image file: give the image's src, then remove the '# '\n"
    "# in front of the lines below{images} (the build cannot publish an image without one).\n"
)


def to_markdown(
    front: Mapping[str, Any], blocks: Sequence[Block], pending: Sequence[Mapping[str, str]] = ()
) -> str:
    """Return the article file's text: YAML front matter (with the ``pending`` images
    entries as comments at its end), then the blocks as Markdown."""
    header = _yaml(dict(front))
    if pending:
        listed = "images" in front
        entries = _yaml(list(map(dict, pending))) if listed else _yaml({"images": list(pending)})
        header += PENDING_IMAGES.format(images="" if listed else ", 'images:' too")
        header += "".join(f"# {line}\n" for line in entries.splitlines())
    body = "\n\n".join(_block_markdown(block) for block in blocks)
    return f"---\n{header}---\n{body}\n"


def _yaml(value: object) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=1_000_000)


def _block_markdown(block: Block) -> str:
    text = escape_markdown(block.text)
    if block.kind is BlockKind.HEADING:
        return "## " + text
    if block.kind is BlockKind.QUOTE:
        return "> " + text
    return text


_INLINE = re.compile(r"[\\`*<~]|(?<!\w)_|_(?!\w)|&(?=#?\w+;)|\[(?=\^)")
_LINE_START = re.compile(r"^(?:[#>+=|-]|\d{1,9}[.)](?=\s|$)|[-*_](?:\s*[-*_]){2,}\s*$)")


def escape_markdown(text: str) -> str:
    """Return ``text`` (one paragraph of plain text) escaped so that Markdown shows it
    as written: emphasis marks, code spans, HTML, list and heading markers."""
    escaped = _INLINE.sub(lambda match: "\\" + match.group(0), text)
    if re.search(r"\]\s*[(\[:]", escaped):  # would make a link: escape the brackets too
        escaped = escaped.replace("[", "\\[").replace("]", "\\]")
    match = _LINE_START.match(escaped)
    if match:
        end = match.end() - 1 if match.group(0)[0].isdigit() else 0
        escaped = escaped[:end] + "\\" + escaped[end:]
    return escaped
