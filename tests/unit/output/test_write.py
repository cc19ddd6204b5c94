"""newsgen.output.write: atomic replacement of the output directory and its safety checks."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsgen.output.write
from newsgen.models import Kept, Output
from newsgen.output.write import (
    DIRTY,
    MARKER,
    MARKER_TEXT,
    RETIRED_PREFIX,
    SPARE_PREFIX,
    STAGING_PREFIX,
    Copy,
    OutputError,
    check_output_dir,
    spare_path,
    write_site,
)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under ``folder`` with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    """Staging and retired folders beside the output; the spare tree is no leftover, but
    when there is one it must be a real folder with the marker."""
    for spare in parent.glob(f"{SPARE_PREFIX}*"):
        assert spare.is_dir() and not spare.is_symlink()
        assert (spare / MARKER).read_text() == MARKER_TEXT
    return sorted(
        p.name for p in parent.iterdir() if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX))
    )


def outputs(**files: str) -> list[Output]:
    return [Output(path.replace("__", "/"), text.encode(), "test") for path, text in files.items()]


# --- write_site ---------------------------------------------------------------------------


def test_write_creates_output_with_marker(tmp_path):
    out = tmp_path / "public"
    count = write_site(out, outputs(index_html="<p>home</p>", world__index_html="w"), [])
    assert (count.files, count.unchanged) == (2, 0)
    assert snapshot(out) == {
        MARKER: MARKER_TEXT.encode(),
        "index_html": b"<p>home</p>",
        "world/index_html": b"w",
    }
    assert leftovers(tmp_path) == []


def test_write_copies_files(tmp_path):
    source = tmp_path / "logo.png"
    source.write_bytes(b"\x89PNG data")
    out = tmp_path / "public"
    count = write_site(out, [], [Copy(source, "images/logo.png", "static/images/logo.png")])
    assert (count.files, count.unchanged) == (1, 0)
    assert (out / "images" / "logo.png").read_bytes() == b"\x89PNG data"


def test_the_first_output_is_taken_before_any_file_is_copied(tmp_path):
    """Taking the first output hands pages to the helper process (render/outputs.py), which
    renders them while this process copies the static files, not after."""
    source = tmp_path / "logo.png"
    source.write_bytes(b"\x89PNG data")
    out = tmp_path / "public"
    events = []

    def pages() -> Iterator[Output]:
        for output in outputs(index_html="home", world__index_html="w"):
            events.append(("taken", output.path))
            yield output

    class Copies:
        def __iter__(self) -> Iterator[Copy]:
            for name in ("a.png", "b.png"):
                events.append(("copy", name))
                yield Copy(source, f"images/{name}", f"static/images/{name}")

    count = write_site(out, pages(), Copies())
    assert events == [
        ("taken", "index_html"),
        ("copy", "a.png"),
        ("copy", "b.png"),
        ("taken", "world/index_html"),
    ]
    assert count.files == 4
    assert snapshot(out)["images/b.png"] == b"\x89PNG data"
    assert snapshot(out)["world/index_html"] == b"w"


def test_write_creates_missing_parent(tmp_path):
    out = tmp_path / "deep" / "er" / "public"
    write_site(out, outputs(a="1"), [])
    assert (out / "a").read_text() == "1"


def test_write_replaces_previous_output_whole(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(old="old", keep="v1"), [])
    write_site(out, outputs(keep="v2", new="new"), [])
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "keep": b"v2", "new": b"new"}
    assert leftovers(tmp_path) == []


def test_failed_fill_leaves_previous_output_unchanged(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(index="v1", world__page="w1"), [])
    before = snapshot(out)
    broken = Copy(tmp_path / "no-such-file.png", "images/x.png", "static/images/x.png")
    with pytest.raises(OutputError, match=r"cannot write .*: No such file"):
        write_site(out, outputs(index="v2"), [broken])
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_failed_first_build_leaves_nothing(tmp_path):
    out = tmp_path / "public"
    broken = Copy(tmp_path / "missing", "x", "static/x")
    with pytest.raises(OutputError, match=r"cannot write .*: No such file"):
        write_site(out, [], [broken])
    assert not out.exists()
    assert leftovers(tmp_path) == []


# --- the finish step (the search index) ----------------------------------------------------


def test_finish_sees_the_complete_new_tree_before_the_swap(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(index="v1"), [])
    seen = {}

    def finish(tree: Path) -> None:
        seen["tree"] = snapshot(tree)
        seen["live"] = snapshot(out)
        (tree / "extra").mkdir()
        (tree / "extra" / "made").write_text("by finish")

    report = write_site(out, outputs(index="v2", page="p"), [], finish)
    assert seen["tree"]["index"] == b"v2" and seen["tree"]["page"] == b"p"
    assert seen["live"]["index"] == b"v1"  # not swapped in yet
    assert (out / "extra" / "made").read_text() == "by finish"
    assert report.files == 2  # what finish adds is not counted
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("builds_before", [1, 2])  # a staging tree, then the spare
def test_a_failing_finish_fails_the_write_and_leaves_the_old_site(tmp_path, builds_before):
    out = tmp_path / "public"
    for number in range(builds_before):
        write_site(out, outputs(index=f"v{number}"), [])
    before = snapshot(out)

    def finish(tree: Path) -> None:
        (tree / "half").write_text("half-made index")
        raise RuntimeError("the indexer failed")

    with pytest.raises(RuntimeError, match="the indexer failed"):
        write_site(out, outputs(index="v9"), [], finish)
    assert snapshot(out) == before
    assert not (out / "half").exists()
    write_site(out, outputs(index="v10"), [])  # the next build is clean
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "index": b"v10"}
    assert leftovers(tmp_path) == []


def test_interrupted_swap_is_restored(tmp_path):
    # A retired tree with no output beside it is the last good site, caught between
    # the two renames of a swap: the next build puts it back before doing anything.
    retired = tmp_path / f"{RETIRED_PREFIX}public-4242"
    (retired / "world").mkdir(parents=True)
    (retired / MARKER).write_text(MARKER_TEXT)
    (retired / "index.html").write_text("last good")
    (retired / "world" / "index.html").write_text("world")
    before = snapshot(retired)
    broken = Copy(tmp_path / "missing", "x", "static/x")
    with pytest.raises(OutputError, match=r"cannot write .*: No such file"):
        write_site(tmp_path / "public", outputs(index_html="new"), [broken])
    assert snapshot(tmp_path / "public") == before
    assert leftovers(tmp_path) == []


def test_interrupted_swap_then_successful_build(tmp_path):
    retired = tmp_path / f"{RETIRED_PREFIX}public-4242"
    retired.mkdir()
    (retired / "index.html").write_text("last good")
    write_site(tmp_path / "public", outputs(index_html="new"), [])
    assert (tmp_path / "public" / "index_html").read_text() == "new"
    assert leftovers(tmp_path) == []


def test_stale_staging_and_retired_trees_are_removed(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(a="1"), [])
    (tmp_path / f"{STAGING_PREFIX}public-1").mkdir()
    (tmp_path / f"{RETIRED_PREFIX}public-2").mkdir()
    write_site(out, outputs(a="2"), [])
    assert leftovers(tmp_path) == []
    assert (out / "a").read_text() == "2"


def test_leftovers_of_another_output_are_not_touched(tmp_path):
    # "public-preview" is another output beside "public"; its retired tree (its last good
    # site, interrupted mid-swap) must not be deleted or stolen by a build of "public".
    other = tmp_path / f"{RETIRED_PREFIX}public-preview-4242"
    other.mkdir()
    (other / "index.html").write_text("preview site")
    write_site(tmp_path / "public", outputs(a="1"), [])
    assert (other / "index.html").read_text() == "preview site"


def test_write_does_not_follow_into_unrelated_siblings(tmp_path):
    sibling = tmp_path / "notes"
    sibling.mkdir()
    (sibling / "todo.txt").write_text("keep me")
    write_site(tmp_path / "public", outputs(a="1"), [])
    assert (sibling / "todo.txt").read_text() == "keep me"


# --- check_output_dir ---------------------------------------------------------------------


def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: T\n")
    return root


def test_check_accepts_new_folder_without_creating_it(tmp_path):
    root = site_root(tmp_path)
    assert check_output_dir(root / "public", root) is None
    assert check_output_dir(tmp_path / "elsewhere" / "out", root) is None
    assert not (root / "public").exists()
    assert not (tmp_path / "elsewhere").exists()


def test_check_accepts_empty_folder(tmp_path):
    root = site_root(tmp_path)
    (root / "public").mkdir()
    assert check_output_dir(root / "public", root) is None
    assert list((root / "public").iterdir()) == []


def test_check_accepts_previous_output_and_leaves_it_alone(tmp_path):
    root = site_root(tmp_path)
    write_site(root / "public", outputs(index="x"), [])
    before = snapshot(root / "public")
    assert check_output_dir(root / "public", root) is None
    assert snapshot(root / "public") == before


def test_check_refuses_site_root(tmp_path):
    root = site_root(tmp_path)
    with pytest.raises(OutputError, match="would replace the site itself"):
        check_output_dir(root, root)


def test_check_refuses_site_root_spelled_differently(tmp_path):
    root = site_root(tmp_path)
    with pytest.raises(OutputError, match="would replace the site itself"):
        check_output_dir(root / "content" / "..", root)


def test_check_refuses_folder_above_site_root(tmp_path):
    root = site_root(tmp_path)
    with pytest.raises(OutputError, match="would replace the site itself"):
        check_output_dir(tmp_path, root)


@pytest.mark.parametrize("inside", ["content", "content/world", "content/new/folder"])
def test_check_refuses_inside_content(tmp_path, inside):
    root = site_root(tmp_path)
    with pytest.raises(OutputError, match="inside content/"):
        check_output_dir(root / inside, root)


@pytest.mark.parametrize("name", ["content", "templates", "static"])
def test_check_refuses_folder_holding_a_site(tmp_path, name):
    root = site_root(tmp_path)
    other = tmp_path / "other-site"
    (other / name).mkdir(parents=True)
    (other / MARKER).write_text(MARKER_TEXT)  # even with a marker
    with pytest.raises(OutputError, match=f"holds a {name}/ folder"):
        check_output_dir(other, root)


def test_check_refuses_inside_static(tmp_path):
    # static/ is copied into the output: an output inside it is copied into itself,
    # growing by one nested copy of the site on every build.
    root = site_root(tmp_path)
    (root / "static").mkdir()
    with pytest.raises(OutputError):
        check_output_dir(root / "static" / "out", root)


def test_check_refuses_non_empty_folder_without_marker(tmp_path):
    root = site_root(tmp_path)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputError, match="not empty and was not made by newsgen"):
        check_output_dir(out, root)


def test_check_refuses_home_like_folder(tmp_path):
    root = site_root(tmp_path)
    home = tmp_path / "home" / "alice"
    (home / "Documents").mkdir(parents=True)
    (home / ".bashrc").write_text("export X=1\n")
    with pytest.raises(OutputError, match="not made by newsgen"):
        check_output_dir(home, root)


def test_check_refuses_folder_with_only_hidden_files(tmp_path):
    root = site_root(tmp_path)
    out = tmp_path / "dotfiles"
    out.mkdir()
    (out / ".git").mkdir()
    with pytest.raises(OutputError):
        check_output_dir(out, root)


def test_check_refuses_a_file(tmp_path):
    root = site_root(tmp_path)
    target = tmp_path / "public"
    target.write_text("a file")
    with pytest.raises(OutputError, match="not a directory newsgen made"):
        check_output_dir(target, root)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_check_refuses_a_symlink(tmp_path):
    root = site_root(tmp_path)
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(OutputError):
        check_output_dir(tmp_path / "link", root)


def test_output_error_exit_code_is_1():
    assert OutputError("x").exit_code == 1


def test_unchanged_files_are_hard_linked_and_keep_their_mtime(tmp_path):
    out = tmp_path / "public"
    source = tmp_path / "logo.png"
    source.write_bytes(b"PNG")
    logo = Copy(source, "images/logo.png", "static/images/logo.png")
    write_site(out, outputs(same="kept", edited="v1"), [logo])
    before = {name: (out / name).stat() for name in ("same", "edited", "images/logo.png")}
    report = write_site(out, outputs(same="kept", edited="v2"), [logo])
    assert (report.files, report.unchanged) == (3, 2)
    after = {name: (out / name).stat() for name in ("same", "edited", "images/logo.png")}
    for name in ("same", "images/logo.png"):
        assert after[name].st_ino == before[name].st_ino  # the very same file, not a copy
        assert after[name].st_mtime_ns == before[name].st_mtime_ns
    assert (out / "edited").read_text() == "v2"
    assert after["edited"].st_ino != before["edited"].st_ino


def test_a_symlink_in_the_old_output_is_never_linked_into_the_new(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(page="old"), [])
    outside = tmp_path / "outside.txt"
    outside.write_text("same")
    (out / "page").unlink()
    (out / "page").symlink_to(outside)
    write_site(out, outputs(page="same"), [])
    assert not (out / "page").is_symlink()
    assert (out / "page").read_text() == "same"


# --- the spare tree and Kept files ----------------------------------------------------------


def kept(*paths: str) -> list[Kept]:
    return [Kept(path) for path in paths]


def inode(path: Path) -> int:
    return os.stat(path).st_ino


def folder_inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino
        for p in folder.rglob("*")
        if p.is_dir() and not p.is_symlink()
    }


DEEP = "world/2024/12/16/story/index_html"


def built_twice(tmp_path: Path) -> Path:
    """An output built twice (so that it has a spare tree); returns the output."""
    out = tmp_path / "public"
    write_site(out, outputs(index="v1", world__2024__12__16__story__index_html="s", a="a"), [])
    write_site(out, outputs(index="v2", world__2024__12__16__story__index_html="s", a="a"), [])
    return out


def test_first_build_has_no_spare_second_keeps_the_old_site_as_spare(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(index="v1", gone="x"), [])
    assert not spare_path(out).exists()
    first = snapshot(out)
    write_site(out, outputs(index="v2"), [])
    assert spare_path(out) == tmp_path / f"{SPARE_PREFIX}public"
    assert snapshot(spare_path(out)) == first
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "index": b"v2"}
    assert leftovers(tmp_path) == []


def test_kept_files_are_linked_from_the_output_with_their_mtime(tmp_path):
    out = built_twice(tmp_path)
    before = {name: (out / name).stat() for name in ("a", DEEP)}
    report = write_site(out, [*kept("a", DEEP), *outputs(index="v3")], [])
    assert (report.files, report.unchanged) == (3, 2)
    for name, old in before.items():
        new = (out / name).stat()
        assert (new.st_ino, new.st_mtime_ns) == (old.st_ino, old.st_mtime_ns)
    assert snapshot(out)[DEEP] == b"s"


def test_kept_files_are_linked_into_a_fresh_staging_tree_too(tmp_path):
    out = tmp_path / "public"
    write_site(out, outputs(a="a", b__c="c"), [])
    old = {name: inode(out / name) for name in ("a", "b/c")}
    write_site(out, kept("a", "b/c"), [])
    assert {name: inode(out / name) for name in ("a", "b/c")} == old


def test_a_changed_file_gets_a_new_inode_and_the_old_file_is_untouched(tmp_path):
    # After two builds the spare's "a" is a hard link to the live "a": updating the
    # spare must never write into it, or the live site would change before the swap.
    out = built_twice(tmp_path)
    live = out / "a"
    assert inode(spare_path(out) / "a") == inode(live)
    witness = tmp_path / "witness"
    os.link(live, witness)
    old_inode = inode(live)
    seen_during_write: list[bytes] = []

    def items() -> Iterator[Output | Kept]:
        yield Output("a", b"a changed", "test")
        seen_during_write.append(live.read_bytes())  # the live site, mid-build
        yield from kept("index", DEEP)

    write_site(out, items(), [])
    assert seen_during_write == [b"a"]
    assert (out / "a").read_bytes() == b"a changed"
    assert inode(out / "a") != old_inode
    assert witness.read_bytes() == b"a"
    assert inode(witness) == old_inode
    assert (spare_path(out) / "a").read_bytes() == b"a"  # the old site, whole, as spare


def test_a_changed_copy_gets_a_new_inode_and_the_old_file_is_untouched(tmp_path):
    out = tmp_path / "public"
    source = tmp_path / "logo.png"
    source.write_bytes(b"PNG 1")
    logo = Copy(source, "images/logo.png", "static/images/logo.png")
    write_site(out, [], [logo])
    write_site(out, outputs(x="x"), [logo])
    witness = tmp_path / "witness"
    os.link(out / "images/logo.png", witness)
    source.write_bytes(b"PNG 2, changed")
    report = write_site(out, [], [logo])
    assert (report.files, report.unchanged) == (1, 0)
    assert (out / "images/logo.png").read_bytes() == b"PNG 2, changed"
    assert witness.read_bytes() == b"PNG 1"
    assert inode(out / "images/logo.png") != inode(witness)


def test_identical_outputs_are_linked_from_the_output_into_the_spare(tmp_path):
    out = built_twice(tmp_path)
    old = inode(out / DEEP)
    same = outputs(index="v3", a="a", world__2024__12__16__story__index_html="s")
    report = write_site(out, same, [])
    assert (report.files, report.unchanged) == (3, 2)
    assert inode(out / DEEP) == old


def test_removed_files_and_their_folders_disappear(tmp_path):
    out = built_twice(tmp_path)
    write_site(out, outputs(index="v3", world__other="o"), [])
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "index": b"v3", "world/other": b"o"}
    assert sorted(folder_inodes(out)) == ["world"]
    write_site(out, outputs(index="v4"), [])  # and again, from the spare
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "index": b"v4"}
    assert folder_inodes(out) == {}


def test_the_spare_is_reused_without_making_folders(tmp_path):
    out = built_twice(tmp_path)
    spare = spare_path(out)
    spare_folders = folder_inodes(spare)
    assert spare_folders.keys() == folder_inodes(out).keys()
    write_site(out, [*kept("a", DEEP), *outputs(index="v3")], [])
    assert folder_inodes(out) == spare_folders  # the very same folders: none made anew
    assert (out / "world/2024/12/16/story").stat().st_ino == spare_folders["world/2024/12/16/story"]


def test_folders_become_files_and_files_folders(tmp_path):
    out = built_twice(tmp_path)  # the spare has world/2024/... and a file "a"
    report = write_site(out, outputs(world="now a file", a__b="now in a folder"), [])
    assert report.files == 2
    assert snapshot(out) == {
        MARKER: MARKER_TEXT.encode(),
        "world": b"now a file",
        "a/b": b"now in a folder",
    }
    write_site(out, outputs(world__x="a folder again", a="a file again"), [])
    assert snapshot(out) == {
        MARKER: MARKER_TEXT.encode(),
        "world/x": b"a folder again",
        "a": b"a file again",
    }


def test_a_dirty_spare_is_discarded(tmp_path):
    out = built_twice(tmp_path)
    spare = spare_path(out)
    (spare / DIRTY).write_text("an interrupted build was here")
    (spare / "half-written").write_text("<html><body>trunc")
    held = os.open(spare / "world", os.O_RDONLY)  # keeps its inode number from being reused
    try:
        write_site(out, [*kept("a", DEEP), *outputs(index="v3")], [])
        assert os.fstat(held).st_nlink == 0  # the dirty spare's folder was deleted
        assert inode(out / "world") != os.fstat(held).st_ino  # and not used
    finally:
        os.close(held)
    assert snapshot(out) == {
        MARKER: MARKER_TEXT.encode(),
        "a": b"a",
        "index": b"v3",
        DEEP: b"s",
    }
    assert not (spare / DIRTY).exists()
    assert leftovers(tmp_path) == []


def test_a_failed_build_leaves_the_spare_dirty_and_the_next_discards_it(tmp_path):
    out = built_twice(tmp_path)
    before = snapshot(out)
    broken = Copy(tmp_path / "no-such-file.png", "images/x.png", "static/images/x.png")
    with pytest.raises(OutputError, match=r"cannot write .*: No such file"):
        write_site(out, outputs(index="v3"), [broken])
    assert snapshot(out) == before
    assert (spare_path(out) / DIRTY).is_file()
    assert leftovers(tmp_path) == []
    write_site(out, outputs(index="v3"), [])
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "index": b"v3"}
    assert not (spare_path(out) / DIRTY).exists()


def test_stray_entries_in_the_spare_are_not_published(tmp_path):
    out = built_twice(tmp_path)
    spare = spare_path(out)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not newsgen's")
    (spare / "stray.txt").write_text("someone put this here")
    (spare / "world" / "2024" / "stray-folder" / "deep").mkdir(parents=True)
    (spare / "world" / "2024" / "stray-folder" / "deep" / "f").write_text("x")
    (spare / "linked").symlink_to(outside, target_is_directory=True)
    (spare / "a").unlink()
    (spare / "a").write_text("replaced by someone")
    (spare / "world" / "2024" / "12" / "16" / "story" / "index_html").unlink()
    (spare / "world" / "2024" / "12" / "16" / "story" / "index_html").symlink_to(
        outside / "keep.txt"
    )
    write_site(out, [*kept("a", DEEP), *outputs(index="v3")], [])
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "a": b"a", "index": b"v3", DEEP: b"s"}
    assert not (out / "linked").is_symlink()
    assert not (out / DEEP).is_symlink()
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_text() == "not newsgen's"


def test_a_swap_cut_short_leaves_a_clean_spare_that_is_checked_file_by_file(tmp_path, monkeypatch):
    # Interrupted after the spare was complete and marked clean, before the exchange:
    # the output is the old site; the spare holds a site that the next build does not
    # trust (it links or writes every file again where the inodes differ).
    out = built_twice(tmp_path)
    before = snapshot(out)

    def interrupted(first: Path, second: Path) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(newsgen.output.write, "exchange_directories", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_site(out, [*outputs(index="v3", a="changed"), *kept(DEEP)], [])
    monkeypatch.undo()
    assert snapshot(out) == before
    spare = spare_path(out)
    assert not (spare / DIRTY).exists()
    assert (spare / "a").read_bytes() == b"changed"
    write_site(out, [*outputs(index="v4"), *kept("a", DEEP)], [])
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "a": b"a", "index": b"v4", DEEP: b"s"}
    assert leftovers(tmp_path) == []


def test_a_spare_folder_replaced_by_a_link_is_not_followed(tmp_path):
    out = built_twice(tmp_path)
    spare = spare_path(out)
    outside = tmp_path / "outside"
    (outside / "2024" / "12" / "16" / "story").mkdir(parents=True)
    (outside / "2024" / "12" / "16" / "story" / "index_html").write_text("theirs")
    os.rename(spare / "world", tmp_path / "old-world")
    (spare / "world").symlink_to(outside, target_is_directory=True)
    write_site(out, [*kept("a", DEEP), *outputs(index="v3")], [])
    assert snapshot(out)[DEEP] == b"s"
    assert not (out / "world").is_symlink()
    assert (outside / "2024" / "12" / "16" / "story" / "index_html").read_text() == "theirs"


@pytest.mark.parametrize("how", ["link", "no-marker", "file", "wrong-marker"])
def test_a_spare_that_newsgen_did_not_make_is_not_used(tmp_path, how):
    out = built_twice(tmp_path)
    spare = spare_path(out)
    other = tmp_path / "someone-elses"
    other.mkdir()
    (other / MARKER).write_text(MARKER_TEXT)
    (other / "keep.txt").write_text("precious")
    if how == "link":
        os.rename(spare, tmp_path / "moved")
        spare.symlink_to(other, target_is_directory=True)
    elif how == "no-marker":
        (spare / MARKER).unlink()
    elif how == "wrong-marker":
        (spare / MARKER).write_text("planted\n")
    else:
        os.rename(spare, tmp_path / "moved")
        spare.write_text("a file")
    write_site(out, [*kept("a", DEEP), *outputs(index="v3")], [])
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "a": b"a", "index": b"v3", DEEP: b"s"}
    assert sorted(p.name for p in other.iterdir()) == [MARKER, "keep.txt"]
    assert leftovers(tmp_path) == []  # and the spare now is the replaced site


def test_outputs_are_consumed_one_at_a_time(tmp_path):
    out = built_twice(tmp_path)
    written: list[str] = []

    def items() -> Iterator[Output | Kept]:
        for n in range(20):
            if written:  # the item before this one is in the new tree already
                assert any(tmp_path.glob(f".newsgen-*/{written[-1]}")), written[-1]
            path = f"pages/{n}/index_html"
            written.append(path)
            yield Output(path, f"page {n}".encode(), "test")

    report = write_site(out, items(), [])
    assert report.files == 20
    assert (out / "pages/19/index_html").read_text() == "page 19"


def test_outputs_are_not_held_in_memory(tmp_path):
    out = tmp_path / "public"
    size, count = 200_000, 60

    def items() -> Iterator[Output]:
        for n in range(count):
            yield Output(f"p{n}", bytes([n]) * size, "test")

    write_site(out, items(), [])
    tracemalloc.start()
    try:
        write_site(out, items(), [])  # over the spare: every file compared, then linked
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * size, peak  # a few items at a time, never all (12 MB)


def test_report_inodes_are_those_of_the_new_output(tmp_path):
    out = built_twice(tmp_path)
    source = tmp_path / "logo.png"
    source.write_bytes(b"PNG")
    copies = [Copy(source, "images/logo.png", "static/images/logo.png")]
    report = write_site(out, [*kept("a", DEEP), *outputs(index="v3", new__page="n")], copies)
    files = {p for p in snapshot(out) if p != MARKER}
    assert set(report.inodes) == files
    assert report.inodes == {path: inode(out / path) for path in files}
    assert report.files == len(files)


def test_a_kept_file_the_output_lacks_is_an_error(tmp_path):
    out = built_twice(tmp_path)
    before = snapshot(out)
    with pytest.raises(OutputError, match="no-such-page"):
        write_site(out, kept("no-such-page"), [])
    assert snapshot(out) == before
    with pytest.raises(OutputError, match="kept"):
        write_site(tmp_path / "fresh", kept("a"), [])
    assert not (tmp_path / "fresh").exists()


def test_a_kept_file_that_became_a_link_is_an_error(tmp_path):
    out = built_twice(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (out / "a").unlink()
    (out / "a").symlink_to(outside)
    with pytest.raises(OutputError):
        write_site(out, kept("a"), [])
    assert (out / "a").is_symlink()


@pytest.mark.parametrize("path", ["../escape", "a/../../b", "/abs", "a//b", "./a", "", MARKER])
def test_paths_that_leave_the_output_are_refused(tmp_path, path):
    out = tmp_path / "public"
    with pytest.raises(OutputError):
        write_site(out, [Output(path, b"x", "test")], [])
    assert not out.exists()
    assert not (tmp_path / "escape").exists()


def test_fallback_swap_keeps_the_old_site_as_spare(tmp_path, monkeypatch):
    monkeypatch.setattr(newsgen.output.write, "exchange_directories", lambda first, second: False)
    out = tmp_path / "public"
    write_site(out, outputs(a="1", b__c="c"), [])
    first = snapshot(out)
    write_site(out, outputs(a="2", b__c="c"), [])
    assert snapshot(spare_path(out)) == first
    spare_folder = inode(spare_path(out) / "b")
    write_site(out, [*outputs(a="3"), *kept("b/c")], [])  # from the spare, by two renames
    assert snapshot(out) == {MARKER: MARKER_TEXT.encode(), "a": b"3", "b/c": b"c"}
    assert inode(out / "b") == spare_folder
    assert snapshot(spare_path(out))["a"] == b"2"
    assert leftovers(tmp_path) == []


def test_the_spare_of_another_output_is_left_alone(tmp_path):
    other = tmp_path / f"{SPARE_PREFIX}public-preview"
    other.mkdir()
    (other / MARKER).write_text(MARKER_TEXT)
    (other / "index.html").write_text("preview")
    built_twice(tmp_path)
    write_site(tmp_path / "public", outputs(x="x"), [])
    assert snapshot(other) == {MARKER: MARKER_TEXT.encode(), "index.html": b"preview"}


@pytest.mark.parametrize("prefix", [SPARE_PREFIX, STAGING_PREFIX, RETIRED_PREFIX])
def test_check_refuses_newsgen_s_own_folders_beside_an_output(tmp_path, prefix):
    root = site_root(tmp_path)
    built_twice(tmp_path)
    with pytest.raises(OutputError, match="keeps beside an output"):
        check_output_dir(tmp_path / f"{prefix}public", root)


def test_the_spare_listing_comes_from_the_record_and_the_paths_behind(tmp_path):
    from newsgen.output.staging import Tree
    from newsgen.output.write import spare_listing, spare_path

    output = tmp_path / "public"
    spare = spare_path(output)
    for folder in (output, spare):
        (folder / "a").mkdir(parents=True)
    (output / "a" / "same.html").write_text("same")
    os.link(output / "a" / "same.html", spare / "a" / "same.html")
    (output / "new.html").write_text("new")  # written by the last build: not in the spare
    (spare / "old.html").write_text("old")  # removed by the last build: still in the spare
    inode = {name: (output / name).stat().st_ino for name in ("a/same.html", "new.html")}
    listing = spare_listing(output, inode, {"new.html", "old.html"})
    assert listing == {
        "a/same.html": inode["a/same.html"],
        "old.html": (spare / "old.html").stat().st_ino,
    }
    (spare / "new.html").mkdir()  # a folder where the output has a file: walk instead
    assert spare_listing(output, inode, {"new.html"}) is None
    known = Tree.known(spare, {"a/b/c.html": 1, "d.html": 2})
    assert known.found == {"a/b/c.html": 1, "d.html": 2}
    assert set(known.folders) == {"a", "a/b"}
