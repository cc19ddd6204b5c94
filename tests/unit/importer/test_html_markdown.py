"""importer/html_markdown.py: WordPress HTML, classic and block editor, to Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsgen.importer.html_markdown import html_to_markdown
from newsgen.importer.imported import NoteKind
from newsgen.importer.wxr import read_wxr
from newsgen.markdown.renderer import make_markdown, render_markdown

THEME_UNIT_TEST = (
    Path(__file__).resolve().parents[2] / "fixtures" / "import" / ("wordpress-theme-unit-test.xml")
)


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo.\n"),
        ("Classic one.\n\nClassic two.\nSame paragraph.",
         "Classic one.\n\nClassic two. Same paragraph.\n"),
        ("<!-- wp:heading --><h2>Sub</h2><!-- /wp:heading -->", "## Sub\n"),
        ("<h1>Big</h1><h5>Small</h5>", "## Big\n\n#### Small\n"),
        ("<p><strong>bold</strong> and <em>it</em> and <del>gone</del></p>",
         "**bold** and *it* and ~~gone~~\n"),
        ("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "- a\n- b\n   - c\n"),
        ('<ol start="3"><li>x</li><li>y</li></ol>', "3. x\n4. y\n"),
        ("<blockquote><p>Said.</p><p>More.</p></blockquote>", "> Said.\n>\n> More.\n"),
        ('<figure class="wp-block-pullquote"><blockquote><p>Pulled.</p><cite>Her</cite>'
         "</blockquote></figure>", "> Pulled.\n>\n> *Her*\n"),
        ('<p><a href="https://e.org/x">link</a></p>', "[link](https://e.org/x)\n"),
        ("<p>1. Not a list, # not a heading</p>", "1\\. Not a list, # not a heading\n"),
        ("<p>*stars* and _under_ and [brackets]</p>",
         "\\*stars\\* and \\_under\\_ and \\[brackets\\]\n"),
        ("<pre><code>x = 1\ny = 2</code></pre>", "```\nx = 1\ny = 2\n```\n"),
        ("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2|3</td></tr></table>",
         "| A | B |\n|---|---|\n| 1 | 2\\|3 |\n"),
        ('<figure class="wp-block-image"><img src="https://e.org/a.jpg" alt="Alt"/>'
         "<figcaption>The caption</figcaption></figure>",
         '![Alt](https://e.org/a.jpg "The caption")\n'),
        ('[caption id="a" width="300"]<img src="/up/b.jpg" alt="B"> Harbour at dawn[/caption]',
         '![B](/up/b.jpg "Harbour at dawn")\n'),
        ('<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
         "https://www.youtube.com/watch?v=abc\n</div></figure>",
         "[https://www.youtube.com/watch?v=abc](https://www.youtube.com/watch?v=abc)\n"),
        ("<p>Line<br>break</p>", "Line\\\nbreak\n"),
    ],
)  # fmt: skip
def test_markup_becomes_markdown(html: str, markdown: str):
    assert html_to_markdown(html).markdown == markdown


@pytest.mark.parametrize(
    ("html", "says"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "removed <script>"),
        ('<iframe src="https://evil.example/"></iframe>', "removed <iframe>"),
        ('<p><a href="javascript:alert(1)">click</a></p>', "removed a link to javascript:"),
        ('<p><a href="data:text/html,x">data</a></p>', "removed a link to data:"),
        ('[gallery ids="1,2,3"]', "removed the shortcode [gallery]"),
        ("<style>p{}</style><p>x</p>", "removed <style>"),
    ],
)
def test_what_a_static_page_must_not_carry_is_removed_with_a_note(html: str, says: str):
    converted = html_to_markdown(html, line=40)
    assert any(says in note.text for note in converted.notes), converted.notes
    assert all(note.line >= 40 for note in converted.notes)
    for bad in ("alert", "javascript", "<iframe", "evil.example", "p{}", "data:"):
        assert bad not in converted.markdown


def test_event_attributes_never_pass():
    converted = html_to_markdown(
        '<p onclick="steal()"><img src="https://e.org/i.png" onerror="x()" alt="i">text</p>'
    )
    assert "steal" not in converted.markdown and "onerror" not in converted.markdown
    assert converted.images == ("https://e.org/i.png",)


def test_a_link_without_a_scheme_or_to_mail_is_kept():
    converted = html_to_markdown(
        '<p><a href="/2019/05/old/">old</a> <a href="mailto:d@e.org">m</a></p>'
    )
    assert converted.markdown == "[old](/2019/05/old/) [m](mailto:d@e.org)\n"
    assert not converted.notes


def test_every_post_of_wordpress_theme_unit_test_becomes_markdown_that_renders():
    markdown = make_markdown(False)
    posts = [i for i in read_wxr(THEME_UNIT_TEST) if i.post_type in ("post", "page")]
    assert len(posts) == 72
    for post in posts:
        converted = html_to_markdown(post.content, post.line)
        prose = re.sub(r"```.*?```|~~~.*?~~~", "", converted.markdown, flags=re.S)
        assert "<!-- wp:" not in prose, post.title  # block markup shown as code stays
        assert "<script" not in converted.markdown.lower(), post.title
        html = render_markdown(markdown, converted.markdown).html
        assert "<script" not in html.lower(), post.title
        assert all(note.kind in NoteKind for note in converted.notes)
    by_title = {post.title: html_to_markdown(post.content).markdown for post in posts}
    assert "### How to keyboard test:" in by_title["Keyboard navigation"]
    assert "- Confirm that all links can be reached" in by_title["Keyboard navigation"]


def test_deep_nesting_is_flattened_not_a_crash():
    converted = html_to_markdown("<div>" * 5000 + "<p>Deep <b>text</b></p>" + "</div>" * 5000)
    assert "Deep" in converted.markdown and "text" in converted.markdown
    lists = html_to_markdown("<ul><li>" * 3000 + "item" + "</li></ul>" * 3000)
    assert "item" in lists.markdown


def test_line_breaks_only_between_lines_of_text():
    """A heading or paragraph of breaks alone made "#### \\" (an empty heading id the Nu
    checker refused) and paragraphs ending in a literal backslash."""
    html = "<h4><br></h4><h3>A<br>B</h3><p>a<br>b<br></p><p><br></p><p>x<br><br>y</p>"
    assert html_to_markdown(html).markdown == "### A B\n\na\\\nb\n\nx\\\ny\n"


def test_links_and_images_no_browser_can_read_are_removed_with_a_note():
    converted = html_to_markdown(
        '<p><a href="http://[::1/x">odd</a> <img src="http://[x/a.jpg"></p>'
    )
    assert converted.markdown == "odd\n" and len(converted.notes) == 2
