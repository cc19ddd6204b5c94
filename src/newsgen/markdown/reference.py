"""The reference Markdown renderer: markdown-it-py with mdit-py-plugins.

newsgen parses with markdown-it.rs (markdown/renderer.py), whose HTML is this
renderer's, byte for byte, for what articles hold (tests/unit/markdown/test_html.py
checks). It is used for the bodies markdown-it.rs cannot parse (it panics on
some malformed input) and for those nested deeper than MAX_NESTING, which
markdown-it-py cuts short as it always did.

Heading ids are the anchors plugin's, given by a rule of this module that takes
linear time (tests/unit/markdown/test_html.py checks it against the plugin).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors.index import slugify
from mdit_py_plugins.footnote import footnote_plugin

from newsgen.markdown.html import unique_slug
from newsgen.sanitize import article_link, is_readable_url, is_safe_url

Rendered = tuple[str, str, list[tuple[int, str]], list[tuple[int, str]]]
"""HTML, first paragraph, ``(line, url)`` of links removed, ``(line, target)`` of links
to articles (as markdown.RenderedBody has them)."""


def make_reference(unsafe_html: bool = False, typographer: bool = True) -> MarkdownIt:
    """Return markdown-it-py configured as markdown.make_markdown describes."""
    options = {"html": unsafe_html, "typographer": typographer, "xhtmlOut": False}
    md = MarkdownIt("commonmark", options)
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.core.ruler.push("anchor", _heading_ids)
    # Every URL reaches the token stream, where _remove_unsafe_links() takes out
    # the ones with unsafe schemes and says so (markdown-it alone drops some silently).
    md.validateLink = lambda url: True
    return md


def _heading_ids(state: StateCore) -> None:
    """Give every heading an ``id`` as mdit-py-plugins' anchors plugin does (its slug of
    the heading's text and code, made unique with -1, -2, …), in linear time: the plugin
    takes time quadratic in the number of headings of one text."""
    taken: set[str] = set()
    numbers: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        children = tokens[index + 1].children or []
        title = "".join(
            child.content for child in children if child.type in ("text", "code_inline")
        )
        token.attrSet("id", unique_slug(slugify(title), taken, numbers))


def render_reference(md: MarkdownIt, body: str, folder: str = "") -> Rendered:
    """Render ``body`` with ``md`` as markdown.render_markdown does; return the HTML,
    the first paragraph as text, the links removed and the links to articles."""
    env: dict[str, object] = {}
    tokens = md.parse(body, env)
    removed = _remove_unsafe_links(tokens)
    article_links = _mark_article_links(tokens, folder)
    html = md.renderer.render(tokens, md.options, env)
    return html, _first_paragraph(tokens), removed, article_links


def _mark_article_links(tokens: list[Token], folder: str) -> list[tuple[int, str]]:
    """Point links to ``.md`` files at ``newsgen-ref:TARGET``; return ``(line, target)``."""
    found: list[tuple[int, str]] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        for child, line in _with_lines(block):
            href = child.attrGet("href") if child.type == "link_open" else None
            linked = article_link(href, folder) if isinstance(href, str) else None
            if linked is not None:
                found.append((line, linked[0]))
                child.attrSet("href", linked[1])
    return found


def _remove_unsafe_links(tokens: list[Token]) -> list[tuple[int, str]]:
    """Unlink links and drop images whose URL has an unsafe scheme or cannot be read
    (links.is_readable_url); return what went.

    A link keeps its text; an image becomes its alt text.
    """
    removed: list[tuple[int, str]] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        unlinking = False
        for child, line in _with_lines(block):
            if unlinking and child.type == "link_close":  # links do not nest
                _make_text(child, "")
                unlinking = False
            attribute = {"link_open": "href", "image": "src"}.get(child.type)
            url = child.attrGet(attribute) if attribute else None
            if not isinstance(url, str) or (is_safe_url(url) and is_readable_url(url)):
                continue
            removed.append((line, url))
            if child.type == "link_open":
                unlinking = True
                _make_text(child, "")
            else:
                _make_text(child, child.content)
    return removed


def _with_lines(block: Token) -> list[tuple[Token, int]]:
    """Return the inline children of ``block`` with the 0-based body line each is on."""
    line = block.map[0] if block.map else 0
    placed = []
    for child in block.children or []:
        placed.append((child, line))
        if child.type in ("softbreak", "hardbreak"):
            line += 1
    return placed


def _make_text(token: Token, content: str) -> None:
    token.type, token.tag, token.attrs, token.children = "text", "", {}, None
    token.content, token.nesting = content, 0


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
