"""newsgen.output.search_changes and the indexer's changes shard: a publish indexes
the changed pages only, while the shards they came from are kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_pagefind import ARTICLE, SHARDS, link_tree, shard_files, write_tree

from newsgen.output import search_changes
from newsgen.output.pagefind import SHARDS_FILE, SearchIndexer, shard_entry
from newsgen.output.search_changes import (
    CHANGES_SHARD,
    IndexedShard,
    ShardChanges,
    changes_to_take,
    shard_changes,
)
from newsgen.search.write import page_url

DATES = {
    "world/a/index.html": "2024-05-01T10:00:00+00:00",
    "local/b/index.html": "2023-02-03T04:05:00+00:00",
}


def test_urls_of_pages():
    assert page_url("world/a/index.html") == "/world/a/"
    assert page_url("index.html") == "/"
    assert page_url("about.html") == "/about.html"
    assert page_url("x/notes.html") == "/x/notes.html"


def test_changed_pages_are_the_new_and_rewritten_ones_and_stale_ids_their_old_versions(tmp_path):
    for name in ("same", "rewritten", "new"):
        (tmp_path / name).write_text(name)
    same, rewritten = os.lstat(tmp_path / "same"), os.lstat(tmp_path / "rewritten")
    indexed = IndexedShard(
        "key",
        {
            "same": (same.st_ino, same.st_mtime_ns, "en_1"),
            "rewritten": (rewritten.st_ino, rewritten.st_mtime_ns, "en_2"),
            "removed": (1, 1, "en_3"),
            "unindexed": (2, 2, None),
        },
    )
    (tmp_path / "rewritten").unlink()
    (tmp_path / "rewritten").write_text("again")
    changes = shard_changes(indexed, tmp_path, ["same", "rewritten", "new"])
    assert changes == ShardChanges(["new", "rewritten"], ["en_3", "en_2"])  # by path


def test_the_changes_shard_takes_the_shards_with_fewest_changes_within_the_limit():
    candidates = {
        "2024": ShardChanges(["a"] * 5, []),
        "2023": ShardChanges(["b"] * 2, []),
        "2022": ShardChanges(["c"] * 9, []),
    }
    assert changes_to_take(candidates, limit=8) == ["2023", "2024"]
    assert changes_to_take(candidates, limit=1) == []
    assert changes_to_take(candidates, limit=100) == ["2023", "2024", "2022"]


def test_stale_pages_count_towards_the_limit():
    candidates = {
        "2024": ShardChanges(["a"], ["id1"]),  # an edit: new version and old
        "2023": ShardChanges([], ["id2", "id3", "id4"]),  # three articles removed
    }
    assert changes_to_take(candidates, limit=4) == ["2024"]
    assert changes_to_take(candidates, limit=5) == ["2024", "2023"]


def test_the_ids_of_a_shards_pages_are_their_numbers_newest_first(tmp_path):
    tree = tmp_path / "tree"
    pages = write_tree(tree)
    for path, day in ((pages[0], "02"), (pages[1], "01")):
        text = (tree / path).read_text().replace(
            "<p>", f'<p data-pagefind-sort="date:2024-05-{day}T10:00:00+00:00">', 1
        )
        (tree / path).write_text(text)
    indexer = SearchIndexer(dict.fromkeys(pages, "2024"), tmp_path / "public", {})
    indexer(tree)
    assert {path: page[2] for path, page in indexer.indexed["2024"].pages.items()} == {
        pages[0]: "0",
        pages[1]: "1",
    }


def indexed_live(tmp_path: Path) -> tuple[Path, Path, list[str], SearchIndexer]:
    """A live output with its index made by a first build, and a new tree linking its pages."""
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = write_tree(live)
    first = SearchIndexer(SHARDS, live, {}, dates=DATES)
    first(live)
    link_tree(live, tree, pages)
    return live, tree, pages, first


def rewrite(tree: Path, path: str, body: str) -> None:
    (tree / path).unlink()
    (tree / path).write_text(ARTICLE.format(title="Harbour", section="World", body=body))


def planned_shards(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []
    real = SearchIndexer._index_shards

    def counting(self, tree, pending):
        ran.extend(pending)
        return real(self, tree, pending)

    monkeypatch.setattr(SearchIndexer, "_index_shards", counting)
    return ran


def test_a_first_build_records_each_page(tmp_path):
    live, _, _, first = indexed_live(tmp_path)
    indexed = first.indexed["2024"]
    info = os.lstat(live / "world/a/index.html")
    assert indexed.pages["world/a/index.html"] == (info.st_ino, info.st_mtime_ns, "0")
    assert indexed.key == first.keys["2024"]
    assert json.loads((live / SHARDS_FILE).read_text()) == {"shards": ["2024", "2023"]}


def test_a_changed_page_goes_to_the_changes_shard_and_its_shard_is_kept(tmp_path, monkeypatch):
    live, tree, pages, first = indexed_live(tmp_path)
    old_id = first.indexed["2024"].pages[pages[0]][2]
    rewrite(tree, pages[0], "Ships")
    ran = planned_shards(monkeypatch)
    second = SearchIndexer(SHARDS, live, first.recorded(), dates=DATES, indexed=first.indexed)
    second(tree)
    assert ran == [CHANGES_SHARD]  # not the 2024 shard: it is kept as it was
    entry = shard_entry("2024")
    assert (tree / entry).stat().st_ino == (live / entry).stat().st_ino
    assert second.changes == {pages[0]: "2024"}
    assert second.indexed == first.indexed  # what the kept shards were made from
    listing = json.loads((tree / SHARDS_FILE).read_text())
    assert listing == {
        "shards": ["2024", "2023"],
        "changes": "changes",
        "stale": {"2024": [old_id]},
    }
    meta = json.loads((tree / shard_entry(CHANGES_SHARD)).read_text())
    assert meta["pages"] == 1
    recorded = second.recorded()
    assert recorded[entry][0] == first.keys["2024"]  # remembered as made from the old pages


def test_the_changes_shard_grows_until_the_limit_then_the_shard_is_made_again(
    tmp_path, monkeypatch
):
    live, tree, pages, first = indexed_live(tmp_path)
    rewrite(tree, pages[0], "Ships")
    monkeypatch.setattr(search_changes, "CHANGES_LIMIT", 0)
    ran = planned_shards(monkeypatch)
    second = SearchIndexer(SHARDS, live, first.recorded(), dates=DATES, indexed=first.indexed)
    second(tree)
    assert ran == ["2024"] and not second.changes
    assert "changes" not in json.loads((tree / SHARDS_FILE).read_text())
    new = second.indexed["2024"]
    assert new.key == second.keys["2024"] != first.keys["2024"]
    info = os.lstat(tree / pages[0])
    assert new.pages[pages[0]][:2] == (info.st_ino, info.st_mtime_ns)


def test_a_removed_page_is_only_stale(tmp_path, monkeypatch):
    live, tree = tmp_path / "public", tmp_path / "tree"
    pages = [*write_tree(live), "world/index.html"]
    with_listing = {**SHARDS, "world/index.html": "2024"}
    first = SearchIndexer(with_listing, live, {}, dates=DATES)
    first(live)
    link_tree(live, tree, pages[1:])
    ran = planned_shards(monkeypatch)
    shards = {path: shard for path, shard in with_listing.items() if path != pages[0]}
    second = SearchIndexer(shards, live, first.recorded(), dates=DATES, indexed=first.indexed)
    second(tree)
    assert ran == [] and not second.changes
    old_id = first.indexed["2024"].pages[pages[0]][2]
    listing = json.loads((tree / SHARDS_FILE).read_text())
    assert listing == {"shards": ["2024", "2023"], "stale": {"2024": [old_id]}}


def test_without_a_record_of_its_pages_a_changed_shard_is_made_again(tmp_path, monkeypatch):
    live, tree, pages, first = indexed_live(tmp_path)
    rewrite(tree, pages[0], "Ships")
    ran = planned_shards(monkeypatch)
    second = SearchIndexer(SHARDS, live, first.recorded(), dates=DATES, indexed={})
    second(tree)
    assert ran == ["2024"] and not second.changes


def test_a_record_of_another_index_is_not_trusted(tmp_path, monkeypatch):
    live, tree, pages, first = indexed_live(tmp_path)
    rewrite(tree, pages[0], "Ships")
    ran = planned_shards(monkeypatch)
    other = {"2024": IndexedShard("another key", first.indexed["2024"].pages)}
    second = SearchIndexer(SHARDS, live, first.recorded(), dates=DATES, indexed=other)
    second(tree)
    assert ran == ["2024"] and not second.changes


def test_a_damaged_changes_shard_is_made_again(tmp_path, monkeypatch):
    live, tree, pages, first = indexed_live(tmp_path)
    rewrite(tree, pages[0], "Ships")
    second = SearchIndexer(SHARDS, live, first.recorded(), dates=DATES, indexed=first.indexed)
    second(tree)
    # The second tree becomes the live output; its changes shard loses a file.
    (tmp_path / "public").rename(tmp_path / "old")
    tree.rename(tmp_path / "public")
    live, third_tree = tmp_path / "public", tmp_path / "third"
    link_tree(live, third_tree, pages)
    damaged = next(p for p in shard_files(live, CHANGES_SHARD) if "/records/" in p)
    (live / damaged).unlink()
    ran = planned_shards(monkeypatch)
    third = SearchIndexer(SHARDS, live, second.recorded(), dates=DATES, indexed=second.indexed)
    third(third_tree)
    assert ran == [CHANGES_SHARD]
    assert any("/records/" in path for path in shard_files(third_tree, CHANGES_SHARD))


def test_the_preview_keeps_the_live_changes_shard_and_its_stale_pages(tmp_path, monkeypatch):
    live, tree, pages, first = indexed_live(tmp_path)
    rewrite(tree, pages[0], "Ships")
    second = SearchIndexer(SHARDS, live, first.recorded(), dates=DATES, indexed=first.indexed)
    second(tree)
    (tmp_path / "public").rename(tmp_path / "old")
    tree.rename(tmp_path / "public")
    live, preview_tree = tmp_path / "public", tmp_path / "preview"
    link_tree(live, preview_tree, pages)
    rewrite(preview_tree, pages[0], "Ships and cranes")  # saved again in the preview
    monkeypatch.setattr(SearchIndexer, "_index_shards", lambda *args: pytest.fail("ran"))
    kept = SearchIndexer(
        SHARDS, live, second.recorded(), dates=DATES, indexed=second.indexed, refresh=False
    )
    kept(preview_tree)
    assert kept.reused == {"2024", "2023", CHANGES_SHARD}
    assert (preview_tree / SHARDS_FILE).read_bytes() == (live / SHARDS_FILE).read_bytes()
    entry = shard_entry(CHANGES_SHARD)
    assert (preview_tree / entry).stat().st_ino == (live / entry).stat().st_ino
