"""``newsgen import``: turn plain-text articles into newsgen article files.

importer/plain_text.py finds the parts of the text, importer/plan.py decides the article
and its Markdown; this module reads the input, checks the article with the
real article loader (what passes here passes ``newsgen build``) and writes it
under ``content/<section>/``, never over an existing file.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from newsgen.config import load_config
from newsgen.content.context import LoadContext
from newsgen.content.discover import SourceFile, discover_content, known_sections
from newsgen.content.fields import parse_moment
from newsgen.content.parse import load_article
from newsgen.errors import Problem, Problems, UsageError
from newsgen.importer.imported import Note, NoteKind
from newsgen.importer.plain_text import parse_plain_text
from newsgen.importer.plan import (
    ImportFailed,
    ImportOptions,
    PlannedArticle,
    plan_article,
)
from newsgen.input_files import NotAFile, read_regular
from newsgen.markdown.renderer import make_markdown
from newsgen.models import SiteConfig
from newsgen.sanitize import url_scheme

MAX_IMPORT_BYTES = 10_000_000
"""A file to import may hold this much (10 MB: a long article is well under 1 MB)."""
_LIST_FIELD = re.compile(r"^(images|sources)\[(\d+)\]")
_FRONT_MATTER = re.compile(r"---\r?\n(?:(?!---\r?\n).*\n)*?headline:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class TargetSite:
    """The site being imported into: what importing needs to know about it (not a
    built Site: no articles are loaded)."""

    root: Path
    config: SiteConfig
    context: LoadContext
    sections: Mapping[str, str]
    """The site's sections: the folder of each by the slug of its name, title or folder
    (content/discover.py's known_sections())."""


def parse_date_option(text: str | None) -> datetime | date | None:
    """Return the ``--date`` value as a date (bare) or datetime, or None when not given.

    Raises UsageError when it is not ISO 8601.
    """
    if text is None:
        return None
    parsed = parse_moment(text)
    if parsed is None:
        raise UsageError(
            f"--date '{text}' is not an ISO 8601 date like 2024-12-16 or 2024-12-16T09:30"
        )
    return parsed.date() if len(text.strip()) == 10 else parsed


def open_site(root: Path) -> TargetSite:
    """Return the site at ``root`` with what the article loader needs to check imports.

    Raises ConfigError when ``newsgen.yaml`` is missing or wrong.
    """
    from newsgen.build.inputs import default_theme, static_copies  # the build's own view of static/

    ignored = Problems()  # problems of other files are the build's business, not ours
    static = frozenset(copy.path for copy in static_copies(root, default_theme(), ignored))
    config = load_config(root, static_files=static)
    assets = discover_content(root, ignored).assets
    markdown = make_markdown(config.unsafe_html)
    context = LoadContext(config, markdown, root / "content", static, assets)
    return TargetSite(root, config, context, known_sections(root / "content", config.sections))


def import_file(
    site: TargetSite, file: Path, options: ImportOptions, dry_run: bool
) -> PlannedArticle:
    """Import the plain-text article ``file`` into ``site`` and return what was planned.

    Writes the article unless ``dry_run``. Raises ImportFailed when the file
    cannot be read or imported, or when the article file already exists.
    """
    _check_images(options.images)
    parsed = parse_plain_text(_read(file), site.sections.keys())
    planned = checked(plan_article(parsed, options, site.sections, str(uuid.uuid4())), site)
    target = site.root / planned.path
    if target.exists():
        raise ImportFailed(
            parsed.headline_line,
            f"{planned.path} already exists; it was not overwritten "
            "(delete or rename it first, or import into another --section)",
        )
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("x", encoding="utf-8") as handle:
                handle.write(planned.markdown)
        except FileExistsError:
            raise ImportFailed(
                parsed.headline_line, f"{planned.path} already exists; it was not overwritten"
            ) from None
    return planned


def _check_images(images: Sequence[str]) -> None:
    """Raise ImportFailed for an ``--image`` with a scheme other than http(s), or one that
    names another host (``//host/a.jpg``): a ``javascript:`` or ``data:`` URL is never
    written into an article."""
    for src in images:
        if url_scheme(src) in (None, "http", "https") and not src.startswith("//"):
            continue
        shown = src if len(src) <= 60 else src[:57] + "..."
        raise ImportFailed(
            None,
            f"--image '{shown}' must be an http(s) URL or a file in static/ "
            "written as a site path like /images/a.jpg; nothing was imported",
        )


def _read(file: Path) -> str:
    """Return the text of ``file``; raise ImportFailed when it is not a regular file of at
    most MAX_IMPORT_BYTES, cannot be read or is not UTF-8."""
    try:
        data = read_regular(file, MAX_IMPORT_BYTES)[0]
    except NotAFile as error:
        raise ImportFailed(None, str(error)) from None
    except OSError as error:
        raise ImportFailed(None, f"cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailed(
            line, f"is not UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8 and retry"
        ) from None
    if _FRONT_MATTER.match(text.lstrip("\ufeff")):
        raise ImportFailed(1, "starts with front matter: it is already a newsgen article")
    return text


def checked(planned: PlannedArticle, site: TargetSite) -> PlannedArticle:
    """Return ``planned`` once the real article loader accepts it.

    An image or source the loader rejects (an ``--image`` naming no file in
    ``static/``) is taken out and noted as not placed; the loader's warnings
    become notes. Raises ImportFailed when other errors remain.
    """
    problems = validate(planned, site.context)
    rejected = _rejected_items(problems)
    if rejected:
        planned = _without(planned, rejected)
        problems = validate(planned, site.context)
    errors = [p for p in problems if p.severity.value == "error"]
    if errors:
        listed = "; ".join(f"{p.field + ': ' if p.field else ''}{p.message}" for p in errors)
        raise ImportFailed(None, f"the imported article would not build: {listed}")
    warnings = [Note(1, NoteKind.WARNING, p.message) for p in problems]
    return replace(planned, notes=planned.notes + tuple(warnings))


def validate(planned: PlannedArticle, context: LoadContext) -> list[Problem]:
    """Return the problems the article loader finds in ``planned`` (none when it builds)."""
    relative = planned.path.removeprefix("content/")
    source = SourceFile(str(context.content_root / relative), planned.path, relative)
    problems = Problems()
    load_article(source, planned.markdown, context, problems)
    return list(problems)


def _rejected_items(problems: Sequence[Problem]) -> dict[tuple[str, int], str]:
    rejected: dict[tuple[str, int], str] = {}
    for problem in problems:
        match = _LIST_FIELD.match(problem.field or "")
        if match and problem.severity.value == "error":
            rejected.setdefault((match[1], int(match[2])), problem.message)
    return rejected


def _without(planned: PlannedArticle, rejected: dict[tuple[str, int], str]) -> PlannedArticle:
    front, notes, lines = dict(planned.front), list(planned.notes), dict(planned.lines)
    for key in ("images", "sources"):
        kept, kept_lines = [], []
        for index, item in enumerate(front.get(key, [])):
            line = planned.lines[key][index]
            why = rejected.get((key, index))
            if why is None:
                kept.append(item)
                kept_lines.append(line)
                continue
            what = f'photo "{item.get("caption", "")}"' if key == "images" else "source"
            notes.append(Note(line, NoteKind.NOT_PLACED, f"{what}: {why}"))
        front[key] = kept
        lines[key] = tuple(kept_lines)
        if not kept:
            front.pop(key)
    notes.sort(key=lambda note: note.line)
    return replace(planned, front=front, notes=tuple(notes), lines=lines)
