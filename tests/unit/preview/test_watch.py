"""Which saves count and when a burst of them is over (preview/watch.py)."""

from __future__ import annotations

import threading
from pathlib import Path, PurePath

import pytest

from newsgen.preview.watch import Debouncer, is_ignored, is_watched


@pytest.mark.parametrize(
    "name",
    [
        ".story.md.swp", ".story.md.swx", "4913", "story.md~", ".#story.md", "#story.md#",
        "story.md.tmp", ".goutputstream-ABC123", "story.md___jb_tmp___", ".~lock.story.md#",
        ".DS_Store", "sedAbC123", "story.md.kate-swp",
    ],
)  # fmt: skip
def test_editor_temporary_files_are_ignored(name: str):
    assert is_ignored(PurePath("content/world") / name)


@pytest.mark.parametrize("path", ["content/.git/index", "content/world/__pycache__/x.pyc"])
def test_version_control_and_cache_folders_are_ignored(path: str):
    assert is_ignored(PurePath(path))


@pytest.mark.parametrize("name", ["story.md", "photo.png", "4914.md", "story-swp.md", "tmp.md"])
def test_real_files_count(name: str):
    assert not is_ignored(PurePath("content/world") / name)


@pytest.mark.parametrize(
    ("relative", "watched"),
    [
        ("content/world/a.md", True),
        ("templates/article.html", True),
        ("static/css/newsgen.css", True),
        ("newsgen.yaml", True),
        ("authors.yaml", True),
        ("content", True),
        ("README.md", False),
        ("public/index.html", False),
        (".newsgen/preview/index.html", False),
        ("content/world/.a.md.swp", False),
    ],
)
def test_only_the_site_s_inputs_are_watched(tmp_path: Path, relative: str, watched: bool):
    assert is_watched(tmp_path, tmp_path / relative) is watched
    assert not is_watched(tmp_path, Path("/elsewhere") / relative)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_due_once_it_has_been_quiet():
    clock = Clock()
    debouncer = Debouncer(quiet=0.1, longest=1.0, clock=clock)
    assert not debouncer.due()
    debouncer.add(["a.md"])
    clock.now += 0.05
    debouncer.add(["b.md", "a.md"])
    clock.now += 0.09
    assert not debouncer.due()
    clock.now += 0.02
    assert debouncer.due()
    assert debouncer.wait(timeout=0) == {"a.md", "b.md"}
    assert not debouncer.due()


def test_a_burst_that_never_pauses_is_due_after_the_longest_wait():
    clock = Clock()
    debouncer = Debouncer(quiet=0.1, longest=1.0, clock=clock)
    for _ in range(20):  # a git checkout: a change every 60 ms
        debouncer.add(["x.md"])
        clock.now += 0.06
    assert debouncer.due()


def test_wait_returns_the_burst_and_close_ends_waiting():
    debouncer = Debouncer(quiet=0.01, longest=1.0)
    debouncer.add(["a.md"])
    assert debouncer.wait(timeout=5) == {"a.md"}
    assert debouncer.wait(timeout=0.05) is None
    results: list[object] = []
    waiter = threading.Thread(target=lambda: results.append(debouncer.wait()))
    waiter.start()
    debouncer.close()
    waiter.join(timeout=5)
    assert results == [None]


def test_wait_wakes_for_changes_from_another_thread():
    debouncer = Debouncer(quiet=0.01, longest=1.0)
    timer = threading.Timer(0.05, lambda: debouncer.add(["late.md"]))
    timer.start()
    assert debouncer.wait(timeout=5) == {"late.md"}
