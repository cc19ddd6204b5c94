"""newsgen.build.name_clashes: each of the names that would share a page, at its file and line."""

from __future__ import annotations

from pathlib import Path

from newsgen.build.name_clashes import report_name_clashes
from newsgen.errors import Problems
from newsgen.site.taxonomy import NameClash, Spelling


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def report(root: Path, *clashes: NameClash) -> list[tuple[str, int, str | None, str]]:
    problems = Problems()
    report_name_clashes(root, list(clashes), problems)
    return [(p.path, p.line, p.field, p.message) for p in problems]


def test_each_name_is_reported_at_its_list_item_naming_the_others(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "content/a.md": "---\nheadline: A\ntags:\n  - Syria\n  - C++\n---\nBody.\n",
            "content/b.md": "---\nheadline: B\ntags: [C#]\n---\nBody.\n",
            "content/c.md": "---\nheadline: C\ntags: [c]\n---\nBody.\n",
        },
    )
    clash = NameClash(
        "tags",
        "/tags/c/",
        (
            Spelling("C++", ("content/a.md", "content/d.md")),
            Spelling("C#", ("content/b.md",)),
            Spelling("c", ("content/c.md",)),
        ),
    )
    found = report(root, clash)
    assert [where[:3] for where in found] == [
        ("content/a.md", 5, "tags[1]"),
        ("content/b.md", 3, "tags[0]"),
        ("content/c.md", 3, "tags[0]"),
    ]
    assert found[0][3] == (
        "tag 'C++' (also in 1 other file) is a different tag from 'C#' (content/b.md:3) and "
        "'c' (content/c.md:3), yet they would share one page, /tags/c/; rename all but one "
        "so that their letters or digits differ, or spell them alike if they are the same tag"
    )


def test_bylines_sections_profiles_and_configured_sections_are_found(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "content/a.md": "---\nheadline: A\nbyline: C Desk\nsection: C\n---\nBody.\n",
            "content/c/b.md": "---\nheadline: B\n---\nBody.\n",  # section from its folder
            "authors.yaml": "Jane:\n  bio: x\nC++ Desk:\n  bio: y\n",
            "newsgen.yaml": "title: T\nsections:\n  - World\n  - {name: C#, title: C sharp}\n",
        },
    )
    bylines = NameClash(
        "byline",
        "/authors/c-desk/",
        (Spelling("C Desk", ("content/a.md",)), Spelling("C++ Desk", ("authors.yaml",))),
    )
    sections = NameClash(
        "section",
        "/c/",
        (
            Spelling("C", ("content/a.md",)),
            Spelling("c", ("content/c/b.md",)),
            Spelling("C#", ("newsgen.yaml",)),
        ),
    )
    assert [where[:3] for where in report(root, bylines, sections)] == [
        ("content/a.md", 3, "byline"),
        ("authors.yaml", 3, "C++ Desk"),
        ("content/a.md", 4, "section"),
        ("content/c/b.md", 1, None),
        ("newsgen.yaml", 4, "sections[1]"),
    ]


def test_a_file_that_changed_since_it_was_loaded_is_blamed_on_line_1(tmp_path: Path) -> None:
    root = write(tmp_path, {"content/a.md": "no front matter any more\n"})
    clash = NameClash(
        "tags",
        "/tags/c/",
        (Spelling("C++", ("content/a.md",)), Spelling("C", ("content/gone.md",))),
    )
    assert [where[:3] for where in report(root, clash)] == [
        ("content/a.md", 1, None),
        ("content/gone.md", 1, None),
    ]
