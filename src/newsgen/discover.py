"""Find the articles and other files of a content tree."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Problems

ARTICLE_SUFFIX = ".md"
_TEMPORARY_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".bak")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An article file found under ``content/``."""

    path: Path
    """The file on disk."""
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


def is_ignored_name(name: str) -> bool:
    """Return True for hidden files and editors' temporary and swap files."""
    return (
        name.startswith((".", "#", "~$"))
        or name.endswith(_TEMPORARY_SUFFIXES)
        or (name.startswith(".#"))
    )


def discover_content(site_root: Path, problems: Problems) -> ContentTree:
    """Walk ``SITE_ROOT/content`` and return its article and asset files.

    Hidden and temporary files are skipped. A symlink that leads outside
    ``content/`` is reported as an error and skipped. A missing ``content/``
    is an error.
    """
    content = site_root / "content"
    if not content.is_dir():
        problems.error("content", 1, None, f"no content/ folder in {site_root}; articles go there")
        return ContentTree((), frozenset())
    root = content.resolve()
    articles: list[SourceFile] = []
    assets: set[str] = set()
    visited: set[Path] = set()
    for directory, dirnames, filenames in os.walk(content, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored_name(d))
        here = Path(directory)
        resolved = here.resolve()
        if resolved in visited:  # a link back to a folder already walked
            dirnames[:] = []
            continue
        visited.add(resolved)
        if not _inside(resolved, root):
            problems.error(
                _shown(site_root, here),
                1,
                None,
                "is a link to a folder outside content/; copy the files in instead",
            )
            dirnames[:] = []
            continue
        for name in sorted(filenames):
            if is_ignored_name(name):
                continue
            path = here / name
            relative = path.relative_to(content).as_posix()
            problem = file_problem(path, root, "content/")
            if problem:
                problems.error(_shown(site_root, path), 1, None, problem)
            elif name.endswith(ARTICLE_SUFFIX):
                articles.append(SourceFile(path, _shown(site_root, path), relative))
            else:
                assets.add(relative)
    articles.sort(key=lambda source: source.content_relative)
    return ContentTree(tuple(articles), frozenset(assets))


def file_problem(path: Path, root: Path, folder: str) -> str | None:
    """Return why ``path`` (a file found under ``root``) cannot be used, or None.

    Refused: links that lead outside ``root`` or round in a loop, broken
    links, and anything that is not a regular file (a named pipe would make
    the build wait forever).
    """
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "is a symbolic link that loops back on itself; remove it"
    except OSError:
        return "is a broken symbolic link; remove it or restore its target"
    if not _inside(target, root):
        return f"is a link to a file outside {folder}; copy the file in instead"
    if not target.is_file():
        return "is not a regular file (a named pipe, socket or device); remove it"
    return None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _shown(site_root: Path, path: Path) -> str:
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return path.as_posix()
