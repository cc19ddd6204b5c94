"""Choosing what to render again (outputs.fresh_or_kept)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.errors import BuildFailed, Problems
from newsgen.models import Kept, Output
from newsgen.outputs import PlannedFile, fresh_or_kept


def planned(path: str, key: str | None, data: bytes = b"new", calls: list[str] | None = None):
    def render() -> bytes:
        if calls is not None:
            calls.append(path)
        return data

    return PlannedFile(path, f"source of {path}", key, render)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_bytes(b"old")
    (tmp_path / "feed.xml").write_bytes(b"old")
    return tmp_path


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_a_file_with_the_same_key_still_there_is_kept(output: Path):
    calls: list[str] = []
    previous = {"a/index.html": ("k1", inode(output / "a" / "index.html"))}
    chosen = list(
        fresh_or_kept([planned("a/index.html", "k1", calls=calls)], previous, output, Problems())
    )
    assert chosen == [Kept("a/index.html")]
    assert calls == []


@pytest.mark.parametrize("why", ["other key", "no record", "replaced", "removed", "no key"])
def test_anything_else_is_rendered(output: Path, why: str):
    target = output / "a" / "index.html"
    previous = {"a/index.html": ("k1", inode(target))}
    key: str | None = "k1"
    if why == "other key":
        key = "k2"
    elif why == "no record":
        previous = {}
    elif why == "replaced":
        target.unlink()
        target.write_bytes(b"someone else's")
        previous = {"a/index.html": ("k1", inode(target) + 1)}
    elif why == "removed":
        target.unlink()
    elif why == "no key":
        key = None
    [chosen] = fresh_or_kept([planned("a/index.html", key)], previous, output, Problems())
    assert isinstance(chosen, Output) and chosen.data == b"new"


def test_a_link_in_place_of_the_file_is_not_kept(output: Path):
    target = output / "a" / "index.html"
    previous = {"a/index.html": ("k1", inode(target))}
    target.unlink()
    os.symlink(output / "feed.xml", target)
    [chosen] = fresh_or_kept([planned("a/index.html", "k1")], previous, output, Problems())
    assert isinstance(chosen, Output)


def test_rendering_is_lazy_and_reports_progress(output: Path):
    calls: list[str] = []
    seen: list[tuple[str, int, int]] = []
    items = [planned(f"p{n}.html", None, calls=calls) for n in range(3)]
    chosen = fresh_or_kept(items, {}, output, Problems(), lambda *a: seen.append(a))
    next(chosen)
    assert calls == ["p0.html"]
    list(chosen)
    assert seen == [("writing", 1, 3), ("writing", 2, 3), ("writing", 3, 3)]


def test_a_failed_render_fails_the_build_after_the_last_file(output: Path):
    problems = Problems()

    def broken() -> None:
        problems.error("templates/article.html", 3, None, "template error")
        return None

    items = [PlannedFile("bad.html", "x", None, broken), planned("good.html", None)]
    chosen = fresh_or_kept(items, {}, output, problems)
    assert isinstance(next(chosen), Output)  # the bad one is skipped, the good one comes
    with pytest.raises(BuildFailed):
        next(chosen)
