"""One shard of newsgen's own search index (search/shard.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsgen.search.shard import RECORDS_PER_FILE, TITLE_WEIGHT, SearchPage, shard_files
from newsgen.search.words import Stems, bucket_of


def page(url: str, day: int | None, title: str, text: str, section: str = "World") -> SearchPage:
    date = datetime(2024, 3, day, 9, tzinfo=UTC) if day else None
    filters = (("section", section), *((("year", "2024"),) if day else ()))
    return SearchPage(url, title, date, filters, f"About {url}", text)


PAGES = [
    page("/a/", 1, "Council meets", "The councils met. The harbour strike went on."),
    page("/b/", 3, "Harbour strike", "Strikes at the harbour; the council said nothing."),
    page("/c/", None, "Undated", "Nothing of note.", section="Business"),
    page("/d/", 2, "Zürich café", "Cafés in Zürich.", section="Business"),
]


def files() -> dict[str, object]:
    return {path: json.loads(data) for path, data in shard_files(PAGES, Stems("en")).items()}


def postings(found: dict[str, object], stem: str) -> dict[int, int]:
    meta = found["meta.json"]
    gaps, counts = found[f"words/{bucket_of(stem, meta['words'])}.json"][stem]
    numbers, at = [], 0
    for gap in gaps:
        at += gap
        numbers.append(at)
    return dict(zip(numbers, counts, strict=True))


def test_pages_are_numbered_newest_first_undated_last():
    found = files()
    records = found["records/0.json"]
    assert [row["url"] for row in records] == ["/b/", "/d/", "/a/", "/c/"]
    assert found["meta.json"]["dates"][0] == "2024-03-03T09:00:00+00:00"
    assert found["meta.json"]["dates"][3] is None
    assert records[0] == {
        "url": "/b/",
        "title": "Harbour strike",
        "meta": {},
        "filters": {"section": "World", "year": "2024"},
        "excerpt": "About /b/",
    }


def test_stems_list_the_pages_holding_them_with_headline_words_weighing_more():
    found = files()
    assert postings(found, "council") == {0: 1, 2: 1 + TITLE_WEIGHT}
    assert postings(found, "strike") == {0: 1 + TITLE_WEIGHT, 2: 1}
    assert postings(found, "cafe") == {1: 1 + TITLE_WEIGHT}


def test_forms_give_the_stem_of_each_word_met_that_is_not_one():
    found = files()
    meta = found["meta.json"]
    forms = {}
    for number in range(meta["forms"]):
        forms.update(found[f"forms/{number}.json"])
    assert forms["councils"] == "council" and forms["strikes"] == "strike"
    assert "council" not in forms  # its own stem


def test_lengths_and_filters():
    meta = files()["meta.json"]
    assert meta["pages"] == 4 and meta["records"] == RECORDS_PER_FILE
    assert meta["lengths"][3] == 4  # "Nothing of note." and "Undated"
    assert meta["filters"]["section"] == {"World": [0, 2], "Business": [1, 3]}
    assert meta["filters"]["year"] == {"2024": [0, 1, 2]}


def test_a_large_shard_files_its_words_and_records_in_many_files():
    many = [page(f"/p{n}/", 1 + n % 28, f"Story {n}", f"word{n} common") for n in range(1200)]
    found = shard_files(many, Stems("en"))
    meta = json.loads(found["meta.json"])
    assert meta["words"] >= 4 and sum(p.startswith("words/") for p in found) == meta["words"]
    assert sum(p.startswith("records/") for p in found) == 3


def test_the_same_pages_give_the_same_bytes():
    assert shard_files(PAGES, Stems("en")) == shard_files(list(reversed(PAGES)), Stems("en"))
