"""newsgen.write: atomic replacement of the output directory and its safety checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.models import Output
from newsgen.write import (
    MARKER,
    MARKER_TEXT,
    RETIRED_PREFIX,
    STAGING_PREFIX,
    Copy,
    OutputError,
    check_output_dir,
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
    with pytest.raises(FileNotFoundError):
        write_site(out, outputs(index="v2"), [broken])
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_failed_first_build_leaves_nothing(tmp_path):
    out = tmp_path / "public"
    broken = Copy(tmp_path / "missing", "x", "static/x")
    with pytest.raises(FileNotFoundError):
        write_site(out, [], [broken])
    assert not out.exists()
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
    with pytest.raises(FileNotFoundError):
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
