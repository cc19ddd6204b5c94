"""What the search index holds of a rendered page (search/extract.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.search.extract import search_page

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="description" content="The council met &amp; agreed.">
<script>var x = "<article data-pagefind-body>not this</article>";</script></head>
<body><nav>Home World</nav>
<article class="article" data-pagefind-body>
  <p class="kicker" data-pagefind-ignore>
    <a data-pagefind-filter="section">World &amp; Europe</a></p>
  <h1 data-pagefind-meta="title">Harbour <em>strike</em> ends</h1>
  <time data-pagefind-filter="year:2024" data-pagefind-sort="date:2024-03-01T09:00:00+00:00"
        data-pagefind-meta="date:1 March 2024">1 March</time>
  <!-- a comment <b>not text</b> -->
  <p>Dock workers returned on Friday.<br>Ferries ran.</p>
  <aside data-pagefind-ignore><p>Read more: <b>unrelated</b></p></aside>
  <img src="a.png" alt="a photo">
  <p>Caf&eacute; owners cheered.</p>
  <nav>Previous story</nav><footer>Filed under ports</footer>
</article>
<footer>Copyright</footer></body></html>"""


def test_the_marked_body_is_read_less_what_is_ignored():
    found = search_page(PAGE, "/world/a/")
    assert found is not None
    assert found.text == (
        "Harbour strike ends 1 March Dock workers returned on Friday. Ferries ran."
        " Café owners cheered."
    )


def test_marked_values_from_text_and_outright():
    found = search_page(PAGE, "/world/a/")
    assert found is not None and found.url == "/world/a/"
    assert found.title == "Harbour strike ends"
    assert found.filters == (("section", "World & Europe"), ("year", "2024"))
    assert found.date == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert found.standfirst == "The council met & agreed."
    assert found.meta == (("date", "1 March 2024"),)


def test_a_page_without_a_marked_body_is_not_indexed():
    assert search_page("<html><body><p>Hello</p></body></html>", "/") is None
    assert search_page("<p data-pagefind-ignore>x</p>", "/") is None


def test_without_a_description_the_text_is_shown():
    found = search_page("<main data-pagefind-body><p>" + "word " * 100 + "</p></main>", "/")
    assert found is not None and found.standfirst == ("word " * 60).strip() + "…"
    assert found.title == "" and found.date is None and found.filters == ()


def test_unclosed_elements_and_a_bad_date_do_not_stop_it():
    page = '<div data-pagefind-body><p>One <b>two<p>three</div><span data-pagefind-sort="date:x">'
    found = search_page(page, "/")
    assert found is not None and found.text == "One two three" and found.date is None


def test_marks_in_scripts_styles_and_comments_are_not_marks():
    page = (
        '<SCRIPT>"<p data-pagefind-body>a</p>"</SCRIPT><style>x[data-pagefind-body]{}</style>'
        "<!-- <p data-pagefind-body>c</p> --><p data-pagefind-body>real</p>"
    )
    found = search_page(page, "/")
    assert found is not None and found.text == "real"
    assert search_page("<script>data-pagefind-body", "/") is None


def test_attributes_with_a_closing_bracket_in_quotes():
    page = '<div data-pagefind-body title="a > b"><p data-pagefind-meta="title">T</p>text</div>'
    found = search_page(page, "/")
    assert found is not None and found.title == "T" and found.text == "T text"


def test_an_unclosed_comment_or_script_ends_what_is_read():
    for opener in ("<!-- never closed", "<script>never closed", "<STYLE>x"):
        found = search_page(f"<div data-pagefind-body><p>kept</p>{opener}<p>lost</p>", "/")
        assert found is not None and found.text == "kept", opener


def test_an_end_tag_far_below_the_open_elements_is_ignored():
    deep = "<b>" * 100
    found = search_page(f"<div data-pagefind-body>{deep}x</div><p>still in the body</p>", "/")
    assert found is not None and found.text == "x still in the body"


def test_two_alike_elements_taking_the_same_mark_are_two():
    """Two open elements with the same name and marks (and no text yet) used to be
    equal, and closing one took the other off the list of elements taking text: a
    ValueError (a traceback) when the second closed."""
    html = (
        '<article data-pagefind-body><h1 data-pagefind-meta="title">T</h1>'
        '<i data-pagefind-meta="title"><article><i data-pagefind-meta="title"></article>'
        "<p>after</p>"
    )
    found = search_page(html, "/a/")
    assert found is not None and found.title == "T" and found.text == "T after"



def test_a_page_with_many_dotted_capital_i_is_read_from_its_mark():
    """str.lower() makes two letters of "İ": a Turkish page with 30 of them before its
    article was read from the wrong place and left out of the index."""
    article = (
        '<article class="article" data-pagefind-body><h1 data-pagefind-meta="title">'
        "İzmir'de seçim</h1><p>İstanbul ve İzmir.</p></article>"
    )
    head = "<html><head><title>" + "İstanbul İzmir " * 15 + "</title></head><body>"
    found = search_page(head + article + "</body></html>", "/a/")
    assert found is not None
    assert (found.title, found.text) == ("İzmir'de seçim", "İzmir'de seçim İstanbul ve İzmir.")
    plain = search_page(head.replace("İ", "I") + article + "</body></html>", "/a/")
    assert found == plain


# --- any mix of tags and marks ------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "text ", "&amp; ", "a < b ", "<p>", "</p>", "<em>", "</em>", "<br>", "<img src=x>",
        "<b/>", "<div>", "</div>", "<DIV class='x'>", "</Div>", "<span>", "</span>",
        '<a title="x>y">', "</a>", "<section>", "</section>", "<article>", "</article>",
        "<nav>", "</nav>", "<footer>x</footer>", "<script>s</script>", "<!-- c -->", "<!--",
        "<p data-pagefind-ignore>", '<i data-pagefind-meta="title">', "</i>", "</x>",
        '<b data-pagefind-filter="section">', '<a title="', '">', "</p", "<ul><li>",
        "</li></ul>", "<b>" * 70, "</b>", "<article data-pagefind-body>",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.lists(_PIECES, max_size=12))
def test_any_mix_of_tags_and_marks_is_read_without_error(body, after):
    html = (
        '<html><body><article data-pagefind-body><h1 data-pagefind-meta="title">T</h1>'
        f"<div class='body'>{''.join(body)}</div>{''.join(after)}</article>"
        "<p>after</p></body></html>"
    )
    found = search_page(html, "/a/")
    assert found is not None and found.text.startswith("T")
    assert "<p>" not in found.text and "<div" not in found.text.lower()
