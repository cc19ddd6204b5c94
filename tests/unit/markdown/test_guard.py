"""newsgen.markdown.guard: the limits a Markdown body is checked against before it is parsed.

Each limit refuses a body just past it, at the right line, and accepts one at it;
bodies nested deeper than markdown/html.py writes go to markdown-it-py when short enough.
Speed is the benchmark's (benchmarks/markdown_stress.py); the stress tests build
the worst shapes in a subprocess with a time limit (tests/safety).
"""

from __future__ import annotations

import pytest

from newsgen.markdown.guard import (
    MAX_CHARACTERS,
    MAX_DEFINITIONS,
    MAX_DEFINITIONS_IN_A_ROW,
    MAX_DEPTH,
    MAX_EMPHASIS_IN_PARAGRAPH,
    MAX_INLINE_NOTES,
    MAX_INLINE_NOTES_IN_PARAGRAPH,
    MAX_MARKUP,
    REFERENCE_LIMIT,
    BodyRefused,
    check_body,
    markup_units,
)
from newsgen.markdown.inline import MAX_NESTING
from newsgen.markdown.renderer import make_markdown, render_by_reference, render_markdown


def refusal(body: str) -> BodyRefused:
    with pytest.raises(BodyRefused) as caught:
        check_body(body)
    return caught.value


def definitions(count: int, start: int = 0) -> str:
    return "".join(f"[r{start + i}]: https://e.example/{i}\n" for i in range(count))


def test_an_ordinary_article_goes_to_markdown_it_rs() -> None:
    body = "Kyiv, Dec 16 - Officials said *so*.\n\n> A quote\n> - a list in it\n\n" * 50
    assert check_body(body) is True


@pytest.mark.parametrize("marker", ["> ", ">", "1. ", "- ", "* ", "+ ", "2) ", "> - "])
def test_a_line_opening_more_than_max_depth_levels_is_refused_at_its_line(marker: str) -> None:
    levels = MAX_DEPTH + 1 if marker != "> - " else MAX_DEPTH // 2 + 1
    refused = refusal("Intro.\n\nMore.\n" + marker * levels + "x\n")
    assert refused.line == 3
    assert f"more than {MAX_DEPTH} levels" in refused.message


def test_fifty_thousand_levels_are_refused_without_counting_them_all() -> None:
    assert refusal("> " * 50_000 + "x\n").line == 0
    assert refusal("1. " * 50_000 + "x\n").line == 0


def test_deeper_than_mdhtml_writes_goes_to_markdown_it_py() -> None:
    assert check_body("> " * MAX_NESTING + "x\n") is True
    for body in ("> " * (MAX_NESTING + 1) + "x\n", "x\n\n" + "- " * MAX_DEPTH + "x\n"):
        assert check_body(body) is False
        md = make_markdown()
        assert render_markdown(md, body) == render_by_reference(md, body)


def test_a_long_body_deeper_than_mdhtml_writes_is_refused() -> None:
    body = "Text.\n" * (REFERENCE_LIMIT // 6) + "\n" + "> " * (MAX_NESTING + 1) + "x\n"
    refused = refusal(body)
    assert refused.line == REFERENCE_LIMIT // 6 + 1
    assert f"more than {MAX_NESTING} levels" in refused.message
    assert f"at most {REFERENCE_LIMIT:,}" in refused.message


def test_lines_that_only_look_deep_pass() -> None:
    body = "-" * 300 + "\n" + " " * 300 + "x\n" + "1234567890" * 30 + "\n" + "*" * 300 + "\n"
    assert check_body(body) is True


def test_definitions_in_a_row() -> None:
    check_body(definitions(MAX_DEFINITIONS_IN_A_ROW))
    refused = refusal("Intro.\n\n" + definitions(MAX_DEFINITIONS_IN_A_ROW + 1))
    assert refused.line == 2 + MAX_DEFINITIONS_IN_A_ROW
    assert f"more than {MAX_DEFINITIONS_IN_A_ROW:,}" in refused.message
    assert "blank line" in refused.message


def test_definitions_in_all() -> None:
    row = MAX_DEFINITIONS_IN_A_ROW
    blocks = [definitions(row, start) for start in range(0, MAX_DEFINITIONS, row)]
    check_body("\n".join(blocks))
    refused = refusal("\n".join(blocks) + "\n[last]: /x\n")
    assert refused.line == MAX_DEFINITIONS + len(blocks)
    assert f"more than {MAX_DEFINITIONS:,}" in refused.message


def test_emphasis_in_one_paragraph() -> None:
    check_body("*a* " * (MAX_EMPHASIS_IN_PARAGRAPH // 2))
    spread = ("*a* " * 1_000 + "\n\n") * 10  # as many marks, in paragraphs
    check_body(spread)
    refused = refusal("Intro.\n\n" + "*a*\n" * (MAX_EMPHASIS_IN_PARAGRAPH // 2) + "**\n")
    assert refused.line == 2 + MAX_EMPHASIS_IN_PARAGRAPH // 2
    assert f"more than {MAX_EMPHASIS_IN_PARAGRAPH:,} emphasis marks" in refused.message


def test_inline_notes() -> None:
    assert check_body("^[a] " * MAX_INLINE_NOTES_IN_PARAGRAPH + "\n\n" + "^[b]\n\n" * 500)
    # more in one paragraph: markdown-it-py renders the body (linear there) ...
    crowded = "Intro.\n\n^[a] ^[b]\n^[c]\n^[d] ^[e]\n"
    assert check_body(crowded) is False
    # ... unless the body is too long for it, then it is refused at the paragraph
    refused = refusal(crowded + "\nwords " * (REFERENCE_LIMIT // 6))
    assert refused.line == 4
    assert f"more than {MAX_INLINE_NOTES_IN_PARAGRAPH} inline footnotes" in refused.message
    refused = refusal("^[a]\n\n" * MAX_INLINE_NOTES + "^[b]\n")
    assert refused.line == 2 * MAX_INLINE_NOTES
    assert f"more than {MAX_INLINE_NOTES:,} inline footnotes" in refused.message


def test_inline_notes_left_open_never_reach_markdown_it_rs() -> None:
    # markdown-it.rs takes time exponential in the inline notes left open in a
    # paragraph: "^[" * 100 + "x" would not finish; a short body is checked too.
    assert check_body("^[" * 100 + "x") is False
    assert "inline footnotes" in refusal("^[" * 100 + "x" * REFERENCE_LIMIT).message


def test_markup_units_weigh_what_rendering_costs() -> None:
    assert markup_units("plain words") == 0
    assert markup_units("*a* _b_ ~~c~~\n") == 11
    assert markup_units("`code`") == 6
    assert markup_units("[a](https://x.example/)") == 11
    assert markup_units("<https://x.example/>") == 23
    assert markup_units("| a |\n") == 7
    assert markup_units("\n# Title\n- a\n1. b\n> c") == 4 + 7 + 2 + 2 + 2  # lines, #, -, 1., >


def test_too_much_markup_is_refused() -> None:
    links = "[a](b) " * (MAX_MARKUP // 11 + 1)
    refused = refusal(links)
    assert f"more than the {MAX_MARKUP:,}" in refused.message
    check_body("Ordinary words of a sentence.\n" * 100_000)  # 3 MB of text passes


def test_a_body_over_max_characters_is_refused() -> None:
    check_body("a" * MAX_CHARACTERS)
    refused = refusal("a" * (MAX_CHARACTERS + 1))
    assert refused.line == 0
    assert f"more than the {MAX_CHARACTERS:,}" in refused.message


def test_render_markdown_raises_the_refusal() -> None:
    with pytest.raises(BodyRefused):
        render_markdown(make_markdown(), "> " * 50_000 + "x\n")
