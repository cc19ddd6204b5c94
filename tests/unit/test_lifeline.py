"""newsgen.lifeline: a build's children end with it, with PR_SET_PDEATHSIG (Linux) or a
thread watching the parent (elsewhere; tried here on Linux too), and leave Ctrl-C to it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsgen import lifeline

PARENT = textwrap.dedent(
    """
    import functools, multiprocessing, os, subprocess, sys, time
    from newsgen import lifeline

    how, parent = sys.argv[1], os.getpid()

    def child():
        prctl = None if how == "watching thread" else lifeline._PRCTL
        lifeline.die_with_parent(parent, prctl)
        time.sleep(60)

    if how == "program":
        started = subprocess.Popen(
            ["sleep", "60"], preexec_fn=functools.partial(lifeline.before_exec, parent)
        )
    else:
        started = multiprocessing.get_context("fork").Process(target=child)
        started.start()
    print(started.pid, flush=True)
    time.sleep(60)
    """
)


def running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie no longer does)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


HOW = ["prctl", "watching thread", "program"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", HOW)
def test_a_child_ends_when_its_parent_is_killed(how: str) -> None:
    if how != "watching thread" and lifeline._PRCTL is None:
        pytest.skip("no prctl here")
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        time.sleep(0.1)  # the child has asked (or started watching)
        assert running(child)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 2
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not running(child), f"the child ({how}) outlived its parent by 2 s"
    finally:
        if running(child):
            os.kill(child, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _already_orphaned(prctl: object) -> None:
    lifeline.die_with_parent(1, prctl)  # type: ignore[arg-type]  # not our parent: gone
    time.sleep(1 + 4 * lifeline.WATCH_SECONDS)
    os._exit(0)


@pytest.mark.parametrize("prctl", [lifeline._PRCTL, None], ids=["prctl", "watching thread"])
def test_a_child_whose_parent_ended_before_it_asked_ends_at_once(prctl: object) -> None:
    child = multiprocessing.get_context("fork").Process(target=_already_orphaned, args=(prctl,))
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 1


def _ctrl_c_itself() -> None:
    lifeline.die_with_parent(os.getppid())
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)
    os._exit(7)


def test_a_child_leaves_ctrl_c_to_its_parent() -> None:
    child = multiprocessing.get_context("fork").Process(target=_ctrl_c_itself)
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 7
