"""newsgen.markdown.typography: typographic quotes, dashes and symbols in inline text."""

from __future__ import annotations

import time

import pytest

from newsgen.markdown.inline import InlineToken
from newsgen.markdown.typography import typeset


def text(*contents: str) -> list[InlineToken]:
    return [InlineToken("text", content, 0) for content in contents]


def typeset_text(content: str) -> str:
    tokens = text(content)
    typeset(tokens)
    return tokens[0].content


@pytest.mark.parametrize(
    ("written", "typeset_as"),
    [
        ('He said "yes".', "He said “yes”."),
        ("'Single' quotes", "‘Single’ quotes"),
        ("Syria's bases", "Syria’s bases"),
        ("the '90s", "the '90s"),  # opens, and nothing closes it: stays straight
        ('"A \'nested\' quote"', "“A ‘nested’ quote”"),
        ('5\'10"', '5’10"'),
        ('1"" high', '1"" high'),  # inches
        ("2010--2024", "2010–2024"),
        ("then --- silence", "then — silence"),
        ("wait... what", "wait… what"),
        ("(c) (TM) (r) +-", "© ™ ® ±"),
        ("?.... !!!!! ,,,", "?.. !!! ,"),
        ("no change here", "no change here"),
    ],
)
def test_typeset(written: str, typeset_as: str) -> None:
    assert typeset_text(written) == typeset_as


def test_quotes_pair_across_tokens_at_the_same_level() -> None:
    tokens = [
        InlineToken("text", 'A "', 0),
        InlineToken("em_open", "", 0),
        InlineToken("text", "word", 1),
        InlineToken("em_close", "", 0),
        InlineToken("text", '" b', 0),
    ]
    typeset(tokens)
    assert [token.content for token in tokens] == ["A “", "", "word", "", "” b"]


def test_quotes_do_not_pair_across_levels() -> None:
    tokens = [
        InlineToken("text", '"a ', 0),
        InlineToken("em_open", "", 0),
        InlineToken("text", 'b"', 1),
        InlineToken("em_close", "", 0),
    ]
    typeset(tokens)
    assert tokens[0].content == '"a '  # the quote in <em> cannot close it
    assert tokens[2].content == 'b"'


def test_code_escapes_and_autolinks_stay_as_written() -> None:
    tokens = [
        InlineToken("code_inline", '"x" -- y', 0),
        InlineToken("text_special", '"', 0),
        InlineToken("autolink_open", "", 0),
        InlineToken("text", "https://x.example/a--b...", 1),
        InlineToken("autolink_close", "", 0),
    ]
    typeset(tokens)
    assert [token.content for token in tokens] == [
        '"x" -- y',
        '"',
        "",
        "https://x.example/a--b...",
        "",
    ]


def test_a_line_break_ends_the_search_for_neighbours() -> None:
    tokens = [InlineToken("text", "a", 0), InlineToken("softbreak", "", 0), *text("'b'")]
    typeset(tokens)
    assert tokens[2].content == "‘b’"


def test_many_quotes_in_one_text_take_linear_time() -> None:
    content = "He said \"yes\" and 'no', it's " * 100_000
    tokens = text(content)
    started = time.perf_counter()
    typeset(tokens)
    assert time.perf_counter() - started < 10
    assert tokens[0].content.count("“yes”") == 100_000
