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

import filecmp
import os
import re
import shutil
import stat
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NewsgenError
from .models import Kept, Output, Placed
from .swap import exchange_directories
from .tree import Tree

MARKER = ".newsgen-output"
MARKER_TEXT = "This directory is written by newsgen; each build replaces it whole.\n"
STAGING_PREFIX = ".newsgen-staging-"
RETIRED_PREFIX = ".newsgen-retired-"
SPARE_PREFIX = ".newsgen-spare-"
LOCK_PREFIX = ".newsgen-lock-"
DIRTY = ".newsgen-dirty"
DIRTY_TEXT = "newsgen is updating this spare tree; a build that finds this file deletes the tree.\n"
_OWN_PREFIXES = (STAGING_PREFIX, RETIRED_PREFIX, SPARE_PREFIX, LOCK_PREFIX)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO found in the output must not hang


class OutputError(NewsgenError):
    """The output directory cannot be used safely."""


@dataclass(frozen=True, slots=True)
class Copy:
    """A file copied unchanged into the output (static files, article images)."""

    source: Path
    """The file to copy."""
    path: str
    """Where it goes, relative to the output directory."""
    origin: str
    """What it was found as, for error messages (``static/css/a.css``)."""


def check_output_dir(output: Path, site_root: Path) -> None:
    """Raise OutputError when writing to ``output`` could destroy someone's files.

    Refused: the site root itself, a folder inside ``content/``, a folder
    holding ``content/``, ``templates/`` or ``static/``, an existing
    non-empty folder that newsgen did not make, and the folders newsgen
    keeps beside an output (its spare tree, staging and retired folders, lock file).
    """
    if output.is_symlink():
        raise OutputError(f"output {output} is a symbolic link; give the real folder instead")
    output, root = output.resolve(), site_root.resolve()
    if output.name.startswith(_OWN_PREFIXES):
        raise OutputError(
            f"output {output} is a folder newsgen keeps beside an output for itself; "
            "choose another"
        )
    if output == root or output in root.parents:
        raise OutputError(
            f"output {output} would replace the site itself; use e.g. {root / 'public'}"
        )
    for name in ("content", "templates", "static"):
        inside = (root / name).resolve()  # the folder newsgen reads, even through a link
        if output == inside or inside in output.parents:
            raise OutputError(f"output {output} lies inside {name}/; choose a folder outside it")
    for name in ("content", "templates", "static"):
        if (output / name).exists():
            raise OutputError(
                f"output {output} holds a {name}/ folder: it looks like a site, not newsgen output"
            )
    if output.exists() and not output.is_dir():
        raise OutputError(f"output {output} is not a directory newsgen made; choose another")
    if output.is_dir() and not (output / MARKER).exists() and any(output.iterdir()):
        raise OutputError(
            f"output {output} is not empty and was not made by newsgen (no {MARKER} file); "
            "choose an empty or new folder"
        )


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


def spare_path(output: Path) -> Path:
    """Return where the spare tree of ``output`` lies: ``.newsgen-spare-NAME`` beside it."""
    return output.parent / f"{SPARE_PREFIX}{output.name}"


def lock_path(output: Path) -> Path:
    """Return the lock file of ``output`` (see locks.py): ``.newsgen-lock-NAME`` beside it."""
    return output.parent / f"{LOCK_PREFIX}{output.name}"


def write_site(
    output: Path,
    outputs: Iterable[Output | Kept],
    copies: Iterable[Copy],
    finish: Callable[[Path], None] | None = None,
    spare_files: Mapping[str, int] | None = None,
    starting: Callable[[Path, bool], Callable[[], None]] | None = None,
) -> WriteReport:
    """Make ``outputs`` and ``copies`` the new contents of ``output``; return a WriteReport.

    ``outputs`` is consumed one item at a time (it may be a generator). A
    Kept item is a file the current output already holds: it is hard-linked
    from there. So is an Output or Copy whose bytes equal the current
    output's file, so its mtime stays and ``rsync`` deploys send only what
    changed; every other file is written anew, never into an existing file.
    The live output is not touched until the new tree is complete, and then
    swapped with it in one step; the old tree becomes the spare. Raises
    OutputError for a Kept file the output lacks or an unusable path, and
    OSError when the file system fails; the output is unchanged then.

    ``finish``, when given, is called with the folder of the complete new
    tree just before the swap, to add files made from the site itself (the
    search index). It must only add new files, never write into one the tree
    holds: they may be hard links to the live site. Whatever it raises fails
    the write like any other error, and the output stays as it was. Files it
    adds are not counted in the report.

    ``spare_files``, when given, is every file of the spare tree with its
    inode, as the last builds recorded it (see spare_listing()): the spare
    is then not walked.

    ``starting``, when given, is told the folder being filled before the first
    output is taken, and whether it is a new, empty one with no previous
    output beside it: only then may a Placed output (a file already written
    there by someone else, see renderpool.py) come. It returns what to call
    to stop that someone when the write fails, before the folder is deleted.
    """
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_swap(output)
    _remove_leftovers(parent, output.name)
    previous = output if _made_by_newsgen(output) else None
    spare = spare_path(output)
    staging = None
    tree = _open_spare(spare, spare_files)
    if tree is None:
        staging = parent / f"{STAGING_PREFIX}{output.name}-{os.getpid()}"
        tree = _new_staging(staging)
    stop = None
    try:
        if starting is not None:
            stop = starting(tree.root, staging is not None and previous is None)
        report = _fill(tree, outputs, copies, previous)
        if finish is not None:
            finish(tree.root)
        if staging is None:
            (spare / DIRTY).unlink()  # complete now
        _swap_in(tree.root, output, spare)
    except BaseException:
        if stop is not None:
            stop()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise  # a spare stays marked dirty: the next build deletes it
    return report


def _open_spare(spare: Path, files: Mapping[str, int] | None = None) -> Tree | None:
    """Return the spare tree ready to be filled, marked dirty, or None; walked to
    know what it holds unless ``files`` says so.

    A spare that is dirty (an interrupted build was changing it), not made
    by newsgen (no marker), a symbolic link or unreadable is deleted.
    """
    if not os.path.lexists(spare):
        return None
    if _made_by_newsgen(spare) and not os.path.lexists(spare / DIRTY):
        try:
            if (spare / MARKER).read_text(encoding="utf-8") == MARKER_TEXT:
                known = files is not None
                tree = Tree.known(spare, files) if known else Tree.scan(spare, (MARKER, DIRTY))
                (spare / DIRTY).write_text(DIRTY_TEXT, encoding="utf-8")
                return tree
        except (OSError, UnicodeDecodeError):
            pass  # unreadable: deleted below like any spare that cannot be trusted
    _discard(spare)
    return None


def spare_listing(
    output: Path, live: Mapping[str, int], behind: Collection[str]
) -> dict[str, int] | None:
    """Return every file of the spare tree of ``output`` with its inode, from what the
    last build recorded: ``live``, every file of the output, and ``behind``, the paths
    where the spare differs from it (looked at one by one). None when one of those
    is a folder in the spare (then it is walked).

    Like quick rebuilds, this trusts that nobody changed the spare by hand.
    """
    spare = os.path.join(spare_path(output), "")
    listing = {path: inode for path, inode in live.items() if path not in behind}
    for path in behind:
        try:
            status = os.lstat(spare + path)
        except OSError:
            continue  # not in the spare
        if stat.S_ISDIR(status.st_mode):
            return None
        listing[path] = status.st_ino
    return listing


def _discard(spare: Path) -> None:
    """Delete a spare that cannot be used, its marker first: cut short, it is no spare."""
    if spare.is_symlink() or not spare.is_dir():
        spare.unlink()
        return
    if _is_file(spare / MARKER):
        (spare / MARKER).unlink()
    shutil.rmtree(spare, ignore_errors=True)


def _new_staging(staging: Path) -> Tree:
    """Create an empty staging directory with the marker; return it as a Tree."""
    staging.mkdir()
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return Tree(staging)


def _fill(
    tree: Tree,
    outputs: Iterable[Output | Kept],
    copies: Iterable[Copy],
    previous: Path | None,
) -> WriteReport:
    """Make ``tree`` hold exactly the new site; return what was done."""
    files = unchanged = 0
    # The previous output's folder name ending in a separator, or "" when there is none.
    before = os.path.join(previous, "") if previous else ""
    for copy in copies:
        unchanged += _place_copy(tree, copy, before)
        files += 1
    for item in outputs:
        if isinstance(item, Kept):
            unchanged += _place_kept(tree, item, before)
        elif isinstance(item, Placed):
            tree.adopt(_checked(item.path), item.inode)
        else:
            unchanged += _place_output(tree, item, before)
        files += 1
    tree.finish()
    return WriteReport(files, unchanged, tree.placed)


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
    if status and _same_file(before + path, status, copy.source):
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


def _is_file(name: Path) -> bool:
    return _regular(name) is not None


def _made_by_newsgen(folder: Path) -> bool:
    """True when ``folder`` is a real folder (not a link) holding the marker file."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and _is_file(folder / MARKER)
    except OSError:
        return False


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


def _same_file(old: str, status: os.stat_result, source: Path) -> bool:
    """True when ``old`` (a regular file with ``status``) has the same bytes as ``source``."""
    try:
        if status.st_size != source.stat().st_size:
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
    not newsgen's (an empty folder the output was) or the spare's place is taken."""
    if _made_by_newsgen(old) and (old == spare or not os.path.lexists(spare)):
        if old != spare:
            old.rename(spare)
        return
    shutil.rmtree(old, ignore_errors=True)


def recover_interrupted_swap(output: Path) -> bool:
    """Put the last good site back if a build died between the two renames of a swap.

    That moment leaves no ``output`` but a retired tree beside it, which is
    the previous site, complete. Returns True when it was put back. Called
    at the start of every build, so that even a build that then fails on
    bad content brings the site back.
    """
    if output.exists() or output.is_symlink() or not output.parent.is_dir():
        return False
    retired = _leftovers(output.parent, RETIRED_PREFIX, output.name)
    if not retired:
        return False
    retired[-1].rename(output)
    return True


def _remove_leftovers(parent: Path, name: str) -> None:
    """Delete the staging and retired trees that interrupted builds of ``name`` left.

    Those of other outputs in the same folder are left alone, and so is the
    spare tree, which is no leftover.
    """
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in _leftovers(parent, prefix, name):
            shutil.rmtree(leftover, ignore_errors=True)


def _leftovers(parent: Path, prefix: str, name: str) -> list[Path]:
    """Return the ``{prefix}{name}-{pid}`` folders in ``parent``, oldest first."""
    pattern = re.compile(re.escape(prefix + name) + r"-\d+")
    found = [
        path
        for path in parent.glob(f"{prefix}*")
        if pattern.fullmatch(path.name) and path.is_dir() and not path.is_symlink()
    ]
    return sorted(found, key=lambda path: path.stat().st_mtime)
