"""newsgen.build.turn: a build holds its output folder's lock and its site's, in that order, and
an interrupted build says what the output folder holds."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.build.locks import LockBusy
from newsgen.build.turn import build_turn, site_lock
from newsgen.output.write import MARKER, MARKER_TEXT, RETIRED_PREFIX, lock_path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    return tmp_path / "site"


def site_with_output(tmp_path: Path, name: str = "public") -> Path:
    output = tmp_path / "out" / name
    output.mkdir(parents=True)
    (output / MARKER).write_text(MARKER_TEXT)
    return output


def interrupted(site: Path, output: Path, during: object = None) -> str:
    """Run a build turn that calls ``during`` and is interrupted; return its message."""
    with pytest.raises(KeyboardInterrupt) as caught, build_turn(site, output, wait=0):
        if callable(during):
            during()
        raise KeyboardInterrupt
    return str(caught.value)


def test_an_interrupt_before_the_swap_says_the_output_is_unchanged(
    site: Path, tmp_path: Path
) -> None:
    output = site_with_output(tmp_path)
    said = interrupted(site, output)
    assert said == f"interrupted; {output} is unchanged: it holds what it held before this build"


def test_an_interrupt_after_the_swap_says_the_output_is_the_new_site(
    site: Path, tmp_path: Path
) -> None:
    output = site_with_output(tmp_path)

    def swap() -> None:
        new = site_with_output(tmp_path, "staging")
        output.rename(tmp_path / "out" / "old")
        new.rename(output)

    said = interrupted(site, output, swap)
    assert said == f"interrupted after the new site was swapped in: {output} holds the new site"


def test_an_interrupt_of_a_first_build_that_wrote_nothing(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "public"
    said = interrupted(site, output)
    assert said == f"interrupted; nothing was written ({output} does not exist)"


def test_an_interrupt_that_left_no_output_says_so(site: Path, tmp_path: Path) -> None:
    output = site_with_output(tmp_path)
    said = interrupted(site, output, lambda: shutil.rmtree(output))
    assert said.startswith(f"interrupted during the swap: {output} is missing for now")


@pytest.fixture
def taken(site: Path, tmp_path: Path) -> Iterator[Path]:
    """The output folder ``OUT/public`` while another thread's build holds it."""
    output = tmp_path / "out" / "public"
    held, release = threading.Event(), threading.Event()

    def other() -> None:
        with build_turn(site, output, wait=0):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=other)
    thread.start()
    held.wait(30)
    yield output
    release.set()
    thread.join()


def test_an_interrupt_while_waiting_says_nothing_was_changed(
    site: Path, tmp_path: Path, taken: Path
) -> None:
    def ctrl_c(line: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught, build_turn(tmp_path, taken, 30, ctrl_c):
        pass
    assert str(caught.value) == f"interrupted before this build changed anything in {taken}"


def test_another_site_waits_for_the_output(site: Path, tmp_path: Path, taken: Path) -> None:
    other = tmp_path / "other-site"
    other.mkdir()
    busy = pytest.raises(LockBusy, match=f"another build is using the output folder {taken}: ")
    with busy, build_turn(other, taken, wait=0.1):
        pass


def test_the_same_site_waits_for_its_cache(site: Path, tmp_path: Path, taken: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "public"
    busy = pytest.raises(LockBusy, match=f"another build is using the site {site}: ")
    with busy, build_turn(site, elsewhere, wait=0.1):
        pass
    assert not lock_path(elsewhere).exists()


def test_the_locks_are_beside_the_output_and_in_the_site(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "public"
    with build_turn(site, output, wait=0):
        assert lock_path(output) == tmp_path / "out" / ".newsgen-lock-public"
        assert lock_path(output).is_file()
        assert site_lock(site) == site / ".newsgen" / "build.lock"
        assert site_lock(site).is_file()
    assert not lock_path(output).exists() and not site_lock(site).exists()


def test_a_site_whose_cache_folder_cannot_be_made_builds_without_its_lock(
    site: Path, tmp_path: Path
) -> None:
    (site / ".newsgen").write_text("not a folder")
    ran = False
    with build_turn(site, tmp_path / "out" / "public", wait=0):
        ran = True
    assert ran


def test_a_site_cut_off_mid_swap_is_put_back_first(site: Path, tmp_path: Path) -> None:
    output = site_with_output(tmp_path)
    (output / "index.html").write_text("the last good site")
    output.rename(output.parent / f"{RETIRED_PREFIX}public-123")
    with build_turn(site, output, wait=0):
        assert (output / "index.html").read_text() == "the last good site"
