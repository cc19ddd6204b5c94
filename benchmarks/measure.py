"""Run one command and measure it: wall time, CPU time and peak memory of its process tree.

- Wall time: ``time.perf_counter()`` from just before the process starts until
  it has been reaped.
- CPU time: user + system time from ``os.wait4()``, which on Linux covers the
  process and every descendant it waited for (a process pool's workers
  included).
- Peak memory: a thread reads ``VmRSS`` from ``/proc/<pid>/status`` for the
  process and all its descendants every ``interval`` seconds (20 ms by
  default) and keeps the largest sum; the largest single-process peak that
  ``wait4`` reports (``ru_maxrss``) is a floor for it, which catches a
  process too short-lived for the sampler.

Used by ``run.py`` and ``anchors.py``; Linux only (``/proc``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INTERVAL = 0.02
"""Seconds between two memory samples."""


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured run of a command."""

    wall: float
    """Seconds from start to exit."""
    cpu: float
    """User + system CPU seconds of the process and its reaped descendants."""
    peak_rss: int
    """Peak resident memory of the whole process tree, in bytes."""
    returncode: int
    output: str
    """Standard output and standard error, interleaved."""

    @property
    def peak_mb(self) -> float:
        """Peak resident memory in MB (10^6 bytes)."""
        return self.peak_rss / 1e6


@dataclass(frozen=True, slots=True)
class Summary:
    """The median of several measurements of the same thing (each figure on its own)."""

    wall: float
    cpu: float
    peak_mb: float
    runs: int
    wall_min: float
    wall_max: float


def summarise(measurements: Sequence[Measurement]) -> Summary:
    """Return the medians of ``measurements``."""
    walls = [m.wall for m in measurements]
    return Summary(
        wall=statistics.median(walls),
        cpu=statistics.median(m.cpu for m in measurements),
        peak_mb=statistics.median(m.peak_mb for m in measurements),
        runs=len(measurements),
        wall_min=min(walls),
        wall_max=max(walls),
    )


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero code."""


def run_measured(
    command: Sequence[str | Path],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    interval: float = SAMPLE_INTERVAL,
    check: bool = True,
) -> Measurement:
    """Run ``command`` to completion and return its Measurement.

    Raises CommandFailed (with the command's output) when ``check`` is set and
    the command exits with a non-zero code.
    """
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: nothing can block
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        sampler = TreeSampler(process.pid, interval)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    measurement = Measurement(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss=max(sampler.peak, usage.ru_maxrss * 1024),
        returncode=process.returncode,
        output=output,
    )
    if check and measurement.returncode != 0:
        shown = " ".join(str(part) for part in command)
        raise CommandFailed(f"{shown} exited with {measurement.returncode}:\n{output[-4000:]}")
    return measurement


class TreeSampler:
    """A thread that keeps the peak summed VmRSS of a process and its descendants."""

    def __init__(self, pid: int, interval: float) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss-{pid}", daemon=True)

    def start(self) -> None:
        """Start sampling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_rss(self.pid))
            if self._stop.wait(self.interval):
                return


def tree_rss(root: int) -> int:
    """Return the summed VmRSS in bytes of ``root`` and all its descendants (0 if gone)."""
    return sum(vm_rss(pid) for pid in descendants(root))


def descendants(root: int) -> list[int]:
    """Return ``root`` and the ids of all processes below it, from ``/proc/*/stat``."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        parent = parent_pid(int(entry.name))
        if parent is not None:
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, ()))
    return found


def parent_pid(pid: int) -> int | None:
    """Return the parent of ``pid``, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def vm_rss(pid: int) -> int:
    """Return the VmRSS of ``pid`` in bytes, or 0 when it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return 0
    return 0


SET_ASIDE = ".set-aside"
"""The folder, beside the benchmark's sites, that takes what a cold build must not find."""


def set_aside(paths: Sequence[Path], beside: Path) -> None:
    """Move each of ``paths`` that exists into ``beside/SET_ASIDE`` instead of deleting it;
    the folder goes when the benchmark's temporary folder does.

    Deleting a build's output just before the next build is measured costs that
    build, not the deleting: on ext4 without a journal (as on the machines these
    figures come from), the kernel does not reuse an inode freed in the last
    minute or so, and scans past every such inode for each file it creates
    (``recently_deleted()`` in ``fs/ext4/ialloc.c``). After ``rm -rf`` of a
    25,000-file site, a cold build of 10,000 articles spent 12 to 25 s in the
    kernel instead of 3 to 7 (``perf``: a third of all samples in
    ``recently_deleted``), for newsgen and Hugo alike. A move frees nothing."""
    trash = beside / SET_ASIDE
    for path in paths:
        if os.path.lexists(path):
            trash.mkdir(exist_ok=True)
            os.rename(path, trash / f"{len(os.listdir(trash))}-{path.name}")
