"""Find the articles and other files of a content tree, and its section folders."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgen.errors import Problems
from newsgen.input_files import file_problem, is_ignored_name, leads_to_folder
from newsgen.models import SectionConfig
from newsgen.urls import make_slug

ARTICLE_SUFFIX = ".md"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An article file found under ``content/``."""

    path: str
    """The file on disk (a string: a build makes one for each of many thousands)."""
    shown: str
    """The path shown to users, relative to the site root (``content/world/a.md``)."""
    content_relative: str
    """The path relative to ``content/`` with ``/`` separators (``world/a.md``)."""

    @property
    def folder_section(self) -> str | None:
        """The top-level folder under ``content/`` (the default section), or None."""
        head, sep, _ = self.content_relative.partition("/")
        return head if sep else None


@dataclass(frozen=True, slots=True)
class ContentTree:
    """What discover_content() found."""

    articles: tuple[SourceFile, ...]
    """Article files, sorted by path."""
    assets: frozenset[str]
    """Other files under ``content/``, relative to it (images beside articles)."""


def discover_content(site_root: Path, problems: Problems) -> ContentTree:
    """Walk ``SITE_ROOT/content`` and return its article and asset files.

    Hidden and temporary files are skipped. A symlink that leads outside
    ``content/`` is reported as an error and skipped, as is anything that is
    not a regular file. A missing ``content/`` is an error.

    The walk reads each folder once with ``os.scandir`` and trusts the entry
    type it reports: a plain file or folder below a folder known to lie inside
    ``content/`` lies inside it too. Only symbolic links and special files
    take the slower checks of file_problem().
    """
    content = site_root / "content"
    if not content.is_dir():
        problems.error("content", 1, None, f"no content/ folder in {site_root}; articles go there")
        return ContentTree((), frozenset())
    root = content.resolve()
    found = _Found(root, problems)
    pending = [_Folder(str(content), str(root), "", linked=False)]
    visited: set[str] = set()
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder.path) if folder.linked else folder.real
        if real in visited:  # a link back to a folder already walked
            continue
        visited.add(real)
        if folder.linked and not _inside_real(real, str(root)):
            problems.error(
                "content/" + folder.relative.rstrip("/"),
                1,
                None,
                "is a link to a folder outside content/; copy the files in instead",
            )
            continue
        pending.extend(reversed(found.scan(folder, real)))
    found.articles.sort(key=lambda source: source.content_relative)
    return ContentTree(tuple(found.articles), frozenset(found.assets))


@dataclass(frozen=True, slots=True)
class _Folder:
    """A folder to walk."""

    path: str
    """The folder as reached from ``content/`` (through any links)."""
    real: str
    """Its resolved path, when reached without a link (else resolved when walked)."""
    relative: str
    """Its path relative to ``content/``, ending in ``/`` (empty for ``content/`` itself)."""
    linked: bool
    """True when reached through a symbolic link."""


class _Found:
    """The articles and assets found so far, and the problems of the walk."""

    def __init__(self, root: Path, problems: Problems) -> None:
        self.root = root
        self.problems = problems
        self.articles: list[SourceFile] = []
        self.assets: set[str] = set()

    def scan(self, folder: _Folder, real: str) -> list[_Folder]:
        """Record the files of ``folder`` (resolved: ``real``); return its subfolders, sorted.

        A folder that cannot be listed is skipped, as ``os.walk`` does.
        """
        try:
            with os.scandir(folder.path) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            return []
        base = Path(folder.path)
        subfolders = []
        for entry in entries:
            name = entry.name
            if is_ignored_name(name):
                continue
            relative = folder.relative + name
            if entry.is_dir(follow_symlinks=False):
                inner = os.path.join(real, name)
                subfolders.append(_Folder(entry.path, inner, relative + "/", linked=False))
            elif entry.is_symlink() and leads_to_folder(entry):
                subfolders.append(_Folder(entry.path, "", relative + "/", linked=True))
            elif entry.is_file(follow_symlinks=False):
                self._add(entry.path, relative)
            else:  # a link to a file, a broken link, a pipe, socket or device
                problem = file_problem(base / name, self.root, "content/")
                if problem:
                    self.problems.error("content/" + relative, 1, None, problem)
                else:
                    self._add(entry.path, relative)
        return subfolders

    def _add(self, path: str, relative: str) -> None:
        if relative.endswith(ARTICLE_SUFFIX):
            self.articles.append(SourceFile(path, "content/" + relative, relative))
        else:
            self.assets.add(relative)


def _inside_real(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def known_sections(content: Path, configured: Iterable[SectionConfig]) -> dict[str, str]:
    """Return the site's sections as {slug of a name, title or folder: the section's folder}.

    A section is known when newsgen.yaml lists it (by its name or its title) or when
    a folder of that name lies in ``content/``, listed or not.
    """
    known: dict[str, str] = {}
    for section in configured:
        folder = make_slug(section.name)
        for name in (section.name, section.title):
            if make_slug(name):
                known.setdefault(make_slug(name), folder)
    try:
        with os.scandir(content) as scan:
            folders = [e.name for e in scan if not is_ignored_name(e.name) and leads_to_folder(e)]
    except OSError:
        folders = []
    for name in sorted(folders):
        if make_slug(name) == name:
            known.setdefault(name, name)
    return known
