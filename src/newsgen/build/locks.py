"""Build locks: builds that would write the same things take turns, for a bounded time.

A lock is a small file (``.newsgen-lock-NAME`` beside an output folder, or
``.newsgen/build.lock`` in a site) locked with a POSIX record lock
(``fcntl`` ``F_SETLK``, through ``fcntl.lockf``). Such a lock belongs to the
process that took it, which is what a build needs of it:

- a forked child (the page helper, the parse workers) never holds it, so the
  lock ends with the build's own process however that ends, SIGKILL included:
  no helper left running can keep the next build waiting;
- the kernel drops it when the process ends; there is no stale lock to clean.

Two rules come with POSIX locks, and this module keeps both: the process
drops its lock when it closes *any* descriptor of the file, so a lock file is
opened only here, by one thread of the process at a time; and threads of one
process share the process's locks, so the threads of one process take turns
through a table of the locks this process holds (the one piece of
module-level state here: the kernel's locks are process-wide too).

While it holds a lock, a build writes who it is into the file (pid, host,
source, output, since when), so that a build that has to wait, or gives up
waiting, can name the other one. Done, it removes the file, then unlocks it;
a build that was waiting on the removed file sees that the name no longer
leads to it and locks the file there now instead. So a build leaves no lock
file behind unless it is killed (and the next build takes that one over).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from newsgen.errors import NewsgenError

DEFAULT_WAIT = 600.0
"""Seconds a build waits for another build of the same output (or site) by default:
longer than a cold build of a 100,000-article archive with its search index."""
POLL_SECONDS = 0.05
"""How often a waiting build tries the lock again."""
_QUIET_WAIT = 0.5
"""A build that waits longer than this says whom it waits for, even when that build
has not written its name yet."""
_OPEN_FLAGS = (
    os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
)


@dataclass(frozen=True, slots=True)
class Holder:
    """The build holding a lock, as it names itself in the lock file."""

    pid: int
    """Its process id."""
    host: str
    """The machine it runs on (an output folder may be shared over the network)."""
    source: str
    """The site folder it builds."""
    output: str
    """The output folder it writes."""
    since: float
    """When it took the lock (seconds since 1970)."""

    def describe(self, now: float | None = None) -> str:
        """Return the holder for a message: ``pid 42 on HOST, building SOURCE into
        OUTPUT since 2025-01-02 10:00:00 CET (12 s ago)``."""
        now = time.time() if now is None else now
        when = datetime.fromtimestamp(self.since).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        ago = max(0, round(now - self.since))
        return (
            f"pid {self.pid} on {self.host}, building {self.source} into {self.output} "
            f"since {when} ({ago} s ago)"
        )


def this_build(source: Path, output: Path) -> Holder:
    """Return the Holder that names this process building ``source`` into ``output``."""
    host, now = _host(), time.time()
    return Holder(os.getpid(), host, str(source.absolute()), str(output.absolute()), now)


class LockError(NewsgenError):
    """A build lock cannot be taken: its file cannot be made, or another build held it
    for longer than this build would wait (LockBusy)."""


class LockBusy(LockError):
    """Another build held the lock for longer than this build would wait."""


Waiting = Callable[[str], None]
"""Told, once, a line saying whom a build waits for."""


@contextmanager
def holding(
    path: Path,
    holder: Holder,
    what: str,
    wait: float = DEFAULT_WAIT,
    waiting: Waiting | None = None,
    required: bool = True,
) -> Iterator[None]:
    """Hold the lock of file ``path`` (made when missing) while the block runs.

    ``holder`` names this build in the file; ``what`` says what the lock guards, for
    messages (``the output folder /srv/public``). When another build (another
    process, or another thread of this one) holds it, wait up to ``wait`` seconds,
    trying every POLL_SECONDS; ``waiting`` is told once whom for. Raises LockBusy,
    naming the other build, when the wait is over, and LockError when the file
    cannot be opened, unless it is not ``required`` (then the block runs without it).
    """
    deadline = time.monotonic() + max(0.0, wait)
    gate = _HELD.gate(path)
    if not gate.acquire(blocking=False):
        _tell(waiting, what, _HELD.holder(path), wait)
        if not gate.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise LockBusy(_busy(what, _HELD.holder(path), wait))
    try:
        descriptor = _acquire(path, _Wait(what, deadline, wait, waiting), required)
        if descriptor is None:  # a read-only site: built without its lock
            yield
            return
        try:
            _HELD.hold(path, holder)
            _write_holder(descriptor, holder)
            yield
        finally:
            _HELD.release(path)
            _release(path, descriptor)
    finally:
        gate.release()


@dataclass(frozen=True, slots=True)
class _Wait:
    """How a build waits for a lock: for messages, ``what`` it guards; until when
    (``deadline``, monotonic seconds), ``wait`` seconds in all; whom to tell."""

    what: str
    deadline: float
    wait: float
    waiting: Waiting | None


def _acquire(path: Path, wait: _Wait, required: bool) -> int | None:
    """Return a descriptor of the lock file at ``path``, locked, once it is ours; None
    when it cannot be opened and is not ``required``. Raises LockBusy after the wait.

    The holder before us removes the file before it unlocks it: a lock taken on a
    file that ``path`` no longer names is worth nothing, and the file now there
    is tried instead.
    """
    started, told = time.monotonic(), False
    while True:
        try:
            descriptor = os.open(path, _OPEN_FLAGS, 0o644)
        except OSError as error:
            if required:
                raise LockError(
                    f"cannot make the lock file {path} for {wait.what}: "
                    f"{error.strerror or error}; a build needs it to keep other builds out"
                ) from None
            return None
        ours = False
        try:
            while True:
                locked = _try_lock(descriptor)
                if not _names(path, descriptor):
                    break  # removed by the build before: the file at ``path`` now is tried
                if locked:
                    ours = True
                    break
                told = _wait_once(descriptor, wait, told, time.monotonic() - started)
        finally:
            if not ours:
                os.close(descriptor)
        if ours:
            return descriptor


def _wait_once(descriptor: int, wait: _Wait, told: bool, waited: float) -> bool:
    """Wait a little for the lock of the open lock file, after saying whom for once the
    holder is known (or ``waited`` is long); raise LockBusy once the wait is over.
    Return whether it was said."""
    now = time.monotonic()
    if now >= wait.deadline:
        raise LockBusy(_busy(wait.what, _live_holder(descriptor), wait.wait))
    if not told:
        other = _live_holder(descriptor)
        if other is not None or waited > _QUIET_WAIT:
            _tell(wait.waiting, wait.what, other, wait.wait)
            told = True
    time.sleep(min(POLL_SECONDS, max(0.0, wait.deadline - now)))
    return told


def _try_lock(descriptor: int) -> bool:
    """Lock the file without waiting; False when another process holds it."""
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: held by another
        return False
    return True


def _names(path: Path, descriptor: int) -> bool:
    """True when ``path`` still names the open file ``descriptor``."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _release(path: Path, descriptor: int) -> None:
    """Remove the lock file, then unlock it (closing it does): a build waiting on this
    file finds it gone and makes a new one (see _acquire)."""
    try:
        with contextlib.suppress(OSError):
            os.unlink(path)
    finally:
        os.close(descriptor)


def read_holder(descriptor: int) -> Holder | None:
    """Return the Holder written in the open lock file, or None when there is none
    (yet) or it cannot be read."""
    import json  # here: the CLI imports this module for --help

    try:
        data = os.pread(descriptor, 4096, 0)
        return Holder(**json.loads(data)) if data else None
    except (OSError, ValueError, TypeError):
        return None


def _live_holder(descriptor: int) -> Holder | None:
    """Return the Holder in the open lock file, but None for one that has ended: what a
    killed build wrote, read before the build now holding the lock wrote its own."""
    holder = read_holder(descriptor)
    return holder if holder is not None and _may_be_alive(holder) else None


def _write_holder(descriptor: int, holder: Holder) -> None:
    import json

    data = json.dumps(asdict(holder)).encode()
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, data, 0)


def _host() -> str:
    """Return this machine's name."""
    return os.uname().nodename


def _may_be_alive(holder: Holder) -> bool:
    """False when ``holder`` names a process of this machine that has ended (what a
    killed build wrote, before the build that now holds the lock wrote its own)."""
    if holder.host != _host():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _tell(waiting: Waiting | None, what: str, other: Holder | None, wait: float) -> None:
    if waiting is not None:
        who = other.describe() if other is not None else "which has not said who it is yet"
        waiting(f"waiting for another build to finish with {what} (up to {wait:g} s): {who}")


def _busy(what: str, other: Holder | None, wait: float) -> str:
    """The message of LockBusy."""
    who = f": {other.describe()}" if other is not None else " (it did not say who it is)"
    return (
        f"another build is using {what}{who}; waited {wait:g} s for it. Build again when "
        "it has finished, or let the build wait longer (newsgen build --wait SECONDS)"
    )


class _HeldHere:
    """The locks this process holds, by lock file, so that its threads take turns:
    POSIX locks do not keep the threads of one process apart."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._gates: dict[str, threading.Lock] = {}
        self._holders: dict[str, Holder] = {}

    def gate(self, path: Path) -> threading.Lock:
        """Return the lock a thread of this process takes before the file's."""
        with self._guard:
            return self._gates.setdefault(_key(path), threading.Lock())

    def hold(self, path: Path, holder: Holder) -> None:
        with self._guard:
            self._holders[_key(path)] = holder

    def holder(self, path: Path) -> Holder | None:
        """Return who in this process holds the lock of ``path`` (None: nobody yet)."""
        with self._guard:
            return self._holders.get(_key(path))

    def release(self, path: Path) -> None:
        with self._guard:
            self._holders.pop(_key(path), None)


def _key(path: Path) -> str:
    """One name for a lock file however it is reached (relative, through links)."""
    return os.path.join(os.path.realpath(path.parent), path.name)


_HELD = _HeldHere()
