"""HTML of a parsed Markdown body, written as markdown-it-py writes it.

markdown/renderer.py parses a body into a tree of ``markdown_it_pyrs.Node``; ``write_html``
walks it once and returns the HTML and the body's first paragraph as text. The
HTML is what markdown-it-py writes for the same tokens (``<br>``, not
``<br />``; ``&``, ``<``, ``>`` and ``"`` escaped; tight list items without
``<p>``), with:

- typographic quotes and dashes (markdown/typography.py) in each block's text;
- an ``id`` on every heading, made from its text as mdit-py-plugins' anchors
  plugin makes it (unique within the body);
- footnotes numbered and written as mdit-py-plugins' footnote plugin does;
- every link and image URL given to a ``check`` first, which returns the URL
  to write or None to remove the link (its text stays) or image (its label
  stays, as text).

No I/O. Nothing here knows which URLs are safe: markdown/renderer.py does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from newsgen.markdown.footnotes import Footnotes
from newsgen.markdown.inline import (
    MAX_NESTING,
    CannotWrite,
    InlineToken,
    Node,
    flatten,
    heading_text,
    label_text,
    plain_text,
)
from newsgen.markdown.typography import WHITESPACE, typeset
from newsgen.markdown.urls import unescape_info, with_ascii_host

LinkCheck = Callable[[str, int, str], "str | None"]
"""``check(url, offset, kind)``: given a URL as parsed, the byte offset in the body
where its link or image starts, and ``"link"`` or ``"image"``, return the URL to
write, or None to remove it."""

INLINE = frozenset(
    {
        "text",
        "text_special",
        "softbreak",
        "hardbreak",
        "em",
        "strong",
        "strikethrough",
        "code_inline",
        "link",
        "autolink",
        "image",
        "html_inline",
        "footnote_ref",
        "footnote_inline",
        "footnote_ref_anchor",
    }
)
"""Node names of inline content (the rest are blocks)."""

_SLUG_DROPPED = re.compile(r"[^\w\u4e00-\u9fff\- ]")
_TRIMMED = "".join(sorted(WHITESPACE | {"\u2028", "\u2029"}))
"""What markdown-it trims from a fence's info string."""
_FOOTNOTE_BACKREF = "\u21a9\ufe0e"
"""↩ with the text variation selector, so that iOS does not show it as an emoji."""
_TAGS = {"em": "em", "strong": "strong", "s": "s"}


def escape_html(text: str) -> str:
    """Return ``text`` with ``&``, ``<``, ``>`` and ``"`` escaped (not ``'``)."""
    text = escape(text, quote=False)
    return text.replace('"', "&quot;") if '"' in text else text


def heading_slug(title: str) -> str:
    """Return the ``id`` for a heading titled ``title``, before it is made unique."""
    return _SLUG_DROPPED.sub("", title.lower().replace(" ", "-"))


def unique_slug(slug: str, taken: set[str], numbers: dict[str, int]) -> str:
    """Return ``slug``, or else the first of ``slug-1``, ``slug-2``, … not in ``taken``, as
    the anchors plugin numbers them, and add it to ``taken``. ``numbers`` keeps the number
    to try next for each slug (all below it are taken), so that many headings of one text
    take linear time: the plugin tries every number from 1 again. A heading with no
    letters or digits (``#### \\``) is ``heading``: HTML forbids an empty ``id``."""
    slug = slug or "heading"
    if slug not in taken:
        taken.add(slug)
        return slug
    number = numbers.get(slug, 1)
    while f"{slug}-{number}" in taken:
        number += 1
    numbers[slug] = number + 1
    unique = f"{slug}-{number}"
    taken.add(unique)
    return unique


@dataclass(frozen=True, slots=True)
class WrittenBody:
    """A body's HTML and its first paragraph."""

    html: str
    first_paragraph: str
    """The first top-level paragraph as plain text (empty when there is none)."""


def write_html(
    root: Node,
    check: LinkCheck,
    source: bytes,
    clean: Callable[[str], str] = str,
    typographer: bool = True,
) -> WrittenBody:
    """Return the HTML of the tree ``root``, parsed from the UTF-8 ``source``, and its
    first paragraph; every link and image URL goes through ``check``. ``clean`` is
    applied to heading and paragraph text the parse may hold marks in (markdown/renderer.py);
    ``typographer`` makes quotes and dashes typographic."""
    blocks = root.children
    has_notes = bool(blocks) and blocks[-1].name == "footnote_container"
    notes = Footnotes.of(root) if has_notes else Footnotes()
    writer = _Writer(check, source, clean, notes, typographer)
    for node in blocks[:-1] if has_notes else blocks:
        writer.block(node)
    writer.footnotes()
    return WrittenBody("".join(writer.out), writer.first_paragraph or "")


@dataclass(slots=True)
class _Writer:
    check: LinkCheck
    source: bytes
    clean: Callable[[str], str]
    notes: Footnotes
    typographer: bool
    out: list[str] = field(default_factory=list)
    first_paragraph: str | None = None
    slugs: set[str] = field(default_factory=set)
    slug_numbers: dict[str, int] = field(default_factory=dict)
    depth: int = 0
    """How deep in lists, quotes and notes the block being written is."""

    # --- blocks -------------------------------------------------------------------------

    def block(self, node: Node) -> None:
        name = node.name
        out = self.out
        if name == "paragraph":
            children = node.children
            if len(children) == 1 and children[0].name == "text":  # most paragraphs
                self.plain_paragraph(children[0].meta["content"])
                return
            tokens = self.tokens(children, node)
            if self.first_paragraph is None and self.depth == 0:
                self.first_paragraph = self.clean(plain_text(tokens))
            out.append("<p>")
            self.inline(tokens)
            out.append("</p>\n")
        elif name == "heading" or name == "lheading":
            self.heading(node)
        elif name == "bullet_list":
            out.append("<ul>\n")
            self.list_items(node.children)
            out.append("</ul>\n")
        elif name == "ordered_list":
            start = node.meta.get("start", 1)
            out.append("<ol>\n" if start == 1 else f'<ol start="{start}">\n')
            self.list_items(node.children)
            out.append("</ol>\n")
        elif name == "blockquote":
            children = node.children
            shown = any(child.name != "definition" for child in children)
            out.append("<blockquote>\n" if shown else "<blockquote>")
            self.blocks(children)
            out.append("</blockquote>\n")
        elif name == "fence":
            self.fence(node.meta)
        elif name == "code_block":
            out.append(f"<pre><code>{escape_html(node.meta['content'])}</code></pre>\n")
        elif name == "hr":
            out.append("<hr>\n")
        elif name == "table":
            self.table(node)
        elif name == "html_block":
            out.append(node.meta["content"])
        elif name != "definition":  # a link reference definition shows nothing
            raise ValueError(f"Markdown node {name!r} has no HTML")

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise CannotWrite()

    def blocks(self, nodes: Sequence[Node]) -> None:
        self.deeper()
        for node in nodes:
            self.block(node)
        self.depth -= 1

    def plain_paragraph(self, text: str) -> None:
        """Write a paragraph of text alone (no links, emphasis or breaks), as
        ``block`` would, without making tokens."""
        if self.typographer:
            tokens = [InlineToken("text", text, 0)]
            typeset(tokens)
            text = tokens[0].content
        if self.first_paragraph is None and self.depth == 0:
            self.first_paragraph = self.clean(text)
        self.out.append(f"<p>{escape_html(text)}</p>\n")

    def tokens(self, nodes: Sequence[Node], block: Node | None) -> list[InlineToken]:
        """Return one block's inline ``nodes`` as typeset tokens."""
        span = block.srcmap if block is not None else None
        tokens = flatten(nodes, self.source, span[0] if span else -1)
        if self.typographer:
            typeset(tokens)
        return tokens

    def heading(self, node: Node) -> None:
        level = node.meta["level"]
        tokens = self.tokens(node.children, node)
        slug = heading_slug(self.clean(heading_text(tokens)))
        unique = unique_slug(slug, self.slugs, self.slug_numbers)
        self.out.append(f'<h{level} id="{escape_html(unique)}">')
        self.inline(tokens)
        self.out.append(f"</h{level}>\n")

    def list_items(self, items: Sequence[Node]) -> None:
        """Write list items; in a tight list an item's text has no paragraph (markdown-it
        hides it), and a block after such text starts on a new line."""
        self.deeper()
        out = self.out
        for item in items:
            children = item.children
            out.append("<li>")
            if children and children[0].name not in INLINE:
                out.append("\n")
            text: list[Node] = []
            for child in children:
                if child.name in INLINE:
                    text.append(child)
                    continue
                if text:
                    self.inline(self.tokens(text, item))
                    out.append("\n")
                    text = []
                self.block(child)
            if text:
                self.inline(self.tokens(text, item))
            out.append("</li>\n")
        self.depth -= 1

    def fence(self, meta: dict[str, Any]) -> None:
        info = unescape_info(meta.get("info", "")).strip(_TRIMMED)
        code = escape_html(meta["content"])
        if not info:
            self.out.append(f"<pre><code>{code}</code></pre>\n")
            return
        name = re.split(f"[{re.escape(_TRIMMED)}]+", info, maxsplit=1)[0]
        language = escape_html(meta.get("lang_prefix", "language-") + name)
        self.out.append(f'<pre><code class="{language}">{code}</code></pre>\n')

    def table(self, node: Node) -> None:
        alignments = node.meta.get("alignments") or []
        out = self.out
        out.append("<table>\n")
        for part in node.children:  # thead, tbody
            cell = "th" if part.name == "thead" else "td"
            out.append(f"<{part.name}>\n")
            for row in part.children:
                out.append("<tr>\n")
                for column, data in enumerate(row.children):
                    align = alignments[column] if column < len(alignments) else "none"
                    style = f' style="text-align:{align}"' if align != "none" else ""
                    out.append(f"<{cell}{style}>")
                    self.inline(self.tokens(data.children, data))
                    out.append(f"</{cell}>\n")
                out.append("</tr>\n")
            out.append(f"</{part.name}>\n")
        out.append("</table>\n")

    # --- inline -------------------------------------------------------------------------

    def inline(self, tokens: Sequence[InlineToken]) -> None:
        out = self.out
        removed: list[bool] = []  # of the links open: True when the link was removed
        for token in tokens:
            kind = token.type
            if kind == "text" or kind == "text_special":
                out.append(escape_html(token.content))
            elif kind == "softbreak":
                out.append("\n")
            elif kind == "hardbreak":
                out.append("<br>\n")
            elif kind == "link_open" or kind == "autolink_open":
                removed.append(not self.link_open(token))
            elif kind == "link_close" or kind == "autolink_close":
                if not removed.pop():
                    out.append("</a>")
            elif kind == "code_inline":
                out.append(f"<code>{escape_html(token.content)}</code>")
            elif kind == "image":
                self.image(token)
            elif kind == "html_inline":
                out.append(token.content)
            elif kind == "footnote_ref":
                self.footnote_ref(token)
            else:
                tag, _, edge = kind.rpartition("_")
                out.append(f"<{_TAGS[tag]}>" if edge == "open" else f"</{_TAGS[tag]}>")

    def link_open(self, token: InlineToken) -> bool:
        """Write the start of a link; return False when its URL was removed."""
        meta = token.node.meta
        url = self.check(with_ascii_host(meta["url"]), token.start, "link")
        if url is None:
            return False
        title = meta.get("title")
        attributes = f' title="{escape_html(title)}"' if title else ""
        self.out.append(f'<a href="{escape_html(url)}"{attributes}>')
        return True

    def image(self, token: InlineToken) -> None:
        meta = token.node.meta
        url = self.check(with_ascii_host(meta["url"]), token.start, "image")
        if url is None:  # the label stays, as written
            self.out.append(escape_html(self.clean(token.content)))
            return
        alt = escape_html(label_text(token.node.children))
        title = meta.get("title")
        attributes = f' title="{escape_html(title)}"' if title else ""
        self.out.append(f'<img src="{escape_html(url)}" alt="{alt}"{attributes}>')

    # --- footnotes ----------------------------------------------------------------------

    def footnote_ref(self, token: InlineToken) -> None:
        numbered = self.notes.refs.get(token.start)
        if numbered is None:
            raise CannotWrite("it has a footnote reference markdown-it.rs gave no number")
        number, sub = numbered
        ref_id = f"{number}:{sub}" if sub else f"{number}"
        caption = f"[{number}:{sub}]" if sub else f"[{number}]"
        self.out.append(
            f'<sup class="footnote-ref"><a href="#fn{number}" id="fnref{ref_id}">'
            f"{caption}</a></sup>"
        )

    def footnotes(self) -> None:
        """Write the footnotes section: each referenced note, in the order of their first
        references, with a link back to each reference."""
        notes = self.notes
        if not notes.numbers:
            return
        out = self.out
        out.append('<hr class="footnotes-sep">\n<section class="footnotes">\n')
        out.append('<ol class="footnotes-list">\n')
        self.deeper()
        for identifier, number in sorted(notes.numbers.items(), key=lambda item: item[1]):
            out.append(f'<li id="fn{number}" class="footnote-item">')
            backlinks = "".join(
                f' <a href="#fnref{number}{f":{sub}" if sub else ""}" class="footnote-backref">'
                f"{_FOOTNOTE_BACKREF}</a>"
                for sub in range(max(1, notes.counts.get(number, 0)))
            )
            self.footnote_body(notes.bodies.get(identifier, []), backlinks)
            out.append("</li>\n")
        self.depth -= 1
        out.append("</ol>\n</section>\n")

    def footnote_body(self, blocks: Sequence[Node], backlinks: str) -> None:
        """Write a note's blocks with its back-links inside its last paragraph (after
        its last block when that is no paragraph)."""
        blocks = [node for node in blocks if node.name != "footnote_ref_anchor"]
        if not blocks:  # an empty definition ("[^a]:" and nothing indented after it)
            self.out.append(backlinks)
            return
        if all(node.name in INLINE for node in blocks):  # an inline note
            self.out.append("<p>")
            self.inline(self.tokens(blocks, None))
            self.out.append(f"{backlinks}</p>\n")
            return
        last = blocks[-1]
        for node in blocks[:-1] if last.name == "paragraph" else blocks:
            self.block(node)
        if last.name == "paragraph":
            self.out.append("<p>")
            self.inline(self.tokens(last.children, last))
            self.out.append(f"{backlinks}</p>\n")
        else:
            self.out.append(backlinks)
