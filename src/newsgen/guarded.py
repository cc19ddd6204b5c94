"""Work that native code does, run in other processes behind a guard.

Pillow's decoders (images/workers.py) and the HTML parsers of a saved-page import
(importer/page_workers.py) are native code: a hostile file could crash the
process that reads it, or keep it busy for ever. run_guarded() runs each call
in a worker (forked from a fork server, a new interpreter that holds none of the
caller's memory, which a fork of a large build would count again). A worker may
spend ``cpu_seconds`` of CPU time on one call; past that the kernel stops it
(RLIMIT_CPU). When a worker dies (a crash, the time limit), the calls its pool
had not finished are run again one at a time, each in a worker of its own, so
that the one that kills its worker is found, and the others are done. Workers
end with the caller, however it ends (lifeline.die_with_process(): a worker of
the fork server is not the caller's child, so it watches the caller itself).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import resource
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from newsgen.lifeline import die_with_process

_R = TypeVar("_R")


def run_guarded(
    function: Callable[..., _R],
    calls: Sequence[tuple[Any, ...]],
    jobs: int,
    preload: Sequence[str] = (),
    done: Callable[[int], None] | None = None,
) -> list[_R | None]:
    """Return ``function(*call)`` for each of ``calls``, in order, each run in a worker
    (up to ``jobs`` at once); None where the call stopped its worker twice (a crash, or
    the CPU limit the function sets with limit_cpu()). ``function`` must be a
    module-level function the workers can import; ``preload`` names the modules the
    fork server imports once (when it starts); ``done(n)`` is told of finished calls."""
    results: list[_R | None] = [None] * len(calls)
    work = (function, calls, results, done, preload)
    broken = _run_pool(list(range(len(calls))), max(1, min(jobs, len(calls))), *work)
    for index in broken:  # each alone: the one that stops its worker again is the culprit
        _run_pool([index], 1, *work)
    return results


def _run_pool(
    indexes: list[int],
    workers: int,
    function: Callable[..., _R],
    calls: Sequence[tuple[Any, ...]],
    results: list[_R | None],
    done: Callable[[int], None] | None,
    preload: Sequence[str],
) -> list[int]:
    """Run the calls at ``indexes`` in one pool; return those whose pool broke under them."""
    if not indexes:
        return []
    broken: list[int] = []
    context = _context(preload)
    with ProcessPoolExecutor(workers, context, die_with_process, (os.getpid(),)) as pool:
        try:
            futures: dict[Future[_R], int] = {
                pool.submit(function, *calls[index]): index for index in indexes
            }
            waiting = set(futures)
            while waiting:
                finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        results[futures[future]] = future.result()
                    except BrokenProcessPool:
                        broken.append(futures[future])
                        continue
                    if done is not None:
                        done(1)
        except BaseException:  # interrupted: start no further call
            pool.shutdown(cancel_futures=True)
            raise
    return sorted(broken)


def _context(preload: Sequence[str]) -> BaseContext:
    """Workers are forked from a fork server: a small interpreter started once per run
    (the first time it is needed), with ``preload`` imported, so that each pool of
    workers starts in milliseconds and holds nothing of the caller's memory."""
    context = get_context("forkserver")
    context.set_forkserver_preload([__name__, *preload])
    global _STOP_REGISTERED
    if not _STOP_REGISTERED:
        atexit.register(stop_fork_server)
        _STOP_REGISTERED = True
    return context


_STOP_REGISTERED = False


def stop_fork_server() -> None:
    """Stop the fork server and wait for it (at exit, and by the ``newsgen`` command,
    which ends without running atexit), so that no process outlives the run and the
    CPU time of its workers counts as the run's: a parent that does not wait for a
    child is never told the time it took."""
    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)  # what Python's own tests call; absent: skip
    if stop is not None:
        with contextlib.suppress(OSError, ValueError, ChildProcessError):
            stop()


def limit_cpu(seconds: int) -> None:
    """In a worker: let this process use at most ``seconds`` more CPU time (then the
    kernel ends it)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
