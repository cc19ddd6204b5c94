"""newsgen.content.discover: finding article files and assets under content/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.content.discover import SourceFile, discover_content, known_sections
from newsgen.errors import Problems
from newsgen.input_files import is_ignored_name
from newsgen.models import SectionConfig

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")


def discover(root: Path):
    problems = Problems()
    tree = discover_content(root, problems)
    return tree, problems


def relatives(tree):
    return [a.content_relative for a in tree.articles]


# --- articles and assets ------------------------------------------------------------------


def test_articles_found_sorted_with_shown_paths(make_site):
    root = make_site(
        {
            "content/world/b.md": "x",
            "content/world/a.md": "x",
            "content/local/deep/c.md": "x",
            "content/top.md": "x",
        }
    )
    tree, problems = discover(root)
    assert list(problems) == []
    assert relatives(tree) == ["local/deep/c.md", "top.md", "world/a.md", "world/b.md"]
    first = tree.articles[0]
    assert first.shown == "content/local/deep/c.md"
    assert first.path == str(root / "content" / "local" / "deep" / "c.md")


def test_assets_collected(make_site):
    root = make_site(
        {
            "content/world/a.md": "x",
            "content/world/photo.jpg": b"\xff\xd8",
            "content/world/img/chart.png": b"png",
            "content/notes.txt": "n",
        }
    )
    tree, _ = discover(root)
    assert tree.assets == frozenset({"world/photo.jpg", "world/img/chart.png", "notes.txt"})
    assert relatives(tree) == ["world/a.md"]


@pytest.mark.parametrize(
    "name",
    [
        ".hidden.md",
        ".#lock.md",
        "#autosave.md#",
        "draft.md~",
        "a.md.swp",
        "a.md.swx",
        "a.md.swo",
        "a.md.tmp",
        "a.md.part",
        "a.md.bak",
        "~$word.md",
        ".DS_Store",
    ],
)
def test_hidden_and_temporary_files_ignored(make_site, name):
    root = make_site({"content/world/a.md": "x", f"content/world/{name}": "junk"})
    tree, problems = discover(root)
    assert relatives(tree) == ["world/a.md"]
    assert tree.assets == frozenset()
    assert list(problems) == []


@pytest.mark.parametrize("folder", [".git", ".obsidian", "#tmp"])
def test_hidden_folders_ignored(make_site, folder):
    root = make_site(
        {"content/world/a.md": "x", f"content/{folder}/b.md": "x", f"content/{folder}/c.png": b"x"}
    )
    tree, _ = discover(root)
    assert relatives(tree) == ["world/a.md"]
    assert tree.assets == frozenset()


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("a.md", False),
        ("photo.jpg", False),
        (".env", True),
        ("x~", True),
        ("x.bak", True),
        ("~$doc.docx", True),
        ("#x#", True),
        ("notes.tmp", True),
    ],
)
def test_is_ignored_name(name, ignored):
    assert is_ignored_name(name) is ignored


def test_the_plain_names_shortcut_answers_as_the_patterns_do():
    """Names with a common ending skip the patterns; each answers as they would."""
    import itertools

    from newsgen.input_files import _HIDDEN, _TEMPORARY

    stems = ["a", "sed", "sedan", "sedabc", "sed12345", "4913", "x~", ".#x", "#x#", "Thumbs"]
    stems += ["a.swp", "ab"]
    endings = [".md", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif", ".svg", ".css", ".js"]
    for stem, ending in itertools.product(stems, [*endings, ".md~", ".png.tmp", ""]):
        name = stem + ending
        patterns = name.startswith(_HIDDEN) or _TEMPORARY.match(name) is not None
        assert is_ignored_name(name) is patterns, name
    assert not is_ignored_name("sedan.png")  # sed -i's temporary names hold no dot
    assert is_ignored_name("sedX7abQ2") and not is_ignored_name("sedan")


def test_missing_content_folder_is_an_error(tmp_path):
    tree, problems = discover(tmp_path)
    assert tree.articles == () and tree.assets == frozenset()
    [problem] = problems.errors
    assert (problem.path, problem.line) == ("content", 1)
    assert "no content/ folder" in problem.message


def test_empty_content_folder(make_site):
    tree, problems = discover(make_site())
    assert tree.articles == () and list(problems) == []


# --- symlinks -----------------------------------------------------------------------------


@needs_symlinks
def test_symlink_to_file_outside_content_is_an_error(make_site, tmp_path):
    root = make_site({"content/world/a.md": "x"})
    outside = tmp_path / "secret.md"
    outside.write_text("x")
    (root / "content" / "world" / "linked.md").symlink_to(outside)
    tree, problems = discover(root)
    assert relatives(tree) == ["world/a.md"]
    [problem] = problems.errors
    assert (problem.path, problem.line) == ("content/world/linked.md", 1)
    assert "link to a file outside content/" in problem.message


@needs_symlinks
def test_symlink_to_asset_outside_content_is_an_error(make_site, tmp_path):
    root = make_site({"content/world/a.md": "x"})
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0")
    (root / "content" / "world" / "photo.jpg").symlink_to(outside)
    tree, problems = discover(root)
    assert tree.assets == frozenset()
    assert [p.path for p in problems.errors] == ["content/world/photo.jpg"]


@needs_symlinks
def test_symlink_to_folder_outside_content_is_an_error(make_site, tmp_path):
    root = make_site({"content/world/a.md": "x"})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "b.md").write_text("x")
    (root / "content" / "linked").symlink_to(outside, target_is_directory=True)
    tree, problems = discover(root)
    assert relatives(tree) == ["world/a.md"]
    [problem] = problems.errors
    assert (problem.path, problem.line) == ("content/linked", 1)
    assert "link to a folder outside content/" in problem.message


@needs_symlinks
def test_symlink_to_site_root_is_an_error(make_site):
    root = make_site({"content/world/a.md": "x", "static/x.css": "x"})
    (root / "content" / "up").symlink_to(root, target_is_directory=True)
    tree, problems = discover(root)
    assert relatives(tree) == ["world/a.md"]
    assert [p.path for p in problems.errors] == ["content/up"]


@needs_symlinks
def test_symlink_inside_content_is_followed(make_site):
    root = make_site({"content/world/a.md": "x"})
    (root / "content" / "world" / "b.md").symlink_to(root / "content" / "world" / "a.md")
    tree, problems = discover(root)
    assert list(problems) == []
    assert relatives(tree) == ["world/a.md", "world/b.md"]


@needs_symlinks
def test_symlink_loop_inside_content_terminates(make_site):
    root = make_site({"content/world/a.md": "x"})
    (root / "content" / "world" / "again").symlink_to(root / "content", target_is_directory=True)
    tree, problems = discover(root)
    assert list(problems) == []
    assert relatives(tree) == ["world/a.md"]


@needs_symlinks
def test_link_to_a_later_folder_is_walked_once_under_the_link(make_site):
    root = make_site({"content/z/deep/q.md": "x", "content/a/z.md": "x"})
    (root / "content" / "a" / "linkz").symlink_to(root / "content" / "z", target_is_directory=True)
    tree, problems = discover(root)
    assert list(problems) == []
    assert relatives(tree) == ["a/linkz/deep/q.md", "a/z.md"]


@needs_symlinks
def test_link_out_of_a_linked_folder_is_an_error(make_site, tmp_path):
    root = make_site({"content/real/a.md": "x"})
    outside = tmp_path / "secret.md"
    outside.write_text("x")
    (root / "content" / "real" / "s.md").symlink_to(outside)
    (root / "content" / "alias").symlink_to(root / "content" / "real", target_is_directory=True)
    tree, problems = discover(root)
    assert relatives(tree) == ["alias/a.md"]
    assert [p.path for p in problems.errors] == ["content/alias/s.md"]


@needs_symlinks
def test_broken_and_looping_links_are_errors(make_site):
    root = make_site({"content/world/a.md": "x"})
    world = root / "content" / "world"
    (world / "broken.md").symlink_to(world / "missing.md")
    (world / "loop1.md").symlink_to(world / "loop2.md")
    (world / "loop2.md").symlink_to(world / "loop1.md")
    tree, problems = discover(root)
    assert relatives(tree) == ["world/a.md"]
    messages = {p.path: p.message for p in problems.errors}
    assert "broken symbolic link" in messages["content/world/broken.md"]
    assert "loops back on itself" in messages["content/world/loop1.md"]
    assert "loops back on itself" in messages["content/world/loop2.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_an_error(make_site):
    root = make_site({"content/world/a.md": "x"})
    os.mkfifo(root / "content" / "world" / "pipe.md")
    tree, problems = discover(root)
    assert relatives(tree) == ["world/a.md"]
    [problem] = problems.errors
    assert problem.path == "content/world/pipe.md"
    assert "not a regular file" in problem.message


@needs_symlinks
def test_only_links_and_special_files_take_the_slow_checks(make_site, monkeypatch):
    """Plain files and folders are trusted from the folder listing: no per-file resolve."""
    from newsgen.content import discover as discover_module

    root = make_site({f"content/s{n}/a{m}.md": "x" for n in range(3) for m in range(5)})
    (root / "content" / "s0" / "l.md").symlink_to(root / "content" / "s1" / "a0.md")
    checked = []
    slow = discover_module.file_problem

    def counting(path, base, folder):
        checked.append(path.name)
        return slow(path, base, folder)

    monkeypatch.setattr(discover_module, "file_problem", counting)
    tree, problems = discover(root)
    assert len(tree.articles) == 16 and list(problems) == []
    assert checked == ["l.md"]


# --- folder_section -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "section"),
    [
        ("world/a.md", "world"),
        ("world/deep/a.md", "world"),
        ("a.md", None),
        ("Middle East/a.md", "Middle East"),
    ],
)
def test_folder_section(relative, section):
    source = SourceFile(Path("/x") / relative, f"content/{relative}", relative)
    assert source.folder_section == section


def test_known_sections_are_listed_ones_and_folders(tmp_path):
    content = tmp_path / "content"
    for folder in ("culture", "world", ".hidden", "Not A Slug"):
        (content / folder).mkdir(parents=True)
    (content / "notes.md").write_text("x")
    listed = (SectionConfig("world", "World News"), SectionConfig("business", "Money"))
    assert known_sections(content, listed) == {
        "world": "world",
        "world-news": "world",
        "business": "business",
        "money": "business",
        "culture": "culture",
    }
    assert known_sections(tmp_path / "missing", ()) == {}
