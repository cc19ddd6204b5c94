"""Safety tests: ``newsgen import`` given inputs that are not plain-text files.

Run through the installed command with a short timeout, so that a hang fails
fast instead of stalling the suite: a named pipe (reading one waits forever),
``/dev/zero`` (never ends), a folder and an 11 MB file are each refused with
their own ``FILE: error: ...`` line while the good file beside them is still
imported; an ``--image`` that is a ``javascript:`` URL is refused before
anything is written. No traceback, exit code 1.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from commands import find_newsgen

REPO_ROOT = Path(__file__).resolve().parents[2]
IMPORTS = REPO_ROOT / "tests" / "fixtures" / "import"
WIRE = IMPORTS / "wire-dateline.txt"
SEED = IMPORTS / "seed-article.txt"
CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.com/
sections: [world, local]
"""
TIMEOUT = 10
NEWSGEN = find_newsgen()


def newsgen_import(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``newsgen import ARGS``; a run that outlives TIMEOUT fails the test."""
    try:
        return subprocess.run(
            [NEWSGEN, "import", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"newsgen import {args} hung for {TIMEOUT} s")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "idlib-hts-flags.jpg").write_bytes(b"\xff\xd8\xff jpeg")
    (root / "newsgen.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_pipe_device_folder_and_huge_file_are_refused_one_by_one(
    site: Path, tmp_path: Path
) -> None:
    pipe, folder, huge = tmp_path / "pipe.txt", tmp_path / "folder.txt", tmp_path / "huge.txt"
    os.mkfifo(pipe)
    folder.mkdir()
    with huge.open("wb") as handle:  # sparse: 11 MB long, nothing written
        handle.truncate(11_000_000)
    result = newsgen_import(pipe, "/dev/zero", folder, huge, WIRE, "--source", site)
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [
        f"{pipe}: error: is a named pipe (FIFO), not a regular file; replace it with a file",
        "/dev/zero: error: is a device, not a regular file; replace it with a file",
        f"{folder}: error: is a folder, not a regular file; replace it with a file",
        f"{huge}: error: is larger than 10 MB, more than newsgen reads",
    ]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines()[-1] == "newsgen: 4 of 5 files could not be imported"
    [written] = result.stdout.splitlines()  # the good file is imported all the same
    assert Path(written).is_file() and Path(written).parent == site / "content" / "world"


@pytest.mark.parametrize("image", ["javascript:alert(1)", " JavaScript:alert(1)"])
def test_an_image_that_is_not_a_web_or_site_address_is_refused(site: Path, image: str) -> None:
    before = files_under(site)
    result = newsgen_import(SEED, "--date", "2024-12-16", "--image", image, "--source", site)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{SEED}: error: --image '{image}' must be an http(s) URL or a file in static/ "
        "written as a site path like /images/a.jpg; nothing was imported"
    )
    assert result.stdout == ""
    assert files_under(site) == before


def test_a_link_to_a_device_is_refused(site: Path, tmp_path: Path) -> None:
    link = tmp_path / "story.txt"
    link.symlink_to("/dev/zero")
    result = newsgen_import(link, "--source", site, "--section", "world")
    assert result.returncode == 1
    assert f"{link}: error: is a device, not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_under(site / "content") == []
