"""An import as one transaction: every article file (and picture) written, or none.

import_posts() takes what an importer makes (importer/wordpress.py's posts,
importer/feed.py's entries, importer/saved_page.py's pages) and:

1. skips what a former import wrote (importer/known.py), gives each article a
   path of its own (``content/SECTION/SLUG.md``; a slug taken is made unique,
   in the file's name and its ``slug:``, and said so), points its pictures at
   their copies (``--media``, importer/media.py), and stages its text in a
   temporary folder, so that an export of 50,000 posts is held on disk, not in
   memory;
2. then, for each staged text: drops aliases that are a section's own address, points
   its links to other imported articles at their files (importer/links.py),
   checks it with the build's own article loader, and spells its tags and
   bylines as the site or the import first spelt them (importer/spellings.py);
3. writes every file, or, when any cannot be imported, none (``keep_going``
   writes the good ones and lists the rest). A Ctrl-C or a full disk while
   writing takes back what was written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsgen.content.discover import SourceFile
from newsgen.content.parse import load_article
from newsgen.errors import Problems
from newsgen.importer.command import TargetSite
from newsgen.importer.front_text import edit_field, replace_value
from newsgen.importer.imported import Note, NoteKind
from newsgen.importer.known import KnownSite, read_site
from newsgen.importer.links import LinkMap, rewrite_links
from newsgen.importer.media import MediaFolder
from newsgen.importer.spellings import Spellings
from newsgen.importer.wordpress import ImportedPost, Skipped

_SECTION_ALIAS = re.compile(r"^- ('?/([^/\s']+)/?'?)\n", re.M)


@dataclass
class ImportDone:
    """What an import did, or would do."""

    written: list[Path] = field(default_factory=list)
    """The article files (written, or to be written with a dry run)."""
    already: int = 0
    """Articles a former import wrote, skipped."""
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    """(line, message) of each article that cannot be imported."""
    notes: list[Note] = field(default_factory=list)
    files: dict[Path, Path] = field(default_factory=dict)
    """Each article file to write -> its staged text."""
    copies: dict[Path, Path] = field(default_factory=dict)
    """Pictures to copy: the file in ``static/`` -> the file in ``--media``."""
    relinked: int = 0
    """Links between imported articles pointed at their files."""


@dataclass(frozen=True, slots=True)
class _Staged:
    made: ImportedPost
    """The article, its text left out (it is in ``text_file``)."""
    path: str
    text_file: Path


def import_posts(
    site: TargetSite,
    posts: Iterable[ImportedPost | Skipped],
    keep_going: bool,
    dry_run: bool,
    media: MediaFolder | None = None,
    failed: Iterable[tuple[int, str]] = (),
) -> ImportDone:
    """Import ``posts`` into ``site`` as one transaction; return what was done.
    ``failed`` lists what could not be read (it fails the import as an article that
    cannot be imported does). What reading the posts raises is raised before
    anything is written."""
    done = ImportDone(failed=list(failed))
    with _staging_folder() as folder:
        site_known = read_site(site.root)
        staged, links = _stage(site, posts, folder, site_known, media, done)
        site = _with_copies(site, media, staged, done)
        sections = {item.path.split("/")[1] for item in staged} | set(site.sections)
        spellings = Spellings(dict(site_known.names))
        for item in staged:
            _check_staged(site, item, sections, links, spellings, done)
        if done.failed and not keep_going:
            done.files.clear()
            done.copies.clear()
        done.written = sorted(done.files)
        if not dry_run:
            write_all({**done.files, **done.copies})
    return done


STAGING_PREFIX = "newsgen-import-"


@contextmanager
def _staging_folder() -> Iterator[Path]:
    """A temporary folder for the staged texts, named after this process, removed at the
    end; those of imports that were killed (SIGKILL leaves them) are removed first."""
    temporary = Path(tempfile.gettempdir())
    for left in temporary.glob(f"{STAGING_PREFIX}*-*"):
        if not _alive(left.name.removeprefix(STAGING_PREFIX).partition("-")[0]):
            shutil.rmtree(left, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{STAGING_PREFIX}{os.getpid()}-") as folder:
        yield Path(folder)


def _alive(pid: str) -> bool:
    """True when process ``pid`` is running (or the name is not one of ours)."""
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: alive
        return True
    return True


def _stage(
    site: TargetSite,
    posts: Iterable[ImportedPost | Skipped],
    folder: Path,
    site_known: KnownSite,
    media: MediaFolder | None,
    done: ImportDone,
) -> tuple[list[_Staged], LinkMap]:
    """Give each new article a path, point its pictures found in ``media`` at their
    copies, and stage its text; return them, and the old addresses of every imported
    article (this import's and former ones')."""
    known, links = site_known.ids, site_known.links
    taken = {p.relative_to(site.root).as_posix() for p in (site.root / "content").rglob("*.md")}
    staged: list[_Staged] = []
    for made in posts:
        if isinstance(made, Skipped):
            done.skipped.append(made)
            continue
        if made.source_id in known:
            done.already += 1
            continue
        known.add(made.source_id)
        path, renamed = _free_path(made, taken)
        text = made.text
        if renamed:
            done.notes.append(Note(made.line, NoteKind.WARNING, renamed))
            new_slug = path.rsplit("/", 1)[1].removesuffix(".md")  # the address must differ too
            head, sep, body = text.partition("\n---\n")
            text = replace_value(head, "slug", made.slug, new_slug) + sep + body
        if media is not None:
            text, missing = media.localise(text)
            for address in missing:
                said = f"not in --media: {address} stays remote"
                done.notes.append(Note(made.line, NoteKind.WARNING, said))
        for url in made.old_urls:
            links.add(url, path)
        text_file = folder / f"{len(staged)}.md"
        text_file.write_text(text, encoding="utf-8")
        staged.append(_Staged(replace(made, text=""), path, text_file))
    return staged, links


def _check_staged(
    site: TargetSite,
    item: _Staged,
    sections: set[str],
    links: LinkMap,
    spellings: Spellings,
    done: ImportDone,
) -> None:
    """Finish the staged article's text and check it: staged for writing, or failed."""
    made, path = item.made, item.path
    text = item.text_file.read_text(encoding="utf-8")
    text = _without_section_aliases(text, sections, made.line, done.notes)
    text, found = rewrite_links(text, path, links)
    done.relinked += found
    problems = Problems()
    relative = path.removeprefix("content/")
    source = SourceFile(str(site.context.content_root / relative), path, relative)
    article = load_article(source, text, site.context, problems)
    errors = [p for p in problems if p.severity.value == "error"]
    if errors or article is None:
        listed = "; ".join(f"{p.field + ': ' if p.field else ''}{p.message}" for p in errors)
        done.failed.append((made.line, f"{path}: would not build: {listed}"))
        return
    text = spellings.unify(text, article, made.line, done.notes)
    done.notes += made.notes
    done.notes += [Note(made.line, NoteKind.WARNING, f"{path}: {p.message}") for p in problems]
    item.text_file.write_text(text, encoding="utf-8")
    done.files[site.root / path] = item.text_file


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


def _with_copies(
    site: TargetSite, media: MediaFolder | None, staged: list[_Staged], done: ImportDone
) -> TargetSite:
    """Record the pictures to copy (``done.copies``): those staging found in ``media``,
    and those saved with a page; return ``site`` as the loader will see it with them."""
    wanted: dict[str, Path] = dict(media.copies) if media is not None else {}
    for item in staged:
        wanted.update((relative, Path(file)) for relative, file in item.made.files)
    for relative, source in sorted(wanted.items()):
        target = site.root / "static" / relative
        if not target.exists():
            done.copies[target] = source
        elif target.read_bytes() != source.read_bytes():
            said = f"static/{relative} differs from {source}: the articles show the file there"
            done.notes.append(Note(0, NoteKind.WARNING, said))
    files = site.context.static_files | set(wanted)
    return replace(site, context=replace(site.context, static_files=files))


def _without_section_aliases(text: str, sections: set[str], line: int, notes: list[Note]) -> str:
    """``text`` without the aliases that are a section's address (``/sport/``: an old
    site's page of that name, which the section's own page now answers)."""

    def drop(match: re.Match[str]) -> str:
        if match.group(2) not in sections:
            return match.group(0)
        said = f"the old address {match.group(1)} is now section {match.group(2)}'s page: no alias"
        notes.append(Note(line, NoteKind.WARNING, said))
        return ""

    head, sep, body = text.partition("\n---\n")
    return edit_field(head, "aliases", lambda lines: _SECTION_ALIAS.sub(drop, lines)) + sep + body


def write_all(files: dict[Path, Path]) -> None:
    """Copy each file (target -> the file to copy), or none: a file that cannot be
    written, or a Ctrl-C, takes back the others (and the one being created when it
    came). A target that exists is never touched (FileExistsError)."""
    written: list[Path] = []
    pending: Path | None = None
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            pending = target  # from here an interrupt may leave it created
            try:
                handle = target.open("xb")
            except FileExistsError:
                pending = None  # someone else's file: never removed
                raise
            with handle:
                written.append(target)
                pending = None
                with content.open("rb") as source:
                    shutil.copyfileobj(source, handle)
    except BaseException:
        for target in [*written, *([pending] if pending else [])]:
            target.unlink(missing_ok=True)
        raise
