"""newsgen.output.pagefind: the search index step, its key, and reusing the last index."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jinja2
import pytest

from newsgen.output.pagefind import (
    SHARDS_FILE,
    SearchError,
    SearchIndexer,
    index_key,
    indexed_templates,
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
    assert index_key(first, pages) == index_key(second, pages)
    rewritten = second / pages[0]
    rewritten.unlink()
    shutil.copyfile(first / pages[0], rewritten)  # the same bytes, but another file
    assert index_key(first, pages) != index_key(second, pages)
    assert index_key(first, pages) != index_key(first, pages[:1])


def test_the_key_tells_a_new_page_from_a_removed_one_whose_inode_it_was_given(tmp_path):
    # A file system gives a new file the inode of one removed a moment ago: the old
    # page's, whose words the shard holds. Its modification time tells them apart.
    pages = write_tree(tmp_path)
    before = index_key(tmp_path, pages)
    page = tmp_path / pages[0]
    info = page.stat()
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))  # the same inode
    assert page.stat().st_ino == info.st_ino
    assert index_key(tmp_path, pages) != before


def test_a_recorded_shard_is_reusable_only_while_every_file_is_still_there(tmp_path):
    (tmp_path / "pagefind" / "2024" / "words").mkdir(parents=True)
    files = [shard_entry("2024"), "pagefind/2024/words/0.json"]
    for path in files:
        (tmp_path / path).write_text("x")
    previous = {path: ("key", (tmp_path / path).stat().st_ino) for path in files}
    previous["world/index.html"] = ("other", 1)  # a page: not part of the index
    previous["pagefind/2023/meta.json"] = ("old", 2)  # another shard's
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


# --- writing the shards, and reusing them ---------------------------------------------------


def shard_files(tree: Path, shard: str) -> dict[str, int]:
    folder = tree / "pagefind" / shard
    return {
        p.relative_to(tree).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def test_the_indexer_writes_a_fresh_folder_per_shard(tmp_path):
    tree = tmp_path / "tree"
    write_tree(tree)
    (tree / "pagefind").mkdir()
    (tree / "pagefind" / "stale.js").write_text("from another build")
    indexer = SearchIndexer(SHARDS, tmp_path / "public", {})
    indexer(tree)
    for shard in ("2024", "2023"):
        assert (tree / shard_entry(shard)).is_file()
        assert any("/records/" in path for path in shard_files(tree, shard))
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
        assert entry["pages"] == 1, (shard, title)
        records = json.loads((tree / "pagefind" / shard / "records" / "0.json").read_text())
        assert [record["title"] for record in records] == [title]


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
    real = SearchIndexer._index_shards

    def counting(self, tree, pending):
        ran.extend(pending)
        return real(self, tree, pending)

    monkeypatch.setattr(SearchIndexer, "_index_shards", counting)
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
    damaged = next(p for p in shard_files(live, "2023") if "/records/" in p)
    (live / damaged).unlink()
    second = SearchIndexer(SHARDS, live, first.recorded())
    second(tree)
    assert second.reused == {"2024"}
    assert (tree / shard_entry("2023")).is_file()
    assert any("/records/" in path for path in shard_files(tree, "2023"))


def test_without_refresh_the_live_index_is_kept_though_a_page_changed(tmp_path, monkeypatch):
    """The live preview keeps its first index: its rebuilds must not wait for it."""
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


def test_a_page_that_cannot_be_read_fails_with_the_page_named(tmp_path):
    tree = tmp_path / "tree"
    write_tree(tree)
    (tree / "world" / "a" / "index.html").unlink()
    (tree / "world" / "a" / "index.html").mkdir()  # a folder where the page should be
    with pytest.raises(SearchError, match=r"cannot write the index: .*world/a/index.html"):
        SearchIndexer(SHARDS, tmp_path / "public", {})(tree)
