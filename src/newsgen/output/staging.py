"""A folder that a build fills in place with the new site: the staging folder or the spare.

Tree.scan() notes what the folder already holds (paths and inodes, no file
contents). Each ``link``/``write``/``copy`` then makes one path of the new
site hold its file, and ``finish`` removes what the new site lacks. A file
already in the folder is never written into: it may be a hard link to a file
of the live site, so it is unlinked and a new file made in its place.

Nothing is ever followed through a symbolic link (see output/folders.py). A link or
a file found where the site needs a folder is removed and a real folder made
in its place; a link found where a file was is removed like any file the
site does not need.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.output.folders import (
    NOT_A_FOLDER,
    Folders,
    is_folder,
    make_folder,
    new_copy,
    new_file,
    remove,
)

Make = Callable[[int, str], int]
"""Makes a new file ``name`` in the folder open as the descriptor; returns its inode."""


@dataclass
class Tree:
    """A folder being made into the new site, and what is known of its contents.

    Paths are relative to ``root`` and ``/``-separated. Call close() when done.
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
    handles: Folders = field(init=False, repr=False)
    """Open descriptors of its folders."""
    sources: dict[str, str | Path] = field(init=False, repr=False, default_factory=dict)
    """Files placed by link() without a change (already the right file): path -> the
    file they link to, to link again should a folder above them prove to be no folder."""

    def __post_init__(self) -> None:
        self.base = os.path.join(self.root, "")
        self.handles = Folders(self.root)

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
        build recorded them) and the folders above them, without reading it.

        The record is trusted for the paths the new site leaves as they are; a
        folder is looked at (opened without following links) when a file is made
        or removed in it.
        """
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

    def close(self) -> None:
        """Close the descriptors of the tree's folders (the tree can still be used)."""
        self.handles.close()

    def link(self, path: str, source: str | Path, inode: int) -> None:
        """Make ``path`` a hard link to ``source``, a regular file whose inode is ``inode``.

        Nothing changes when ``path`` already is that file. Raises OSError.
        """
        if self.found.get(path) == inode:
            self._make_folder(path.rpartition("/")[0])
            del self.found[path]
            self.sources[path] = source
        else:
            self._create(path, lambda folder, name: _hard_link(source, folder, name, inode))
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
        self.placed[path] = self._create(path, lambda folder, name: new_file(folder, name, data))

    def copy(self, path: str, source: str) -> None:
        """Make ``path`` a new file with the bytes of ``source``. Raises OSError."""
        self.placed[path] = self._create(path, lambda folder, name: new_copy(folder, name, source))

    def finish(self) -> None:
        """Remove what the new site lacks: files not placed, then folders left empty.

        An entry is removed only if it still is the one scan() found, and is
        not a placed file reached by another spelling of its name (where the
        file system ignores case); a symbolic link is always removed (the site
        has none). Raises OSError.
        """
        names = {inode: path for path, inode in self.placed.items()}
        for path, inode in self.found.items():
            self._remove_extra(path, inode, names)
        self.found.clear()
        extra = [folder for folder in self.folders if folder not in self.ready]
        for folder in sorted(extra, key=lambda folder: folder.count("/"), reverse=True):
            self._remove_extra_folder(folder)
            del self.folders[folder]

    def _create(self, path: str, make: Make) -> int:
        """Clear ``path`` of what it holds, make its folder, then call ``make`` there."""
        if path in self.ready:
            raise IsADirectoryError(errno.EISDIR, "the site has a file and a folder here", path)
        folder, _, name = path.rpartition("/")
        self._make_folder(folder)
        handle = self._folder_fd(folder)
        if path in self.found:
            remove(handle, name)
            del self.found[path]
        elif path in self.folders:
            self.handles.forget(path)
            remove(handle, name)
            self._forget_below(path)
        elif path in self.placed:  # the same path given twice: the last one wins
            remove(handle, name)
            self.sources.pop(path, None)
        try:
            return make(handle, name)
        except FileExistsError:  # an entry scan() did not see (another spelling of the name)
            if is_folder(handle, name):
                raise
            os.unlink(name, dir_fd=handle)
            return make(handle, name)

    def _make_folder(self, folder: str) -> None:
        """Make sure ``folder`` and the folders above it are folders of the tree: those
        found are taken as they are (until a file is made in them, see _folder_fd())."""
        if folder in self.ready:
            return
        chain = []
        while folder not in self.ready:
            chain.append(folder)
            folder = folder.rpartition("/")[0]
        for below in reversed(chain):
            self._make_one_folder(below)

    def _make_one_folder(self, folder: str) -> None:
        """Make ``folder`` a folder of the tree, the one above it being one already."""
        above, _, name = folder.rpartition("/")
        if folder in self.placed:
            raise NotADirectoryError(errno.ENOTDIR, "the site has a file and a folder here", folder)
        if folder not in self.folders:
            handle = self._folder_fd(above)
            if folder in self.found:  # a file or a link where the site needs a folder
                remove(handle, name)
                del self.found[folder]
            make_folder(handle, name)
        self.ready.add(folder)

    def _folder_fd(self, folder: str) -> int:
        """Return a descriptor of ``folder``, a folder of the new site; one that proves
        to be a link, a file or missing is replaced by a real folder first."""
        try:
            return self.handles.fd(folder)
        except OSError as error:
            if error.errno not in NOT_A_FOLDER or not folder:
                raise
        above = ""
        for part in folder.split("/"):
            below = f"{above}/{part}" if above else part
            try:
                self.handles.fd(below)
            except OSError as error:
                if error.errno not in NOT_A_FOLDER:
                    raise
                self._replace_folder(below)
                break
            above = below
        self._make_folder(folder)
        return self.handles.fd(folder)

    def _replace_folder(self, folder: str) -> None:
        """Make ``folder``, found to be no folder (or missing), a new empty folder, and
        link into it again the files already placed below it (see ``sources``)."""
        above, _, name = folder.rpartition("/")
        handle = self.handles.fd(above)
        self.handles.forget(folder)
        remove(handle, name)
        make_folder(handle, name)
        below = folder + "/"
        self._forget_below(folder)
        self.found.pop(folder, None)
        self.ready = {name for name in self.ready if not name.startswith(below)}
        self.ready.add(folder)
        for path in [path for path in self.placed if path.startswith(below)]:
            source = self.sources.pop(path, None)
            if source is None:  # made by this build: the folder changed during the build
                raise FileNotFoundError(errno.ENOENT, "changed during the build", self.full(path))
            self.link(path, source, self.placed[path])

    def _remove_extra(self, path: str, inode: int, placed: dict[int, str]) -> None:
        """Unlink ``path``, found by scan() with ``inode`` and not placed, with the
        precautions of finish(); ``placed`` names each placed inode's path."""
        folder, _, name = path.rpartition("/")
        try:
            handle = self.handles.fd(folder)
            status = os.stat(name, dir_fd=handle, follow_symlinks=False)
        except OSError as error:  # gone, or its folder is no folder now (removed after this)
            if error.errno in NOT_A_FOLDER:
                return
            raise
        if stat.S_ISLNK(status.st_mode):
            os.unlink(name, dir_fd=handle)
            return
        if status.st_ino != inode or stat.S_ISDIR(status.st_mode):
            return  # changed since scan(): not what was found there
        twin = placed.get(status.st_ino)
        if twin is not None and _folded(twin) == _folded(path):
            return  # "Logo.png" found, "logo.png" placed: one file where case is ignored
        os.unlink(name, dir_fd=handle)

    def _remove_extra_folder(self, folder: str) -> None:
        """Remove ``folder``, which the new site does not need, if it is empty; a link or
        a file found in its place is removed too."""
        above, _, name = folder.rpartition("/")
        self.handles.forget(folder)
        try:
            handle = self.handles.fd(above)
            if is_folder(handle, name):
                os.rmdir(name, dir_fd=handle)
            else:
                os.unlink(name, dir_fd=handle)
        except OSError as error:  # something appeared in it since scan(): not ours
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, *NOT_A_FOLDER):
                raise

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


def _hard_link(source: str | Path, folder: int, name: str, inode: int) -> int:
    os.link(source, name, dst_dir_fd=folder, follow_symlinks=False)
    return inode


def _folded(path: str) -> str:
    """Return ``path`` as a file system that ignores case and normalisation compares it."""
    return unicodedata.normalize("NFC", path).casefold()
