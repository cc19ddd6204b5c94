"""Several Pagefind runs at once: one process per shard of the search index, as many
at a time as there are cores and as their estimated memory allows, every one stopped
when one fails or the build is interrupted.

Pagefind works mostly on one core and needs about 300 KB a page, so a cold build of
an archive of many years indexes two shards at a time on two cores, while their
estimated memory and the build's own (its resident memory when they start) stay
within MEMORY_BUDGET (a shard larger than what is left runs alone).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

PAGE_MEMORY = 320 * 1024
"""Bytes Pagefind needs per page it indexes (measured: about 300 KB, growing linearly)."""
MEMORY_BUDGET = 3 * 1024**3
"""What the build and the runs going at once may need together (bytes): at 100,000
articles the build itself holds about 2 GB while the index is made, so one shard of
2,500 pages (750 MB) runs at a time and the whole stays under 4 GB."""
_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """One Pagefind run to make."""

    name: str
    """The shard it indexes."""
    pages: int
    """How many pages it indexes (its memory is estimated from them)."""
    start: Callable[[IO[bytes]], subprocess.Popen[bytes]]
    """Starts the process, its output going to the file given."""
    finish: Callable[[int, bytes], None]
    """Called with the exit code and the output once it ended; raises when it failed."""


def run_all(
    runs: Sequence[PlannedRun],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    budget: int | None = None,
) -> None:
    """Make every run of ``runs``, at most ``workers`` at once within ``budget`` (by
    default MEMORY_BUDGET less this process's resident memory), the largest first;
    call ``progress(done, total)`` as they end.

    Raises what a run's ``finish`` raises, once every other run has been stopped; on
    any exception (an interrupt too) the running processes are killed and waited for.
    """
    if budget is None:
        budget = MEMORY_BUDGET - resident_memory()
    pending = sorted(runs, key=lambda run: run.pages, reverse=True)
    going: list[tuple[PlannedRun, subprocess.Popen[bytes], IO[bytes]]] = []
    done = 0
    try:
        while pending or going:
            while pending and len(going) < max(1, workers) and _fits(pending[0], going, budget):
                run = pending.pop(0)
                output = tempfile.TemporaryFile()  # noqa: SIM115 closed when the run ends
                try:
                    process = run.start(output)
                except BaseException:
                    output.close()
                    raise
                going.append((run, process, output))
            ended = [entry for entry in going if entry[1].poll() is not None]
            if not ended:
                time.sleep(_POLL_SECONDS)
                continue
            for entry in ended:
                going.remove(entry)
                run, process, output = entry
                output.seek(0)
                said = output.read()
                output.close()
                run.finish(process.returncode, said)
                done += 1
                if progress is not None:
                    progress(done, len(runs))
    except BaseException:
        for _, process, output in going:
            _stop(process)
            output.close()
        raise


def resident_memory() -> int:
    """Return this process's resident memory in bytes (0 where /proc cannot tell)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cores() -> int:
    """Return how many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _fits(run: PlannedRun, going: Sequence[tuple[PlannedRun, object, object]], budget: int) -> bool:
    """True when ``run`` may start beside ``going``: nothing runs, or their estimated
    memory with its own stays within ``budget``."""
    if not going:
        return True
    used = sum(other.pages for other, _, _ in going) * PAGE_MEMORY
    return used + run.pages * PAGE_MEMORY <= budget


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and wait for it."""
    with contextlib.suppress(OSError):
        process.kill()
    process.wait()
