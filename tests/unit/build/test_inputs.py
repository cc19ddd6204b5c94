"""newsgen.build.inputs: the templates' bytes, and the site's template files that are not files."""

from __future__ import annotations

import os
from pathlib import Path

from unit_helpers import no_hang

from newsgen.build.inputs import template_bytes, template_dirs
from newsgen.errors import Problems


def site_with_theme(tmp_path: Path) -> tuple[Path, Path]:
    """A site with its own templates/ and a theme with article.html and base.html."""
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "article.html").write_text("theme article")
    (theme / "templates" / "base.html").write_text("theme base")
    root = tmp_path / "site"
    (root / "templates").mkdir(parents=True)
    return root, theme


def read(root: Path, theme: Path) -> tuple[dict[str, bytes], list[str]]:
    problems = Problems()
    with no_hang():
        found = template_bytes(template_dirs(root, theme), problems)
    return dict(found), [str(problem) for problem in problems]


def test_every_template_is_read_by_folder_and_name(tmp_path: Path) -> None:
    root, theme = site_with_theme(tmp_path)
    (root / "templates" / "article.html").write_text("site article")
    found, problems = read(root, theme)
    assert found == {
        "0:article.html": b"site article",
        "1:article.html": b"theme article",
        "1:base.html": b"theme base",
    }
    assert problems == []


def test_a_named_pipe_or_device_among_the_site_templates_is_an_error(tmp_path: Path) -> None:
    root, theme = site_with_theme(tmp_path)
    os.mkfifo(root / "templates" / "article.html")
    (root / "templates" / "base.html").symlink_to("/dev/zero")
    (root / "templates" / "gone.html").symlink_to("nowhere.html")
    found, problems = read(root, theme)
    assert problems == [
        "templates/article.html:1: is a named pipe (FIFO), not a regular file; "
        "replace it with a file",
        "templates/base.html:1: is a device, not a regular file; replace it with a file",
        "templates/gone.html:1: is a broken symbolic link; remove it or restore its target",
    ]
    assert found["0:article.html"] == b"\0missing"


def test_a_folder_with_a_theme_template_name_is_an_error(tmp_path: Path) -> None:
    root, theme = site_with_theme(tmp_path)
    (root / "templates" / "article.html").mkdir()
    (root / "templates" / "partials").mkdir()  # a folder of the site's own: fine
    _, problems = read(root, theme)
    assert problems == [
        "templates/article.html:1: is a folder, but the theme has a template of that name; "
        "a template that replaces the theme's must be a file"
    ]


def test_an_editors_lock_file_is_not_an_error(tmp_path: Path) -> None:
    root, theme = site_with_theme(tmp_path)
    (root / "templates" / ".#article.html").symlink_to("user@host.1234:1700000000")
    found, problems = read(root, theme)
    assert problems == []
    assert found["0:.#article.html"] == b"\0missing"


def test_plain_static_files_take_no_per_file_checks(tmp_path: Path, monkeypatch) -> None:
    """Only links and special files are resolved and checked (file_problem); the plain
    files of plain folders below static/ are trusted as os.scandir reports them."""
    import newsgen.build.inputs as inputs

    site, theme = tmp_path / "site", tmp_path / "theme"
    for number in range(50):
        folder = site / "static" / "images" / f"y{number % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{number}.png").write_bytes(b"png")
    (site / "static" / "link.png").symlink_to(site / "static" / "images" / "y0" / "p0.png")
    (site / "static" / "outside.png").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "static" / "dirlink").symlink_to(site / "static" / "images")
    (theme / "static" / "css").mkdir(parents=True)
    (theme / "static" / "css" / "site.css").write_text("body{}")
    checked: list[str] = []
    real = inputs.file_problem

    def counting(path: Path, root: Path, folder: str) -> str | None:
        checked.append(path.name)
        return real(path, root, folder)

    monkeypatch.setattr(inputs, "file_problem", counting)
    problems = Problems()
    copies = inputs.static_copies(site, theme, problems)
    assert sorted(checked) == ["link.png", "outside.png"]
    paths = [copy.path for copy in copies]
    assert len(paths) == 50 + 2 and "link.png" in paths and "css/site.css" in paths
    assert "outside.png" not in paths and not any(p.startswith("dirlink") for p in paths)
    assert sorted(p.path for p in problems) == ["static/dirlink", "static/outside.png"]
