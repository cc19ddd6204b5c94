"""newsgen.build.locks: one holder at a time, across processes and threads; never a forked child;
a clear message naming the holder; no lock file left behind."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from newsgen.build.locks import (
    Holder,
    LockBusy,
    LockError,
    _live_holder,
    holding,
    read_holder,
    this_build,
)

IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from newsgen.build.locks import LockBusy, holding, this_build
    path, wait = Path(sys.argv[1]), float(sys.argv[2])
    holder = this_build(Path("/sites/other"), Path("/out/public"))
    try:
        with holding(path, holder, "the lock", wait, lambda line: print("note:", line, flush=True)):
            print("held", flush=True)
            time.sleep(float(sys.argv[3]))
    except LockBusy as busy:
        print("busy:", busy, flush=True)
    """
)


def other_process(path: Path, wait: float, hold: float = 0.0) -> subprocess.Popen[str]:
    """Start a process that takes the lock at ``path`` (waiting ``wait`` s), holds it
    ``hold`` s and says what happened on its standard output."""
    command = [sys.executable, "-c", IN_ANOTHER_PROCESS, str(path), str(wait), str(hold)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def holder(name: str = "site") -> Holder:
    return this_build(Path(f"/sites/{name}"), Path("/out/public"))


def test_another_process_cannot_take_a_held_lock_and_names_the_holder(tmp_path: Path) -> None:
    path = tmp_path / ".newsgen-lock-public"
    with holding(path, holder(), "the output folder /out/public", wait=0):
        said = other_process(path, wait=0).communicate(timeout=30)[0]
    assert said.startswith("busy: another build is using the lock: ")
    host = os.uname().nodename
    assert f"pid {os.getpid()} on {host}, building /sites/site into /out/public" in said
    assert " since " in said and " s ago); waited 0 s for it." in said
    assert not path.exists(), "the lock file was left behind"


def test_another_process_waits_says_whom_for_then_takes_it(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    with holding(path, holder(), "the lock", wait=0):
        waiting = other_process(path, wait=30)
        time.sleep(0.3)
        assert waiting.poll() is None
    said = waiting.communicate(timeout=30)[0].splitlines()
    note = "note: waiting for another build to finish with the lock (up to 30 s):"
    assert said[0].startswith(note)
    assert f"pid {os.getpid()}" in said[0]
    assert said[1:] == ["held"]


def test_the_holder_is_written_in_the_file_while_held(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    process = other_process(path, wait=0, hold=30)
    try:
        assert process.stdout is not None and process.stdout.readline() == "held\n"
        written = json.loads(path.read_text())  # read, not opened by the holder
        assert written["pid"] == process.pid and written["source"] == "/sites/other"
        descriptor = os.open(path, os.O_RDONLY)
        try:
            assert read_holder(descriptor) == Holder(**written)
        finally:
            os.close(descriptor)
    finally:
        process.kill()
        process.wait()


FORKS_AND_DIES = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from pathlib import Path
    from newsgen.build.locks import holding, this_build
    with holding(Path(sys.argv[1]), this_build(Path("/s"), Path("/o")), "the lock", 0):
        child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
        child.start()
        print(child.pid, flush=True)
        os._exit(0)  # killed, in effect: the lock is never released by this process
    """
)


def test_a_forked_child_never_holds_the_lock(tmp_path: Path) -> None:
    """The holder forks a child and dies without unlocking; the child lives on, and the
    lock is free at once (a flock, shared with the child, would stay held)."""
    path = tmp_path / "lock"
    command = [sys.executable, "-c", FORKS_AND_DIES, str(path)]
    parent = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())  # (the child keeps the pipe open: no EOF)
    assert parent.wait(timeout=30) == 0
    try:
        os.kill(child, 0)  # still running, holding every descriptor it inherited
        assert path.exists(), "the lock file of a killed holder stays (and is taken over)"
        with holding(path, holder(), "the lock", wait=0):
            descriptor = os.open(path, os.O_RDONLY)
            written = read_holder(descriptor)
            assert written is not None and written.pid == os.getpid()
            os.close(descriptor)  # (which drops this process's lock: the block ends now)
    finally:
        os.kill(child, signal.SIGKILL)
    assert not path.exists()


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with holding(path, holder("first"), "the lock", wait=0):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(30)
    notes: list[str] = []
    busy = pytest.raises(LockBusy, match="building /sites/first into /out/public")
    with busy, holding(path, holder("second"), "the lock", 0.1, notes.append):
        pass
    assert len(notes) == 1 and "building /sites/first" in notes[0]
    release.set()
    with holding(path, holder("second"), "the lock", wait=30):
        pass
    thread.join()


COUNTS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from newsgen.build.locks import holding, this_build
    path, log = Path(sys.argv[1]), Path(sys.argv[2])
    for _ in range(3):
        with holding(path, this_build(Path("/s"), Path("/o")), "the lock", 30):
            with log.open("a") as out:
                out.write("in\\n")
            time.sleep(0.02)
            with log.open("a") as out:
                out.write("out\\n")
    """
)


def test_holders_never_overlap_though_each_removes_the_file(tmp_path: Path) -> None:
    """Three processes take the lock three times each: a waiter whose file was removed
    must lock the new one, never hold the old one beside another holder."""
    path, log = tmp_path / "lock", tmp_path / "log"
    command = [sys.executable, "-c", COUNTS, str(path), str(log)]
    processes = [subprocess.Popen(command) for _ in range(3)]
    for process in processes:
        assert process.wait(timeout=60) == 0
    assert log.read_text() == "in\nout\n" * 9
    assert not path.exists()


def test_a_lock_file_that_cannot_be_made(tmp_path: Path) -> None:
    path = tmp_path / "not-a-folder" / "lock"
    (tmp_path / "not-a-folder").write_text("a file")
    unusable = pytest.raises(LockError, match=f"cannot make the lock file {path} for the lock: ")
    with unusable, holding(path, holder(), "the lock"):
        pass
    ran = False
    with holding(path, holder(), "the lock", required=False):  # a read-only site
        ran = True
    assert ran


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    (tmp_path / "lock").symlink_to(target)
    with pytest.raises(LockError), holding(tmp_path / "lock", holder(), "the lock"):
        pass
    assert target.read_text() == "keep"


@pytest.mark.parametrize("text", [b"", b"not json", b'{"pid": 1}', b"[1, 2]"])
def test_an_unreadable_holder_is_none(tmp_path: Path, text: bytes) -> None:
    (tmp_path / "lock").write_bytes(text)
    descriptor = os.open(tmp_path / "lock", os.O_RDONLY)
    try:
        assert read_holder(descriptor) is None
    finally:
        os.close(descriptor)


def test_the_holder_describes_itself() -> None:
    named = Holder(42, "desk-3", "/sites/daily", "/srv/www/public", 1_700_000_000.0)
    said = named.describe(now=1_700_000_012.4)
    assert said.startswith("pid 42 on desk-3, building /sites/daily into /srv/www/public since ")
    assert said.endswith(" (12 s ago)")


def test_what_a_killed_build_wrote_names_nobody(tmp_path: Path) -> None:
    """A waiter may read the file before the new holder has written its name: a holder
    whose process has ended (on this machine) is not named."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    path = tmp_path / "lock"
    for pid, named in ((ended.pid, False), (os.getpid(), True)):
        written = Holder(pid, os.uname().nodename, "/s", "/o", time.time())
        path.write_text(json.dumps(dataclasses.asdict(written)))
        descriptor = os.open(path, os.O_RDONLY)
        try:
            assert (_live_holder(descriptor) == written) is named
        finally:
            os.close(descriptor)
