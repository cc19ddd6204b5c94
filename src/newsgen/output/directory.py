"""The output directory and the trees newsgen keeps beside it.

newsgen deletes or replaces nothing but what it made. A folder is its
output when it holds the marker ``.newsgen-output``: a regular file (not a
link, not a folder) holding exactly MARKER_TEXT. Beside the output it keeps
folders named ``.newsgen-*``: the spare tree, and the staging and retired
trees of builds under way (or interrupted). This module says which folders
are newsgen's, refuses outputs that could destroy someone's files, and
removes what interrupted builds left.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
from collections.abc import Collection, Mapping
from pathlib import Path

from newsgen.errors import NewsgenError

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
MARKER_BYTES = MARKER_TEXT.encode()


class OutputError(NewsgenError):
    """The output directory cannot be used safely."""


def check_output_dir(output: Path, site_root: Path) -> None:
    """Raise OutputError when writing to ``output`` could destroy someone's files.

    Refused: the site root itself, a folder inside ``content/``, a folder
    holding ``content/``, ``templates/`` or ``static/``, an existing
    non-empty folder that newsgen did not make (its marker is not a regular
    file holding newsgen's text), and the folders newsgen keeps beside an
    output (its spare tree, staging and retired folders).
    """
    if output.is_symlink():
        raise OutputError(f"output {output} is a symbolic link; give the real folder instead")
    output, root = output.resolve(), site_root.resolve()
    if output.name.startswith(_OWN_PREFIXES):
        raise OutputError(
            f"output {output} is a folder newsgen keeps beside an output for itself; choose another"
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
    if output.is_dir() and not made_by_newsgen(output) and any(output.iterdir()):
        raise OutputError(
            f"output {output} is not empty and was not made by newsgen "
            f"({_marker_problem(output / MARKER)}); choose an empty or new folder"
        )


def _marker_problem(marker: Path) -> str:
    """Say why ``marker`` does not make its folder newsgen's."""
    try:
        mode = os.lstat(marker).st_mode
    except OSError:
        return f"no {MARKER} file"
    if stat.S_ISLNK(mode):
        return f"its {MARKER} is a symbolic link, not the file newsgen writes"
    if not stat.S_ISREG(mode):
        return f"its {MARKER} is not a file"
    return f"its {MARKER} does not hold the text newsgen writes"


def spare_path(output: Path) -> Path:
    """Return where the spare tree of ``output`` lies: ``.newsgen-spare-NAME`` beside it."""
    return output.parent / f"{SPARE_PREFIX}{output.name}"


def lock_path(output: Path) -> Path:
    """Return the lock file of ``output`` (see build/locks.py): ``.newsgen-lock-NAME`` beside it."""
    return output.parent / f"{LOCK_PREFIX}{output.name}"


def made_by_newsgen(folder: Path) -> bool:
    """True when ``folder`` is a real folder (not a link) holding the marker: a regular
    file (not a link) with exactly the text newsgen writes into it."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        descriptor = os.open(folder / MARKER, os.O_RDONLY | _NO_FOLLOW | _NO_BLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        return os.read(descriptor, len(MARKER_BYTES) + 1) == MARKER_BYTES
    except OSError:
        return False
    finally:
        os.close(descriptor)


def recover_interrupted_swap(output: Path) -> bool:
    """Put the last good site back if a build died between the two renames of a swap.

    That moment leaves no ``output`` but a retired tree beside it, which is
    the previous site, complete (a folder with newsgen's marker). Returns
    True when it was put back. Called at the start of every build, so that
    even a build that then fails on bad content brings the site back.
    """
    if output.exists() or output.is_symlink() or not output.parent.is_dir():
        return False
    retired = _leftovers(output.parent, RETIRED_PREFIX, output.name)
    retired = [tree for tree in retired if made_by_newsgen(tree)]
    if not retired:
        return False
    retired[-1].rename(output)
    return True


def remove_leftovers(parent: Path, name: str) -> None:
    """Delete the staging and retired trees that interrupted builds of ``name`` left.

    Those of other outputs in the same folder are left alone, and so is the
    spare tree, which is no leftover.
    """
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in _leftovers(parent, prefix, name):
            delete_leftover(leftover)


def delete_leftover(path: Path) -> None:
    """Delete ``path``, named as one of newsgen's own trees: a link or a file of that
    name is unlinked (never followed), a folder deleted with all it holds (never
    following a link out of it)."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            path.unlink()
            return
    shutil.rmtree(path, ignore_errors=True)


def _leftovers(parent: Path, prefix: str, name: str) -> list[Path]:
    """Return the entries named ``{prefix}{name}-{pid}`` in ``parent`` (folders, links
    or files), oldest first."""
    pattern = re.compile(re.escape(prefix + name) + r"-\d+")
    found = [path for path in parent.glob(f"{prefix}*") if pattern.fullmatch(path.name)]
    return sorted(found, key=lambda path: path.lstat().st_mtime)


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


def discard_spare(spare: Path) -> None:
    """Delete a spare that cannot be used, its marker first: cut short, it is no spare."""
    with contextlib.suppress(OSError):
        if spare.is_symlink() or not spare.is_dir():
            spare.unlink()
            return
        if stat.S_ISREG(os.lstat(spare / MARKER).st_mode):
            (spare / MARKER).unlink()
    shutil.rmtree(spare, ignore_errors=True)
