"""newsgen.input_files: reading inputs that may be named pipes, devices or folders.

A read that blocks would hang the test run, so every read of something that
is not a regular file runs under ``no_hang``: an alarm turns a hang into a failure.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from unit_helpers import no_hang

from newsgen.input_files import (
    NotAFile,
    describe_size,
    kind_problem,
    read_regular,
    unreadable_message,
    utf8_problem,
)


def test_a_regular_file_is_read_with_its_stat(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"---\nheadline: x\n---\n")
    data, info = read_regular(path)
    assert data == b"---\nheadline: x\n---\n"
    assert stat.S_ISREG(info.st_mode) and info.st_size == len(data)


def test_an_empty_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    assert read_regular(tmp_path / "empty")[0] == b""


@pytest.mark.parametrize("stat_first", [True, False])
def test_a_named_pipe_is_refused_at_once(tmp_path: Path, stat_first: bool) -> None:
    # Without O_NONBLOCK, opening a pipe nobody writes to waits forever.
    os.mkfifo(tmp_path / "pipe.md")
    with no_hang(), pytest.raises(NotAFile) as caught:
        read_regular(tmp_path / "pipe.md", stat_first=stat_first)
    assert str(caught.value) == (
        "is a named pipe (FIFO), not a regular file; replace it with a file"
    )


@pytest.mark.parametrize("stat_first", [True, False])
def test_a_device_is_refused_not_read(tmp_path: Path, stat_first: bool) -> None:
    (tmp_path / "zero").symlink_to("/dev/zero")  # would never end
    with no_hang(), pytest.raises(NotAFile, match=r"^is a device, not a regular file"):
        read_regular(tmp_path / "zero", stat_first=stat_first)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAFile, match=r"^is a folder, not a regular file"):
        read_regular(tmp_path)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        with pytest.raises(NotAFile, match=r"^is a socket, not a regular file"):
            read_regular(path)


def test_a_missing_file_or_broken_link_is_file_not_found(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to("nowhere")
    for path in (tmp_path / "missing", tmp_path / "link"):
        with pytest.raises(FileNotFoundError):
            read_regular(path)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(11_000_000)  # sparse: nothing to read, but 11 MB long
    with pytest.raises(NotAFile) as caught:
        read_regular(path, max_bytes=10_000_000)
    assert str(caught.value) == "is larger than 10 MB, more than newsgen reads"
    path.write_bytes(b"x" * 10)
    assert read_regular(path, max_bytes=10)[0] == b"x" * 10


def test_kind_problem_is_none_only_for_regular_files() -> None:
    assert kind_problem(stat.S_IFREG | 0o644) is None
    assert kind_problem(stat.S_IFBLK) == "is a device, not a regular file; replace it with a file"


def test_unreadable_message_keeps_not_a_file_phrases(tmp_path: Path) -> None:
    assert unreadable_message(NotAFile("is a folder, not a regular file")) == (
        "is a folder, not a regular file"
    )
    assert unreadable_message(PermissionError(13, "Permission denied")) == (
        "cannot be read: Permission denied"
    )


@pytest.mark.parametrize(
    ("size", "shown"),
    [(64 * 1024, "64 KiB"), (4 << 20, "4 MiB"), (10_000_000, "10 MB"), (1000, "1000 bytes")],
)
def test_describe_size(size: int, shown: str) -> None:
    assert describe_size(size) == shown


def test_utf8_problem_names_line_byte_and_offset() -> None:
    data = b"title: ok\nname: Caf\xe9\n"
    with pytest.raises(UnicodeDecodeError) as caught:
        data.decode("utf-8")
    assert utf8_problem(data, caught.value) == (
        2,
        "is not UTF-8: byte 0xe9 at offset 19; save the file as UTF-8",
    )
