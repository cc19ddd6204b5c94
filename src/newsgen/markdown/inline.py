"""Inline Markdown as markdown-it's flat token list, made from markdown-it.rs's tree.

markdown-it.rs (markdown_it_pyrs) nests inline content: a link node holds its
text. markdown-it keeps it flat, one token after another with a nesting
``level``, and its typographer (markdown/typography.py) and renderer (markdown/html.py) are
written for that. ``flatten`` turns the nodes of one block's inline content
into those tokens; the helpers below read text out of them as markdown-it's
plugins do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsgen.markdown.urls import link_text

Node = Any
"""A ``markdown_it_pyrs.Node``: ``name``, ``meta``, ``children``, ``srcmap``."""

MAX_NESTING = 10
"""Deeper nesting of blocks, or of links and emphasis, than any article needs: a body
with more is rendered by markdown-it-py, which cuts it short (markdown/renderer.py)."""


class CannotWrite(Exception):
    """A tree markdown/html.py does not write as markdown-it-py would: nested deeper than
    MAX_NESTING, or with a footnote reference it cannot number."""


_PAIRED = {"em": "em", "strong": "strong", "strikethrough": "s"}
"""Nodes written as a pair of tokens around their content, by the tag they become."""


class InlineToken:
    """One token of inline content, as markdown-it has it."""

    __slots__ = ("content", "level", "node", "start", "type")

    def __init__(
        self, type: str, content: str, level: int, start: int = -1, node: Node = None
    ) -> None:
        self.type = type
        """markdown-it's token type: ``text``, ``text_special``, ``softbreak``,
        ``hardbreak``, ``em_open``/``em_close`` (``strong``, ``s``), ``link_open``/
        ``link_close``, ``autolink_open``/``autolink_close``, ``code_inline``,
        ``image``, ``html_inline``, ``footnote_ref``."""
        self.content = content
        """Its text (for an image: its label as written; a link has none)."""
        self.level = level
        """How deep it is nested in links and emphasis."""
        self.start = start
        """Byte offset in the body where it starts (-1 when unknown)."""
        self.node = node
        """The tree node behind a link, image or footnote reference."""


def flatten(nodes: Sequence[Node], source: bytes, start: int = -1) -> list[InlineToken]:
    """Return the inline ``nodes``, parsed from the UTF-8 ``source``, as markdown-it's flat
    tokens; ``start`` is the byte offset of their block (for nodes that carry none)."""
    tokens: list[InlineToken] = []
    _flatten(nodes, 0, start, source, tokens)
    return tokens


def _flatten(
    nodes: Sequence[Node], level: int, start: int, source: bytes, tokens: list[InlineToken]
) -> None:
    if level > MAX_NESTING:
        raise CannotWrite()
    append = tokens.append
    for node in nodes:
        name = node.name
        span = node.srcmap
        here = span[0] if span else start
        if name == "text" or name == "text_special":
            append(InlineToken(name, node.meta["content"], level, here))
        elif name == "softbreak" or name == "hardbreak":
            append(InlineToken(name, "", level, here))
        elif name in _PAIRED:
            tag = _PAIRED[name]
            append(InlineToken(f"{tag}_open", "", level, here))
            _flatten(node.children, level + 1, here, source, tokens)
            append(InlineToken(f"{tag}_close", "", level, here))
        elif name == "link" or name == "autolink":
            kind = "link" if name == "link" else "autolink"
            append(InlineToken(f"{kind}_open", "", level, here, node))
            if name == "link":
                _flatten(node.children, level + 1, here, source, tokens)
            else:  # its text is plain text to the typographer, as in markdown-it
                append(InlineToken("text", link_text(code_text(node)), level + 1, here))
            append(InlineToken(f"{kind}_close", "", level, here))
        elif name == "code_inline":
            append(InlineToken(name, code_text(node), level, here))
        elif name == "image":  # its content: the label as written, as in markdown-it
            append(InlineToken(name, _label_source(node.children, source), level, here, node))
        elif name == "html_inline":
            append(InlineToken(name, node.meta["content"], level, here))
        elif name == "footnote_ref":
            append(InlineToken(name, "", level, here, node))
        elif name == "footnote_inline":  # the reference; its note is written at the end
            reference = next(child for child in node.children if child.name == "footnote_ref")
            append(InlineToken("footnote_ref", "", level, here, reference))
        elif name != "footnote_ref_anchor":
            raise ValueError(f"Markdown node {name!r} is not inline content")


def code_text(node: Node) -> str:
    """Return the text of a ``code_inline`` node (or an ``autolink``'s: its URL)."""
    return "".join(child.meta.get("content", "") for child in node.children)


def _label_source(nodes: Sequence[Node], source: bytes) -> str:
    """Return the Markdown of an image's label as written."""
    spans = [node.srcmap for node in nodes if node.srcmap]
    if not spans:
        return label_text(nodes)
    return source[spans[0][0] : spans[-1][1]].decode("utf-8", "replace")


def label_text(nodes: Sequence[Node], breaks: str = "\n", html: bool = True, depth: int = 0) -> str:
    """Return an image's label as the ``alt`` text CommonMark asks for: its text without
    markup (markdown-it's renderInlineAsText), breaks as ``breaks``, raw HTML kept unless
    ``html`` is False."""
    if depth > MAX_NESTING:
        raise CannotWrite()
    parts: list[str] = []
    for node in nodes:
        name = node.name
        if name == "text" or name == "text_special" or (html and name == "html_inline"):
            parts.append(node.meta["content"])
        elif name == "code_inline":
            parts.append(code_text(node))
        elif name == "softbreak" or name == "hardbreak":
            parts.append(breaks)
        elif name not in ("footnote_ref", "footnote_inline", "html_inline"):
            parts.append(label_text(node.children, breaks, html, depth + 1))
    return "".join(parts)


def heading_text(tokens: Sequence[InlineToken]) -> str:
    """Return a heading's text as the anchors plugin reads it: text and code."""
    return "".join(
        token.content for token in tokens if token.type in ("text", "text_special", "code_inline")
    )


def plain_text(tokens: Sequence[InlineToken]) -> str:
    """Return inline content as plain text: breaks as spaces, images as their labels."""
    parts: list[str] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif kind == "softbreak" or kind == "hardbreak":
            parts.append(" ")
        elif kind == "image":
            parts.append(label_text(token.node.children, " ", html=False))
    return "".join(parts)
