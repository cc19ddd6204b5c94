"""Choosing what to render again (outputs.fresh_or_kept)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.errors import BuildFailed, Problems
from newsgen.models import Kept, Output
from newsgen.output.write import write_site
from newsgen.render.outputs import PlannedFile, fresh_or_kept


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


def test_a_file_with_the_same_key_is_kept_with_its_recorded_inode(output: Path):
    calls: list[str] = []
    previous = {"a/index.html": ("k1", inode(output / "a" / "index.html"))}
    [chosen] = fresh_or_kept([planned("a/index.html", "k1", calls=calls)], previous, Problems())
    assert isinstance(chosen, Kept) and chosen.path == "a/index.html"
    assert chosen.inode == inode(output / "a" / "index.html") and calls == []
    assert chosen.remake is not None and chosen.remake().data == b"new"  # type: ignore[union-attr]
    assert calls == ["a/index.html"]


@pytest.mark.parametrize("why", ["other key", "no record", "no key"])
def test_anything_else_is_rendered(output: Path, why: str):
    previous = {"a/index.html": ("k1", inode(output / "a" / "index.html"))}
    key: str | None = "k1"
    if why == "other key":
        key = "k2"
    elif why == "no record":
        previous = {}
    elif why == "no key":
        key = None
    [chosen] = fresh_or_kept([planned("a/index.html", key)], previous, Problems())
    assert isinstance(chosen, Output) and chosen.data == b"new"


@pytest.mark.parametrize("why", ["as recorded", "replaced", "removed", "a link"])
def test_the_writer_links_a_kept_file_only_when_the_output_holds_it_as_recorded(
    tmp_path: Path, why: str
):
    # Written first into "public"; then kept, unless it is no longer the file recorded.
    out = tmp_path / "public"
    write_site(out, [Output("a/index.html", b"old", "x"), Output("feed.xml", b"feed", "x")], [])
    target = out / "a" / "index.html"
    previous = {"a/index.html": ("k1", inode(target)), "feed.xml": ("k2", inode(out / "feed.xml"))}
    if why == "replaced":  # by a file with another inode (the freed one may be reused)
        target.unlink()
        target.write_bytes(b"someone else's")
        previous["a/index.html"] = ("k1", inode(target) + 1)
    elif why == "removed":
        target.unlink()
    elif why == "a link":
        target.unlink()
        os.symlink(out / "feed.xml", target)
    items = [planned("a/index.html", "k1", b"new"), planned("feed.xml", "k2")]
    report = write_site(out, fresh_or_kept(items, previous, Problems()), [])
    expected = b"old" if why == "as recorded" else b"new"
    assert target.read_bytes() == expected and not target.is_symlink()
    assert report.unchanged == (2 if why == "as recorded" else 1)


def test_rendering_is_lazy_and_reports_progress(output: Path):
    calls: list[str] = []
    seen: list[tuple[str, int, int]] = []
    items = [planned(f"p{n}.html", None, calls=calls) for n in range(3)]
    chosen = fresh_or_kept(items, {}, Problems(), lambda *a: seen.append(a))
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
    chosen = fresh_or_kept(items, {}, problems)
    assert isinstance(next(chosen), Output)  # the bad one is skipped, the good one comes
    with pytest.raises(BuildFailed):
        next(chosen)
