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
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from newsgen.content.discover import SourceFile, discover_content
from newsgen.content.frontmatter import FrontMatterError, split_front_matter
from newsgen.content.parse import load_article
from newsgen.errors import Problems
from newsgen.importer.command import TargetSite
from newsgen.importer.imported import Note, NoteKind
from newsgen.importer.links import LinkMap, rewrite_links
from newsgen.importer.media import MediaFolder
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
_EMPTY_ALIASES = re.compile(r"^aliases:\n(?!- )", re.M)
_SECTION_ALIAS = re.compile(r"^- ('?/([^/\s']+)/?'?)\n", re.M)


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
    relinked: int = 0
    """Links between imported articles pointed at the new files."""
    copies: dict[Path, Path] = field(default_factory=dict)
    """Pictures to copy: the file in ``static/`` -> the file in ``--media``."""
    """Links between imported articles pointed at the new files."""


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
    media: MediaFolder | None = None,
    failed: Iterable[tuple[int, str]] = (),
) -> WordPressImport:
    """Import ``posts`` (of a WordPress export, a feed or saved pages) into ``site`` as
    one transaction; return what was done. Links between the articles (and to those a
    former import wrote) are pointed at their files; pictures found in ``media`` are
    copied into ``static/``. ``failed`` lists what could not be read (it fails the
    import as a post that cannot be imported does). What reading the posts raises is
    raised before anything is written."""
    done = WordPressImport(failed=list(failed))
    known, links = imported_sources(site.root)
    taken = {p.relative_to(site.root).as_posix() for p in (site.root / "content").rglob("*.md")}
    staged: list[tuple[ImportedPost, str]] = []
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
            new_slug = path.rsplit("/", 1)[1].removesuffix(".md")  # the address must differ too
            made = replace(
                made, text=made.text.replace(f"\nslug: {made.slug}\n", f"\nslug: {new_slug}\n", 1)
            )
        for url in made.old_urls:
            links.add(url, path)
        staged.append((made, path))
    if media is not None:
        site = _with_copies(site, media, staged, done)
    sections = {path.split("/")[1] for _, path in staged} | set(site.sections)
    for made, path in staged:
        text = media.localise(made.text)[0] if media is not None else made.text
        text = _without_section_aliases(text, sections, made.line, done.notes)
        text, done.relinked = _relinked(text, path, links, done.relinked)
        problems = _check(site, path, text)
        errors = [p for p in problems if p.severity.value == "error"]
        if errors:
            listed = "; ".join(f"{p.field + ': ' if p.field else ''}{p.message}" for p in errors)
            done.failed.append((made.line, f"{path}: would not build: {listed}"))
            continue
        done.notes += made.notes
        done.notes += [Note(made.line, NoteKind.WARNING, f"{path}: {p.message}") for p in problems]
        done.texts[site.root / path] = text
    if done.failed and not keep_going:
        done.texts.clear()
        done.copies.clear()
    done.written = sorted(done.texts)
    if not dry_run:
        _write_all(done.texts, done.copies)
    return done


def _with_copies(
    site: TargetSite,
    media: MediaFolder,
    staged: list[tuple[ImportedPost, str]],
    done: WordPressImport,
) -> TargetSite:
    """Find the pictures of the staged posts in ``media``; record the copies to make
    (``done.copies``) and return ``site`` as the loader will see it with them."""
    for made, _ in staged:
        for address in media.localise(made.text)[1]:
            said = f"not in --media: {address} stays remote"
            done.notes.append(Note(made.line, NoteKind.WARNING, said))
    static = site.root / "static"
    for relative, source in sorted(media.copies.items()):
        target = static / relative
        if not target.exists():
            done.copies[target] = source
        elif target.read_bytes() != source.read_bytes():
            said = f"static/{relative} differs from {source}: the articles show the file there"
            done.notes.append(Note(0, NoteKind.WARNING, said))
    files = site.context.static_files | set(media.copies)
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
    head = _EMPTY_ALIASES.sub("", _SECTION_ALIAS.sub(drop, head + "\n"))[:-1]
    return head + sep + body


def _relinked(text: str, path: str, links: LinkMap, count: int) -> tuple[str, int]:
    new_text, found = rewrite_links(text, path, links)
    return new_text, count + found


def imported_sources(root: Path) -> tuple[set[str], LinkMap]:
    """Return the source_id() of each post, entry or page the site's articles came from
    (their ``extra.wordpress``, ``extra.feed`` or ``extra.page``), and the old addresses
    recorded there, each with its article's file."""
    found: set[str] = set()
    links = LinkMap()
    for source in discover_content(root, Problems()).articles:
        extra = _extra(Path(source.path))
        if extra is None:
            continue
        origin, entry, page = (extra.get(k) for k in ("wordpress", "feed", "page"))
        file = f"content/{source.content_relative}"
        if isinstance(origin, dict):
            guid = str(origin.get("guid") or origin.get("link") or "")
            found.add(source_id(guid, str(origin.get("id") or "")))
            links.add(str(origin.get("link") or ""), file)
        if isinstance(entry, dict) and entry.get("id"):
            found.add(source_id(str(entry["id"]), ""))
            links.add(str(entry.get("link") or ""), file)
        if isinstance(page, dict) and (page.get("url") or page.get("sha256")):
            url = str(page.get("url") or "")
            found.add(source_id(url or f"sha256:{page.get('sha256')}", ""))
            links.add(url, file)
    return found, links


def _extra(file: Path) -> dict | None:
    """The ``extra`` mapping of an article file that an import wrote, else None."""
    try:
        text = read_regular(file, MAX_ARTICLE_BYTES)[0].decode("utf-8", "replace")
    except OSError:
        return None
    if "wordpress:" not in text and "feed:" not in text and "page:" not in text:
        return None
    try:
        front = yaml.safe_load(split_front_matter(text).front_matter)
    except (yaml.YAMLError, FrontMatterError):
        return None
    extra = front.get("extra") if isinstance(front, dict) else None
    return extra if isinstance(extra, dict) else None


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


def _write_all(texts: dict[Path, str], copies: dict[Path, Path] | None = None) -> None:
    """Write every file (and copy every picture), or none: a file that cannot be
    written, or a Ctrl-C, takes back the others (and the one being created when it
    came)."""
    written: list[Path] = []
    pending: Path | None = None
    contents: list[tuple[Path, str | Path]] = [*texts.items(), *(copies or {}).items()]
    try:
        for target, content in contents:
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
                if isinstance(content, str):
                    handle.write(content.encode("utf-8"))
                else:
                    with content.open("rb") as source:
                        shutil.copyfileobj(source, handle)
    except BaseException:
        for target in [*written, *([pending] if pending else [])]:
            target.unlink(missing_ok=True)
        raise
