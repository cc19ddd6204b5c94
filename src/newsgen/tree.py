"""A folder that a build fills in place with the new site: the staging folder or the spare.

Tree.scan() notes what the folder already holds (paths and inodes, no file
contents). Each ``link``/``write``/``copy`` then makes one path of the new
site hold its file, and ``finish`` removes what the new site lacks. A file
already in the folder is never written into: it may be a hard link to a file
of the live site, so it is unlinked and a new file made in its place. Nothing
is followed through a symbolic link; a link found in the folder is removed
like any file the site does not need.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Tree:
    """A folder being made into the new site, and what is known of its contents.

    Paths are relative to ``root`` and ``/``-separated.
    """

    root: Path
    """The folder."""
    found: dict[str, int] = field(default_factory=dict)
    """Files, links and other non-folders found in it and not yet replaced: path -> inode."""
    folders: dict[str, int] = field(default_factory=dict)
    """Folders found in it (not through links): path -> inode (0 when not read)."""
    ready: set[str] = field(default_factory=lambda: {""})
    """Folders the new site needs that are known to exist (``""`` is the root)."""
    placed: dict[str, int] = field(default_factory=dict)
    """Files of the new site placed so far: path -> inode."""
    base: str = field(init=False, repr=False)
    """``root`` as a string ending in a separator, to put paths after."""

    def __post_init__(self) -> None:
        self.base = os.path.join(self.root, "")

    @classmethod
    def scan(cls, root: Path, skip: Collection[str] = ()) -> Tree:
        """Return a Tree of ``root`` with everything below it, except the top-level ``skip`` names.

        Raises OSError when a folder cannot be read.
        """
        tree = cls(root)
        found, folders = tree.found, tree.folders
        pending = [""]
        while pending:  # the costly part of a build that changes little: kept plain and tight
            folder = pending.pop()
            prefix, ignored = (f"{folder}/", ()) if folder else ("", skip)
            with os.scandir(tree.base + folder) as entries:
                for entry in entries:
                    if entry.name in ignored:
                        continue
                    path = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders[path] = entry.inode()
                        pending.append(path)
                    else:
                        found[path] = entry.inode()
        return tree

    @classmethod
    def known(cls, root: Path, files: Mapping[str, int]) -> Tree:
        """Return a Tree of ``root`` that holds exactly ``files`` (path -> inode, as a
        build recorded them) and the folders above them, without reading it."""
        tree = cls(root)
        tree.found = dict(files)
        for path in files:
            folder = path.rpartition("/")[0]
            while folder and folder not in tree.folders:
                tree.folders[folder] = 0  # a folder's inode is never compared
                folder = folder.rpartition("/")[0]
        return tree

    def full(self, path: str) -> str:
        """Return the file system name of ``path``."""
        return self.base + path

    def link(self, path: str, source: str | Path, inode: int) -> None:
        """Make ``path`` a hard link to ``source``, a regular file whose inode is ``inode``.

        Nothing changes when ``path`` already is that file. Raises OSError.
        """
        if self.found.get(path) == inode:
            self._make_folder(path.rpartition("/")[0])
            del self.found[path]
        else:
            self._create(path, lambda target: _hard_link(source, target, inode))
        self.placed[path] = inode

    def adopt(self, path: str, inode: int) -> None:
        """Note ``path`` as placed: a new file (``inode``) that another process made in
        this folder, with the folders above it."""
        folder = path.rpartition("/")[0]
        while folder not in self.ready:
            self.ready.add(folder)
            folder = folder.rpartition("/")[0]
        self.placed[path] = inode

    def write(self, path: str, data: bytes) -> None:
        """Make ``path`` a new file holding ``data``. Raises OSError."""
        self.placed[path] = self._create(path, lambda target: _new_file(target, data))

    def copy(self, path: str, source: Path) -> None:
        """Make ``path`` a new file with the bytes of ``source``. Raises OSError."""
        self.placed[path] = self._create(path, lambda target: _new_copy(target, source))

    def finish(self) -> None:
        """Remove what the new site lacks: files not placed, then folders left empty.

        An entry is removed only if it still is the one scan() found, and is
        not a placed file reached by another spelling of its name (where the
        file system ignores case). Raises OSError.
        """
        names = {inode: path for path, inode in self.placed.items()}
        for path, inode in self.found.items():
            self._remove_extra(path, inode, names)
        self.found.clear()
        extra = [folder for folder in self.folders if folder not in self.ready]
        for folder in sorted(extra, key=lambda folder: folder.count("/"), reverse=True):
            try:
                os.rmdir(self.full(folder))
            except OSError as error:  # something appeared in it since scan(): not ours
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                    raise
            del self.folders[folder]

    def _create(self, path: str, make: Callable[[str], int]) -> int:
        """Clear ``path`` of what it holds, make its folder, then call ``make`` on its name."""
        if path in self.ready:
            raise IsADirectoryError(errno.EISDIR, "the site has a file and a folder here", path)
        self._make_folder(path.rpartition("/")[0])
        target = self.full(path)
        if path in self.found:
            os.unlink(target)
            del self.found[path]
        elif path in self.folders:
            shutil.rmtree(target)
            self._forget_below(path)
        elif path in self.placed:  # the same path given twice: the last one wins
            os.unlink(target)
        try:
            return make(target)
        except FileExistsError:  # an entry scan() did not see (another spelling of the name)
            if stat.S_ISDIR(os.lstat(target).st_mode):
                raise
            os.unlink(target)
            return make(target)

    def _make_folder(self, folder: str) -> None:
        """Make sure ``folder`` and the folders above it are real folders."""
        if folder in self.ready:
            return
        self._make_folder(folder.rpartition("/")[0])
        if folder in self.placed:
            raise NotADirectoryError(errno.ENOTDIR, "the site has a file and a folder here", folder)
        if folder not in self.folders:
            target = self.full(folder)
            if folder in self.found:  # a file or a link where the site needs a folder
                os.unlink(target)
                del self.found[folder]
            try:
                os.mkdir(target)
            except FileExistsError:
                if not stat.S_ISDIR(os.lstat(target).st_mode):
                    raise
        self.ready.add(folder)

    def _remove_extra(self, path: str, inode: int, placed: dict[int, str]) -> None:
        """Unlink ``path``, found by scan() with ``inode`` and not placed, with the
        precautions of finish(); ``placed`` names each placed inode's path."""
        try:
            status = os.lstat(self.full(path))
        except FileNotFoundError:
            return
        if status.st_ino != inode or stat.S_ISDIR(status.st_mode):
            return  # changed since scan(): not what was found there
        twin = placed.get(status.st_ino)
        if twin is not None and _folded(twin) == _folded(path):
            return  # "Logo.png" found, "logo.png" placed: one file where case is ignored
        os.unlink(self.full(path))

    def _forget_below(self, path: str) -> None:
        """Forget ``path`` and everything scan() found below it (it was removed)."""
        below = path + "/"
        self.folders = {
            name: inode
            for name, inode in self.folders.items()
            if name != path and not name.startswith(below)
        }
        self.found = {
            name: inode for name, inode in self.found.items() if not name.startswith(below)
        }


def _hard_link(source: str | Path, target: str, inode: int) -> int:
    os.link(source, target, follow_symlinks=False)
    return inode


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
"""Always a new inode, never an existing file (nor one through a link)."""


def _new_file(target: str, data: bytes) -> int:
    """Write ``data`` to the new file ``target``; return its inode (four system calls,
    where Python's ``open`` makes seven: a build writes tens of thousands of files)."""
    descriptor = os.open(target, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        return os.fstat(descriptor).st_ino
    finally:
        os.close(descriptor)


def _new_copy(target: str, source: Path) -> int:
    with open(source, "rb") as original, open(target, "xb") as file:
        shutil.copyfileobj(original, file)
        return os.fstat(file.fileno()).st_ino


def _folded(path: str) -> str:
    """Return ``path`` as a file system that ignores case and normalisation compares it."""
    return unicodedata.normalize("NFC", path).casefold()
