"""Files of the search index in a tree being built: linking a live shard in, making
the folders of many links once each, listing a folder's files with their inodes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path


def remove(target: Path) -> None:
    """Remove ``target`` (a folder, file or link), if there is one."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)


def link_files(
    paths: Iterable[str], source: Path, tree: Path, expected: Mapping[str, tuple[str, int]]
) -> dict[str, int] | None:
    """Hard-link each of ``paths`` from ``source`` into ``tree``; return their inodes,
    or None when one is not the file ``expected`` names (by inode)."""
    linked: dict[str, int] = {}
    paths = list(paths)
    make_folders(tree, paths)
    for path in paths:
        target = os.path.join(tree, path)
        try:
            os.link(os.path.join(source, path), target, follow_symlinks=False)
        except FileNotFoundError:  # removed since reusable_index() looked
            return None
        inode = os.lstat(target).st_ino
        if inode != expected[path][1]:
            return None
        linked[path] = inode
    return linked


def make_folders(root: Path, paths: Iterable[str]) -> None:
    """Make the folder of each of ``paths`` (relative to ``root``), each once."""
    for folder in sorted({path.rpartition("/")[0] for path in paths}):
        (root / folder).mkdir(parents=True, exist_ok=True)


def files_below(root: Path, folder: str) -> dict[str, int]:
    """Return every file below ``root/folder``, by ``/``-separated path from ``root``:
    its inode."""
    found: dict[str, int] = {}
    pending = [folder]
    while pending:
        current = pending.pop()
        with os.scandir(root / current) as entries:
            for entry in entries:
                path = f"{current}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                else:
                    found[path] = entry.inode()
    return found
