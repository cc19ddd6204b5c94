"""Image workers: pictures are decoded and encoded in other processes, behind a guard.

Pillow's decoders and encoders are native code: a hostile file could crash the
process that opens it, or keep it busy for ever. So no picture is opened in the
build's process. Each file goes to a worker (forked from a fork server, a new
interpreter that holds none of the build's memory, which a fork of a large build
would count again), which makes its units (images/make.py), writes their files into the
cache folder and returns their records. A worker may spend CPU_SECONDS of CPU
time on one file; past that the kernel stops it (RLIMIT_CPU). When a worker
dies (a crash, the time limit), the files its pool had not finished are made
again one at a time, each in a worker of its own, so that the one that kills
its worker is found and reported, and the others are made. Workers end with the
build, however it ends (lifeline.die_with_process(): a worker of the fork server
is not the build's child, so it watches the build's process itself).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import resource
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext
from pathlib import Path

from newsgen.images.decode import PictureError
from newsgen.images.jobs import Unit, UnitResult
from newsgen.images.make import make_units
from newsgen.images.store import write_file
from newsgen.input_files import NotAFile, read_regular
from newsgen.lifeline import die_with_process
from newsgen.models import ImageSettings

CPU_SECONDS = 60
"""CPU time one file may take in a worker (a 100-megapixel photograph takes a few)."""
MAX_FILE_BYTES = 200_000_000
"""Larger files are refused unread."""
STOPPED = (
    "stopped the image worker that opened it (the decoder crashed, or it took more than "
    f"{CPU_SECONDS} s): the file is damaged or hostile; export it again"
)


@dataclass(frozen=True, slots=True)
class FileTask:
    """The units to make of one picture file."""

    source: str
    """The file (absolute path)."""
    extension: str
    """Its extension, lower case, without the dot (``jpg``; ``jpeg`` is ``jpg``)."""
    units: tuple[Unit, ...]


Outcome = list[UnitResult] | str
"""What became of a task: its units' records, or why the file cannot be published."""


def run_tasks(
    tasks: Sequence[FileTask],
    settings: ImageSettings,
    folder: Path,
    jobs: int,
    done: Callable[[int], None] | None = None,
    make: Callable[[FileTask, ImageSettings, Path], Outcome] | None = None,
) -> list[Outcome]:
    """Make every task's units in workers (up to ``jobs`` at once), their files written
    into ``folder``; return each task's outcome, in order. ``done(n)`` is told of
    each finished task; ``make`` does a task in a worker (make_file(); tests give another,
    a module-level function the workers can import)."""
    outcomes: list[Outcome | None] = [None] * len(tasks)
    work = (tasks, settings, folder, outcomes, done, make or make_file)
    broken = _run_pool(list(range(len(tasks))), max(1, min(jobs, len(tasks))), *work)
    for index in broken:  # each alone: the one that stops its worker again is the culprit
        if _run_pool([index], 1, *work):
            outcomes[index] = STOPPED
    return [outcome if outcome is not None else STOPPED for outcome in outcomes]


def _run_pool(
    indexes: list[int],
    workers: int,
    tasks: Sequence[FileTask],
    settings: ImageSettings,
    folder: Path,
    outcomes: list[Outcome | None],
    done: Callable[[int], None] | None,
    make: Callable[[FileTask, ImageSettings, Path], Outcome],
) -> list[int]:
    """Run the tasks at ``indexes`` in one pool; return those whose pool broke under them."""
    if not indexes:
        return []
    broken: list[int] = []
    with ProcessPoolExecutor(workers, _context(), die_with_process, (os.getpid(),)) as pool:
        try:
            futures: dict[Future[Outcome], int] = {
                pool.submit(make, tasks[index], settings, folder): index for index in indexes
            }
            waiting = set(futures)
            while waiting:
                finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        outcomes[futures[future]] = future.result()
                    except BrokenProcessPool:
                        broken.append(futures[future])
                        continue
                    if done is not None:
                        done(1)
        except BaseException:  # interrupted: start no further file
            pool.shutdown(cancel_futures=True)
            raise
    return sorted(broken)


def _context() -> BaseContext:
    """Workers are forked from a fork server: a small interpreter started once per build
    (the first time pictures are made), with Pillow loaded, so that each pool of workers
    starts in milliseconds and holds nothing of the build's memory."""
    context = get_context("forkserver")
    context.set_forkserver_preload([__name__])
    global _STOP_REGISTERED
    if not _STOP_REGISTERED:
        atexit.register(stop_fork_server)
        _STOP_REGISTERED = True
    return context


_STOP_REGISTERED = False


def stop_fork_server() -> None:
    """Stop the fork server and wait for it (at exit, and by the ``newsgen`` command,
    which ends without running atexit), so that no process of the build outlives it
    and the CPU time of its workers counts as the build's: a parent that does not wait
    for a child is never told the time it took."""
    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)  # what Python's own tests call; absent: skip
    if stop is not None:
        with contextlib.suppress(OSError, ValueError, ChildProcessError):
            stop()


def make_file(task: FileTask, settings: ImageSettings, folder: Path) -> Outcome:
    """In a worker: make ``task``'s units and write their files into ``folder``; return
    their records (the build keeps them: images/store.py), or why the file cannot be
    published."""
    _limit_cpu(CPU_SECONDS)
    try:
        data, _ = read_regular(task.source, MAX_FILE_BYTES)  # never blocks on a pipe
    except NotAFile as error:
        return str(error)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    try:
        results, files = make_units(data, task.extension, task.units, settings)
        for name, content in files.items():
            write_file(folder / name, content)
        return results
    except PictureError as error:
        return str(error)
    except MemoryError:
        return "needs more memory than this machine has to decode: make it smaller"
    except OSError as error:
        return f"cannot have its copies written: {error.strerror or error}"
    except Exception as error:
        return f"cannot be processed ({type(error).__name__}: {error}): export it again"


def _limit_cpu(seconds: int) -> None:
    """Let this process use at most ``seconds`` more CPU time (then the kernel ends it)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
