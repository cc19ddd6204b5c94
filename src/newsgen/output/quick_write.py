"""Write a quick rebuild's few files: bring the spare tree up to date on the paths that
differ, write the new files into it, swap it in.

A full build (output/write.py) walks the whole spare tree and links every file of
the site into it. A quick rebuild knows which paths differ between the
spare and the live output (those the last build changed: QuickState.behind)
and which files it writes itself, and touches only those: every other file
of the spare already is the live output's file (the same inode). Like every
build it never writes into an existing file, marks the spare dirty while it
works, and swaps it in whole, so an interrupted quick rebuild leaves the old
site, and a dirty spare that the next (full) build discards.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from newsgen.models import Output
from newsgen.output.folders import Folders, new_file
from newsgen.output.swap import can_exchange, exchange_directories
from newsgen.output.write import DIRTY, DIRTY_TEXT, STAGING_PREFIX, made_by_newsgen, spare_path


class QuickWriteUnavailable(Exception):
    """The spare tree cannot take a quick write (missing, dirty, not newsgen's, or the
    live output is not as recorded); nothing was changed."""


def write_changes(
    output: Path,
    outputs: Sequence[Output],
    behind: Collection[str],
    live: Mapping[str, int],
    index: Callable[[Path], None] | None = None,
    removed: Collection[str] = (),
) -> dict[str, int]:
    """Make the spare tree of ``output`` the new site and swap it in; return the inode
    of each file of ``outputs`` in the new output. The files at ``removed`` are not
    in the new site (nor the folders they leave empty).

    ``behind`` are the paths where the spare differs from the live output and
    ``live`` every file of the live output with its inode. ``index``, when given,
    is called with the spare once it holds the new site, before the swap (the
    search index's changes shard, build/quick_search.py); what it raises but
    OSError is raised as it is, the spare left dirty. Raises
    QuickWriteUnavailable before changing anything when the spare or the live
    output is not as expected, and also when writing into the spare fails
    (then the spare stays marked dirty, and the full build that follows
    discards it); the output is unchanged either way. Every change is made
    relative to a folder of the spare opened without following a link: a
    link found in the spare where a folder should be fails the quick write.
    """
    spare = spare_path(output)
    _check(output, spare, [item.path for item in outputs] + list(removed), live)
    try:
        new_file(spare, DIRTY, DIRTY_TEXT.encode())
    except OSError as error:
        raise QuickWriteUnavailable from error
    written = {item.path for item in outputs}
    inodes = {}
    folders = Folders(spare)
    try:
        for path in sorted(set(behind) - written):
            _sync(folders, output, path, live.get(path))
        for path in removed:
            _sync(folders, output, path, None)
        for item in outputs:
            inodes[item.path] = _replace_file(folders, item.path, item.data)
    except OSError as error:  # a folder where a file was, a file changed meanwhile...:
        raise QuickWriteUnavailable from error  # the spare stays dirty; a full build mends
    finally:
        folders.close()
    if index is not None:
        try:
            index(spare)
        except OSError as error:
            raise QuickWriteUnavailable from error
    os.unlink(spare / DIRTY)
    if not exchange_directories(spare, output):  # this file system cannot: a full build can
        with contextlib.suppress(OSError):
            new_file(spare, DIRTY, DIRTY_TEXT.encode())
        raise QuickWriteUnavailable
    return inodes


def make_spare(output: Path) -> bool:
    """Make the spare tree of ``output`` a copy of it (folders made, files hard-linked)
    when it has none; return True when one was made.

    A full build into a new output folder leaves no spare, so the next build
    would have to make one (a folder at a time: seconds for a large archive)
    and could not be quick. The live preview makes it right after its first
    build instead. Made under a staging name and renamed when complete.
    """
    spare = spare_path(output)
    if os.path.lexists(spare):
        return False
    # The output's own staging name: should this build be killed, the next build of this
    # output deletes it, and no build of another output ever does.
    staging = output.parent / f"{STAGING_PREFIX}{output.name}-{os.getpid()}"
    try:
        for folder, _, files in os.walk(output):
            relative = os.path.relpath(folder, output)
            made = staging if relative == "." else staging / relative
            made.mkdir()
            for name in files:
                os.link(os.path.join(folder, name), made / name, follow_symlinks=False)
        staging.rename(spare)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def _check(output: Path, spare: Path, paths: Sequence[str], live: Mapping[str, int]) -> None:
    """Raise QuickWriteUnavailable unless the spare and the output are usable as recorded:
    each of ``paths`` (to write or remove) is the file ``live`` records in the output,
    or is missing there as ``live`` has no file of that path."""
    if not made_by_newsgen(spare) or os.path.lexists(spare / DIRTY) or not can_exchange():
        raise QuickWriteUnavailable
    for path in paths:
        try:
            inode: int | None = os.lstat(output / path).st_ino
        except FileNotFoundError:
            inode = None
        except OSError as error:
            raise QuickWriteUnavailable from error
        if inode != live.get(path):
            raise QuickWriteUnavailable


def _sync(folders: Folders, output: Path, path: str, inode: int | None) -> None:
    """Make ``path`` in the spare what it is in the live output: a link to the live file
    (``inode``), or nothing when the live output has no such file."""
    folder, _, name = path.rpartition("/")
    if inode is None:
        try:
            _remove(folders.fd(folder), name)
        except FileNotFoundError:  # no such folder: nothing to remove
            return
        _prune(folders, folder)
        return
    source = output / path
    if os.lstat(source).st_ino != inode:
        raise OSError(errno.ESTALE, "the output changed during the build", str(source))
    handle = _made_folder(folders, folder)
    _remove(handle, name)
    os.link(source, name, dst_dir_fd=handle, follow_symlinks=False)


def _replace_file(folders: Folders, path: str, data: bytes) -> int:
    """Replace ``path`` (never writing into it: it may be a link to a live file) with
    a new file holding ``data``; return its inode."""
    folder, _, name = path.rpartition("/")
    handle = _made_folder(folders, folder)
    _remove(handle, name)
    return new_file(handle, name, data)


def _made_folder(folders: Folders, folder: str) -> int:
    """Return a descriptor of ``folder`` of the spare, made with those above it where
    missing. Raises OSError (ELOOP, ENOTDIR) where one is a link or a file."""
    try:
        return folders.fd(folder)
    except FileNotFoundError:
        if not folder:
            raise
    above, _, name = folder.rpartition("/")
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, dir_fd=_made_folder(folders, above))
    return folders.fd(folder)


def _remove(folder: int, name: str) -> None:
    """Remove the file or link ``name`` from ``folder``, if any. Raises OSError for a
    folder."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder)


def _prune(folders: Folders, folder: str) -> None:
    """Remove ``folder`` and the folders above it (up to the root) that are left empty."""
    while folder:
        above, _, name = folder.rpartition("/")
        folders.forget(folder)
        try:
            os.rmdir(name, dir_fd=folders.fd(above))
        except OSError:  # not empty (or gone): stop
            return
        folder = above
