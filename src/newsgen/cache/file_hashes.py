"""Knowing a file's hash without reading it: by its ``stat``, recorded with the hash.

A file whose size, mtime, inode and ctime are those recorded with its hash
keeps that hash and is not read. An edit in place that keeps the size and
puts the mtime back (``os.utime``, ``touch -r``) still changes the ctime,
which nobody can set; a file replaced by another has another inode. Like
git, newsgen does not record the stat of a "racy" file, one changed within
RACY_SECONDS of being hashed: a second change in the same clock tick would
leave the stat as it was, so such a file is hashed again by the next build.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from newsgen.cache.articles import OTHER_FILES, ArticleCache
from newsgen.input_files import read_regular

RACY_SECONDS = 2
"""A file changed this close to the moment it was hashed is hashed again by the next build."""


def file_hashes(
    files: Sequence[tuple[str, str | Path]], cache: ArticleCache | None
) -> list[tuple[str, str]]:
    """Return ``(name, hash of the bytes)`` of each of ``files`` (``(name, path)``), the
    hash "missing" for a file that cannot be read. With a ``cache``, a file whose stat
    matches the one recorded there keeps its recorded hash and is not read; the others
    are read, and recorded unless racy (as read_sources() does for articles)."""
    known = cache.file_digests(OTHER_FILES) if cache is not None else {}
    started = time.time_ns()
    found: list[tuple[str, str]] = []
    recorded: list[tuple[str, str, str]] = []
    for name, path in files:
        row = known.get(name)
        digest = recorded_digest(path, row) if row is not None else None
        if digest is None:
            try:
                digest, stat = hash_file(path)
            except OSError:
                found.append((name, "missing"))
                continue
            if not racy(stat, started):
                recorded.append((name, stat_key(stat), digest))
        found.append((name, digest))
    if cache is not None:
        names = {name for name, _ in files}
        cache.put_file_digests(recorded, [name for name in known if name not in names], OTHER_FILES)
    return found


def hash_file(path: str | Path) -> tuple[str, os.stat_result]:
    """Return the SHA-256 of the file at ``path`` and its stat before reading. Raises OSError."""
    with open(path, "rb") as file:
        stat = os.fstat(file.fileno())
        return hashlib.file_digest(file, "sha256").hexdigest(), stat


def recorded_digest(path: str | Path, row: tuple[str, str]) -> str | None:
    """Return the recorded hash of the file at ``path`` when its stat is still the recorded one."""
    try:
        stat = os.stat(path)
    except OSError:  # the caller tries to read it and says why it cannot
        return None
    recorded_stat, digest = row
    return digest if stat_key(stat) == recorded_stat else None


def stat_key(stat: os.stat_result) -> str:
    """The parts of a stat that change whenever a file's bytes do."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{stat.st_ctime_ns}"


def racy(stat: os.stat_result, hashed_at: int) -> bool:
    """True when the file changed within RACY_SECONDS of ``hashed_at`` (ns since 1970)."""
    changed = max(stat.st_mtime_ns, stat.st_ctime_ns)
    return changed + RACY_SECONDS * 1_000_000_000 > hashed_at


def read_file(path: str | Path) -> tuple[bytes, os.stat_result]:
    """Return the bytes of the file at ``path`` and its stat before reading. Raises
    OSError (NotAFile when it is no longer a regular file). Five system calls, where
    Python's open() and read() make seven (a build reads every article file: twice in
    a cold build, to hash it and to parse it)."""
    return read_regular(path, stat_first=False)  # discover_content() found a regular file
