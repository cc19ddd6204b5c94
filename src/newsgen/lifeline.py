"""Child processes of a build end with it, however it ends.

A build forks helpers (the page helper of pagehelper/pool.py, the parse workers of
content/load.py, the search index's writers of search/write.py, the image workers
of images/workers.py). Killed with
SIGKILL, the build cannot stop
them, and they may wait forever on pipes that their siblings keep open. So
each child ties its life to the build's from its first instant:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the child
  the moment its parent ends;
- elsewhere, a thread in the child that checks every WATCH_SECONDS whether its
  parent is still the build, and ends the child when it is not.

Either way, a parent that died before the child could ask is noticed at once.
Children also ignore Ctrl-C: a terminal sends it to every process of the
group, and the build, which decides what an interrupt means, stops its
children itself. (They keep SIGTERM, which a process pool uses to stop its
workers.)
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable

WATCH_SECONDS = 0.25
"""How often a child without PR_SET_PDEATHSIG looks whether its parent is still there."""
_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[[int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def die_with_parent(parent: int, prctl: Callable[[int, int], int] | None = _PRCTL) -> None:
    """In a forked child of process ``parent``: end this process when ``parent`` ends
    (at once when it has ended already), and leave Ctrl-C to the parent.

    ``prctl`` is the C function, or None where there is none (then a watching
    thread is started; tests pass None to try it on Linux).
    """
    ignore_ctrl_c()
    if prctl is not None and prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
        if os.getppid() != parent:  # it ended before we asked
            os._exit(1)
        return
    watcher = threading.Thread(target=_watch, args=(parent,), name="lifeline", daemon=True)
    watcher.start()


def die_with_process(build: int) -> None:
    """In a process that is not a child of process ``build`` (a worker forked by a fork
    server, which the build started): end this process when ``build`` ends (at once when
    it has ended already), and leave Ctrl-C to it.

    The fork server cannot end first: it lives while any process holds its pipe, and
    each of its workers does. So the worker watches the build itself: on Linux through
    a pidfd, readable the moment that very process ends (never a later process given
    its number); elsewhere by asking every WATCH_SECONDS whether it still exists.
    """
    ignore_ctrl_c()
    try:
        handle: int | None = os.pidfd_open(build)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # not Linux 5.3 or later
        handle = None
    watcher = threading.Thread(
        target=_watch_process, args=(build, handle), name="lifeline", daemon=True
    )
    watcher.start()


def _watch_process(build: int, handle: int | None) -> None:
    """End this process once process ``build`` has ended."""
    if handle is not None:
        select.select([handle], [], [])  # readable once the process has ended
        os._exit(1)
    while True:
        try:
            os.kill(build, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # it exists, as another user's process: not ours
            os._exit(1)
        time.sleep(WATCH_SECONDS)


def before_exec(parent: int) -> None:
    """For ``subprocess`` (``preexec_fn``): have the program about to run in this child
    of ``parent`` killed when ``parent`` ends, on Linux, and leave Ctrl-C to the
    parent. Starts no thread: it runs between fork and exec."""
    ignore_ctrl_c()
    asked = _PRCTL is not None and _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    if asked and os.getppid() != parent:  # it ended before we asked
        os._exit(1)


def ignore_ctrl_c() -> None:
    """Ignore Ctrl-C (SIGINT) in this child process: its parent stops it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _watch(parent: int) -> None:
    """End this process once its parent is no longer ``parent`` (it ended: the child
    was handed to another process)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
