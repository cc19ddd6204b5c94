"""Front matter featured, priority, pin_until and label (content/placement.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from unit_helpers import BERLIN, article_with, load, one_error


def test_placement_fields_are_read():
    article, problems = load(
        article_with(
            'headline: "Storm hits coast"',
            "date: 2025-01-05 09:00",
            "featured: true",
            "priority: 3",
            "pin_until: 2025-01-06 18:00",
            "label: ' Live '",
        )
    )
    assert not problems.errors and article is not None
    assert (article.featured, article.priority, article.label) == (True, 3, "Live")
    assert article.pin_until == datetime(2025, 1, 6, 18, 0, tzinfo=BERLIN)
    assert article.label_kind == "live" and not article.is_opinion


def test_by_default_a_story_has_no_placement_and_no_standfirst_of_its_own():
    article, _ = load(article_with('headline: "Quiet day"', "date: 2025-01-05"))
    assert article is not None
    assert (article.featured, article.priority, article.pin_until, article.label) == (
        False, 0, None, "",
    )  # fmt: skip
    assert article.summary == "First paragraph of the story." and article.standfirst == ""


def test_a_written_summary_is_the_standfirst():
    article, _ = load(article_with('headline: "A"', "date: 2025-01-05", "summary: Written."))
    assert article is not None and article.standfirst == article.summary == "Written."


@pytest.mark.parametrize("label", ["Opinion", "comment", "Editorial"])
def test_opinion_labels_set_a_piece_apart(label):
    article, _ = load(article_with('headline: "A"', "date: 2025-01-05", f"label: {label}"))
    assert article is not None and article.is_opinion


@pytest.mark.parametrize(
    ("line", "field", "says"),
    [
        ("featured: yes please", "featured", "true or false"),
        ("priority: high", "priority", "whole number"),
        ("priority: 1000", "priority", "out of range"),
        ("priority: true", "priority", "whole number"),
        ("pin_until: next tuesday", "pin_until", "ISO 8601"),
        ("label: " + "Very " * 10, "label", "at most 30 characters"),
        ("label: '!!'", "label", "no letters or digits"),
        ("label: [Live]", "label", "must be text"),
    ],
)
def test_wrong_placement_is_an_error_at_its_line(line, field, says):
    _, problems = load(article_with('headline: "A"', "date: 2025-01-05", line))
    problem = one_error(problems, field)
    assert says in problem.message and problem.line == 4
