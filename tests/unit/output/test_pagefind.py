"""newsgen.output.pagefind: the Pagefind step, its key, and reusing the last index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import jinja2
import pytest

from newsgen.output.pagefind import (
    SHARDS_FILE,
    SearchError,
    SearchIndexer,
    index_key,
    indexed_templates,
    pagefind_binary,
    reusable_index,
    shard_entry,
    shard_order,
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


SHARDS = {"world/a/index.html": "2024", "local/b/index.html": "2023"}
"""The shard of each article page of write_tree(): its year."""


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


def test_the_key_tells_a_new_page_from_a_removed_one_whose_inode_it_was_given(tmp_path):
    # A file system gives a new file the inode of one removed a moment ago: the old
    # page's, whose words the shard holds. Its modification time tells them apart.
    pages = write_tree(tmp_path)
    program = pagefind_binary()
    before = index_key(tmp_path, pages, program)
    page = tmp_path / pages[0]
    info = page.stat()
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))  # the same inode
    assert page.stat().st_ino == info.st_ino
    assert index_key(tmp_path, pages, program) != before


def test_a_recorded_shard_is_reusable_only_while_every_file_is_still_there(tmp_path):
    (tmp_path / "pagefind" / "2024" / "index").mkdir(parents=True)
    files = [shard_entry("2024"), "pagefind/2024/index/en_1.pf_index"]
    for path in files:
        (tmp_path / path).write_text("x")
    previous = {path: ("key", (tmp_path / path).stat().st_ino) for path in files}
    previous["world/index.html"] = ("other", 1)  # a page: not part of the index
    previous["pagefind/2023/pagefind-entry.json"] = ("old", 2)  # another shard's
    assert reusable_index(previous, "key", tmp_path, "2024") == sorted(files)
    assert reusable_index(previous, "another key", tmp_path, "2024") is None
    assert reusable_index(previous, "key", tmp_path, "2023") is None
    assert reusable_index({}, "key", tmp_path, "2024") is None
    (tmp_path / "new").write_text("x")
    (tmp_path / "new").replace(tmp_path / files[1])  # replaced: another file
    assert reusable_index(previous, "key", tmp_path, "2024") is None


def test_shards_go_newest_year_first_then_the_others():
    assert shard_order(["2019", "pages", "2024", "2023", "1999"]) == [
        "2024",
        "2023",
        "2019",
        "1999",
        "pages",
    ]


def test_quarters_of_large_years_go_newest_first_among_the_years():
    shards = ["2023", "2024-q1", "changes", "2024-q4", "pages", "2025", "2024-q2", "999"]
    assert shard_order(shards) == [
        *("2025", "2024-q4", "2024-q2", "2024-q1", "2023", "999"),
        *("changes", "pages"),
    ]


# --- running Pagefind, and reusing its index ---------------------------------------------------


def shard_files(tree: Path, shard: str) -> dict[str, int]:
    folder = tree / "pagefind" / shard
    return {
        p.relative_to(tree).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def test_the_indexer_runs_pagefind_into_a_fresh_folder_per_shard(tmp_path):
    tree = tmp_path / "tree"
    write_tree(tree)
    (tree / "pagefind").mkdir()
    (tree / "pagefind" / "stale.js").write_text("from another build")
    indexer = SearchIndexer(SHARDS, tmp_path / "public", {})
    indexer(tree)
    for shard in ("2024", "2023"):
        assert (tree / shard_entry(shard)).is_file()
        assert any(path.endswith(".pf_fragment") for path in shard_files(tree, shard))
    assert json.loads((tree / SHARDS_FILE).read_text()) == {"shards": ["2024", "2023"]}
    assert not (tree / "pagefind" / "stale.js").exists()
    assert not [p for p in tree.iterdir() if p.name.startswith(".newsgen-shard")]
    assert indexer.reused == set()
    assert set(indexer.files) == {
        p.relative_to(tree).as_posix() for p in (tree / "pagefind").rglob("*") if p.is_file()
    }
    recorded = indexer.recorded()
    assert recorded[shard_entry("2024")] == (
        indexer.keys["2024"],
        indexer.files[shard_entry("2024")],
    )
    assert indexer.keys["2024"] != indexer.keys["2023"]


def test_each_shard_holds_only_its_own_pages(tmp_path):
    tree = tmp_path / "tree"
    write_tree(tree)
    SearchIndexer(SHARDS, tmp_path / "public", {})(tree)
    for shard, title in (("2024", "Harbour"), ("2023", "Bridge")):
        entry = json.loads((tree / shard_entry(shard)).read_text())
        assert entry["languages"]["en"]["page_count"] == 1, (shard, title)


def test_the_last_index_is_linked_in_when_no_indexed_page_changed(tmp_path, monkeypatch):
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = write_tree(live)
    first = SearchIndexer(SHARDS, live, {})
    first(live)  # as if this tree had become the live output
    link_tree(live, tree, pages)
    (tree / "world" / "index.html").write_text("a listing page changed")
    monkeypatch.setattr(SearchIndexer, "_index_shards", lambda *args: pytest.fail("ran"))
    second = SearchIndexer(SHARDS, live, first.recorded())
    second(tree)
    assert second.all_reused and second.keys == first.keys
    assert second.files == first.files  # the very same files, the list of shards too
    assert second.reused_files() == len(first.files)
    entry = shard_entry("2024")
    assert (tree / entry).stat().st_ino == (live / entry).stat().st_ino


def indexed_then_a_page_changed(tmp_path):
    """A live output with its index, and a new tree whose 2024 article page changed."""
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = write_tree(live)
    first = SearchIndexer(SHARDS, live, {})
    first(live)
    link_tree(live, tree, pages)
    (tree / pages[0]).unlink()
    (tree / pages[0]).write_text(ARTICLE.format(title="Harbour", section="World", body="Ships"))
    return live, tree, pages, first


def test_a_changed_article_page_makes_only_its_shard_anew(tmp_path, monkeypatch):
    live, tree, _, first = indexed_then_a_page_changed(tmp_path)
    ran: list[str] = []
    real = SearchIndexer._planned_run

    def counting(self, tree, shard):
        ran.append(shard)
        return real(self, tree, shard)

    monkeypatch.setattr(SearchIndexer, "_planned_run", counting)
    second = SearchIndexer(SHARDS, live, first.recorded())
    second(tree)
    assert ran == ["2024"] and second.reused == {"2023"}
    assert second.keys["2024"] != first.keys["2024"] and second.keys["2023"] == first.keys["2023"]
    new, old = shard_entry("2024"), shard_entry("2023")
    assert (tree / new).stat().st_ino != (live / new).stat().st_ino
    assert (tree / old).stat().st_ino == (live / old).stat().st_ino


def test_a_damaged_shard_of_the_live_output_is_made_anew(tmp_path, monkeypatch):
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = write_tree(live)
    first = SearchIndexer(SHARDS, live, {})
    first(live)
    link_tree(live, tree, pages)
    damaged = next(p for p in shard_files(live, "2023") if "/fragment/" in p)
    (live / damaged).unlink()
    second = SearchIndexer(SHARDS, live, first.recorded())
    second(tree)
    assert second.reused == {"2024"}
    assert (tree / shard_entry("2023")).is_file()
    assert any("/fragment/" in path for path in shard_files(tree, "2023"))


def test_without_refresh_the_live_index_is_kept_though_a_page_changed(tmp_path, monkeypatch):
    """The live preview keeps its first index: its rebuilds must not wait for Pagefind."""
    live, tree, _, first = indexed_then_a_page_changed(tmp_path)
    monkeypatch.setattr(SearchIndexer, "_index_shards", lambda *args: pytest.fail("ran"))
    kept = SearchIndexer(SHARDS, live, first.recorded(), refresh=False)
    kept(tree)
    assert kept.all_reused
    assert kept.keys == first.keys  # remembered as made from the old pages
    entry = shard_entry("2024")
    assert (tree / entry).stat().st_ino == (live / entry).stat().st_ino


def test_without_refresh_a_missing_shard_is_still_made(tmp_path):
    tree = tmp_path / "tree"
    write_tree(tree)
    indexer = SearchIndexer(SHARDS, tmp_path / "public", {}, refresh=False)
    indexer(tree)
    assert not indexer.reused and (tree / shard_entry("2023")).is_file()


def test_a_failing_pagefind_raises_with_what_it_said(tmp_path, monkeypatch):
    program = fake_pagefind(tmp_path, "echo 'Error: the disk is full' >&2\nexit 3")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    tree = tmp_path / "tree"
    write_tree(tree)
    with pytest.raises(SearchError) as failure:
        SearchIndexer(SHARDS, tmp_path / "public", {})(tree)
    assert "exit code 3" in str(failure.value)
    assert "Error: the disk is full" in str(failure.value)
    assert "the previous output is unchanged" in str(failure.value)


def test_a_pagefind_that_writes_no_entry_file_fails_too(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, "exit 0")))
    tree = tmp_path / "tree"
    with pytest.raises(SearchError, match="could not build the index"):
        write_tree(tree)
        SearchIndexer(SHARDS, tmp_path / "public", {})(tree)


def test_pagefind_runs_without_the_callers_pagefind_settings(tmp_path, monkeypatch):
    seen = tmp_path / "env.txt"
    script = (
        f'env > "{seen}"\n'
        "while [ $# -gt 0 ]; do\n"
        '  [ "$1" = --output-path ] && mkdir -p "$2" && echo {} > "$2/pagefind-entry.json"\n'
        "  shift\n"
        "done"
    )
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, script)))
    monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "fr")
    tree = tmp_path / "tree"
    write_tree(tree)
    SearchIndexer(SHARDS, tmp_path / "public", {})(tree)
    assert "PAGEFIND_FORCE_LANGUAGE" not in seen.read_text()


def test_the_pagefind_program_is_found_or_named_clearly(tmp_path, monkeypatch):
    assert pagefind_binary().is_file()  # the one the pagefind[extended] package ships
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(SearchError, match=r"PAGEFIND_BINARY_PATH names .*nothing-here"):
        pagefind_binary()


def test_a_shard_that_fails_stops_the_others_and_is_said(tmp_path, monkeypatch):
    """Two shards run at once; when one fails, the other is stopped (killed, not left
    running) and the build fails with what the failing one said."""
    started = tmp_path / "started"
    script = (
        f'echo $$ >> "{started}"\n'
        'case "$*" in *shard-2023*) echo "Error: no space left" >&2; exit 4;; esac\n'
        "sleep 30"
    )
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, script)))
    monkeypatch.setattr("newsgen.output.pagefind.cores", lambda: 2)
    tree = tmp_path / "tree"
    write_tree(tree)
    began = time.monotonic()
    with pytest.raises(SearchError, match="exit code 4") as failure:
        SearchIndexer(SHARDS, tmp_path / "public", {})(tree)
    assert "Error: no space left" in str(failure.value)
    assert time.monotonic() - began < 20, "the other run was waited for, not stopped"
    pids = [int(line) for line in started.read_text().split()]
    assert len(pids) == 2  # both ran at once
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in _state(pid)
    assert not [p for p in tree.iterdir() if p.name.startswith(".newsgen-shard")]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_runs_wait_for_memory_beside_those_going(tmp_path):
    """A shard whose estimated memory would exceed the budget beside those running
    waits for them; alone, even a larger one runs."""
    from newsgen.output.pagefind_runs import PAGE_MEMORY, PlannedRun, run_all

    log: list[str] = []

    def planned(name: str, pages: int) -> PlannedRun:
        def start(output):
            log.append(f"start {name}")
            return subprocess.Popen(["sleep", "0.3"], stdout=output)

        return PlannedRun(name, pages, start, lambda code, said: log.append(f"end {name}"))

    budget = 100 * PAGE_MEMORY
    run_all([planned("big", 150), planned("a", 60), planned("b", 30)], 2, None, budget)
    assert log[:2] == ["start big", "end big"]  # over the budget: alone
    assert log[2:4] == ["start a", "start b"]  # 90 pages together: both at once


def test_the_budget_leaves_out_the_builds_own_memory(monkeypatch):
    from newsgen.output import pagefind_runs
    from newsgen.output.pagefind_runs import PAGE_MEMORY, PlannedRun, run_all

    assert pagefind_runs.resident_memory() > 1024 * 1024  # this process: some MB
    log: list[str] = []

    def planned(name: str, pages: int) -> PlannedRun:
        def start(output):  # type: ignore[no-untyped-def]
            log.append(f"start {name}")
            return subprocess.Popen(["true"], stdout=output)

        def finish(code: int, said: bytes) -> None:
            log.append(f"end {name}")

        return PlannedRun(name, pages, start, finish)

    monkeypatch.setattr(pagefind_runs, "MEMORY_BUDGET", 120 * PAGE_MEMORY)
    monkeypatch.setattr(pagefind_runs, "resident_memory", lambda: 40 * PAGE_MEMORY)
    run_all([planned("a", 50), planned("b", 40)], 2)  # 80 pages left: one at a time
    assert log == ["start a", "end a", "start b", "end b"]
