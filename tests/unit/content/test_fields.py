"""newsgen.content.fields: typed readers of front matter values, and moment parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from unit_helpers import BERLIN

from newsgen.content.fields import MISSING, FieldReader, describe, parse_moment
from newsgen.errors import Problems
from newsgen.yaml_source import load_yaml_mapping


def reader(text: str) -> FieldReader:
    return FieldReader(load_yaml_mapping(text, first_line=2), "content/a.md", Problems())


# --- parse_moment -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-12-16", datetime(2024, 12, 16)),
        ("2024-12-16 09:30", datetime(2024, 12, 16, 9, 30)),
        ("2024-12-16T09:30:15", datetime(2024, 12, 16, 9, 30, 15)),
        (" 2024-12-16T09:30 ", datetime(2024, 12, 16, 9, 30)),
        (
            "2024-12-16T09:30:00+03:00",
            datetime(2024, 12, 16, 9, 30, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("2024-12-16T09:30:00Z", datetime(2024, 12, 16, 9, 30, tzinfo=UTC)),
        ("2024-12-16t09:30:00z", datetime(2024, 12, 16, 9, 30, tzinfo=UTC)),
        (date(2024, 12, 16), datetime(2024, 12, 16)),
        (datetime(2024, 12, 16, 9, 30), datetime(2024, 12, 16, 9, 30)),
    ],
)
def test_parse_moment(value, expected):
    parsed = parse_moment(value)
    assert parsed == expected
    assert (parsed.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    "value", ["yesterday", "16.12.2024", "", 20241216, None, ["2024-12-16"], True]
)
def test_parse_moment_rejects(value):
    assert parse_moment(value) is None


# --- describe -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        ({}, "a mapping"),
        ([], "a list"),
        (3, "the number 3"),
        (2.5, "the number 2.5"),
        (date(2024, 1, 2), "the date 2024-01-02"),
        ("x", "'x'"),
        (b"\x00\xff", "binary data"),  # !!binary
        ({"a", "b"}, "a set"),  # !!set
        (("a", 1), "a key-value pair"),  # an entry of !!omap or !!pairs
    ],
)
def test_describe(value, text):
    assert describe(value) == text


def test_describe_shortens_long_text():
    shown = describe("x" * 200)
    assert len(shown) <= 61
    assert shown.endswith("...'")


# --- FieldReader --------------------------------------------------------------------------


def test_get_missing():
    assert reader("a: 1\n").get("b") is MISSING


def test_line_of_present_and_missing_fields():
    fields = reader("a: 1\nb:\n  - x\n")
    assert fields.line("a") == 2
    assert fields.line("b[0]") == 4
    assert fields.line("c") == 1  # a missing field concerns the whole file


def test_text_required_missing_records_error_on_line_1():
    fields = reader("a: 1\n")
    assert fields.text("headline", MISSING, required=True) is None
    [problem] = fields.problems.errors
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/a.md",
        1,
        "headline",
        "is required",
    )


def test_text_optional_missing_is_silent():
    fields = reader("a: 1\n")
    assert fields.text("summary", MISSING) is None
    assert len(fields.problems) == 0


def test_text_optional_empty_is_empty_string():
    fields = reader("summary: ''\n")
    assert fields.text("summary", "") == ""
    assert len(fields.problems) == 0


def test_flag():
    fields = reader("draft: 1\n")
    assert fields.flag("draft", MISSING) is False
    assert fields.flag("draft", True) is True
    assert fields.flag("draft", 1) is False
    [problem] = fields.problems.errors
    assert (problem.line, problem.message) == (2, "must be true or false, not the number 1")


def test_text_list_single_only_when_allowed():
    fields = reader("tags: a\n")
    assert fields.text_list("byline", "Jane", allow_single=True) == ["Jane"]
    assert fields.text_list("tags", "a") == []
    assert [p.field for p in fields.problems.errors] == ["tags"]


def test_mapping_list_skips_items_with_unknown_keys():
    fields = reader("sources:\n  - name: A\n    bad: 1\n  - name: B\n")
    items = fields.mapping_list("sources", fields.get("sources"), ("name", "url"))
    assert items == [("sources[1]", {"name": "B"})]
    [problem] = fields.problems.errors
    assert (problem.field, problem.line) == ("sources[0].bad", 4)


def test_moment_naive_gets_zone_and_aware_keeps_offset():
    fields = reader("date: x\n")
    assert fields.moment("date", "2024-12-16 09:30", BERLIN) == datetime(
        2024, 12, 16, 9, 30, tzinfo=BERLIN
    )
    aware = fields.moment("date", "2024-12-16T09:30+05:00", BERLIN)
    assert aware.utcoffset() == timedelta(hours=5)
    assert fields.moment("updated", MISSING, BERLIN) is None
    assert len(fields.problems) == 0


def test_warning_is_recorded_as_warning():
    fields = reader("images:\n  - src: x\n")
    fields.warning("images[0].alt", "no alt")
    [warning] = fields.problems.warnings
    assert (warning.line, warning.field) == (3, "images[0].alt")
    assert not fields.problems.has_errors()
