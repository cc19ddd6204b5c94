"""``newsgen import export.xml``: a WordPress export into the site, all or nothing.

import_wordpress() takes what importer/wordpress.py makes of each post, skips
the posts a former import already wrote (their GUID is in an article's
``extra.wordpress.guid``), gives each article a path of its own
(``content/SECTION/SLUG.md``; a slug taken is made unique and said so), checks
each with the build's article loader, and writes them as one transaction:
every file, or, when any post cannot be imported, none (``keep_going``
writes the good ones and lists the rest).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from newsgen.content.discover import SourceFile, discover_content
from newsgen.content.frontmatter import FrontMatterError, split_front_matter
from newsgen.content.parse import load_article
from newsgen.errors import Problems
from newsgen.importer.command import TargetSite
from newsgen.importer.imported import Note, NoteKind
from newsgen.importer.wordpress import (
    ImportedPost,
    Skipped,
    WordPressOptions,
    source_id,
    wordpress_articles,
)
from newsgen.input_files import read_regular

WXR_SNIFF = re.compile(rb"<rss\b[^>]*wordpress\.org/export/1\.[012]/", re.S)
MAX_ARTICLE_BYTES = 4 << 20


@dataclass
class WordPressImport:
    """What an import of an export did, or would do."""

    written: list[Path] = field(default_factory=list)
    """The article files (written, or to be written with a dry run)."""
    already: int = 0
    """Posts a former import wrote, skipped."""
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    """(line, message) of each post that cannot be imported."""
    notes: list[Note] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)


def is_wordpress_export(head: bytes) -> bool:
    """True when ``head`` (a file's first kilobytes) starts a WordPress export."""
    return WXR_SNIFF.search(head) is not None


def import_wordpress(
    site: TargetSite, export: Path, options: WordPressOptions, keep_going: bool, dry_run: bool
) -> WordPressImport:
    """Import the posts of ``export`` into ``site``; return what was done. Raises WxrError
    when the export cannot be read (nothing is written then)."""
    return import_posts(site, wordpress_articles(export, options), keep_going, dry_run)


def import_posts(
    site: TargetSite,
    posts: Iterable[ImportedPost | Skipped],
    keep_going: bool,
    dry_run: bool,
) -> WordPressImport:
    """Import ``posts`` (of a WordPress export or a feed) into ``site`` as one
    transaction; return what was done. What reading them raises is raised before
    anything is written."""
    done = WordPressImport()
    known = imported_guids(site.root)
    taken = {p.relative_to(site.root).as_posix() for p in (site.root / "content").rglob("*.md")}
    for made in posts:
        if isinstance(made, Skipped):
            done.skipped.append(made)
            continue
        if made.source_id in known:
            done.already += 1
            continue
        known.add(made.source_id)
        path, renamed = _free_path(made, taken)
        if renamed:
            done.notes.append(Note(made.line, NoteKind.WARNING, renamed))
        problems = _check(site, path, made.text)
        errors = [p for p in problems if p.severity.value == "error"]
        if errors:
            listed = "; ".join(f"{p.field + ': ' if p.field else ''}{p.message}" for p in errors)
            done.failed.append((made.line, f"{path}: would not build: {listed}"))
            continue
        done.notes += made.notes
        done.notes += [Note(made.line, NoteKind.WARNING, f"{path}: {p.message}") for p in problems]
        done.texts[site.root / path] = made.text
    if done.failed and not keep_going:
        done.texts.clear()
    done.written = sorted(done.texts)
    if not dry_run:
        _write_all(done.texts)
    return done


def imported_guids(root: Path) -> set[str]:
    """Return the source_id() of each WordPress post the site's articles came from
    (their ``extra.wordpress`` ``guid`` or ``link``, and ``id``)."""
    found: set[str] = set()
    for source in discover_content(root, Problems()).articles:
        try:
            text = read_regular(Path(source.path), MAX_ARTICLE_BYTES)[0].decode("utf-8", "replace")
        except OSError:
            continue
        if "wordpress:" not in text and "feed:" not in text:
            continue
        try:
            front = yaml.safe_load(split_front_matter(text).front_matter)
        except (yaml.YAMLError, FrontMatterError):
            continue
        extra = front.get("extra") if isinstance(front, dict) else None
        origin = extra.get("wordpress") if isinstance(extra, dict) else None
        if isinstance(origin, dict):
            guid = str(origin.get("guid") or origin.get("link") or "")
            found.add(source_id(guid, str(origin.get("id") or "")))
        entry = extra.get("feed") if isinstance(extra, dict) else None
        if isinstance(entry, dict) and entry.get("id"):
            found.add(source_id(str(entry["id"]), ""))
    return found


def _free_path(made: ImportedPost, taken: set[str]) -> tuple[str, str]:
    """Return a path for ``made`` no file and no other import has, and a note when its
    slug had to change."""
    base = f"content/{made.section}/{made.slug}"
    path, number = f"{base}.md", 2
    while path in taken:
        path, number = f"{base}-{number}.md", number + 1
    taken.add(path)
    note = "" if path == f"{base}.md" else f"{base}.md is taken: written as {path}"
    return path, note


def _check(site: TargetSite, path: str, text: str) -> Problems:
    relative = path.removeprefix("content/")
    source = SourceFile(str(site.context.content_root / relative), path, relative)
    problems = Problems()
    load_article(source, text, site.context, problems)
    return problems


def _write_all(texts: dict[Path, str]) -> None:
    """Write every file, or none: a file that cannot be written, or a Ctrl-C, takes back
    the others (and the one being created when it came)."""
    written: list[Path] = []
    pending: Path | None = None
    try:
        for target, text in texts.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            pending = target  # from here an interrupt may leave it created
            try:
                handle = target.open("x", encoding="utf-8")
            except FileExistsError:
                pending = None  # someone else's file: never removed
                raise
            with handle:
                written.append(target)
                pending = None
                handle.write(text)
    except BaseException:
        for target in [*written, *([pending] if pending else [])]:
            target.unlink(missing_ok=True)
        raise
