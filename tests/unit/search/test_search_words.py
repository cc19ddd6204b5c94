"""Words as newsgen's own search index holds them (search/words.py)."""

from __future__ import annotations

import pytest

from newsgen.search.words import Stems, bucket_of, fold, split_words, word_counts


def test_words_are_lower_case_without_accents_and_split_at_anything_else():
    text = "Zürich’s councils: café Ørsted 42 naïve_x ÉCOLE"
    expected = ["zurich", "s", "councils", "cafe", "ørsted", "42", "naive", "x", "ecole"]
    assert list(split_words(text)) == expected


def test_counts_fold_too():
    assert word_counts("Café cafe CAFÉ the") == {"cafe": 3, "the": 1}
    assert word_counts("The the THE") == {"the": 3}


def test_fold_keeps_letters_without_a_decomposition():
    assert fold("Ørsted") == "ørsted" and fold("Straße") == "straße"


@pytest.mark.parametrize(
    ("language", "word", "stem"),
    [("en", "councils", "council"), ("en-GB", "running", "run"), ("de", "hauser", "haus"),
     ("fr", "elections", "elect"), ("xx", "councils", "councils")],
)  # fmt: skip
def test_stems_by_the_site_language(language, word, stem):
    assert Stems(language).of(word) == stem


def test_stems_are_remembered():
    stems = Stems("en")
    stems.of("councils")
    assert stems.known == {"councils": "council"}


def test_buckets_are_fnv_1a_as_the_page_computes_them():
    # Values from the search page's bucketOf() in static/js/search-engine.js.
    keys = ["council", "zurich", "ørsted", "中文", "a", "", "café"]
    assert [bucket_of(key, 1024) for key in keys] == [1004, 686, 146, 69, 300, 453, 73]
