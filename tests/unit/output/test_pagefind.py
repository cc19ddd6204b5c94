"""newsgen.output.pagefind: the Pagefind step, its key, and reusing the last index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest

from newsgen.output.pagefind import (
    ENTRY_FILE,
    SearchError,
    SearchIndexer,
    index_key,
    indexed_templates,
    pagefind_binary,
    reusable_index,
)

ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<nav>Home World Local</nav>
<article data-pagefind-body>
<p data-pagefind-ignore><a data-pagefind-filter="section">{section}</a></p>
<h1 data-pagefind-meta="title">{title}</h1>
<p>{body}</p>
</article></body></html>
"""
LISTING = "<!DOCTYPE html><html lang='en'><body><h1>World</h1><p>Zebras</p></body></html>"


def write_tree(root: Path) -> list[str]:
    """A small built site: two article pages and a listing; return the article pages."""
    pages = {
        "world/a/index.html": ARTICLE.format(title="Harbour", section="World", body="Cranes"),
        "local/b/index.html": ARTICLE.format(title="Bridge", section="Local", body="Detours"),
        "world/index.html": LISTING,
    }
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return ["world/a/index.html", "local/b/index.html"]


def link_tree(source: Path, target: Path, pages: list[str]) -> None:
    """Make ``target`` hold the same page files as ``source`` (hard links), as the
    writer does for pages whose bytes did not change."""
    for path in pages:
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        os.link(source / path, target / path)


def fake_pagefind(tmp_path: Path, script: str) -> Path:
    program = tmp_path / "fake-pagefind"
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(0o755)
    return program


# --- which files, which templates ------------------------------------------------------------


def test_indexed_templates_are_those_marking_the_body_directly_or_through_a_parent():
    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "base.html": "<body>{% block content %}{% endblock %}</body>",
                "article.html": '{% extends "base.html" %}<article data-pagefind-body>',
                "story.html": '{% extends "article.html" %}',
                "section.html": '{% extends "base.html" %}<ul></ul>',
            }
        )
    )
    names = {"article.html", "story.html", "section.html"}
    assert indexed_templates(env, names) == {"article.html", "story.html"}


def test_when_no_template_marks_a_body_every_page_is_indexed():
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "<p>", "b.html": "<p>"}))
    assert indexed_templates(env, {"a.html", "b.html"}) == {"a.html", "b.html"}


# --- the key -----------------------------------------------------------------------------------


def test_the_key_is_the_same_for_the_same_page_files_and_changes_with_any_page(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    pages = write_tree(first)
    link_tree(first, second, pages)
    program = pagefind_binary()
    assert index_key(first, pages, program) == index_key(second, pages, program)
    rewritten = second / pages[0]
    rewritten.unlink()
    shutil.copyfile(first / pages[0], rewritten)  # the same bytes, but another file
    assert index_key(first, pages, program) != index_key(second, pages, program)
    assert index_key(first, pages, program) != index_key(first, pages[:1], program)


def test_a_recorded_index_is_reusable_only_while_every_file_is_still_there(tmp_path):
    (tmp_path / "pagefind" / "index").mkdir(parents=True)
    files = [ENTRY_FILE, "pagefind/index/en_1.pf_index"]
    for path in files:
        (tmp_path / path).write_text("x")
    previous = {path: ("key", (tmp_path / path).stat().st_ino) for path in files}
    previous["world/index.html"] = ("other", 1)  # a page: not part of the index
    assert reusable_index(previous, "key", tmp_path) == sorted(files)
    assert reusable_index(previous, "another key", tmp_path) is None
    assert reusable_index({}, "key", tmp_path) is None
    (tmp_path / "new").write_text("x")
    (tmp_path / "new").replace(tmp_path / files[1])  # replaced: another file
    assert reusable_index(previous, "key", tmp_path) is None


# --- running Pagefind, and reusing its index ---------------------------------------------------


def test_the_indexer_runs_pagefind_into_a_fresh_pagefind_folder(tmp_path):
    tree = tmp_path / "tree"
    pages = write_tree(tree)
    (tree / "pagefind").mkdir()
    (tree / "pagefind" / "stale.js").write_text("from another build")
    indexer = SearchIndexer(pages, tmp_path / "public", {})
    indexer(tree)
    assert (tree / ENTRY_FILE).is_file()
    assert not (tree / "pagefind" / "stale.js").exists()
    assert not indexer.reused
    assert indexer.files[ENTRY_FILE] == (tree / ENTRY_FILE).stat().st_ino
    assert set(indexer.files) == {
        p.relative_to(tree).as_posix() for p in (tree / "pagefind").rglob("*") if p.is_file()
    }
    assert any(path.endswith(".pf_fragment") for path in indexer.files)
    assert indexer.recorded()[ENTRY_FILE] == (indexer.key, indexer.files[ENTRY_FILE])


def test_the_last_index_is_linked_in_when_no_indexed_page_changed(tmp_path, monkeypatch):
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = write_tree(live)
    first = SearchIndexer(pages, live, {})
    first(live)  # as if this tree had become the live output
    link_tree(live, tree, pages)
    (tree / "world" / "index.html").write_text("a listing page changed")
    monkeypatch.setattr(SearchIndexer, "_run_pagefind", lambda self, tree: pytest.fail("ran"))
    second = SearchIndexer(pages, live, first.recorded())
    second(tree)
    assert second.reused and second.key == first.key
    assert second.files == first.files  # the very same files, linked
    assert (tree / ENTRY_FILE).stat().st_ino == (live / ENTRY_FILE).stat().st_ino


def indexed_then_a_page_changed(tmp_path):
    """A live output with its index, and a new tree whose first article page changed."""
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = write_tree(live)
    first = SearchIndexer(pages, live, {})
    first(live)
    link_tree(live, tree, pages)
    (tree / pages[0]).unlink()
    (tree / pages[0]).write_text(ARTICLE.format(title="Harbour", section="World", body="Ships"))
    return live, tree, pages, first


def test_a_changed_article_page_makes_a_new_index(tmp_path):
    live, tree, pages, first = indexed_then_a_page_changed(tmp_path)
    second = SearchIndexer(pages, live, first.recorded())
    second(tree)
    assert not second.reused and second.key != first.key
    assert (tree / ENTRY_FILE).stat().st_ino != (live / ENTRY_FILE).stat().st_ino


def test_without_refresh_the_live_index_is_kept_though_a_page_changed(tmp_path, monkeypatch):
    """The live preview keeps its first index: its rebuilds must not wait for Pagefind."""
    live, tree, pages, first = indexed_then_a_page_changed(tmp_path)
    monkeypatch.setattr(SearchIndexer, "_run_pagefind", lambda self, tree: pytest.fail("ran"))
    kept = SearchIndexer(pages, live, first.recorded(), refresh=False)
    kept(tree)
    assert kept.reused
    assert kept.key == first.key  # remembered as made from the old pages
    assert (tree / ENTRY_FILE).stat().st_ino == (live / ENTRY_FILE).stat().st_ino


def test_without_refresh_a_missing_index_is_still_made(tmp_path):
    tree = tmp_path / "tree"
    indexer = SearchIndexer(write_tree(tree), tmp_path / "public", {}, refresh=False)
    indexer(tree)
    assert not indexer.reused and (tree / ENTRY_FILE).is_file()


def test_a_failing_pagefind_raises_with_what_it_said(tmp_path, monkeypatch):
    program = fake_pagefind(tmp_path, "echo 'Error: the disk is full' >&2\nexit 3")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    tree = tmp_path / "tree"
    pages = write_tree(tree)
    with pytest.raises(SearchError) as failure:
        SearchIndexer(pages, tmp_path / "public", {})(tree)
    assert "exit code 3" in str(failure.value)
    assert "Error: the disk is full" in str(failure.value)
    assert "the previous output is unchanged" in str(failure.value)


def test_a_pagefind_that_writes_no_entry_file_fails_too(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, "exit 0")))
    tree = tmp_path / "tree"
    with pytest.raises(SearchError, match="could not build the index"):
        SearchIndexer(write_tree(tree), tmp_path / "public", {})(tree)


def test_pagefind_runs_without_the_callers_pagefind_settings(tmp_path, monkeypatch):
    seen = tmp_path / "env.txt"
    script = f'env > "{seen}"\nmkdir -p pagefind && echo {{}} > {ENTRY_FILE}'
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, script)))
    monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "fr")
    tree = tmp_path / "tree"
    SearchIndexer(write_tree(tree), tmp_path / "public", {})(tree)
    assert "PAGEFIND_FORCE_LANGUAGE" not in seen.read_text()


def test_the_pagefind_program_is_found_or_named_clearly(tmp_path, monkeypatch):
    assert pagefind_binary().is_file()  # the one the pagefind[extended] package ships
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(SearchError, match=r"PAGEFIND_BINARY_PATH names .*nothing-here"):
        pagefind_binary()
