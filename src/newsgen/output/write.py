"""Write a built site so that a failed or interrupted build loses nothing.

The new site is made in a folder beside the output directory and swapped in
only when all of it is written. That folder is the spare tree
``.newsgen-spare-NAME``: the site as it was before the last swap, kept
instead of deleted, and brought up to date in place. Folders rarely change
between builds, and unchanged files are hard links shared with the live
site, so a build that changes a few files changes little else. When there
is no spare, or it cannot be trusted, a fresh staging directory is filled
instead. The output directory carries a marker file, and newsgen never
replaces a non-empty directory that lacks it.
"""

from __future__ import annotations

import errno
import filecmp
import itertools
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.models import Kept, Output, Placed
from newsgen.output.directory import (
    DIRTY,
    DIRTY_TEXT,
    LOCK_PREFIX,
    MARKER,
    MARKER_BYTES,
    MARKER_TEXT,
    RETIRED_PREFIX,
    SPARE_PREFIX,
    STAGING_PREFIX,
    OutputError,
    check_output_dir,
    delete_leftover,
    discard_spare,
    lock_path,
    made_by_newsgen,
    recover_interrupted_swap,
    remove_leftovers,
    spare_listing,
    spare_path,
)
from newsgen.output.staging import Tree, new_file
from newsgen.output.swap import exchange_directories
from newsgen.output.write_errors import cannot, cannot_write

__all__ = [  # what the other modules and the tests take from here
    "DIRTY",
    "DIRTY_TEXT",
    "LOCK_PREFIX",
    "MARKER",
    "MARKER_TEXT",
    "RETIRED_PREFIX",
    "SPARE_PREFIX",
    "STAGING_PREFIX",
    "Copy",
    "OutputError",
    "WriteReport",
    "check_output_dir",
    "lock_path",
    "made_by_newsgen",
    "recover_interrupted_swap",
    "spare_listing",
    "spare_path",
    "write_site",
]

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO found in the output must not hang


@dataclass(frozen=True, slots=True)
class Copy:
    """A file copied unchanged into the output (static files, article images)."""

    source: str
    """The file to copy (a string: a site may have a photograph for each of 100,000
    articles)."""
    path: str
    """Where it goes, relative to the output directory."""
    origin: str
    """What it was found as, for error messages (``static/css/a.css``)."""
    known: int | None = None
    """The inode of the live output's file that the last build made from this very
    source file (build/copy_keys.py): linked without comparing bytes when it is there."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What write_site() did."""

    files: int
    """Files in the new output, the marker not counted."""
    unchanged: int
    """Files whose bytes were already in the previous output: hard-linked, not rewritten
    (every Kept file, and outputs and copies found byte-identical)."""
    inodes: dict[str, int] = field(default_factory=dict)
    """Every file of the new output (the marker not counted), by path relative to
    the output directory: its inode in the new output."""


def write_site(
    output: Path,
    outputs: Iterable[Output | Kept],
    copies: Iterable[Copy],
    finish: Callable[[Path], None] | None = None,
    spare_files: Mapping[str, int] | None = None,
    starting: Callable[[Path, bool], Callable[[], None]] | None = None,
    place: Callable[[Tree], None] | None = None,
) -> WriteReport:
    """Make ``outputs`` and ``copies`` the new contents of ``output``; return a WriteReport.

    ``outputs`` is consumed one item at a time (it may be a generator). A
    Kept item is a file the current output already holds: it is hard-linked
    from there. So is an Output or Copy whose bytes equal the current
    output's file, so its mtime stays and ``rsync`` deploys send only what
    changed; every other file is written anew, never into an existing file.
    The live output is not touched until the new tree is complete, and then
    swapped with it in one step; the old tree becomes the spare. Raises
    OutputError for a Kept file the output lacks, an unusable path, or when
    the file system fails (a full disk...: the message names the file of the
    output that could not be written and what to do); the output is unchanged
    then and no staging folder is left (a spare being filled stays, marked
    dirty, but on a full disk it is deleted to give its space back).

    ``finish``, when given, is called with the folder of the complete new
    tree just before the swap, to add files made from the site itself (the
    search index). It must only add new files, never write into one the tree
    holds: they may be hard links to the live site. Whatever it raises fails
    the write like any other error, and the output stays as it was. Files it
    adds are not counted in the report.

    ``spare_files``, when given, is every file of the spare tree with its
    inode, as the last builds recorded it (see spare_listing()): the spare
    is then not walked.

    ``place``, when given, is called with the Tree once every output and copy is
    in it, before it is cleared of the files the new site lacks: it may link more
    files in through the tree (the search index's shards that are kept, which the
    spare tree may hold already); ``finish`` is called after.

    ``starting``, when given, is told the folder being filled before the first
    output is taken, and whether it is a new, empty one with no previous
    output beside it: only then may a Placed output (a file already written
    there by someone else, see pagehelper/pool.py) come. It returns what to call
    to stop that someone when the write fails, before the folder is deleted.
    """
    parent = output.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        recover_interrupted_swap(output)
        remove_leftovers(parent, output.name)
        previous = output if made_by_newsgen(output) else None
        tree, staging = _open_tree(output, spare_files)
    except OSError as error:
        raise OutputError(cannot("make the new site beside", output, error, output)) from error
    stop = None
    doing, where = "finish the new site in", tree.root
    try:
        if starting is not None:
            stop = starting(tree.root, staging is not None and previous is None)
        report = _fill(tree, outputs, copies, previous, output)
        if place is not None:
            place(tree)
        tree.finish()
        if finish is not None:
            finish(tree.root)
        if staging is None:
            os.unlink(tree.root / DIRTY)  # complete now
        doing, where = "swap the new site into", output
        _swap_in(tree.root, output, spare_path(output))
    except BaseException as error:
        tree.close()
        if stop is not None:
            stop()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        elif _disk_full(error):  # give back the space of the spare (dirty, the next build
            discard_spare(tree.root)  # would delete it anyway)
        if isinstance(error, OSError):
            raise OutputError(cannot(doing, where, error, output)) from error
        raise  # a spare stays marked dirty: the next build deletes it
    tree.close()
    return report


def _disk_full(error: BaseException) -> bool:
    """True when ``error`` (or the OSError behind it) says the disk or quota is full."""
    cause = error.__cause__ if isinstance(error, OutputError) else error
    return isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT)


def _open_tree(output: Path, spare_files: Mapping[str, int] | None) -> tuple[Tree, Path | None]:
    """Return the tree to fill with the new site of ``output``: its spare, or a new
    staging folder, which is returned too. Raises OSError."""
    tree = _open_spare(spare_path(output), spare_files)
    if tree is not None:
        return tree, None
    staging = output.parent / f"{STAGING_PREFIX}{output.name}-{os.getpid()}"
    return _new_staging(staging), staging


def _open_spare(spare: Path, files: Mapping[str, int] | None = None) -> Tree | None:
    """Return the spare tree ready to be filled, marked dirty, or None; walked to
    know what it holds unless ``files`` says so.

    A spare that is dirty (an interrupted build was changing it), not made
    by newsgen (no marker file with newsgen's text), a symbolic link or
    unreadable is deleted.
    """
    if not os.path.lexists(spare):
        return None
    if made_by_newsgen(spare) and not os.path.lexists(spare / DIRTY):
        try:
            known = files is not None
            tree = Tree.known(spare, files) if known else Tree.scan(spare, (MARKER, DIRTY))
            new_file(spare, DIRTY, DIRTY_TEXT.encode())
            return tree
        except OSError:
            pass  # unreadable: deleted below like any spare that cannot be trusted
    discard_spare(spare)
    return None


def _new_staging(staging: Path) -> Tree:
    """Create an empty staging directory with the marker; return it as a Tree."""
    staging.mkdir()
    try:
        new_file(staging, MARKER, MARKER_BYTES)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Tree(staging)


def _fill(
    tree: Tree,
    outputs: Iterable[Output | Kept],
    copies: Iterable[Copy],
    previous: Path | None,
    output: Path,
) -> WriteReport:
    """Put every output and copy into ``tree``; return what was done. Raises
    OutputError naming the file of ``output`` that could not be written."""
    files = unchanged = 0
    # The previous output's folder name ending in a separator, or "" when there is none.
    before = os.path.join(previous, "") if previous else ""
    # The copies go after the first output: taking it hands pages to a helper process
    # (render/outputs.py), which then renders them while this process copies files
    # (collisions.py has checked that no two items share a path: the order is free).
    outputs = iter(outputs)
    first = itertools.islice(outputs, 1)
    for item in itertools.chain(first, copies, outputs):
        try:
            unchanged += _place(tree, item, before)
        except OSError as error:
            raise OutputError(cannot_write(output, item, error)) from error
        files += 1
    return WriteReport(files, unchanged, tree.placed)


def _place(tree: Tree, item: Output | Kept | Placed | Copy, before: str) -> bool:
    """Put ``item`` into ``tree``; True when the previous output had its bytes."""
    if isinstance(item, Kept):
        return _place_kept(tree, item, before)
    if isinstance(item, Placed):
        tree.adopt(_checked(item.path), item.inode)
        return False
    if isinstance(item, Copy):
        return _place_copy(tree, item, before)
    return _place_output(tree, item, before)


def _place_kept(tree: Tree, kept: Kept, before: str) -> bool:
    """Link the previous output's file at ``kept.path`` into ``tree``; True when it was
    there as recorded, else (it was changed or removed since) made again by ``kept.remake``."""
    path = _checked(kept.path)
    status = _regular(before + path) if before else None
    if status is not None and kept.inode is not None and status.st_ino != kept.inode:
        status = None  # replaced since the build that wrote it
    if status is None and kept.remake is not None:
        output = kept.remake()
        return output is not None and _place_output(tree, output, before)
    if status is None:
        raise OutputError(
            f"{path} should be kept from the last build, but the output folder has no such "
            "file (was it changed during the build?); build again"
        )
    tree.link(path, before + path, status.st_ino)
    return True


def _place_output(tree: Tree, output: Output, before: str) -> bool:
    """Put ``output`` into ``tree``; True when the previous output had its bytes."""
    path = _checked(output.path)
    inode = _holds(before + path, output.data) if before else None
    if inode is not None:
        tree.link(path, before + path, inode)
        return True
    tree.write(path, output.data)
    return False


def _place_copy(tree: Tree, copy: Copy, before: str) -> bool:
    """Put ``copy`` into ``tree``; True when the previous output had its bytes."""
    path = _checked(copy.path)
    status = _regular(before + path) if before else None
    if status and (status.st_ino == copy.known or _same_file(before + path, status, copy.source)):
        tree.link(path, before + path, status.st_ino)
        return True
    tree.copy(path, copy.source)
    return False


_NOT_PLAIN = re.compile(r"(^|/)\.{0,2}(/|$)")  # an empty, "." or ".." part


def _checked(path: str) -> str:
    """Return ``path`` if it is a plain relative path (no ``.``, ``..`` or empty part)."""
    suspect = not path or path[0] in "./" or path[-1] == "/" or "/." in path or "//" in path
    if suspect and (_NOT_PLAIN.search(path) or path in (MARKER, DIRTY)):
        raise OutputError(f"cannot write {path!r}: not a plain path inside the output folder")
    return path


def _regular(name: str | Path) -> os.stat_result | None:
    """Return the status of ``name`` if it is a regular file (not a link), else None."""
    try:
        status = os.lstat(name)
    except OSError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def _holds(old: str, data: bytes) -> int | None:
    """Return the inode of ``old`` if it is a regular file (not a link) holding exactly
    ``data``, else None."""
    try:
        descriptor = os.open(old, os.O_RDONLY | _NO_FOLLOW | _NO_BLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return None
        with open(descriptor, "rb", closefd=False) as file:
            return status.st_ino if file.read() == data else None
    finally:
        os.close(descriptor)


def _same_file(old: str, status: os.stat_result, source: str) -> bool:
    """True when ``old`` (a regular file with ``status``) has the same bytes as ``source``."""
    try:
        if status.st_size != os.stat(source).st_size:
            return False
        return filecmp.cmp(old, source, shallow=False)
    except OSError:
        return False


def _swap_in(tree: Path, output: Path, spare: Path) -> None:
    """Make ``tree`` the output; the previous output becomes the spare (or is deleted).

    With an atomic exchange the output path always names a complete site.
    Without one, there is an instant between two renames where it names
    nothing; an interrupted build then leaves the old site as a retired tree,
    which the next build puts back (see recover_interrupted_swap).
    """
    if not output.exists():
        tree.rename(output)
        return
    if exchange_directories(tree, output):
        _keep_as_spare(tree, spare)  # ``tree`` now names the old site
        return
    retired = output.parent / f"{RETIRED_PREFIX}{output.name}-{os.getpid()}"
    try:
        output.rename(retired)
        tree.rename(output)
    except BaseException:  # Ctrl-C may land between the renames: put the old site back
        if retired.exists() and not output.exists():
            retired.rename(output)
        raise
    _keep_as_spare(retired, spare)


def _keep_as_spare(old: Path, spare: Path) -> None:
    """Keep ``old``, the site just replaced, as the spare tree; delete it when it is
    not newsgen's (an empty folder the output was) or the spare's place is taken.
    The new site is live by now: nothing here fails the build."""
    if made_by_newsgen(old) and (old == spare or not os.path.lexists(spare)):
        try:
            if old != spare:
                old.rename(spare)
            return
        except OSError:
            pass
    delete_leftover(old)
