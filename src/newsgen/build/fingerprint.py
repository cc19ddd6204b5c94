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
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from newsgen import __version__
from newsgen.input_files import NotAFile, read_regular
from newsgen.models import Article, SiteConfig
from newsgen.render.freshness import changes_at as card_changes
from newsgen.site.front import changes_at as front_changes
from newsgen.site.front import facts_of

NEWS_WINDOW = timedelta(days=2)
MAX_READ = 1 << 24
"""A file to fingerprint by its bytes that is larger than this (16 MiB) counts as "not a
file": the config and authors.yaml are refused long before, when they are loaded."""


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
    read_files: Iterable[tuple[str, Path | bytes]],
    hashed_files: Iterable[tuple[str, str]],
    options: Sequence[object],
) -> str:
    """Return a hash of every input of a build.

    ``articles`` are ``(path, hash of bytes)``; ``read_files`` (config,
    templates: small; a path, or the bytes already read) count by their bytes
    and ``hashed_files`` (static files, images: possibly large) by the hash of
    their bytes (cache.file_hashes.file_hashes(), which reads a file only when its
    stat changed), each named by a path relative to its folder, so that a copy
    of a site elsewhere has the same fingerprint; ``options`` are the build
    options that change output. It is with_articles() of the fingerprint of
    all but the articles (``articles`` empty) and ``articles``.
    """
    digest = hashlib.sha256(__version__.encode())
    for name, source in sorted(read_files, key=lambda entry: entry[0]):
        digest.update(_name(name))
        try:
            digest.update(
                source if isinstance(source, bytes) else read_regular(source, MAX_READ)[0]
            )
        except NotAFile:  # a folder or named pipe: never read, and told apart from missing
            digest.update(b"\0not a file")
        except OSError:
            digest.update(b"\0missing")
    for name, content in sorted(hashed_files):
        digest.update(_name(name) + content.encode() + b"\0")
    digest.update(repr(list(options)).encode("utf-8", "surrogatepass"))
    return with_articles(digest.hexdigest(), articles)


def with_articles(others: str, articles: Iterable[tuple[str, str]]) -> str:
    """Return the fingerprint of every input: ``others`` (inputs_fingerprint() of all
    but the article files) with ``articles``, ``(path, hash of bytes)``."""
    digest = hashlib.sha256(others.encode())
    for name, content in articles:
        digest.update(f"{name}\0{content}\0".encode("utf-8", "surrogatepass"))
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


def valid_until(
    articles: Iterable[Article], now: datetime, config: SiteConfig
) -> datetime | None:
    """Return when the output of a build at ``now`` goes stale by the clock alone.

    That is the earliest of: a scheduled (future) article falling due, an
    article published within the last two days leaving the news sitemap, a
    card's time turning into "Yesterday" or a date (render/freshness.py), and a
    story's pin running out or its priority ceasing to count (site/front.py).
    """
    articles = list(articles)
    moments = []
    for article in articles:
        if article.date > now:
            moments.append(article.date)
        elif article.date + NEWS_WINDOW > now:
            moments.append(article.date + NEWS_WINDOW)
    moments += card_changes((a.date for a in articles), now, config.timezone)
    moments += front_changes(map(facts_of, articles), config.home, now)
    return min(moments, default=None)


def output_manifest(output: Path) -> str | None:
    """Return a fingerprint of the output folder as a build left it, or None when
    ``output`` is missing, not a directory, or a symbolic link.

    It costs one ``stat`` of the folder, one listing of its top level and one
    ``lstat`` per top-level entry, however many pages lie below. It hashes the
    folder's own device and inode, and each top-level entry's name, kind,
    inode and modification time; the marker file ``.newsgen-output`` is one of
    those entries. So it changes when:

    - the output folder is removed, replaced (by a copy, a restore, a move,
      newsgen's own swap of a staged tree) or emptied;
    - the marker is removed, replaced or touched;
    - a top-level entry is added, removed, renamed or replaced (``index.html``,
      ``feed.xml``, a section folder such as ``world/``);
    - a top-level file is written in place (its mtime), or an entry is added
      to, removed from or renamed within a top-level folder (the folder's mtime:
      ``rm -r public/world/2024``).

    It does not notice changes deeper down that leave every top-level
    folder's own mtime alone: a page edited, replaced or removed inside
    ``world/2024/`` while ``world/`` keeps its entries: a rebuild with no
    input changed leaves such an edit in place.
    """
    try:
        own = os.lstat(output)
        if not stat.S_ISDIR(own.st_mode):
            return None
        with os.scandir(output) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        lines = [f"{own.st_dev}:{own.st_ino}"]
        for entry in entries:
            info = entry.stat(follow_symlinks=False)
            lines.append(
                f"{entry.name}\0{stat.S_IFMT(info.st_mode)}:{info.st_ino}:{info.st_mtime_ns}"
            )
    except OSError:  # removed or replaced while we looked: no fingerprint, no match
        return None
    joined = "\n".join(lines).encode("utf-8", "surrogateescape")
    return hashlib.sha256(joined).hexdigest()


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


@dataclass(frozen=True, slots=True)
class QuickFound:
    """What a build found before loading articles, that a QuickState records or a quick
    rebuild checks."""

    others: str
    """Fingerprint of every input but the article files."""
    inputs: str
    """Fingerprint of every input (state.inputs_fingerprint)."""
    digests: Mapping[str, str]
    entry_keys: Mapping[str, str]
    base: str
    manifest: str | None
    """state.output_manifest() of the output before this build."""


def base_key(*parts: object) -> str:
    """Return the key every output shares: a hash of ``parts`` (version, options, config,
    template bytes)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "replace"))
        digest.update(b"\0")
    return digest.hexdigest()
