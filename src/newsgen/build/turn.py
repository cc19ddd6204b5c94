"""A build's turn: one build at a time writes an output folder, and one at a time uses a
site's cache; an interrupted build says what the output folder holds.

The output folder's lock is ``.newsgen-lock-NAME`` beside it (write.lock_path),
so that builds of any sources into one folder take turns; the site's lock is
``SITE/.newsgen/build.lock``, so that builds of one site into several folders
take turns on its cache. Both are taken in that order (so two builds can never
each hold one and wait for the other) and held to the end of the build, after
its helper processes have ended (build/locks.py says why no helper can hold them).
Nothing of the output folder or beside it (staging, spare, retired trees) is
touched before its lock is held.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsgen.build.locks import Waiting, holding, this_build
from newsgen.cache.articles import CACHE_DIR
from newsgen.cache.file import set_aside
from newsgen.output.write import lock_path, recover_interrupted_swap

SITE_LOCK = "build.lock"
"""The lock of a site's cache, in ``SITE/.newsgen/``."""


@contextmanager
def build_turn(
    source: Path, output: Path, wait: float, waiting: Waiting | None = None
) -> Iterator[str | None]:
    """Hold the locks of ``output`` and of the site at ``source`` while the block runs,
    waiting up to ``wait`` seconds for each (``waiting`` is told whom for); put back a
    previous site that a build killed mid-swap left beside ``output``. Yield what was
    wrong with the site's lock file (something else in its place, moved aside), or None.

    Raises locks.LockBusy when another build held on longer, and locks.LockError when
    the output's lock cannot be made. A KeyboardInterrupt is raised again with a message
    saying what ``output`` holds, found while no other build can change it.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    holder = this_build(source, output)
    told = _Interruption(output)
    try:
        with holding(lock_path(output), holder, f"the output folder {output}", wait, waiting):
            recover_interrupted_swap(output)
            told.watch()
            try:
                site, note = f"the site {source}", _clear_site_lock(source)
                with holding(site_lock(source), holder, site, wait, waiting, required=False):
                    yield note
            finally:
                told.settle()
    except KeyboardInterrupt:
        raise KeyboardInterrupt(told.message()) from None


def site_lock(source: Path) -> Path:
    """Return the lock file of the site at ``source`` (its ``.newsgen`` folder is made
    when missing; a read-only site has none, and builds without it)."""
    folder = source / CACHE_DIR
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
    return folder / SITE_LOCK


def _clear_site_lock(source: Path) -> str | None:
    """Move aside whatever is in the place of the site's lock file but a file (a folder,
    a link: damage to ``.newsgen/``); return what was done, for a warning, or None."""
    path = source / CACHE_DIR / SITE_LOCK
    try:
        if not os.path.lexists(path) or stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return f"is not a file; moved aside to {set_aside(path).name}"
    except OSError as error:
        return f"is not a file and cannot be moved aside ({error.strerror}); built without it"


_UNSEEN = "unseen"


class _Interruption:
    """What an interrupted build says: what its output folder holds, from the folder
    as it was before the build could change it and as the build leaves it (a swap
    puts another folder at its path), never assumed from how far the build got."""

    def __init__(self, output: Path) -> None:
        self._output = output
        self._before: tuple[int, int] | str | None = _UNSEEN
        self._after: tuple[int, int] | str | None = _UNSEEN

    def watch(self) -> None:
        """Note the output folder as it is before this build may change it."""
        self._before = _identity(self._output)

    def settle(self) -> None:
        """Note the output folder as this build leaves it."""
        self._after = _identity(self._output)

    def message(self) -> str:
        """Return what to tell the person who interrupted the build."""
        output = self._output
        if self._before == _UNSEEN:
            return f"interrupted before this build changed anything in {output}"
        after = _identity(output) if self._after == _UNSEEN else self._after
        if after == self._before:
            if after is None:
                return f"interrupted; nothing was written ({output} does not exist)"
            return f"interrupted; {output} is unchanged: it holds what it held before this build"
        if after is None:
            return (
                f"interrupted during the swap: {output} is missing for now; "
                "the next build puts the previous site back"
            )
        return f"interrupted after the new site was swapped in: {output} holds the new site"


def _identity(folder: Path) -> tuple[int, int] | None:
    """Return the device and inode of ``folder``, or None when it does not exist."""
    try:
        status = os.lstat(folder)
    except OSError:
        return None
    return status.st_dev, status.st_ino
