"""newsgen.sanitize: the characters no page, feed or sitemap may carry."""

from __future__ import annotations

import pytest

from newsgen.sanitize import (
    FORBIDDEN_CHARACTERS,
    CleanText,
    article_link,
    remove_forbidden_characters,
    strip_forbidden,
    web_url_problem,
)


def test_strip_forbidden_agrees_with_the_character_class_on_every_code_point():
    # The fast path looks for forbidden characters in the UTF-8 bytes; check it
    # against the plain character class for each code point, alone and among others.
    for point in range(0x110000):
        char = chr(point)
        for text in (char, f"a\u00a0{char}é", char * 2):
            assert strip_forbidden(text) == FORBIDDEN_CHARACTERS.sub("", text), hex(point)


def test_clean_text_is_returned_as_it_is():
    text = "Curly “quotes”, an em dash — and a non-breaking\u00a0space\n"
    assert strip_forbidden(text) is text
    assert strip_forbidden("bell\x07, C1\x85, \ufdd0, \U0001fffe, \ud800") == "bell, C1, , , "


def test_remove_forbidden_characters_counts_them_and_finds_the_first_line():
    clean = remove_forbidden_characters("fine\nstill fine\nbell\x07 and \ufdd0\n")
    assert clean == CleanText("fine\nstill fine\nbell and \n", 2, 3)
    text = "Curly “quotes” and — dashes\n"
    assert remove_forbidden_characters(text) == CleanText(text, 0, 0)
    assert remove_forbidden_characters("a\ud800") == CleanText("a", 1, 1)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("other.md", ("world/other.md", "newsgen-ref:world/other.md")),
        (
            "../politics/Vote%20Count.MD#x",
            ("politics/Vote Count.MD", "newsgen-ref:politics/Vote%20Count.MD#x"),
        ),
        ("./a.md?utm=1", ("world/a.md", "newsgen-ref:world/a.md")),
        ("https://example.com/a.md", None),  # another site's file
        ("/world/a.md", None),  # a path on this site, as written
        ("#a.md", None),
        ("other.html", None),
    ],
)
def test_article_link_points_md_files_at_their_articles(url, linked):
    assert article_link(url, "world") == linked


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://council.example/minutes.pdf", None),
        ("http://[2001:db8::1]/x", None),  # an IPv6 host in brackets
        ("https://xn--n3h.example/%5Bdraft%5D", None),
        ("ftp://example.org/a.txt", "must be an absolute http(s) URL"),
        ("javascript:alert(1)", "must be an absolute http(s) URL"),
        ("//example.org/a", "must be an absolute http(s) URL"),
        ("https:example.org", "must be an absolute http(s) URL"),
        ("https://", "has no host"),
        ("https:///a", "has no host"),
        ("https://a.example/a b", "holds white space"),
        ("https://a]b.example/", "cannot be read as a URL"),
        ("https://[2001:db8::1/x", "cannot be read as a URL"),
    ],
)
def test_web_url_problem_names_what_no_reader_could_follow(url, problem):
    found = web_url_problem(url)
    assert found is None if problem is None else problem in str(found)


def test_web_url_problem_may_allow_other_schemes():
    assert web_url_problem("mailto:desk@courier.example", also=("mailto",)) is None
    assert "or a mailto URL" in str(web_url_problem("tel:123", also=("mailto",)))
