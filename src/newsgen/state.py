"""Knowing when a rebuild would write exactly what is already there.

A build records a fingerprint of all its inputs — every article file, every
template, static file and image beside an article, the config, ``authors.yaml``
and the options — and how long its output stays right: until the next
scheduled article falls due or an article leaves the news sitemap's two-day
window. A later build with the same fingerprint before that moment, into an
output folder nobody has touched since, has nothing to do.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from . import __version__
from .models import Article

NEWS_WINDOW = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the cache remembers of the last successful build into an output folder."""

    inputs: str
    """The fingerprint of every input."""
    valid_until: datetime | None
    """When the output stops being right although no input changed (None: never)."""
    report: object
    """The BuildReport of that build."""
    manifest: str | None
    """output_manifest() of the output folder as that build left it."""


def inputs_fingerprint(
    articles: Iterable[tuple[str, str]],
    read_files: Iterable[tuple[str, Path]],
    stat_files: Iterable[tuple[str, Path]],
    options: Sequence[object],
) -> str:
    """Return a hash of every input of a build.

    ``articles`` are ``(path, hash of bytes)``; ``read_files`` (config,
    templates: small) count by their bytes and ``stat_files`` (static files,
    images: possibly large) by size and modification time, each named by a
    path relative to its folder, so that a copy of a site elsewhere has the
    same fingerprint; ``options`` are the build options that change output.
    """
    digest = hashlib.sha256(__version__.encode())
    for name, content in articles:
        digest.update(f"{name}\0{content}\0".encode("utf-8", "surrogatepass"))
    for name, path in sorted(read_files):
        digest.update(_name(name))
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
    for name, path in sorted(stat_files):
        digest.update(_name(name))
        try:
            info = path.stat()
            digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
        except OSError:
            digest.update(b"\0missing")
    digest.update(repr(list(options)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _name(name: str) -> bytes:
    return name.encode("utf-8", "surrogatepass") + b"\0"


def folder_files(*folders: Path) -> list[tuple[str, Path]]:
    """Return ``(name, path)`` of every file below ``folders`` (missing ones have none);
    names are ``N:relative/path`` for the N-th folder."""
    found: list[tuple[str, Path]] = []
    for number, folder in enumerate(folders):
        for directory, _, names in os.walk(folder):
            for name in names:
                path = Path(directory) / name
                found.append((f"{number}:{path.relative_to(folder).as_posix()}", path))
    return found


def valid_until(articles: Iterable[Article], now: datetime) -> datetime | None:
    """Return when the output of a build at ``now`` goes stale by the clock alone.

    That is the earliest of: a scheduled (future) article falling due, and an
    article published within the last two days leaving the news sitemap.
    """
    moments = []
    for article in articles:
        if article.date > now:
            moments.append(article.date)
        elif article.date + NEWS_WINDOW > now:
            moments.append(article.date + NEWS_WINDOW)
    return min(moments, default=None)


def output_manifest(output: Path) -> str | None:
    """Return a hash of every entry below ``output``: its path, kind and inode.

    Any file or link added, removed or replaced (a new inode) changes it; it
    reads directories only, no file. None when ``output`` is not a directory.
    """
    if not output.is_dir() or output.is_symlink():
        return None
    digest = hashlib.sha256()
    pending = [output]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            kind = "l" if entry.is_symlink() else "d" if entry.is_dir() else "f"
            line = f"{entry.path}\0{kind}{entry.inode()}\0"
            digest.update(line.encode("utf-8", "surrogateescape"))
            if kind == "d":
                pending.append(Path(entry.path))
    return digest.hexdigest()


def still_valid(last: object, inputs: str, now: datetime, manifest: str | None) -> bool:
    """True when ``last`` (a LastBuild) was built from ``inputs``, is still right at
    ``now``, and its output folder is as it left it (the same ``manifest``)."""
    return (
        isinstance(last, LastBuild)
        and last.inputs == inputs
        and (last.valid_until is None or now < last.valid_until)
        and manifest is not None
        and last.manifest == manifest
    )
