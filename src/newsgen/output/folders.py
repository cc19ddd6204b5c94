"""File-system steps inside a tree that never follow a symbolic link.

Every file and folder is made, linked or removed relative to a descriptor of
the folder that holds it, and each folder is opened from the one above it
with ``O_NOFOLLOW``: a link planted anywhere in a tree (in place of a folder
or a file) can never lead newsgen to write, link or delete anything outside
it. Used by output/staging.py (full builds) and output/quick_write.py (quick rebuilds).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NO_FOLLOW | _CLOSE_ON_EXEC
"""Open a folder, never through a symbolic link (ELOOP or ENOTDIR then)."""
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW | _CLOSE_ON_EXEC
"""Always a new inode, never an existing file (nor one through a link)."""
NOT_A_FOLDER = frozenset({errno.ELOOP, errno.ENOTDIR, errno.ENOENT})
"""Why a folder of a tree cannot be opened when something else (a symbolic link, a
file) or nothing is where it should be."""
OPEN_FOLDERS = 64
"""Folder descriptors a tree keeps open at most (consecutive files share folders)."""


class Folders:
    """Descriptors of the folders of one tree, each opened from the folder above it
    without following a symbolic link, and kept for the next file made there.

    Folders are named by their ``/``-separated path relative to the root
    (``""`` is the root itself).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._open: dict[str, int] = {}

    def fd(self, folder: str) -> int:
        """Return a descriptor of ``folder``. Raises OSError: ELOOP or ENOTDIR when it
        or a folder above it is a symbolic link or not a folder, ENOENT when missing."""
        handle = self._open.get(folder)
        if handle is not None:
            return handle
        above, _, name = folder.rpartition("/")
        parent = self._open.get(above) if folder else None
        if parent is not None and len(self._open) < OPEN_FOLDERS:  # the usual case
            handle = self._open[folder] = os.open(name, _FOLDER, dir_fd=parent)
            return handle
        return self._open_chain(folder)

    def _open_chain(self, folder: str) -> int:
        """Open ``folder`` from the nearest folder above it that is open (or the root)."""
        if len(self._open) >= OPEN_FOLDERS:
            self.close()
        chain = []  # the folders to open, from ``folder`` up to the nearest one open
        above = folder
        while above and above not in self._open:
            chain.append(above)
            above = above.rpartition("/")[0]
        handle = self._open.get(above)
        if handle is None:
            handle = self._open[""] = os.open(self.root, _FOLDER)
        kept = True
        for path in reversed(chain):  # kept open while there is room (``folder`` always)
            try:
                opened = os.open(path.rpartition("/")[2], _FOLDER, dir_fd=handle)
            finally:
                if not kept:
                    os.close(handle)
            kept = path == folder or len(self._open) < OPEN_FOLDERS
            if kept:
                self._open[path] = opened
            handle = opened
        return handle

    def forget(self, folder: str) -> None:
        """Close the descriptors of ``folder`` and of every folder below it (removed or
        replaced): the next fd() opens what is there now."""
        below = folder + "/"
        for name in [name for name in self._open if name == folder or name.startswith(below)]:
            os.close(self._open.pop(name))

    def close(self) -> None:
        """Close every descriptor. Each is forgotten before it is closed: an interrupt
        (Ctrl-C) in the middle leaves none closed yet still listed, which a later use
        or close would meet as EBADF ("Bad file descriptor")."""
        while self._open:
            os.close(self._open.popitem()[1])


def new_file(folder: Path | int, name: str, data: bytes) -> int:
    """Create the file ``name`` holding ``data`` in ``folder`` (a descriptor, or a path
    opened without following a link); return its inode. Raises OSError,
    FileExistsError when there is one."""
    if isinstance(folder, int):
        return _new_file(folder, name, data)
    handle = os.open(folder, _FOLDER)
    try:
        return _new_file(handle, name, data)
    finally:
        os.close(handle)


def is_folder(folder: int, name: str) -> bool:
    """True when ``name`` in ``folder`` is a folder (not a link to one). Raises OSError."""
    return stat.S_ISDIR(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)


def remove(folder: int, name: str) -> None:
    """Remove ``name`` from ``folder`` if it is there, whatever it is (a folder with all
    it holds), never following a link. Raises OSError."""
    try:
        os.unlink(name, dir_fd=folder)
    except FileNotFoundError:
        return
    except (IsADirectoryError, PermissionError):  # EISDIR on Linux, EPERM elsewhere
        if not is_folder(folder, name):
            raise
        shutil.rmtree(name, dir_fd=folder)


def make_folder(folder: int, name: str) -> None:
    """Make the folder ``name`` in ``folder`` unless there is one; a link or a file in
    its place is removed first. Raises OSError."""
    try:
        os.mkdir(name, dir_fd=folder)
    except FileExistsError:
        if is_folder(folder, name):
            return  # made meanwhile (by a helper process), or another spelling of its name
        os.unlink(name, dir_fd=folder)
        os.mkdir(name, dir_fd=folder)


def _new_file(folder: int, name: str, data: bytes) -> int:
    """Write ``data`` to the new file ``name`` in ``folder``; return its inode (four
    system calls, where Python's ``open`` makes seven: a build writes tens of
    thousands of files)."""
    descriptor = os.open(name, _NEW_FILE, 0o666, dir_fd=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        return os.fstat(descriptor).st_ino
    finally:
        os.close(descriptor)


def new_copy(folder: int, name: str, source: str) -> int:
    with open(source, "rb") as original:
        descriptor = os.open(name, _NEW_FILE, 0o666, dir_fd=folder)
        with open(descriptor, "wb") as file:
            shutil.copyfileobj(original, file)
            return os.fstat(descriptor).st_ino
