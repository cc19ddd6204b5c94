"""newsgen.build.fingerprint: the output folder's fingerprint for no-change rebuilds."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from unit_helpers import no_hang

from newsgen.build.fingerprint import inputs_fingerprint, output_manifest

MARKER = ".newsgen-output"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """An output folder as a build leaves it: marker, top-level files, nested pages."""
    out = tmp_path / "public"
    files = {
        MARKER: "made by newsgen\n",
        "index.html": "<p>home</p>",
        "feed.xml": "<rss/>",
        "world/index.html": "<p>world</p>",
        "world/2024/01/02/story/index.html": "<p>story</p>",
        "tags/a/index.html": "<p>tag</p>",
    }
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    an_hour_ago = time.time_ns() - 3600 * 10**9  # so that any later change moves an mtime
    for path in [out, *out.rglob("*")]:
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    return out


def test_the_same_folder_gives_the_same_fingerprint(output: Path) -> None:
    first = output_manifest(output)
    assert first is not None and output_manifest(output) == first


def test_no_fingerprint_without_a_folder(tmp_path: Path, output: Path) -> None:
    assert output_manifest(tmp_path / "missing") is None
    assert output_manifest(output / "index.html") is None
    link = tmp_path / "link"
    link.symlink_to(output, target_is_directory=True)
    assert output_manifest(link) is None


def test_removed_or_replaced_folder_is_noticed(tmp_path: Path, output: Path) -> None:
    before = output_manifest(output)
    copy = Path(shutil.copytree(output, tmp_path / "copy", copy_function=os.link))
    shutil.rmtree(output)
    assert output_manifest(output) is None
    copy.rename(output)  # same names, same file inodes: only the folder is new
    assert output_manifest(output) not in (None, before)


def test_emptied_folder_is_noticed(output: Path) -> None:
    before = output_manifest(output)
    for entry in list(output.iterdir()):
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    assert output_manifest(output) != before


@pytest.mark.parametrize("how", ["removed", "replaced", "touched"])
def test_marker_changes_are_noticed(output: Path, how: str) -> None:
    before = output_manifest(output)
    marker = output / MARKER
    if how == "removed":
        marker.unlink()
    elif how == "replaced":
        (output / "new-marker").write_text(marker.read_text())
        (output / "new-marker").replace(marker)
    else:
        marker.touch()
    assert output_manifest(output) != before


@pytest.mark.parametrize(
    "change",
    [
        "added file",
        "removed file",
        "replaced file",
        "file written in place",
        "removed folder",
        "added folder",
        "removed from a top-level folder",
        "added to a top-level folder",
    ],
)
def test_top_level_changes_are_noticed(output: Path, change: str) -> None:
    before = output_manifest(output)
    index = output / "index.html"
    if change == "added file":
        (output / "extra.html").write_text("x")
    elif change == "removed file":
        (output / "feed.xml").unlink()
    elif change == "replaced file":
        (output / "tmp").write_text("<p>other</p>")
        (output / "tmp").replace(index)
    elif change == "file written in place":
        with index.open("a") as handle:
            handle.write("x")
    elif change == "removed folder":
        shutil.rmtree(output / "tags")
    elif change == "added folder":
        (output / "sport").mkdir()
    elif change == "removed from a top-level folder":
        shutil.rmtree(output / "world" / "2024")
    else:
        (output / "world" / "new.html").write_text("x")
    assert output_manifest(output) != before


def test_deep_changes_are_not_noticed(output: Path) -> None:
    """The documented limit: below the top-level folders only their own mtime counts."""
    before = output_manifest(output)
    page = output / "world" / "2024" / "01" / "02" / "story" / "index.html"
    page.write_text("<p>edited by hand</p>")
    (page.parent / "extra.html").write_text("x")
    assert output_manifest(output) == before


# --- inputs_fingerprint: inputs that are not files ------------------------------------------------


def test_an_input_that_is_a_named_pipe_is_never_read_and_differs_from_a_missing_one(
    tmp_path: Path,
) -> None:
    def fingerprint() -> str:
        with no_hang():
            return inputs_fingerprint((), [("authors.yaml", tmp_path / "authors.yaml")], [], [])

    missing = fingerprint()
    os.mkfifo(tmp_path / "authors.yaml")
    pipe = fingerprint()
    (tmp_path / "authors.yaml").unlink()
    (tmp_path / "authors.yaml").symlink_to("/dev/zero")
    device = fingerprint()
    assert missing != pipe == device  # so a build after either never counts as "no change"
