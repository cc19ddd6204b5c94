"""The configured Markdown renderer: CommonMark plus the extensions a newsroom needs.

No I/O: render_markdown() takes the body text and returns HTML and plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

SUMMARY_LENGTH = 300


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """An article body turned into HTML."""

    html: str
    """The body as HTML; raw HTML in the source is escaped unless the site allows it."""
    first_paragraph: str
    """The first paragraph as plain text (empty when the body has none)."""


def make_markdown(unsafe_html: bool = False) -> MarkdownIt:
    """Return a MarkdownIt configured for newsgen articles.

    CommonMark with tables, strikethrough, footnotes, typographic quotes and
    dashes, and ``id`` anchors on headings. Raw HTML is escaped (shown as
    text) unless ``unsafe_html`` is True.
    """
    md = MarkdownIt("commonmark", {"html": unsafe_html, "typographer": True, "xhtmlOut": False})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6)
    return md


def render_markdown(md: MarkdownIt, body: str) -> RenderedBody:
    """Render ``body`` with ``md``; return its HTML and first paragraph as text."""
    env: dict[str, object] = {}
    tokens = md.parse(body, env)
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(html=html, first_paragraph=_first_paragraph(tokens))


def plain_summary(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Return ``text`` with whitespace folded, cut at a word boundary to ``limit`` chars."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def _first_paragraph(tokens: list[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            inline = tokens[index + 1]
            return _inline_text(inline.children or [])
    return ""


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
