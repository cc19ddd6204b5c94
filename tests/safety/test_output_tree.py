"""newsgen never writes outside its output, trusts only its own marker, and says which
file could not be written.

- Links planted in the spare tree (a folder or a file replaced by a link out, the
  spare itself a link, its marker a link) and in a staging folder: a build
  changes nothing outside (an outside folder's every byte is compared) and
  makes the same site as a cold build.
- A marker that is a folder, a link or a file without newsgen's text does not
  make a folder newsgen's: the build refuses, and deletes nothing.
- Names the file system cannot hold or newsgen keeps for itself are errors on the
  article's (or static file's) line before anything is written.
- A full disk, simulated in-process (and, where this user may mount one, a real
  small tmpfs): the message names the output file that failed and what to do,
  the previous site is intact, and no staging folder is left.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsgen.output.write
from newsgen.build.locks import LockError
from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.errors import BuildFailed
from newsgen.output.staging import Tree
from newsgen.output.write import (
    DIRTY,
    MARKER,
    MARKER_TEXT,
    RETIRED_PREFIX,
    STAGING_PREFIX,
    OutputError,
    spare_path,
)

NOW = datetime(2025, 1, 1, tzinfo=UTC)
CONFIG = """\
title: Output Tree Times
base_url: https://tree.example.com/
timezone: UTC
search: false
"""
STORY = "content/world/story.md"
STORY_PAGE = "world/2024/03/05/story/index.html"
LONG = "a" * 300

Digest = dict[str, str]


def article(headline: str, date: str, body: str = "A paragraph of news.") -> str:
    front = f'headline: "{headline}"\ndate: {date}\nslug: {headline.lower()}'
    return f"---\n{front}\n---\n{body}\n"


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def digest(top: Path) -> Digest:
    """Every entry below ``top``, never following a link: a file's hash, a link's target."""
    found: Digest = {}
    for directory, folders, files in os.walk(top):
        for name in folders + files:
            path = Path(directory) / name
            key = path.relative_to(top).as_posix()
            if path.is_symlink():
                found[key] = f"link to {os.readlink(path)}"
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX))
    )


def run(site: Path, out: Path, cache: bool = True) -> BuildReport:
    return build(BuildOptions(site, out, now=NOW, jobs=1, cache=cache))


def edit(site: Path, headline: str = "Story", body: str = "A paragraph of news.") -> None:
    write_files(site, {STORY: article(headline, "2024-03-05T10:00:00+00:00", body)})


def cold(site: Path, tmp_path: Path) -> Digest:
    """The site as a cold build into a new folder makes it."""
    reference = tmp_path / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    build(BuildOptions(site, reference, now=NOW, jobs=1, cache=False))
    return digest(reference)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_files(
        root,
        {
            "newsgen.yaml": CONFIG,
            STORY: article("Story", "2024-03-05T10:00:00+00:00"),
            "content/local/fair.md": article("Fair", "2024-03-06T10:00:00+00:00"),
            "static/css/extra.css": "body { color: black }\n",
        },
    )
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Someone else's folder, shaped like the site so that a link followed into it
    would find paths to write, link and delete."""
    folder = tmp_path / "outside"
    write_files(
        folder,
        {
            "keep.txt": "not newsgen's\n",
            "index.html": "<p>someone else's page</p>",
            "world/2024/03/05/story/index.html": "<p>someone else's story</p>",
            "world/index.html": "<p>someone else's section</p>",
        },
    )
    return folder


def with_spare(site: Path, out: Path) -> None:
    """Build twice: the output now has a spare tree, the site of the first build."""
    run(site, out)
    edit(site, body="Edited once.")
    run(site, out)
    assert (spare_path(out) / MARKER).is_file()


def plant_links(spare: Path, outside: Path) -> None:
    """A folder the next build writes into, and a file it writes, replaced by links out."""
    shutil.rmtree(spare / "world")
    (spare / "world").symlink_to(outside / "world", target_is_directory=True)
    (spare / "index.html").unlink()
    (spare / "index.html").symlink_to(outside / "index.html")


# --------------------------------------------------------------------------
# links in newsgen's own trees are never followed
# --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["walked", "recorded", "quick"])
def test_links_planted_in_the_spare_tree_are_never_followed(
    site: Path, outside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """The three ways a build updates the spare: walking it (no record of it), trusting
    the record of the last build (a headline edited), and a quick rebuild (a body
    edited), which finds the link, gives way to a full build, and that one mends it."""
    out = tmp_path / "public"
    with_spare(site, out)
    spare = spare_path(out)
    plant_links(spare, outside)
    if mode == "walked":  # links and files the site has no place for
        (spare / "planted").symlink_to(outside, target_is_directory=True)
        (spare / "css" / "extra.css").unlink()
        (spare / "css" / "extra.css").symlink_to(outside / "keep.txt")
    before = digest(outside)
    recorded = []
    real_known = Tree.known.__func__  # type: ignore[attr-defined]

    def known(cls: type[Tree], root: Path, files: dict[str, int]) -> Tree:
        recorded.append(root)
        return real_known(cls, root, files)

    monkeypatch.setattr(Tree, "known", classmethod(known))
    if mode == "quick":  # the first paragraph (the summary) as it was: only the body changed
        edit(site, body="Edited once.\n\nEdited twice.")
    else:
        edit(site, headline="Story", body="Edited twice.\n\nWith a second paragraph.")
        write_files(site, {"content/world/new.md": article("New", "2024-03-07T10:00:00+00:00")})
    report = run(site, out, cache=mode != "walked")
    assert digest(outside) == before
    assert bool(recorded) == (mode == "recorded")
    assert not report.quick  # the quick write found the link and gave way
    expected = cold(site, tmp_path)
    assert digest(out) == expected
    assert leftovers(tmp_path) == []
    edit(site, body="Edited a third time.")
    run(site, out)  # and the next build, from the spare now, is as good
    assert digest(outside) == before
    assert digest(out) == cold(site, tmp_path) != expected


def test_a_spare_that_is_a_link_is_removed_not_followed(
    site: Path, outside: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    run(site, out)
    (outside / MARKER).write_text(MARKER_TEXT)  # it even looks like newsgen's
    before = digest(outside)
    spare_path(out).symlink_to(outside, target_is_directory=True)
    edit(site, body="Edited.")
    run(site, out)
    assert digest(outside) == before
    assert spare_path(out).is_dir() and not spare_path(out).is_symlink()
    assert digest(out) == cold(site, tmp_path)


@pytest.mark.parametrize("marker", ["link", "folder", "other text"])
def test_a_spare_whose_marker_is_not_newsgens_is_not_used(
    site: Path, tmp_path: Path, marker: str
) -> None:
    """A spare whose marker is a link (here to the live output's real marker), a folder
    or another text is deleted and the site made anew; the live marker is untouched."""
    out = tmp_path / "public"
    with_spare(site, out)
    spare = spare_path(out)
    (spare / MARKER).unlink()
    if marker == "link":
        (spare / MARKER).symlink_to(out / MARKER)
    elif marker == "folder":
        (spare / MARKER).mkdir()
    else:
        (spare / MARKER).write_text("planted\n")
    (spare / "world" / "planted.html").write_text("<p>not the site's</p>")
    edit(site, body="Edited twice.")
    run(site, out)
    assert digest(out) == cold(site, tmp_path)
    assert (spare / MARKER).read_text() == MARKER_TEXT and not (spare / MARKER).is_symlink()
    assert not (spare / "world" / "planted.html").exists()


def test_links_planted_in_a_staging_folder_are_never_followed(
    site: Path, outside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links appear in the new staging folder (and one is named as it, beforehand)."""
    out = tmp_path / "public"
    before = digest(outside)
    (tmp_path / f"{STAGING_PREFIX}public-{os.getpid()}").symlink_to(
        outside, target_is_directory=True
    )
    real = newsgen.output.write._new_staging

    def planted(staging: Path) -> Tree:
        tree = real(staging)
        (staging / "world").symlink_to(outside / "world", target_is_directory=True)
        (staging / "index.html").symlink_to(outside / "index.html")
        (staging / "css").symlink_to(outside / "keep.txt")
        return tree

    monkeypatch.setattr(newsgen.output.write, "_new_staging", planted)
    run(site, out)
    assert digest(outside) == before
    assert digest(out) == cold(site, tmp_path)
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------
# the marker is a regular file newsgen wrote
# --------------------------------------------------------------------------


def plant_marker(folder: Path, kind: str, real_marker: Path) -> None:
    marker = folder / MARKER
    if kind == "folder":
        marker.mkdir()
        (marker / "inner.txt").write_text(MARKER_TEXT)
    elif kind == "link to a real marker":
        marker.symlink_to(real_marker)
    elif kind == "other text":
        marker.write_text("This directory is mine.\n")
    else:
        marker.write_text("")


MARKERS = ["folder", "link to a real marker", "other text", "empty"]


@pytest.mark.parametrize("kind", MARKERS)
def test_a_marker_newsgen_did_not_write_does_not_make_a_folder_its(
    site: Path, tmp_path: Path, kind: str
) -> None:
    real = tmp_path / "real-output"
    run(site, real)
    folder = tmp_path / "work"
    write_files(folder, {"index.html": "<p>years of work</p>", "notes/todo.txt": "the only copy"})
    plant_marker(folder, kind, real / MARKER)
    before = digest(tmp_path)
    with pytest.raises(OutputError, match=MARKER):
        run(site, folder)
    assert digest(tmp_path) == before


def test_an_output_whose_marker_was_replaced_is_refused_by_the_command(
    site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    run(site, out)
    (out / MARKER).unlink()
    (out / MARKER).symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").write_text(MARKER_TEXT)
    before = digest(tmp_path)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "newsgen"), "build", "--source", site, "--output", out],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"its {MARKER} is a symbolic link" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert digest(tmp_path) == before


# --------------------------------------------------------------------------
# names the file system cannot hold, or newsgen keeps: errors on the editor's line
# --------------------------------------------------------------------------


def test_names_too_long_or_newsgens_own_are_errors_on_their_lines(
    site: Path, tmp_path: Path
) -> None:
    write_files(
        site,
        {
            "content/world/long.md": article("L", "2024-03-01").replace("slug: l", f"slug: {LONG}"),
            "content/world/long-alias.md": textwrap.dedent(
                f"""\
                ---
                headline: A long alias
                date: 2024-03-03
                aliases:
                  - /old/{LONG}/
                ---
                x
                """
            ),
            "content/world/aliases.md": textwrap.dedent(
                """\
                ---
                headline: Aliases
                date: 2024-03-02
                aliases:
                  - /first/
                  - /.newsgen-output/
                  - /x/.newsgen-dirty
                  - /.newsgen-spare-public/page/
                ---
                x
                """
            ),
        },
    )
    out = tmp_path / "public"
    with pytest.raises(BuildFailed) as failed:
        run(site, out)
    problems = [str(problem) for problem in failed.value.problems]
    expected = [
        "content/world/long.md:4: slug: is 300 characters long",
        "content/world/long-alias.md:5: aliases[0]: '/old/aaa",  # refused as it is read
        "content/world/aliases.md:6: aliases[1]: would be written to .newsgen-output: names",
        "content/world/aliases.md:7: aliases[2]: would be written to x/.newsgen-dirty",
        "content/world/aliases.md:8: aliases[3]: would be written to .newsgen-spare-public/",
    ]
    for start in expected:
        assert any(problem.startswith(start) for problem in problems), (start, *problems)
    assert any("longer than 255 bytes" in problem for problem in problems)
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_a_name_longer_than_the_output_disk_allows_names_the_article(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems allow less than 255 bytes (eCryptfs: 143): the output's own."""
    real = os.pathconf

    def pathconf(path: object, name: str) -> int:
        return 100 if name == "PC_NAME_MAX" else real(path, name)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "pathconf", pathconf)
    write_files(site, {"content/world/long.md": article("L" + "o" * 120, "2024-03-01")})
    with pytest.raises(BuildFailed) as failed:
        run(site, tmp_path / "public")
    [problem] = [str(p) for p in failed.value.problems]
    assert problem.startswith("content/world/long.md:1: would be written to world/2024/03/01/")
    assert "121 bytes long" in problem and "at most 100" in problem and "'slug:'" in problem


# --------------------------------------------------------------------------
# a full disk: the message names the file, the site stays as it was
# --------------------------------------------------------------------------


def failing_after(calls: int, real: Callable[..., object], code: int) -> Callable[..., object]:
    """``real``, but raising OSError(``code``) from its ``calls``-th call into a tree (the
    calls relative to a folder descriptor; os.write: every call) on."""
    count = [0]
    every = real is os.write

    def call(*args: object, **kwargs: object) -> object:
        if every or kwargs.get("dir_fd") or kwargs.get("dst_dir_fd"):
            count[0] += 1
            if count[0] >= calls:
                raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return call


CHANGES = {  # what the next build then does: write pages, make a folder, link unchanged files
    # A new date: a full build (a new standfirst alone would be a quick rebuild).
    "write": {"content/local/fair.md": article("Fair", "2024-03-06T11:00:00+00:00", "Edited.")},
    "mkdir": {"content/world/new.md": article("New", "2024-03-07T10:00:00+00:00")},
    "link": {"static/css/extra.css": "body { color: navy }\n"},
}


@pytest.mark.parametrize(
    ("name", "calls", "code", "advice"),
    [
        ("write", 3, errno.ENOSPC, "the disk is full: free some space"),
        ("mkdir", 1, errno.ENOSPC, "the disk is full: free some space"),
        ("link", 1, errno.EDQUOT, "the disk quota is used up"),
    ],
)
def test_a_full_disk_names_the_file_and_leaves_the_site(
    site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    calls: int,
    code: int,
    advice: str,
) -> None:
    out = tmp_path / "public"
    with_spare(site, out)
    before = digest(out)
    write_files(site, CHANGES[name])
    monkeypatch.setattr(os, name, failing_after(calls, getattr(os, name), code))
    with pytest.raises(OutputError) as failed:
        run(site, out)
    monkeypatch.undo()
    message = str(failed.value)
    assert message.startswith(f"cannot write {out}/"), message
    assert os.strerror(code) in message and advice in message
    assert f"The site in {out} is unchanged." in message
    assert digest(out) == before
    assert leftovers(tmp_path) == []
    assert not spare_path(out).exists()  # its space given back
    run(site, out)
    assert digest(out) == cold(site, tmp_path)


def test_the_command_names_the_file_on_a_full_disk(site: Path, tmp_path: Path) -> None:
    """Run as a user does, with os.write failing: no ``newsgen: : No space left``."""
    out = tmp_path / "public"
    script = textwrap.dedent(
        """\
        import errno, os, sys
        real, calls = os.write, [0]
        def write(fd, data):
            calls[0] += 1
            if calls[0] > 5:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(fd, data)
        os.write = write
        from newsgen.cli import main
        sys.exit(main(sys.argv[1:]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "build", "--source", site, "--output", out],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"newsgen: cannot write {out}/"), result.stderr
    assert "No space left on device; the disk is full: free some space" in result.stderr
    assert ": :" not in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB tmpfs, where this user may mount one (else the test is skipped)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_real_full_disk_and_a_read_only_one(site: Path, small_disk: Path) -> None:
    out = small_disk / "public"
    run(site, out)
    before = digest(out)
    write_files(site, {"static/big.bin": os.urandom(1_200_000)})  # more than the disk holds
    with pytest.raises(OutputError) as failed:
        run(site, out)
    assert str(failed.value).startswith(f"cannot write {out}/"), failed.value
    assert "No space left on device; the disk is full" in str(failed.value)
    assert digest(out) == before
    assert leftovers(small_disk) == []
    (site / "static" / "big.bin").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    edit(site, body="Edited on a read-only disk.")
    # the output's lock file, beside it, is the first thing a build makes there
    with pytest.raises((OutputError, LockError), match=r"Read-only file system"):
        run(site, out)
    assert digest(out) == before
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    run(site, out)
    assert "Edited on a read-only disk." in (out / STORY_PAGE).read_text()
    assert not (spare_path(out) / DIRTY).exists()
