"""newsgen.output.staging: filling a folder in place without writing into existing files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsgen.output.staging import Tree


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "page").write_text("old page")
    (root / "a" / "other").write_text("other")
    (root / "top").write_text("top")
    (root / ".skip-me").write_text("reserved")
    (root / "link").symlink_to(tmp_path, target_is_directory=True)
    return root


def test_scan_finds_files_links_and_folders_but_not_skipped_names(folder):
    tree = Tree.scan(folder, skip=(".skip-me",))
    assert set(tree.found) == {"a/b/page", "a/other", "top", "link"}
    assert tree.found["top"] == os.stat(folder / "top").st_ino
    assert tree.found["link"] == os.lstat(folder / "link").st_ino
    assert set(tree.folders) == {"a", "a/b"}


def test_link_to_the_same_file_changes_nothing(folder, tmp_path):
    tree = Tree.scan(folder)
    before = os.stat(folder / "top")
    tree.link("top", tmp_path / "does-not-matter", before.st_ino)
    tree.finish()
    assert os.stat(folder / "top").st_ino == before.st_ino
    assert tree.placed == {"top": before.st_ino}


def test_write_makes_a_new_file_and_leaves_the_old_one_alone(folder, tmp_path):
    other_name = tmp_path / "hard-link"
    os.link(folder / "a/b/page", other_name)
    tree = Tree.scan(folder)
    tree.write("a/b/page", b"new page")
    assert other_name.read_bytes() == b"old page"
    assert tree.placed["a/b/page"] == os.stat(folder / "a/b/page").st_ino
    assert tree.placed["a/b/page"] != os.stat(other_name).st_ino


def test_finish_removes_what_was_not_placed(folder, tmp_path):
    tree = Tree.scan(folder, skip=(".skip-me",))
    tree.write("new/deep/file", b"n")
    tree.copy("top", folder / "a/other")
    tree.finish()
    assert files(folder) == {".skip-me": b"reserved", "new/deep/file": b"n", "top": b"other"}
    assert not (folder / "link").is_symlink()
    assert not (folder / "a").exists()
    assert (tmp_path / "tree").is_dir()  # the link's target is untouched


def test_finish_leaves_an_entry_that_changed_since_the_scan(folder, tmp_path):
    tree = Tree.scan(folder)
    os.link(folder / "top", tmp_path / "keep")  # so that its inode number is not reused
    (folder / "top").unlink()
    (folder / "top").write_text("someone else's, made after the scan")
    tree.finish()
    assert (folder / "top").read_text() == "someone else's, made after the scan"


def test_an_extra_name_for_a_placed_file_is_removed(folder):
    # Someone hard-linked a page under a second name; the new site has only the first.
    os.link(folder / "top", folder / "a" / "second-name")
    tree = Tree.scan(folder, skip=(".skip-me",))
    tree.link("top", folder / "top", os.stat(folder / "top").st_ino)
    tree.finish()
    assert files(folder) == {".skip-me": b"reserved", "top": b"top"}


def test_a_file_where_a_folder_was_and_a_folder_where_a_file_was(folder):
    tree = Tree.scan(folder, skip=(".skip-me",))
    tree.write("a", b"a file now")
    tree.write("top/inside", b"in a folder now")
    tree.write("link/x", b"a real folder, not the link")
    tree.finish()
    assert files(folder) == {
        "a": b"a file now",
        "top/inside": b"in a folder now",
        "link/x": b"a real folder, not the link",
        ".skip-me": b"reserved",
    }


def test_a_path_that_is_both_a_file_and_a_folder_of_the_site_is_an_error(folder):
    tree = Tree.scan(folder)
    tree.write("x/y", b"1")
    with pytest.raises(IsADirectoryError):
        tree.write("x", b"2")
    tree.write("z", b"3")
    with pytest.raises(NotADirectoryError):
        tree.write("z/w", b"4")


# --------------------------------------------------------------------------
# links planted in the tree: never followed, replaced by what the site needs
# --------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the tree, shaped like the tree's own ``a/`` so that a build that
    followed a link into it would find paths to write, link and delete."""
    folder = tmp_path / "outside"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "page").write_text("outside page")
    (folder / "other").write_text("outside other")
    (folder / "keep").write_text("outside file")
    return folder


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry below ``folder``, links as their target, never followed."""
    found: dict[str, bytes | str] = {}
    for directory, names, files_here in os.walk(folder):
        for name in names + files_here:
            path = Path(directory) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = f"link to {os.readlink(path)}"
            elif path.is_file():
                found[key] = path.read_bytes()
    return found


def test_a_folder_replaced_by_a_link_is_made_a_folder_again(folder, outside):
    before = snapshot(outside)
    shutil.rmtree(folder / "a")
    (folder / "a").symlink_to(outside, target_is_directory=True)
    tree = Tree.scan(folder, skip=(".skip-me",))
    tree.write("a/b/page", b"new page")
    tree.write("a/other", b"new other")
    tree.finish()
    tree.close()
    assert snapshot(outside) == before
    assert not (folder / "a").is_symlink()
    assert files(folder) == {
        ".skip-me": b"reserved",
        "a/b/page": b"new page",
        "a/other": b"new other",
    }


def test_a_recorded_folder_that_became_a_link_is_mended_when_a_file_is_made_in_it(folder, outside):
    """Tree.known() trusts the record without reading the tree: files linked unchanged
    are not looked at. When a file is then made in a folder that proves to be a link,
    the folder is made again and those files linked into it again."""
    before = snapshot(outside)
    record = {path: os.stat(folder / path).st_ino for path in ("a/b/page", "a/other", "top")}
    live = folder.parent / "live"  # the live site: the same inodes
    (live / "a" / "b").mkdir(parents=True)
    for path in record:
        os.link(folder / path, live / path)
    shutil.rmtree(folder / "a")
    (folder / "a").symlink_to(outside, target_is_directory=True)
    tree = Tree.known(folder, record)
    tree.link("a/b/page", live / "a/b/page", record["a/b/page"])  # unchanged: not looked at
    tree.link("top", live / "top", record["top"])
    tree.write("a/other", b"new other")  # a file made in "a": the link is found
    tree.finish()
    tree.close()
    assert snapshot(outside) == before
    assert not (folder / "a").is_symlink()
    assert (folder / "a/b/page").read_text() == "old page"
    assert os.stat(folder / "a/b/page").st_ino == record["a/b/page"]
    assert (folder / "a/other").read_bytes() == b"new other"
    assert tree.placed["a/b/page"] == record["a/b/page"]


def test_recorded_files_that_became_links_are_replaced_or_removed(folder, outside):
    before = snapshot(outside)
    record = {path: os.stat(folder / path).st_ino for path in ("a/b/page", "a/other", "top")}
    for path in ("a/other", "top"):
        (folder / path).unlink()
        (folder / path).symlink_to(outside / "keep")
    tree = Tree.known(folder, record)
    tree.write("a/other", b"new other")  # written where the link was
    tree.link("a/b/page", folder / "a/b/page", record["a/b/page"])
    tree.finish()  # "top" is not in the new site: the link goes, not its target
    tree.close()
    assert snapshot(outside) == before
    assert not (folder / "top").exists() and not (folder / "top").is_symlink()
    assert (folder / "a/other").read_bytes() == b"new other"
    assert not (folder / "a/other").is_symlink()


def test_an_extra_folder_that_became_a_link_is_removed_not_followed(folder, outside):
    before = snapshot(outside)
    record = {path: os.stat(folder / path).st_ino for path in ("a/b/page", "a/other", "top")}
    shutil.rmtree(folder / "a" / "b")
    (folder / "a" / "b").symlink_to(outside, target_is_directory=True)
    tree = Tree.known(folder, record)
    tree.write("top", b"the whole site now")
    tree.finish()
    tree.close()
    assert snapshot(outside) == before
    assert files(folder) == {".skip-me": b"reserved", "top": b"the whole site now"}
    assert not (folder / "a").exists()


def test_links_planted_in_a_new_tree_are_replaced(tmp_path, outside):
    """A new staging folder holds nothing of newsgen's but what it writes: anything
    found there is in the way, and is removed, never followed."""
    before = snapshot(outside)
    root = tmp_path / "staging"
    root.mkdir()
    (root / "a").symlink_to(outside, target_is_directory=True)
    (root / "index.html").symlink_to(outside / "keep")
    tree = Tree(root)
    tree.write("a/b/page", b"page")
    tree.write("index.html", b"home")
    tree.copy("a/other", outside / "other")
    tree.finish()
    tree.close()
    assert snapshot(outside) == before
    assert files(root) == {"a/b/page": b"page", "a/other": b"outside other", "index.html": b"home"}
    assert not any(path.is_symlink() for path in root.rglob("*"))


def test_a_deep_path_is_made_with_few_descriptors(tmp_path):
    """An alias may be a path of a hundred folders: the folders are opened one from the
    other, but only a few are kept open."""
    root = tmp_path / "deep"
    root.mkdir()
    before = len(os.listdir("/proc/self/fd"))
    tree = Tree(root)
    path = "a/" * 100 + "index.html"
    tree.write(path, b"deep")
    assert len(os.listdir("/proc/self/fd")) <= before + 70
    tree.write("a/top.html", b"top")
    tree.finish()
    tree.close()
    assert len(os.listdir("/proc/self/fd")) == before
    deepest = os.open(root, os.O_RDONLY)
    for _ in range(100):
        deepest, above = os.open("a", os.O_RDONLY, dir_fd=deepest), deepest
        os.close(above)
    with os.fdopen(os.open("index.html", os.O_RDONLY, dir_fd=deepest), "rb") as file:
        assert file.read() == b"deep"
    os.close(deepest)
