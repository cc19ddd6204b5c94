"""newsgen.cache.compiled_templates: compiled templates kept between builds, each file checked."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from newsgen.cache.compiled_templates import MAGIC, compiled_templates


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "x.html").write_text("{{ 1 + 1 }} x", encoding="utf-8")
    return folder


def environment(
    templates: Path, compiled: Path, notes: list[tuple[str, str]]
) -> jinja2.Environment:
    cache = compiled_templates(compiled, "v1", lambda *note: notes.append(note))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates), bytecode_cache=cache)


def test_a_compiled_template_is_kept_and_used(templates: Path, tmp_path: Path) -> None:
    compiled, notes = tmp_path / ".newsgen" / "templates", []
    compiled.parent.mkdir()
    assert environment(templates, compiled, notes).get_template("x.html").render() == "2 x"
    [kept] = compiled.glob("v1-*.code")
    assert kept.read_bytes().startswith(MAGIC)
    before = kept.read_bytes()
    assert environment(templates, compiled, notes).get_template("x.html").render() == "2 x"
    assert kept.read_bytes() == before and notes == []


@pytest.mark.parametrize(
    "damage, what",
    [
        (lambda path: path.write_bytes(path.read_bytes()[:-5] + b"xxxxx"), "does not match"),
        (lambda path: path.write_bytes(path.read_bytes()[:40]), "does not match"),
        (lambda path: path.write_bytes(b"j2" + bytes(100)), "does not match"),
        (lambda path: (path.unlink(), path.mkdir()), "is not a file"),
    ],
    ids=["flipped", "truncated", "Jinja's own format", "a folder"],
)
def test_a_damaged_file_is_compiled_again_and_noted(
    templates: Path, tmp_path: Path, damage, what: str  # type: ignore[no-untyped-def]
) -> None:
    compiled, notes = tmp_path / ".newsgen" / "templates", []
    compiled.parent.mkdir()
    environment(templates, compiled, notes).get_template("x.html")
    [kept] = compiled.glob("v1-*.code")
    damage(kept)
    assert environment(templates, compiled, notes).get_template("x.html").render() == "2 x"
    [(shown, message)] = notes
    assert shown == f".newsgen/templates/{kept.name}" and message.startswith(what)
    assert message.endswith("compiled again") and kept.is_file()
    environment(templates, compiled, notes).get_template("x.html")
    assert len(notes) == 1  # rewritten whole


def test_an_edited_template_is_compiled_again_without_a_note(
    templates: Path, tmp_path: Path
) -> None:
    compiled, notes = tmp_path / "compiled", []
    environment(templates, compiled, notes).get_template("x.html")
    (templates / "x.html").write_text("{{ 2 + 2 }} y", encoding="utf-8")
    assert environment(templates, compiled, notes).get_template("x.html").render() == "4 y"
    assert notes == []
