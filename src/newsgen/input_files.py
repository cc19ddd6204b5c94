"""Reading a site's input files without hanging or running out of memory.

newsgen reads ``newsgen.yaml``, ``authors.yaml``, templates, articles and the
files given to ``newsgen import``. Any of these paths may name something
other than a file: a named pipe (reading one waits for a writer that never
comes), a device (``/dev/zero`` never ends), a folder or a socket.
read_regular() opens without blocking, checks on the open descriptor that it
is a regular file, and reads no more than a limit. file_problem() says why a
file found in a tree cannot be used; is_ignored_name() which names are never
inputs (hidden files, editors' temporary files: one list for the build and the
preview's watcher).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

EDITOR_TEMPORARY = (
    "*.swp", "*.swo", "*.swx", "*.swpx", "4913",  # vim
    "*~", ".#*", "#*#",  # emacs, many editors' backups
    "*.tmp", "*.temp", "*.bak", "*.part", "*.crdownload",
    "*.kate-swp", ".goutputstream-*",  # Kate, GNOME (gedit)
    "*___jb_tmp___", "*___jb_old___",  # JetBrains
    ".~lock.*#",  # LibreOffice
    ".DS_Store", "Thumbs.db", "desktop.ini",
    "sed" + "[a-zA-Z0-9]" * 6,  # sed -i (mkstemp's letters and digits: sedan.png is no such)
)  # fmt: skip
"""File names (shell patterns) that editors and tools write while saving: never
content, never a reason to rebuild."""

_TEMPORARY = re.compile("|".join(fnmatch.translate(pattern) for pattern in EDITOR_TEMPORARY))
_HIDDEN = (".", "#", "~$")


_PLAIN_SUFFIXES = (".md", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif", ".svg", ".css", ".js")
"""Endings of most names in a site (articles, pictures, styles), which no pattern of
EDITOR_TEMPORARY and no hidden name's start can match."""


def is_ignored_name(name: str) -> bool:
    """Return True for a name no build reads and no save rebuilds for: hidden files
    (``.x``, ``#x``, ``~$x``) and editors' temporary and swap files (EDITOR_TEMPORARY)."""
    if name.startswith(_HIDDEN):
        return True
    if name.endswith(_PLAIN_SUFFIXES):
        return False  # a build walks 100,000s of these: no pattern to try
    return _TEMPORARY.match(name) is not None


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe opens at once instead of waiting
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotAFile(OSError):
    """The path names something newsgen does not read: not a regular file, or a
    file over the size limit. ``str()`` says what, as a phrase starting with
    "is" (``is a named pipe (FIFO), not a regular file; ...``)."""


def kind_problem(mode: int) -> str | None:
    """Return why a path of this ``st_mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"is {kind}, not a regular file; replace it with a file"


def read_regular(
    path: Path | str, max_bytes: int | None = None, stat_first: bool = True
) -> tuple[bytes, os.stat_result]:
    """Return the bytes of the regular file at ``path`` and its stat before reading.

    Raises NotAFile when ``path`` (after symbolic links) is a folder, named
    pipe, device or socket, or holds more than ``max_bytes``; FileNotFoundError
    when it (or a link's target) is missing; OSError when it cannot be read.
    With ``stat_first`` the kind is checked before opening, so that a device
    is never even opened; without it (a path just listed as a regular file)
    only on the open descriptor, which saves a system call.
    """
    if stat_first:
        _refuse(os.stat(path), max_bytes)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(descriptor)
        _refuse(info, max_bytes)
        parts, size = [], 0
        while part := os.read(descriptor, max(info.st_size + 1, 1 << 16)):
            parts.append(part)
            size += len(part)
            if max_bytes is not None and size > max_bytes:  # it grew while being read
                raise NotAFile(_too_large(max_bytes))
        return parts[0] if len(parts) == 1 else b"".join(parts), info
    finally:
        os.close(descriptor)


def open_regular(path: Path | str) -> BinaryIO:
    """Return the regular file at ``path`` open for reading in binary, to be read in
    parts (an export too large to hold). Raises NotAFile when it is a folder, named
    pipe, device or socket (checked before opening and on the open descriptor, so
    that opening never blocks), FileNotFoundError or OSError as open() does."""
    _refuse(os.stat(path), None)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        _refuse(os.fstat(descriptor), None)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _refuse(info: os.stat_result, max_bytes: int | None) -> None:
    problem = kind_problem(info.st_mode)
    if problem is not None:
        raise NotAFile(problem)
    if max_bytes is not None and info.st_size > max_bytes:
        raise NotAFile(_too_large(max_bytes))


def _too_large(max_bytes: int) -> str:
    return f"is larger than {describe_size(max_bytes)}, more than newsgen reads"


def describe_size(size: int) -> str:
    """Return ``size`` in bytes as people write it: ``64 KiB``, ``10 MB``."""
    if size >= 1 << 20 and size % (1 << 20) == 0:
        return f"{size >> 20} MiB"
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


def unreadable_message(error: OSError) -> str:
    """Return what to tell the user about ``error`` from read_regular(): NotAFile's own
    phrase, or ``cannot be read: <reason>``."""
    if isinstance(error, NotAFile):
        return str(error)
    return f"cannot be read: {error.strerror or error}"


def utf8_problem(data: bytes, error: UnicodeDecodeError) -> tuple[int, str]:
    """Return the line of the first byte of ``data`` that is not UTF-8 and what to say."""
    line = data.count(b"\n", 0, error.start) + 1
    return line, (
        f"is not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}; "
        "save the file as UTF-8"
    )


def leads_to_folder(entry: os.DirEntry[str]) -> bool:
    """True when ``entry`` (a symbolic link, found with ``os.scandir``) leads to a folder;
    False for broken or looping links."""
    try:
        return entry.is_dir()
    except OSError:
        return False


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
    try:
        return kind_problem(target.stat().st_mode)  # a named pipe would make the build wait
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
