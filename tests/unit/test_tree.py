"""newsgen.tree: filling a folder in place without writing into existing files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.tree import Tree


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
