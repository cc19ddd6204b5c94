"""The installed ``newsgen`` command, for the tests that run it as a user does.

Not a test module; tests import it by name (``tests/`` is on ``sys.path`` through
its conftest.py).
"""

from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path


def find_newsgen() -> str:
    """Return the ``newsgen`` command beside the running Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "newsgen"
    if beside.is_file():
        return str(beside)
    found = shutil.which("newsgen")
    assert found, "the newsgen command is not installed; run `make venv`"
    return found


def default_ctrl_c() -> None:
    """Give a child process the default SIGINT handling (``preexec_fn``): a runner
    without job control may start us ignoring SIGINT, and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
