"""newsgen.errors: how problems print, collect and sort."""

from __future__ import annotations

import pytest

from newsgen.errors import (
    BuildFailed,
    NewsgenError,
    Problem,
    Problems,
    Severity,
    UsageError,
    did_you_mean,
)


def test_problem_str_with_field():
    problem = Problem("content/world/a.md", 3, "date", "is required")
    assert str(problem) == "content/world/a.md:3: date: is required"


def test_problem_str_without_field():
    assert str(Problem("newsgen.yaml", 1, None, "not found")) == "newsgen.yaml:1: not found"


def test_warning_str_has_prefix():
    problem = Problem("content/a.md", 7, "images[0].alt", "no alt", Severity.WARNING)
    assert str(problem) == "content/a.md:7: warning: images[0].alt: no alt"


def test_problem_defaults_to_error():
    assert Problem("a", 1, None, "m").severity is Severity.ERROR


def test_problems_split_errors_and_warnings_in_order():
    problems = Problems()
    problems.warning("a", 1, None, "w1")
    problems.error("b", 2, None, "e1")
    problems.warning("c", 3, None, "w2")
    problems.error("d", 4, None, "e2")
    assert [p.message for p in problems.errors] == ["e1", "e2"]
    assert [p.message for p in problems.warnings] == ["w1", "w2"]
    assert [p.message for p in problems] == ["w1", "e1", "w2", "e2"]
    assert len(problems) == 4
    assert problems.has_errors()


def test_only_warnings_is_not_failure():
    problems = Problems()
    problems.warning("a", 1, None, "w")
    assert not problems.has_errors()
    assert Problems().has_errors() is False


def test_extend():
    problems = Problems([Problem("a", 1, None, "x")])
    problems.extend([Problem("b", 2, None, "y")])
    assert [p.path for p in problems] == ["a", "b"]


def test_build_failed_sorts_by_path_then_line_and_counts_errors():
    failure = BuildFailed(
        [
            Problem("content/b.md", 2, None, "x"),
            Problem("content/a.md", 9, None, "y"),
            Problem("content/a.md", 3, None, "z", Severity.WARNING),
            Problem("content/a.md", 10, None, "w"),
        ]
    )
    assert [(p.path, p.line) for p in failure.problems] == [
        ("content/a.md", 3),
        ("content/a.md", 9),
        ("content/a.md", 10),
        ("content/b.md", 2),
    ]
    assert str(failure) == "build failed with 3 errors"


def test_build_failed_singular():
    assert str(BuildFailed([Problem("a", 1, None, "x")])) == "build failed with 1 error"


def test_exit_codes():
    assert NewsgenError("x").exit_code == 1
    assert BuildFailed([]).exit_code == 1
    assert UsageError("x").exit_code == 2


# --- did_you_mean: hints for misspelt keys ---------------------------------------------

SOME_KEYS = ("headline", "date", "section", "slug", "summary", "byline", "tags")


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
    assert did_you_mean(typo, SOME_KEYS) == f" '{typo}'; did you mean '{meant}'?"


def test_no_close_match_lists_known_keys_sorted():
    assert did_you_mean("zzzz", ("b", "a", "c")) == " 'zzzz'; known keys are a, b, c"


def test_accepts_any_iterable():
    assert "did you mean 'title'" in did_you_mean("titel", iter(["title", "base_url"]))


def test_a_problem_without_a_line_names_only_its_place():
    assert str(Problem("--base-url", 0, None, "'x' is not a URL")) == "--base-url: 'x' is not a URL"
