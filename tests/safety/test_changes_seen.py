"""Changes are seen (docs/safety.md): a static file, an image beside an article or an
article edited in place with the same size, its modification time put back, is
still noticed by the next build (its ctime changed; a replaced file has another inode).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

import newsgen.cache.file_hashes
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.com/
language: en
timezone: Europe/Berlin
search: false
"""
ARTICLE = """\
---
headline: Rail strike
date: 2024-12-16T10:00:00+01:00
images: [{src: station.png, caption: The station}]
---
The strike entered its third day.
"""
Edit = Callable[[Path, bytes, bytes], None]


@pytest.fixture(autouse=True)
def settled_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust the recorded stat of files written a moment ago, as of files long settled:
    otherwise every file of these tests would be hashed again anyway."""
    monkeypatch.setattr(newsgen.cache.file_hashes, "RACY_SECONDS", 0)


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG", compress_level=0)
    return out.getvalue()


RED_PNG, BLUE_PNG = _png((255, 0, 0)), _png((0, 0, 255))  # the same size


def edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite ``old`` as ``new`` (the same size) in the file itself; put its times back."""
    before = path.stat()
    with open(path, "r+b") as file:
        data = file.read()
        file.seek(0)
        file.write(data.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def replace_by_copy(path: Path, old: bytes, new: bytes) -> None:
    """Put a changed copy of the same size and times in the file's place (another inode)."""
    before = path.stat()
    copy = path.with_name(path.name + ".new")
    copy.write_bytes(path.read_bytes().replace(old, new))
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    copy.replace(path)


@pytest.mark.parametrize("edit", [edit_in_place, replace_by_copy])
@pytest.mark.parametrize(
    "changed, old, new, shown",
    [
        ("static/style.css", b"black", b"white", "style.css"),
        ("content/world/station.png", RED_PNG, BLUE_PNG, "station.png"),
        ("content/world/rail.md", b"third", b"forth", "index.html"),
    ],
)
def test_a_change_that_keeps_size_and_mtime_is_seen(
    tmp_path: Path, edit: Edit, changed: str, old: bytes, new: bytes, shown: str
) -> None:
    files = {
        "newsgen.yaml": CONFIG.encode(),
        "static/style.css": b"body { color: black; }\n",
        "content/world/rail.md": ARTICLE.encode(),
        "content/world/station.png": RED_PNG,
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    options = BuildOptions(tmp_path, now=NOW, jobs=1)
    build(options)
    assert build(options).unchanged > 0  # the stats are recorded and trusted
    path = tmp_path / changed
    size, mtime = path.stat().st_size, path.stat().st_mtime_ns
    edit(path, old, new)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (size, mtime)
    report = build(options)
    [output] = [
        found
        for found in (tmp_path / "public").rglob(shown)
        if shown != "index.html" or "rail-strike" in str(found)
    ]
    if shown.endswith(".png"):  # a picture is published made again, without metadata
        assert Image.open(output).convert("RGB").getpixel((0, 0)) == (0, 0, 255)
    else:
        assert new in output.read_bytes() and old not in output.read_bytes()
    assert report.cache_hits == (0 if changed.endswith(".md") else 1)
