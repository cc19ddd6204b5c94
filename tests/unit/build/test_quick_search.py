"""The search index in a quick rebuild (build/quick_search.py) and how quick rebuilds
record the files they remove (GONE, in build/quick_rebuild.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.build import quick_search
from newsgen.build.quick_search import QuickIndex, QuickSearch, index_changes
from newsgen.build.quick_state import (
    GONE,
    NO_CHANGES,
    QuickChanges,
    files_after,
    keys_overlaid,
)
from newsgen.output.pagefind import shard_entry
from newsgen.output.search_changes import IndexedShard

PAGE_A = "world/2024/01/02/a/index.html"
PAGE_B = "world/2023/05/06/b/index.html"
PAGE_C = "world/2024/03/04/c/index.html"
SEARCH = QuickSearch(
    order=("2024", "2023", "pages"),
    changes={PAGE_C: "2024"},
    dates={PAGE_C: "2024-03-04T10:00:00+00:00"},
    stale={"2024": ("id-c",)},
    files=frozenset({"pagefind/shards.json", "pagefind/changes/meta.json"}),
)
REMEMBERED = {
    "2024": IndexedShard("k24", {PAGE_A: (1, 10, "id-a"), PAGE_C: (3, 30, "id-c")}),
    "2023": IndexedShard("k23", {PAGE_B: (2, 20, "id-b")}),
    "pages": IndexedShard("kp", {"about.html": (4, 40, "id-about")}),
}


@pytest.fixture
def out(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """An output folder holding SEARCH's shards' entry files, and their inodes."""
    live = {}
    for shard in SEARCH.order:
        entry = tmp_path / shard_entry(shard)
        entry.parent.mkdir(parents=True)
        entry.write_text("{}", encoding="utf-8")
        live[shard_entry(shard)] = entry.stat().st_ino
    return tmp_path, live


def test_an_edited_page_joins_the_changes_shard_and_its_old_version_is_stale(out):
    index = index_changes(SEARCH, {PAGE_A: "2024-01-02T09:00:00+00:00"}, REMEMBERED, *out)
    assert index is not None and index.indexer is not None
    after = index.search
    assert after.changes == {PAGE_A: "2024", PAGE_C: "2024"}
    assert after.stale == {"2024": ("id-a", "id-c")}
    assert after.dates[PAGE_A] == "2024-01-02T09:00:00+00:00"
    assert after.order == SEARCH.order and after.files == SEARCH.files


def test_a_page_already_in_the_changes_shard_hides_nothing_more(out):
    index = index_changes(SEARCH, {PAGE_C: "2024-03-04T10:00:00+00:00"}, REMEMBERED, *out)
    assert index is not None and index.indexer is not None  # indexed again all the same
    assert index.search.changes == SEARCH.changes and index.search.stale == SEARCH.stale


def test_written_files_the_index_does_not_hold_change_nothing(out):
    index = index_changes(SEARCH, {"feed.xml": "", "world/index.html": ""}, REMEMBERED, *out)
    assert index is not None and index.indexer is None
    assert index.search == SEARCH and index.files() == {} and index.after() == SEARCH


def test_no_quick_index_past_the_limit_or_without_the_shards_record(out, monkeypatch):
    edited = {PAGE_B: "2023-05-06T08:00:00+00:00"}
    without = {shard: one for shard, one in REMEMBERED.items() if shard != "pages"}
    assert index_changes(SEARCH, edited, without, *out) is None  # about.html's shard?
    monkeypatch.setattr(quick_search, "CHANGES_LIMIT", 3)  # C and its old version, B and its
    assert index_changes(SEARCH, edited, REMEMBERED, *out) is None
    monkeypatch.setattr(quick_search, "CHANGES_LIMIT", 4)
    assert index_changes(SEARCH, edited, REMEMBERED, *out) is not None


def test_index_files_made_again_are_the_changes_shard_and_the_list_of_shards():
    after = QuickSearch(
        SEARCH.order,
        SEARCH.changes,
        SEARCH.dates,
        SEARCH.stale,
        frozenset({"pagefind/shards.json", "pagefind/changes/records/0.json"}),
    )
    assert QuickIndex(SEARCH, after).gone() == {"pagefind/changes/meta.json"}
    assert quick_search._index_files(
        ["pagefind/2024/pagefind.js", "pagefind/changes/pagefind.js", "pagefind/shards.json"]
    ) == {"pagefind/changes/pagefind.js", "pagefind/shards.json"}


def test_files_a_quick_rebuild_removed_leave_the_state_and_the_page_keys():
    live = {"a.html": 1, "pagefind/changes/old.pf": 2}
    changes = {"a.html": 5, "pagefind/changes/new.pf": 6, "pagefind/changes/old.pf": GONE}
    assert files_after(live, changes) == 2
    keys = {path: ("k", inode) for path, inode in live.items()}
    overlay = {path: ("n", inode) for path, inode in changes.items()}
    assert keys_overlaid(keys, overlay) == {
        "a.html": ("n", 5),
        "pagefind/changes/new.pf": ("n", 6),
    }


def test_later_quick_changes_override_earlier_ones_gone_files_included():
    first = QuickChanges({}, {}, {"x.pf": GONE}, frozenset({"x.pf"}), None, {"x.pf": ("", GONE)})
    second = QuickChanges({}, {}, {"x.pf": 7}, frozenset({"x.pf"}), None, {"x.pf": ("k", 7)})
    merged = NO_CHANGES.then(first).then(second)
    assert merged.live == {"x.pf": 7} and merged.page_keys == {"x.pf": ("k", 7)}
    assert merged.search is None
    with_search = first.then(QuickChanges({}, {}, {}, frozenset(), None, {}, SEARCH))
    assert with_search.search == SEARCH


def test_no_quick_index_when_a_shard_was_removed_or_replaced(out):
    folder, live = out
    edited = {PAGE_A: "2024-01-02T09:00:00+00:00"}
    entry = folder / shard_entry("2023")
    other = entry.with_name("copy.json")
    other.write_text("{}", encoding="utf-8")
    other.replace(entry)  # another file in its place (restored from a copy)
    assert index_changes(SEARCH, edited, REMEMBERED, folder, live) is None
    live[shard_entry("2023")] = entry.stat().st_ino
    assert index_changes(SEARCH, edited, REMEMBERED, folder, live) is not None
    entry.unlink()
    assert index_changes(SEARCH, edited, REMEMBERED, folder, live) is None


def test_a_moved_page_takes_its_old_pages_shard_and_hides_the_old_version(out):
    moved = "world/2024/01/02/a-new-name/index.html"
    written = {moved: "2024-01-02T09:00:00+00:00"}
    index = index_changes(SEARCH, written, REMEMBERED, *out, {moved: PAGE_A})
    assert index is not None and index.indexer is not None
    assert index.search.changes == {moved: "2024", PAGE_C: "2024"}
    assert index.search.stale == {"2024": ("id-a", "id-c")}
    # Moved again: its place in the changes shard moves with it, nothing more is hidden.
    again = "world/2024/01/02/a-third-name/index.html"
    index = index_changes(index.search, {again: written[moved]}, REMEMBERED, *out, {again: moved})
    assert index is not None
    assert index.search.changes == {again: "2024", PAGE_C: "2024"}
    assert moved not in index.search.dates and index.search.stale == {"2024": ("id-a", "id-c")}
