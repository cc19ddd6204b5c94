"""newsgen.suggest: did-you-mean hints for misspelt keys."""

from __future__ import annotations

import pytest

from newsgen.suggest import did_you_mean

KEYS = ("headline", "date", "section", "slug", "summary", "byline", "tags")


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("headlne", "headline"),
        ("Headline", "headline"),
        ("dat", "date"),
        ("tag", "tags"),
        ("sumary", "summary"),
        ("bylines", "byline"),
    ],
)
def test_close_match(typo, meant):
    assert did_you_mean(typo, KEYS) == f" '{typo}'; did you mean '{meant}'?"


def test_no_close_match_lists_known_keys_sorted():
    assert did_you_mean("zzzz", ("b", "a", "c")) == " 'zzzz'; known keys are a, b, c"


def test_accepts_any_iterable():
    assert "did you mean 'title'" in did_you_mean("titel", iter(["title", "base_url"]))
