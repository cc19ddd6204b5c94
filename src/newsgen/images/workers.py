"""Image workers: pictures are decoded and encoded in other processes, behind the
guard of guarded.py.

Pillow's decoders and encoders are native code: a hostile file could crash the
process that opens it, or keep it busy for ever. So no picture is opened in the
build's process. Each file goes to a worker (guarded.run_guarded()), which makes
its units (images/make.py), writes their files into the cache folder and returns
their records. A worker may spend CPU_SECONDS of CPU time on one file; a file
that stops its worker (a crash, the time limit) is reported as STOPPED, and the
others are made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsgen import guarded
from newsgen.guarded import run_guarded
from newsgen.images.decode import PictureError
from newsgen.images.jobs import Unit, UnitResult
from newsgen.images.make import make_units
from newsgen.images.store import write_file
from newsgen.input_files import NotAFile, read_regular
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
    calls = [(task, settings, folder) for task in tasks]
    outcomes = run_guarded(make or make_file, calls, jobs, [__name__], done)
    return [outcome if outcome is not None else STOPPED for outcome in outcomes]


def make_file(task: FileTask, settings: ImageSettings, folder: Path) -> Outcome:
    """In a worker: make ``task``'s units and write their files into ``folder``; return
    their records (the build keeps them: images/store.py), or why the file cannot be
    published."""
    guarded.limit_cpu(CPU_SECONDS)
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
