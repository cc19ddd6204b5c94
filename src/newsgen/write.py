"""Write a built site so that a failed or interrupted build loses nothing.

Everything is written into a fresh staging directory beside the output
directory; only when all of it is written is the old output swapped out and
the new one in. The output directory carries a marker file, and newsgen
never replaces a non-empty directory that lacks it.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import NewsgenError
from .models import Output
from .swap import exchange_directories

MARKER = ".newsgen-output"
MARKER_TEXT = "This directory is written by newsgen; each build replaces it whole.\n"
STAGING_PREFIX = ".newsgen-staging-"
RETIRED_PREFIX = ".newsgen-retired-"


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
    holding ``content/``, ``templates/`` or ``static/``, and an existing
    non-empty folder that newsgen did not make.
    """
    if output.is_symlink():
        raise OutputError(f"output {output} is a symbolic link; give the real folder instead")
    output, root = output.resolve(), site_root.resolve()
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
    """Files whose bytes were already in the previous output: hard-linked, not rewritten."""


def write_site(output: Path, outputs: Iterable[Output], copies: Iterable[Copy]) -> WriteReport:
    """Write ``outputs`` and ``copies`` as the new contents of ``output``.

    The previous contents stay in place until the new tree is complete. A
    file whose bytes equal the previous output's is hard-linked from it, not
    rewritten: its mtime stays, so that ``rsync`` deploys send only what
    changed, and the swap costs little for a large archive.
    """
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_swap(output)
    _remove_leftovers(parent, output.name)
    staging = parent / f"{STAGING_PREFIX}{output.name}-{os.getpid()}"
    staging.mkdir()
    previous = output if (output / MARKER).is_file() else None
    try:
        report = _fill(staging, outputs, copies, previous)
        _swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _fill(
    staging: Path,
    outputs: Iterable[Output],
    copies: Iterable[Copy],
    previous: Path | None,
) -> WriteReport:
    count = unchanged = 0
    made: set[Path] = set()

    def target(path: str) -> Path:
        destination = staging / path
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        return destination

    for copy in copies:
        destination = target(copy.path)
        if previous and _same_file(previous / copy.path, copy.source):
            os.link(previous / copy.path, destination)
            unchanged += 1
        else:
            shutil.copyfile(copy.source, destination)
        count += 1
    for output in outputs:
        destination = target(output.path)
        if previous and _same_bytes(previous / output.path, output.data):
            os.link(previous / output.path, destination)
            unchanged += 1
        else:
            destination.write_bytes(output.data)
        count += 1
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return WriteReport(count, unchanged)


def _same_bytes(old: Path, data: bytes) -> bool:
    """True when ``old`` is a regular file (not a link) holding exactly ``data``."""
    try:
        if old.is_symlink() or old.stat().st_size != len(data):
            return False
        return old.read_bytes() == data
    except OSError:
        return False


def _same_file(old: Path, source: Path) -> bool:
    """True when ``old`` is a regular file (not a link) with the same bytes as ``source``."""
    try:
        if old.is_symlink() or old.stat().st_size != source.stat().st_size:
            return False
        return filecmp.cmp(old, source, shallow=False)
    except OSError:
        return False


def _swap_in(staging: Path, output: Path) -> None:
    """Make ``staging`` the output; the previous output is deleted afterwards.

    With an atomic exchange the output path always names a complete site.
    Without one, there is an instant between two renames where it names
    nothing; an interrupted build then leaves the old site as a retired tree,
    which the next build puts back (see _remove_leftovers).
    """
    if not output.exists():
        staging.rename(output)
        return
    if exchange_directories(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    retired = output.parent / f"{RETIRED_PREFIX}{output.name}-{os.getpid()}"
    try:
        output.rename(retired)
        staging.rename(output)
    except BaseException:  # Ctrl-C may land between the renames: put the old site back
        if retired.exists() and not output.exists():
            retired.rename(output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


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

    Those of other outputs in the same folder are left alone.
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
