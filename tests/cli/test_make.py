"""The Makefile: it finds a Python that is new enough, says which, or says why none fits.

``make python`` runs the check that ``make build`` and ``make test`` run before
they make ``.venv``. Each test gives make a PATH holding only the interpreters
it names: stand-ins that answer as an old Python would, or links to this one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")
OLD_PYTHON = """#!/bin/sh
# answers as Python 3.10 would: too old for newsgen
case "$1" in
  --version) echo "Python 3.10.12" ;;
  -c) exit 1 ;;
esac
"""

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def make_python(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MAKE), "--no-print-directory", "-s", "python", *args],
        cwd=REPO,
        env={**os.environ, "PATH": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def old_python(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(OLD_PYTHON)
    path.chmod(0o755)
    return path


def this_python(folder: Path, name: str) -> Path:
    path = folder / name
    path.symlink_to(os.path.realpath(sys.executable))
    return path


def test_the_first_new_enough_python_is_used_and_named(tmp_path: Path) -> None:
    old_python(tmp_path, "python3.11")  # an old one that calls itself 3.11 is passed over
    this_python(tmp_path, "python3.13")
    this_python(tmp_path, "python3")
    result = make_python(tmp_path)
    assert result.returncode == 0, result.stderr
    version = ".".join(map(str, sys.version_info[:3]))
    assert result.stdout == f"Using python3.13 (Python {version}) for .venv\n"


def test_python3_is_used_when_it_is_new_enough(tmp_path: Path) -> None:
    this_python(tmp_path, "python3")
    assert make_python(tmp_path).stdout.startswith("Using python3 (Python 3.")


def test_no_python_new_enough_is_said_with_what_to_do(tmp_path: Path) -> None:
    old_python(tmp_path, "python3")
    result = make_python(tmp_path)
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert "newsgen needs Python 3.11 or newer, and none of python3.11 python3.12" in said
    assert "make PYTHON=/path/to/python3 build" in said


def test_a_python_named_on_the_command_line_is_checked(tmp_path: Path) -> None:
    old = old_python(tmp_path, "python-old")
    result = make_python(tmp_path, f"PYTHON={old}")
    assert result.returncode != 0
    assert f"{old} is Python 3.10.12; newsgen needs Python 3.11 or newer." in result.stdout


def test_make_build_installs_no_test_tools() -> None:
    """``make build`` needs the package only; the test extra is ``make test``'s."""
    plan = subprocess.run(
        [str(MAKE), "-n", "-B", "build", "PYTHON=python3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    installs = [line for line in plan.splitlines() if "pip install" in line]
    assert installs and not any("[test]" in line for line in installs), installs
    plan = subprocess.run(
        [str(MAKE), "-n", "-B", "test", "PYTHON=python3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert any('".[test]"' in line for line in plan.splitlines() if "pip install" in line)
