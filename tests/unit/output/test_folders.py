"""newsgen.output.folders: file-system steps inside a tree that never follow a symbolic link."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from newsgen.output.folders import (
    NOT_A_FOLDER,
    OPEN_FOLDERS,
    Folders,
    make_folder,
    new_copy,
    new_file,
    remove,
)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the tree, with a file that must never change."""
    folder = tmp_path / "outside"
    (folder / "deep").mkdir(parents=True)
    (folder / "keep.txt").write_text("not newsgen's")
    (folder / "deep" / "keep.txt").write_text("not newsgen's either")
    return folder


@pytest.fixture
def root(tmp_path: Path, outside: Path) -> Path:
    tree = tmp_path / "tree"
    (tree / "real" / "inner").mkdir(parents=True)
    (tree / "linked").symlink_to(outside, target_is_directory=True)
    (tree / "file").write_text("a file")
    (tree / "real" / "linked-file").symlink_to(outside / "keep.txt")
    return tree


def contents(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_folder_is_opened_from_the_one_above_it(root: Path) -> None:
    folders = Folders(root)
    try:
        assert os.path.samestat(os.fstat(folders.fd("real/inner")), os.stat(root / "real/inner"))
        assert folders.fd("real/inner") == folders.fd("real/inner")  # kept open
    finally:
        folders.close()


@pytest.mark.parametrize("folder", ["linked", "linked/deep", "file", "file/x", "missing"])
def test_a_link_a_file_or_nothing_in_place_of_a_folder_is_refused(root: Path, folder: str) -> None:
    folders = Folders(root)
    with pytest.raises(OSError) as raised:
        folders.fd(folder)
    assert raised.value.errno in NOT_A_FOLDER
    folders.close()


def test_the_root_itself_is_not_opened_through_a_link(tmp_path: Path, root: Path) -> None:
    link = tmp_path / "root-link"
    link.symlink_to(root, target_is_directory=True)
    with pytest.raises(OSError) as raised:
        Folders(link).fd("")
    assert raised.value.errno in (errno.ELOOP, errno.ENOTDIR)


def test_at_most_a_few_descriptors_stay_open(root: Path) -> None:
    before = open_descriptors()
    folders = Folders(root)
    for number in range(3 * OPEN_FOLDERS):
        make_folder(folders.fd("real"), f"f{number}")
        new_file(folders.fd(f"real/f{number}"), "index.html", b"x")
        assert open_descriptors() <= before + OPEN_FOLDERS + 2  # the root and "real"
    folders.close()
    assert open_descriptors() == before
    assert len(list((root / "real").glob("f*/index.html"))) == 3 * OPEN_FOLDERS


def test_forget_closes_the_folder_and_those_below_it(root: Path) -> None:
    folders = Folders(root)
    inner = folders.fd("real/inner")
    folders.forget("real")
    with pytest.raises(OSError):
        os.fstat(inner)  # closed
    assert folders.fd("real/inner") >= 0  # opened again
    folders.close()


def test_new_file_never_writes_through_a_link_or_into_a_file(root: Path, outside: Path) -> None:
    with pytest.raises(FileExistsError):
        new_file(root / "real", "linked-file", b"written through the link")
    with pytest.raises(FileExistsError):
        new_file(root, "file", b"written into the file")
    assert (outside / "keep.txt").read_text() == "not newsgen's"
    assert (root / "file").read_text() == "a file"
    inode = new_file(root, "new.html", b"new")
    assert (root / "new.html").read_bytes() == b"new"
    assert os.stat(root / "new.html").st_ino == inode


def test_new_file_is_never_made_in_a_linked_folder(root: Path, outside: Path) -> None:
    with pytest.raises(OSError):
        new_file(root / "linked", "planted.html", b"x")
    assert not (outside / "planted.html").exists()


def test_new_copy_makes_a_new_file(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.css"
    source.write_bytes(b"body{}")
    handle = os.open(root, os.O_RDONLY)
    try:
        inode = new_copy(handle, "a.css", source)
    finally:
        os.close(handle)
    assert (root / "a.css").read_bytes() == b"body{}"
    assert os.stat(root / "a.css").st_ino == inode != os.stat(source).st_ino


def test_make_folder_replaces_a_link_or_a_file_and_keeps_a_folder(
    root: Path, outside: Path
) -> None:
    before = contents(outside)
    handle = os.open(root, os.O_RDONLY)
    try:
        for name in ("linked", "file", "real", "new"):
            make_folder(handle, name)
    finally:
        os.close(handle)
    for name in ("linked", "file", "real", "new"):
        assert (root / name).is_dir() and not (root / name).is_symlink()
    assert (root / "real" / "inner").is_dir()
    assert contents(outside) == before


def test_remove_takes_away_links_files_and_folders_never_what_a_link_points_to(
    root: Path, outside: Path
) -> None:
    before = contents(outside)
    handle = os.open(root, os.O_RDONLY)
    try:
        for name in ("linked", "file", "real", "missing"):
            remove(handle, name)
    finally:
        os.close(handle)
    assert list(root.iterdir()) == []
    assert contents(outside) == before
