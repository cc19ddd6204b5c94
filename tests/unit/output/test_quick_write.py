"""newsgen.output.quick_write: a quick rebuild's write touches only the paths that differ."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.models import Output
from newsgen.output.quick_write import QuickWriteUnavailable, make_spare, write_changes
from newsgen.output.write import DIRTY, MARKER, MARKER_TEXT, spare_path


def make_tree(root: Path, files: dict[str, bytes]) -> None:
    root.mkdir()
    (root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


def listing(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != MARKER
    }


@pytest.fixture
def live_and_spare(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A live output and a spare one build behind: the last build changed a.html,
    added new/b.html and removed old/gone.html; keep.html is shared (one inode)."""
    out = tmp_path / "public"
    make_tree(out, {"a.html": b"a2", "new/b.html": b"b", "keep.html": b"k"})
    make_tree(spare_path(out), {"a.html": b"a1", "old/gone.html": b"g"})
    os.link(out / "keep.html", spare_path(out) / "keep.html")
    live = {p: (out / p).stat().st_ino for p in ("a.html", "new/b.html", "keep.html")}
    return out, live


def test_the_spare_catches_up_then_takes_the_new_files_and_is_swapped_in(live_and_spare):
    out, live = live_and_spare
    behind = {"a.html", "new/b.html", "old/gone.html"}
    inodes = write_changes(out, [Output("a.html", b"a3", "test")], behind, live)
    assert listing(out) == {"a.html": b"a3", "new/b.html": b"b", "keep.html": b"k"}
    assert not (out / "old").exists()  # the folder left empty went with its file
    assert inodes == {"a.html": (out / "a.html").stat().st_ino}
    assert (out / "new/b.html").stat().st_ino == live["new/b.html"]  # linked, not copied
    assert (out / "keep.html").stat().st_ino == live["keep.html"]
    old = spare_path(out)  # the previous live output, untouched
    assert listing(old) == {"a.html": b"a2", "new/b.html": b"b", "keep.html": b"k"}
    assert not (old / DIRTY).exists()


@pytest.mark.parametrize("problem", ["no spare", "dirty spare", "live file replaced"])
def test_nothing_changes_when_the_trees_are_not_as_recorded(live_and_spare, problem: str):
    out, live = live_and_spare
    if problem == "no spare":
        for path in sorted(spare_path(out).rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        spare_path(out).rmdir()
    elif problem == "dirty spare":
        (spare_path(out) / DIRTY).write_text("x", encoding="utf-8")
    else:
        (out / "a.tmp").write_bytes(b"edited by hand")  # made while a.html is still there:
        (out / "a.tmp").replace(out / "a.html")  # another inode
    before = listing(out)
    with pytest.raises(QuickWriteUnavailable):
        write_changes(out, [Output("a.html", b"a3", "test")], {"a.html"}, live)
    assert listing(out) == before


def test_a_spare_is_made_as_a_linked_copy_only_when_there_is_none(tmp_path: Path):
    out = tmp_path / "public"
    make_tree(out, {"a.html": b"a", "x/y/b.html": b"b"})
    assert make_spare(out)
    spare = spare_path(out)
    assert listing(spare) == listing(out) and (spare / MARKER).is_file()
    assert (spare / "x/y/b.html").stat().st_ino == (out / "x/y/b.html").stat().st_ino
    assert not make_spare(out)  # one is there already
    assert not list(tmp_path.glob(".newsgen-staging-*"))


def test_a_moved_page_is_written_at_its_new_place_and_gone_from_the_old(live_and_spare):
    out, live = live_and_spare
    behind = {"a.html", "new/b.html", "old/gone.html"}
    moved = [Output("moved/here/b.html", b"b2", "test")]
    inodes = write_changes(out, moved, behind, live, removed=["new/b.html"])
    assert listing(out) == {"a.html": b"a2", "moved/here/b.html": b"b2", "keep.html": b"k"}
    assert not (out / "new").exists()  # the folder left empty went with its file
    assert inodes == {"moved/here/b.html": (out / "moved/here/b.html").stat().st_ino}


@pytest.mark.parametrize("where", ["new page", "removed page"])
def test_a_file_where_none_was_recorded_or_none_where_one_was_stops_it(
    live_and_spare, where: str
):
    out, live = live_and_spare
    if where == "new page":
        (out / "moved").mkdir()
        (out / "moved/b.html").write_bytes(b"made by hand")
    else:
        (out / "new/b.html").unlink()
    before = listing(out)
    with pytest.raises(QuickWriteUnavailable):
        page = [Output("moved/b.html", b"b2", "t")]
        write_changes(out, page, set(), live, removed=["new/b.html"])
    assert listing(out) == before
