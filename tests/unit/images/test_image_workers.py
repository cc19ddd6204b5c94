"""images/workers.py: a file that crashes its worker, or never ends, is reported; the
others are made."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

from PIL import Image

from newsgen import guarded
from newsgen.images import workers
from newsgen.images.jobs import Unit
from newsgen.images.store import RecordBook
from newsgen.images.workers import FileTask, run_tasks
from newsgen.models import ImageSettings


def _picture(path: Path, colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_files_are_made_in_workers_and_their_records_returned(tmp_path):
    tasks = [
        FileTask(_picture(tmp_path / f"{i}.jpg", (i * 50, 0, 0)), "jpg", (Unit(f"{i:024d}"),))
        for i in range(3)
    ]
    made = tmp_path / "made"
    outcomes = run_tasks(tasks, ImageSettings(formats=("webp",)), made, jobs=2)
    for index, outcome in enumerate(outcomes):
        assert isinstance(outcome, list)
        [record] = outcome
        assert record.key == f"{index:024d}" and record.width == 400
        assert record.files and all((made / item.name).is_file() for item in record.files)
    book = RecordBook(made)
    assert book.get(outcomes[0][0].key) is None  # the build keeps the records, not a worker
    book.put(outcomes[0][0])
    book.save()
    assert RecordBook(made).get(outcomes[0][0].key) == outcomes[0][0]
    (made / outcomes[0][0].files[0].name).unlink()
    assert RecordBook(made).get(outcomes[0][0].key) is None  # a file gone: made again


def test_a_broken_file_is_its_own_outcome(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    tasks = [
        FileTask(str(broken), "jpg", (Unit("a" * 24),)),
        FileTask(_picture(tmp_path / "good.jpg", (0, 90, 0)), "jpg", (Unit("b" * 24),)),
    ]
    outcomes = run_tasks(tasks, ImageSettings(formats=()), tmp_path / "made", jobs=2)
    assert isinstance(outcomes[0], str) and "damaged" in outcomes[0]
    assert isinstance(outcomes[1], list)


def kill_on_deadly(task: FileTask, settings: ImageSettings, folder: Path) -> workers.Outcome:
    """In a worker: die as a crashing decoder would on a file named deadly*, else make it."""
    if Path(task.source).name.startswith("deadly"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return workers.make_file(task, settings, folder)


def test_a_file_that_kills_its_worker_is_found_and_the_others_made(tmp_path):
    """A worker that dies (as a decoder crash would end it) breaks its pool; the files
    not finished are made again one at a time, and the one that kills its worker again
    is reported as having stopped it."""
    deadly = tmp_path / "deadly.jpg"
    deadly.write_bytes(b"kill")
    tasks = [
        FileTask(str(deadly), "jpg", (Unit("c" * 24),)),
        FileTask(_picture(tmp_path / "fine.jpg", (0, 0, 90)), "jpg", (Unit("d" * 24),)),
        FileTask(_picture(tmp_path / "fine2.jpg", (0, 9, 90)), "jpg", (Unit("e" * 24),)),
    ]
    made = tmp_path / "made"
    outcomes = run_tasks(tasks, ImageSettings(formats=()), made, jobs=2, make=kill_on_deadly)
    assert outcomes[0] == workers.STOPPED
    assert isinstance(outcomes[1], list) and isinstance(outcomes[2], list)


def spin(task: FileTask, settings: ImageSettings, folder: Path) -> workers.Outcome:
    """In a worker: a decoder that never ends."""
    guarded.limit_cpu(1)
    while True:
        pass


def test_a_file_that_takes_for_ever_is_stopped(tmp_path):
    task = FileTask(_picture(tmp_path / "slow.jpg", (9, 9, 9)), "jpg", (Unit("f" * 24),))
    outcomes = run_tasks([task], ImageSettings(formats=()), tmp_path / "made", jobs=1, make=spin)
    assert outcomes == [workers.STOPPED]
