"""newsgen.markdown.renderer: the configured Markdown renderer, first paragraph and summaries."""

from __future__ import annotations

import html5lib
import pytest

from newsgen.markdown.renderer import SUMMARY_LENGTH, make_markdown, plain_summary, render_markdown

NS = {"h": "http://www.w3.org/1999/xhtml"}


def html(body: str, unsafe: bool = False) -> str:
    return render_markdown(make_markdown(unsafe), body).html


def tree(body: str, unsafe: bool = False):
    return html5lib.parse(
        f"<!DOCTYPE html><body>{html(body, unsafe)}</body>", namespaceHTMLElements=True
    )


# --- extensions ---------------------------------------------------------------------------


def test_table():
    doc = tree("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert [th.text for th in doc.findall(".//h:thead//h:th", NS)] == ["a", "b"]
    assert [td.text for td in doc.findall(".//h:tbody//h:td", NS)] == ["1", "2"]


def test_strikethrough():
    assert "<s>gone</s>" in html("It is ~~gone~~ now.")


def test_footnote_reference_and_definition():
    out = html("A claim.[^1]\n\n[^1]: The evidence.\n")
    doc = tree("A claim.[^1]\n\n[^1]: The evidence.\n")
    ref = doc.find(".//h:sup[@class='footnote-ref']/h:a", NS)
    assert ref is not None
    target = ref.get("href").lstrip("#")
    note = doc.find(f".//h:li[@id='{target}']", NS)
    assert note is not None
    assert "The evidence." in "".join(note.itertext())
    assert "[^1]" not in out


def test_typographic_double_and_single_quotes():
    out = html("He said \"yes\" and 'no'.")
    assert "“yes”" in out
    assert "‘no’" in out
    assert '"yes"' not in out


def test_apostrophe_becomes_right_single_quote():
    assert "Syria’s" in html("Syria's bases")


def test_typographic_dashes_and_ellipsis():
    out = html("2010--2024 and then --- silence...")
    assert "2010–2024" in out
    assert "—" in out
    assert "…" in out


def test_quotes_in_code_stay_straight():
    assert '<code>"x" -- y</code>' in html('Use `"x" -- y` here.').replace("&quot;", '"')


# --- headings -----------------------------------------------------------------------------


def test_heading_gets_id_from_text():
    assert '<h2 id="constructive-talks">Constructive Talks</h2>' in html("## Constructive Talks")


def test_heading_ids_are_unique():
    doc = tree("# Intro\n\n## Intro\n\n### Intro\n\n## Other\n")
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == 4
    assert len(set(ids)) == 4
    assert ids[0] == "intro"


def test_heading_ids_are_stable_across_renders():
    md = make_markdown()
    body = "# Intro\n\n## Intro\n\nText\n\n## Details\n"
    first = render_markdown(md, body).html
    second = render_markdown(md, body).html
    assert first == second
    assert render_markdown(make_markdown(), body).html == first


def test_heading_ids_on_every_level():
    doc = tree("# a\n\n## b\n\n### c\n\n#### d\n\n##### e\n\n###### f\n")
    for level in range(1, 7):
        heading = doc.find(f".//h:h{level}", NS)
        assert heading is not None and heading.get("id")


# --- raw HTML and unsafe links ------------------------------------------------------------


def test_raw_html_escaped_by_default():
    out = html("<script>alert(1)</script>\n\nText with <b>bold</b>.")
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<b>" not in out
    doc = tree("<script>alert(1)</script>\n\nText with <b>bold</b>.")
    assert doc.find(".//h:script", NS) is None
    assert doc.find(".//h:b", NS) is None


def test_raw_html_passed_with_unsafe_html():
    out = html('<div class="box">Hi</div>\n\nText with <b>bold</b>.', unsafe=True)
    assert '<div class="box">Hi</div>' in out
    assert "<b>bold</b>" in out


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_unsafe_scheme_links_are_not_links(link):
    doc = tree(f"Click {link} now.")
    assert doc.findall(".//h:a", NS) == []


def test_unsafe_scheme_link_even_with_unsafe_html():
    doc = tree("Click [x](javascript:alert(1)) now.", unsafe=True)
    assert doc.findall(".//h:a", NS) == []


def test_http_link_is_a_link():
    doc = tree("See [TASS](https://tass.com/).")
    [link] = doc.findall(".//h:a", NS)
    assert link.get("href") == "https://tass.com/"


def test_template_syntax_stays_literal():
    out = html("Price {{ x }} and {% if y %}z{% endif %}.")
    assert "{{ x }}" in out
    assert "{% if y %}z{% endif %}" in out


# --- first paragraph ----------------------------------------------------------------------


def test_first_paragraph_plain_text():
    body = "Hello *world*, see [the link](https://x.example/) and `code` &amp; more.\n\nSecond."
    assert render_markdown(make_markdown(), body).first_paragraph == (
        "Hello world, see the link and code & more."
    )


def test_first_paragraph_after_heading():
    assert render_markdown(make_markdown(), "# Title\n\nThe lede.\n").first_paragraph == "The lede."


def test_first_paragraph_folds_line_breaks():
    out = render_markdown(make_markdown(), "One\ntwo  \nthree\n").first_paragraph
    assert " ".join(out.split()) == "One two three"


def test_first_paragraph_skips_footnote_marker():
    assert (
        render_markdown(make_markdown(), "Claim[^1].\n\n[^1]: Note.\n").first_paragraph == "Claim."
    )


def test_first_paragraph_not_inside_blockquote_or_list():
    body = "> Quoted.\n\n- item\n\nReal lede.\n"
    assert render_markdown(make_markdown(), body).first_paragraph == "Real lede."


def test_first_paragraph_empty_without_paragraph():
    assert render_markdown(make_markdown(), "# Only a heading\n").first_paragraph == ""
    assert render_markdown(make_markdown(), "").first_paragraph == ""


def test_first_paragraph_is_typographic():
    assert render_markdown(make_markdown(), 'He said "no".').first_paragraph == "He said “no”."


# --- plain_summary ------------------------------------------------------------------------


def test_plain_summary_short_text_unchanged_but_folded():
    assert plain_summary("  A   short\n summary. ") == "A short summary."


def test_plain_summary_exactly_at_limit_unchanged():
    text = "x" * SUMMARY_LENGTH
    assert plain_summary(text) == text


def test_plain_summary_cuts_at_word_boundary():
    text = " ".join(["word"] * 100)  # 499 chars
    summary = plain_summary(text)
    assert len(summary) <= SUMMARY_LENGTH
    assert summary.endswith("word…")
    assert text.startswith(summary[:-1])


def test_plain_summary_strips_trailing_punctuation_before_ellipsis():
    text = ("alpha beta, " * 40).strip()
    summary = plain_summary(text, limit=30)
    assert summary.endswith("…")
    assert not summary[:-1].endswith((",", " "))
    assert len(summary) <= 30


def test_plain_summary_long_word_cut_hard():
    summary = plain_summary("x" * 500)
    assert summary == "x" * (SUMMARY_LENGTH - 1) + "…"


def test_plain_summary_custom_limit():
    assert plain_summary("one two three four", limit=10) == "one two…"
