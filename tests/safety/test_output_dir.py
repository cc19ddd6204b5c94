"""newsgen deletes nothing but its own output.

Every refused ``--output`` is run through the installed CLI: the build must
exit 1 with a message, write nothing, and leave every file it was pointed at
exactly as it was. Accepted outputs must never be cleaned by following a
symbolic link out of the output folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import newsgen.output.write
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.errors import BuildFailed
from newsgen.output.write import (
    MARKER,
    RETIRED_PREFIX,
    SPARE_PREFIX,
    STAGING_PREFIX,
    OutputError,
    check_output_dir,
    spare_path,
)

NEWSGEN = str(Path(sys.executable).parent / "newsgen")

CONFIG = textwrap.dedent(
    """\
    title: Output Safety Times
    base_url: https://safety.example.com/
    timezone: UTC
    per_page: 5
    """
)

PNG = (  # as Pillow writes it: newsgen publishes this very picture byte for byte
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)

State = dict[str, tuple[str, bytes | str]]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def article(headline: str, date: str, body: str = "A paragraph of news.") -> str:
    return f'---\nheadline: "{headline}"\ndate: {date}\n---\n{body}\n'


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def make_site(root: Path) -> Path:
    """A small site with content/, static/ and templates/."""
    write_files(
        root,
        {
            "newsgen.yaml": CONFIG,
            "content/world/story.md": article("Story", "2024-03-05T10:00:00+00:00"),
            "content/local/fair.md": article("Village fair", "2024-03-06T10:00:00+00:00"),
            "static/images/logo.png": PNG,
            "templates/notes.txt": "theme notes, not a template anyone renders\n",
        },
    )
    return root


def state(top: Path) -> State:
    """Everything under ``top`` (never following symlinks): kind and content."""
    found: State = {}
    for directory, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(directory)
        for name in dirnames + filenames:
            path = here / name
            relative = path.relative_to(top).as_posix()
            if path.is_symlink():
                found[relative] = ("link", os.readlink(path))
            elif path.is_dir():
                found[relative] = ("dir", "")
            else:
                found[relative] = ("file", path.read_bytes())
    return found


def newsgen_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSGEN, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def assert_refused(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "output" in result.stderr, result.stderr
    assert "Built" not in result.stdout


def no_leftovers(*folders: Path) -> None:
    """No staging or retired folder is left; a spare tree may be, as a folder with the marker."""
    for folder in folders:
        if folder.is_dir():
            names = [
                p.name
                for p in folder.iterdir()
                if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX))
            ]
            assert names == [], f"leftovers in {folder}: {names}"
            for spare in folder.glob(f"{SPARE_PREFIX}*"):
                assert spare.is_dir() and not spare.is_symlink(), spare
                assert (spare / MARKER).is_file(), f"{spare} has no marker"


def edit_story(site: Path, body: str) -> None:
    """Change one article, so that the next build writes (a no-change build writes nothing)."""
    text = article("Story", "2024-03-05T10:00:00+00:00", body)
    write_files(site, {"content/world/story.md": text})


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "work" / "site")


# --------------------------------------------------------------------------
# refused outputs: the site itself and around it
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "output",
    [
        ".",
        "..",
        "../..",
        "content",
        "content/public",
        "content/world/public",
        "static",
        "static/public",
        "static/images",
        "templates",
        "templates/public",
        "content/..",
        "public/../content/out",
    ],
)
def test_output_in_or_around_the_site_is_refused(site: Path, output: str) -> None:
    """Relative to the site root (the CLI runs with cwd = the site)."""
    watched = site.parents[1]  # tmp/ holding work/site
    before = state(watched)
    result = newsgen_cli("build", "--source", ".", "--output", output, cwd=site)
    assert_refused(result)
    assert state(watched) == before


@pytest.mark.parametrize("output", ["site", "site/content/public", "site/static/x"])
def test_absolute_output_in_or_around_the_site_is_refused(site: Path, output: str) -> None:
    watched = site.parents[1]
    before = state(watched)
    result = newsgen_cli("build", "--source", site, "--output", site.parents[1] / "work" / output)
    assert_refused(result)
    assert state(watched) == before


def test_parent_of_the_site_is_refused_even_with_a_marker(site: Path) -> None:
    """A stray marker above the site must not make the site deletable."""
    parent = site.parent
    (parent / MARKER).write_text("planted\n")
    before = state(parent)
    result = newsgen_cli("build", "--source", site, "--output", parent)
    assert_refused(result)
    assert state(parent) == before


@pytest.mark.parametrize("inside", ["content", "static", "templates"])
def test_folder_inside_a_site_folder_is_refused_even_with_a_marker(
    site: Path, inside: str
) -> None:
    out = site / inside / "public"
    write_files(out, {MARKER: "left by an earlier mistake\n", "index.html": "<p>x</p>"})
    before = state(site)
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert_refused(result)
    assert state(site) == before


@pytest.mark.parametrize("holds", ["content", "templates", "static"])
def test_folder_holding_a_site_folder_is_refused(tmp_path: Path, site: Path, holds: str) -> None:
    """Another site (or a project) is never output, even if a marker was planted in it."""
    other = tmp_path / "other-project"
    write_files(
        other,
        {
            MARKER: "planted\n",
            f"{holds}/precious.md": "the only copy\n",
            "README.txt": "other project\n",
        },
    )
    before = state(other)
    result = newsgen_cli("build", "--source", site, "--output", other)
    assert_refused(result)
    assert holds in result.stderr
    assert state(other) == before


def test_source_given_as_a_symlink_still_protects_the_site(tmp_path: Path, site: Path) -> None:
    link = tmp_path / "site-link"
    link.symlink_to(site, target_is_directory=True)
    before = state(site)
    for output in (site, site / "content" / "out", site.parent):
        assert_refused(newsgen_cli("build", "--source", link, "--output", output))
    assert state(site) == before


def test_output_reached_through_a_symlinked_parent_into_content_is_refused(
    tmp_path: Path, site: Path
) -> None:
    shortcut = tmp_path / "shortcut"
    shortcut.symlink_to(site / "content", target_is_directory=True)
    before = state(site)
    result = newsgen_cli("build", "--source", site, "--output", shortcut / "public")
    assert_refused(result)
    assert state(site) == before


@pytest.mark.parametrize("folder", ["content", "static", "templates"])
def test_output_inside_a_symlinked_site_folder_is_refused(tmp_path: Path, folder: str) -> None:
    """``content`` (or ``static``, ``templates``) may be a link to the real folder.

    newsgen follows such links (discover_content walks the link's target), so
    the target *is* the site's content: writing the site into it mixes
    generated pages into the editors' files, and a static/ folder would then
    copy the previous output into the next one, nesting deeper each build.
    """
    real = tmp_path / f"shared-{folder}"
    files = {"world/story.md": article("Story", "2024-03-05T10:00:00+00:00")}
    write_files(real if folder == "content" else tmp_path / "site" / "content", files)
    write_files(real, {"keep.txt": "the editors' folder\n"})
    site = tmp_path / "site"
    write_files(site, {"newsgen.yaml": CONFIG})
    (site / folder).symlink_to(real, target_is_directory=True)
    before = state(real)
    result = newsgen_cli("build", "--source", site, "--output", real / "public")
    assert_refused(result)
    assert state(real) == before


# --------------------------------------------------------------------------
# refused outputs: someone else's folders
# --------------------------------------------------------------------------


def fake_home(root: Path) -> Path:
    write_files(
        root,
        {
            "Documents/thesis.odt": b"years of work\x00\x01",
            "Documents/notes/todo.txt": "buy milk\n",
            "Photos/2023/cat.jpg": b"\xff\xd8\xff\xe0 a cat",
            ".bashrc": "export EDITOR=vi\n",
            ".config/app/settings.ini": "[ui]\ntheme=dark\n",
            "index.html": "<p>my own page, not newsgen's</p>",
        },
    )
    return root


def test_non_empty_folder_without_marker_is_refused(tmp_path: Path, site: Path) -> None:
    home = fake_home(tmp_path / "home")
    before = state(home)
    result = newsgen_cli("build", "--source", site, "--output", home)
    assert_refused(result)
    assert MARKER in result.stderr
    assert state(home) == before
    no_leftovers(tmp_path)


def test_folder_with_only_hidden_files_is_refused(tmp_path: Path, site: Path) -> None:
    folder = tmp_path / "repo"
    write_files(folder, {".git/HEAD": "ref: refs/heads/main\n", ".env": "X=1\n"})
    before = state(folder)
    assert_refused(newsgen_cli("build", "--source", site, "--output", folder))
    assert state(folder) == before


def test_refused_folder_inside_a_home_leaves_siblings_alone(tmp_path: Path, site: Path) -> None:
    """The staging folder would go beside the output: nothing may be written there either."""
    home = fake_home(tmp_path / "home")
    before = state(home)
    assert_refused(newsgen_cli("build", "--source", site, "--output", home / "Documents"))
    assert state(home) == before


def test_symlink_as_output_is_refused(tmp_path: Path, site: Path) -> None:
    real = tmp_path / "real-public"
    newsgen_cli("build", "--source", site, "--output", real)
    assert (real / MARKER).is_file()
    link = tmp_path / "public"
    link.symlink_to(real, target_is_directory=True)
    before = state(tmp_path)
    result = newsgen_cli("build", "--source", site, "--output", link)
    assert_refused(result)
    assert "link" in result.stderr
    assert state(tmp_path) == before


def test_symlink_to_a_home_folder_as_output_is_refused(tmp_path: Path, site: Path) -> None:
    home = fake_home(tmp_path / "home")
    link = tmp_path / "public"
    link.symlink_to(home, target_is_directory=True)
    before = state(tmp_path)
    assert_refused(newsgen_cli("build", "--source", site, "--output", link))
    assert state(tmp_path) == before


def test_dangling_symlink_as_output_is_refused(tmp_path: Path, site: Path) -> None:
    link = tmp_path / "public"
    link.symlink_to(tmp_path / "nowhere", target_is_directory=True)
    assert_refused(newsgen_cli("build", "--source", site, "--output", link))
    assert link.is_symlink()
    assert not (tmp_path / "nowhere").exists()


def test_file_as_output_is_refused(tmp_path: Path, site: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.7 important")
    assert_refused(newsgen_cli("build", "--source", site, "--output", target))
    assert target.read_bytes() == b"%PDF-1.7 important"


def test_output_under_a_file_fails_cleanly(tmp_path: Path, site: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.7 important")
    result = newsgen_cli("build", "--source", site, "--output", target / "public")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert target.read_bytes() == b"%PDF-1.7 important"


# --------------------------------------------------------------------------
# accepted outputs
# --------------------------------------------------------------------------


def test_empty_existing_folder_is_accepted(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert result.returncode == 0, result.stderr
    assert (out / MARKER).is_file()
    assert (out / "index.html").is_file()
    assert (out / "images" / "logo.png").read_bytes() == PNG
    no_leftovers(tmp_path)


def test_new_nested_folder_is_accepted(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "deploy" / "www" / "public"
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert result.returncode == 0, result.stderr
    assert (out / MARKER).is_file()


def test_default_output_is_site_public(site: Path) -> None:
    result = newsgen_cli("build", "--source", site)
    assert result.returncode == 0, result.stderr
    assert (site / "public" / MARKER).is_file()
    result = newsgen_cli("build", "--source", site)
    assert result.returncode == 0, result.stderr


def outside_folder(tmp_path: Path) -> tuple[Path, State]:
    outside = tmp_path / "outside"
    write_files(
        outside,
        {
            "keep.txt": "not newsgen's\n",
            "deep/keep.bin": b"\x00\x01\x02",
            "index.html": "<p>someone else's index</p>",
        },
    )
    return outside, state(outside)


def plant_links(out: Path, outside: Path) -> None:
    (out / "linked-dir").symlink_to(outside, target_is_directory=True)
    (out / "world" / "linked-dir").symlink_to(outside, target_is_directory=True)
    (out / "linked-file.txt").symlink_to(outside / "keep.txt")
    (out / "css").rename(out / "css-real")
    (out / "css").symlink_to(outside, target_is_directory=True)  # where the build writes


def test_rebuild_never_follows_symlinks_out_of_the_old_output(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "public"
    assert newsgen_cli("build", "--source", site, "--output", out).returncode == 0
    outside, before = outside_folder(tmp_path)
    plant_links(out, outside)
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert result.returncode == 0, result.stderr
    assert state(outside) == before
    assert not (out / "linked-dir").exists()
    assert not (out / "css").is_symlink()
    assert (out / "css").is_dir()
    no_leftovers(tmp_path)


def test_fallback_rebuild_never_follows_symlinks_out(
    tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with two renames instead of RENAME_EXCHANGE (the retired tree is deleted)."""
    monkeypatch.setattr(newsgen.output.write, "exchange_directories", lambda first, second: False)
    out = tmp_path / "public"
    build(BuildOptions(site, out))
    outside, before = outside_folder(tmp_path)
    plant_links(out, outside)
    build(BuildOptions(site, out))
    assert state(outside) == before
    assert not (out / "linked-dir").exists()
    no_leftovers(tmp_path)


def test_links_planted_in_the_spare_tree_are_not_followed(tmp_path: Path, site: Path) -> None:
    """The replaced site is kept beside the output as the spare tree, links and all, and the
    next build updates it in place: that must remove the links, not write through them."""
    out = tmp_path / "public"
    assert newsgen_cli("build", "--source", site, "--output", out).returncode == 0
    outside, before = outside_folder(tmp_path)
    plant_links(out, outside)
    edit_story(site, "Edited once.")
    assert newsgen_cli("build", "--source", site, "--output", out).returncode == 0
    spare = spare_path(out)
    assert (spare / "linked-dir").is_symlink()  # the old output, as it was
    edit_story(site, "Edited twice.")
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert result.returncode == 0, result.stderr
    assert state(outside) == before
    for tree in (out, spare):
        assert not (tree / "linked-dir").exists()
        assert not (tree / "css").is_symlink()
    assert "Edited twice." in (out / "world/2024/03/05/story/index.html").read_text()
    no_leftovers(tmp_path)


def test_spare_tree_as_output_is_refused(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "public"
    assert newsgen_cli("build", "--source", site, "--output", out).returncode == 0
    edit_story(site, "Edited.")
    assert newsgen_cli("build", "--source", site, "--output", out).returncode == 0
    assert spare_path(out).is_dir()
    before = state(tmp_path)
    for name in (spare_path(out).name, f"{STAGING_PREFIX}public-1", f"{RETIRED_PREFIX}public-1"):
        assert_refused(newsgen_cli("build", "--source", site, "--output", tmp_path / name))
    assert state(tmp_path) == before


def test_leftovers_that_are_symlinks_are_not_followed(tmp_path: Path, site: Path) -> None:
    """A ``.newsgen-staging-*`` / ``.newsgen-retired-*`` entry that is a link points elsewhere."""
    outside, before = outside_folder(tmp_path)
    out = tmp_path / "public"
    (tmp_path / f"{STAGING_PREFIX}public-1").symlink_to(outside, target_is_directory=True)
    (tmp_path / f"{RETIRED_PREFIX}public-2").symlink_to(outside, target_is_directory=True)
    real_leftover = tmp_path / f"{STAGING_PREFIX}public-3"
    real_leftover.mkdir()
    (real_leftover / "inner-link").symlink_to(outside, target_is_directory=True)
    (real_leftover / "file-link").symlink_to(outside / "keep.txt")
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert result.returncode == 0, result.stderr
    assert state(outside) == before
    # The missing output must not be "restored" from a link to someone else's folder.
    assert not out.is_symlink()
    assert (out / MARKER).is_file()
    assert not (out / "keep.txt").exists()
    assert not real_leftover.exists()


def test_check_output_dir_in_process(tmp_path: Path, site: Path) -> None:
    """The same rules, called directly, with odd spellings of the paths."""
    for bad in (
        site,
        site / ".",
        site / "content" / "..",
        site.parent,
        Path(str(site) + "/"),
        site / "content" / "x" / ".." / "y",
        site / "static",
        Path("/"),
    ):
        with pytest.raises(OutputError):
            check_output_dir(bad, site)
    check_output_dir(tmp_path / "fresh", site)
    check_output_dir(site / "public", site)
    check_output_dir(site / ".newsgen" / "preview", site)


# --------------------------------------------------------------------------
# collisions: an error naming both sources, exit 1, nothing written
# --------------------------------------------------------------------------


COLLISIONS = {
    "article-vs-static": (
        {"static/world/2024/03/05/story/index.html": "<p>a hand-made page</p>"},
        ["content/world/story.md", "static/world/2024/03/05/story/index.html"],
    ),
    "static-case": (
        {"static/images/Logo.png": PNG},
        ["static/images/Logo.png", "static/images/logo.png"],
    ),
    "static-vs-feed": (
        {"static/feed.xml": "<rss/>"},
        ["static/feed.xml", "feed.xml"],
    ),
}


@pytest.mark.parametrize("case", list(COLLISIONS))
def test_collision_names_both_sources_and_writes_nothing(
    tmp_path: Path, site: Path, case: str
) -> None:
    files, named = COLLISIONS[case]
    write_files(site, files)
    out = tmp_path / "public"
    result = newsgen_cli("build", "--source", site, "--output", out)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    problem_lines = [line for line in result.stderr.splitlines() if "also writes" in line]
    assert problem_lines, result.stderr
    for name in named:
        assert any(name in line for line in problem_lines), (name, result.stderr)
    assert not out.exists()
    no_leftovers(tmp_path)


@pytest.mark.parametrize("case", list(COLLISIONS))
def test_collision_leaves_the_existing_site_unchanged(
    tmp_path: Path, site: Path, case: str
) -> None:
    out = tmp_path / "public"
    build(BuildOptions(site, out))
    before = state(out)
    write_files(site, COLLISIONS[case][0])
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(site, out))
    assert failure.value.exit_code == 1
    assert state(out) == before
    no_leftovers(tmp_path)
