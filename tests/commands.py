"""The installed ``newsgen`` command, for the tests that run it as a user does.

Not a test module; tests import it by name (``tests/`` is on ``sys.path`` through
its conftest.py).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
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


def run_newsgen(
    *args: str | Path, cwd: Path, timeout: int = 180
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``newsgen`` with ``args`` in ``cwd``; return what it did."""
    return subprocess.run(
        [find_newsgen(), *map(str, args)], capture_output=True, text=True, timeout=timeout,
        check=False, cwd=cwd,
    )  # fmt: skip


def empty_site(tmp_path: Path, title: str = "Imported") -> Path:
    """Make a site with no articles at ``tmp_path/site`` (to import into); return it."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "newsgen.yaml").write_text(f"title: {title}\nbase_url: https://new.example/\n")
    return root
