"""WordPress HTML (classic editor and block editor) to clean Markdown.

html_to_markdown() turns a post's stored HTML into the Markdown of an article
body: paragraphs (WordPress's own rule: a blank line makes one, when the post
has no ``<p>``), headings, lists, quotes and pull quotes, images and figures
with their captions (``![alt](src "Caption")``), ``[caption]`` shortcodes,
galleries, embeds (a link to what was embedded), tables, code, emphasis and
links. What a static page must not carry is removed, each with a Note:
scripts, styles, iframes, forms, event attributes (never copied: no
attribute is, but ``href``, ``src``, ``alt`` and ``title``) and links whose
scheme is not http(s), mailto or a site path. Block-editor comments
(``<!-- wp:... -->``) are markup, not text: they go. No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from newsgen.importer.imported import Note, NoteKind
from newsgen.sanitize import is_readable_url

REMOVED = frozenset({"script", "style", "iframe", "object", "embed", "form", "noscript", "svg"})
"""Elements dropped with their content, each with a note."""
SILENT = frozenset({"input", "button", "select", "textarea", "template", "head", "title", "meta"})
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col"})
BLOCKS = frozenset(
    {"p", "div", "section", "article", "aside", "header", "footer", "main", "figure", "figcaption",
     "blockquote", "ul", "ol", "li", "table", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
     "dl", "dt", "dd", "address", "center", "html", "body"}
)  # fmt: skip
SAFE_SCHEMES = ("http", "https", "mailto")
MAX_DEPTH = 64
"""Elements nested deeper than this are read as if they were not there (their text is
kept): the writer walks the tree recursively, and no post nests 64 deep."""
SHORTCODES = frozenset(
    {"gallery", "audio", "video", "playlist", "embed", "caption", "wp_caption", "more",
     "contact-form", "contact-field", "googlemaps", "youtube", "vimeo", "soundcloud",
     "twitter", "tweet", "instagram", "slideshow", "polldaddy", "archives", "sitemap",
     "wpvideo", "code", "sourcecode", "latex", "recipe", "portfolio", "gravityform"}
)  # fmt: skip
"""Shortcodes of WordPress and its common plugins, which made markup when a page was
served: removed with a note. Other words in brackets are text."""
_SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)(\s[^\]]*)?\]")
_ATTRIBUTE = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_SPECIAL = re.compile(r"([\\`*_\[\]<>~])|&(?=#?\w+;)")
_LINE_START = re.compile(r"^(?:[#>+=-]|\d{1,9}[.)](?=\s|$))")


@dataclass
class Node:
    """An element of the post's HTML, or text (``tag`` empty)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""
    line: int = 1


@dataclass(frozen=True, slots=True)
class Converted:
    """A post's body as Markdown, with what was left out of it."""

    markdown: str
    notes: tuple[Note, ...]
    images: tuple[str, ...]
    """The ``src`` of every image the body shows, in order."""


def html_to_markdown(html: str, line: int = 1) -> Converted:
    """Return ``html`` (a post's ``content:encoded``) as Markdown; ``line`` is where the
    post starts in its file, for the notes."""
    root = _parse(_expand_shortcodes(html))
    writer = _Writer(line)
    blocks = writer.blocks(root.children)
    text = "\n\n".join(block for block in blocks if block.strip())
    return Converted(text.strip() + "\n" if text.strip() else "", tuple(writer.notes),
                     tuple(writer.images))  # fmt: skip


def _expand_shortcodes(html: str) -> str:
    """Return ``html`` with WordPress's ``[caption]`` and ``[embed]`` shortcodes as the
    HTML they stand for (a figure, a link); other shortcodes are kept as text for the
    writer to note."""

    def caption(match: re.Match[str]) -> str:
        inner = match.group(1)
        image = re.search(r"<img[^>]*>", inner)
        rest = re.sub(r"<a[^>]*>\s*(<img[^>]*>)\s*</a>|<img[^>]*>", "", inner, count=1).strip()
        return f"<figure>{image.group(0) if image else ''}<figcaption>{rest}</figcaption></figure>"

    html = re.sub(r"\[caption[^\]]*\](.*?)\[/caption\]", caption, html, flags=re.S)
    return re.sub(
        r"\[embed[^\]]*\](.*?)\[/embed\]", r'<p><a href="\1">\1</a></p>', html, flags=re.S
    )


class _Builder(HTMLParser):
    """Builds a Node tree, forgiving the HTML that editors write."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":  # a <p> ends an open one, as browsers do
            self._close("p", stop=BLOCKS - {"p"})
        if tag == "li":
            self._close("li", stop=frozenset({"ul", "ol"}))
        if len(self.stack) > MAX_DEPTH and tag not in VOID:
            return  # flattened: its content goes to the element MAX_DEPTH deep
        node = Node(tag, {k: v or "" for k, v in attrs}, line=self.getpos()[0])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("", text=data, line=self.getpos()[0]))

    def _close(self, tag: str, stop: frozenset[str] = frozenset()) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            current = self.stack[depth].tag
            if current == tag:
                del self.stack[depth:]
                return
            if current in stop:
                return


def _parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


class _Writer:
    """Writes Markdown blocks of a Node tree, keeping notes of what it leaves out."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.notes: list[Note] = []
        self.images: list[str] = []

    def note(self, node: Node, text: str, kind: NoteKind = NoteKind.DROPPED) -> None:
        self.notes.append(Note(self.line + node.line - 1, kind, text))

    def blocks(self, nodes: list[Node]) -> list[str]:
        """Return the Markdown blocks of ``nodes``: runs of inline content become
        paragraphs (split at blank lines, as WordPress's wpautop does)."""
        out: list[str] = []
        inline: list[Node] = []

        def flush() -> None:
            if inline:
                out.extend(self._paragraphs(inline))
                inline.clear()

        for node in nodes:
            if node.tag in BLOCKS or node.tag in REMOVED:
                flush()
                out.extend(self.block(node))
            else:
                inline.append(node)
        flush()
        return out

    def block(self, node: Node) -> list[str]:
        tag = node.tag
        if tag in REMOVED:
            self.note(node, f"removed <{tag}>: a static page does not run or frame it")
            return []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = max(2, min(int(tag[1]), 4))
            text = _folded(self.inline(node.children)).replace("\\\n", " ")
            return [f"{'#' * level} {text}"] if text else []
        if tag in ("ul", "ol"):
            return [self._list(node)]
        if tag == "blockquote":
            inner = self.blocks(node.children)
            return ["\n>\n".join(_quoted(block) for block in inner)] if inner else []
        if tag == "pre":
            code = _text_of(node).strip("\n")
            fence = "~~~" if "```" in code else "```"
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "hr":
            return ["---"]
        if tag == "figure":
            return self._figure(node)
        if tag == "table":
            return [self._table(node)]
        return self.blocks(node.children)  # p, div, section ...: their content

    def inline(self, nodes: list[Node]) -> str:
        return "".join(self._inline(node) for node in nodes)

    def _inline(self, node: Node) -> str:
        tag = node.tag
        if not tag:
            text = _SHORTCODE.sub(lambda found: self._shortcode(found, node), node.text)
            return _escaped(_spaced(text))
        if tag in REMOVED:
            self.note(node, f"removed <{tag}>: a static page does not run or frame it")
            return ""
        if tag in SILENT:
            return ""
        inner = self.inline(node.children)
        if tag in ("strong", "b"):
            return _wrapped("**", inner)
        if tag in ("em", "i", "cite"):
            return _wrapped("*", inner)
        if tag in ("del", "s", "strike"):
            return _wrapped("~~", inner)
        if tag == "code":
            code = _text_of(node)
            ticks = "``" if "`" in code else "`"
            return f"{ticks}{code}{ticks}" if code.strip() else ""
        if tag == "br":
            return "\\\n"
        if tag == "a":
            return self._link(node, inner)
        if tag == "img":
            return self._image(node)
        return inner

    def _link(self, node: Node, inner: str) -> str:
        href = node.attrs.get("href", "").strip()
        if not inner.strip():
            return ""
        if not href or href.startswith("#"):
            return inner
        scheme = href.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][\w+.-]*:", href) else ""
        if scheme and scheme not in SAFE_SCHEMES:
            self.note(node, f"removed a link to {scheme}: (kept its text)")
            return inner
        if not is_readable_url(href):
            self.note(node, f"removed a link to an address no browser can read: {href[:80]}")
            return inner
        return f"[{inner}](<{href}>)" if " " in href else f"[{inner}]({href})"

    def _image(self, node: Node, caption: str = "") -> str:
        src = node.attrs.get("src", "").strip()
        scheme = src.split(":", 1)[0].lower() if ":" in src.split("/", 1)[0] else ""
        if not src or (scheme and scheme not in ("http", "https")) or not is_readable_url(src):
            self.note(node, "removed an image with no usable address", NoteKind.NOT_PLACED)
            return ""
        self.images.append(src)
        alt = _escaped(node.attrs.get("alt", "").strip())
        title = f' "{caption}"' if caption else ""
        return f"![{alt}]({src}{title})"

    def _figure(self, node: Node) -> list[str]:
        images = _all(node, "img")
        caption_node = next(iter(_all(node, "figcaption")), None)
        caption = self.inline(caption_node.children).strip() if caption_node else ""
        caption = caption.replace('"', "'").replace("\n", " ")
        if images:
            made = [self._image(image, caption if len(images) == 1 else "") for image in images]
            shown = [image for image in made if image]
            if len(images) > 1 and caption:
                shown.append(caption)
            return ["\n\n".join(shown)] if shown else []
        links = [a.attrs.get("href", "") for a in _all(node, "a")]
        if "wp-block-embed" in node.attrs.get("class", "") or not links:
            url = _text_of(node).strip().split()[0] if _text_of(node).strip() else ""
            if url.startswith(("http://", "https://")):
                return [f"[{_escaped(url)}]({url})" + (f"\n\n{caption}" if caption else "")]
        return self.blocks([child for child in node.children if child is not caption_node])

    def _list(self, node: Node, depth: int = 0) -> str:
        lines = []
        ordered = node.tag == "ol"
        start = int(node.attrs.get("start", "1")) if node.attrs.get("start", "").isdigit() else 1
        for number, item in enumerate((c for c in node.children if c.tag == "li"), start):
            marker = f"{number}." if ordered else "-"
            nested = [c for c in item.children if c.tag in ("ul", "ol")]
            text = self.inline([c for c in item.children if c not in nested]).strip()
            lines.append("   " * depth + f"{marker} {text}")
            lines += [self._list(inner, depth + 1) for inner in nested]
        return "\n".join(lines)

    def _table(self, node: Node) -> str:
        rows = [row for row in _all(node, "tr")]
        cells = [[self.inline(c.children).strip().replace("|", "\\|").replace("\n", " ")
                  for c in row.children if c.tag in ("td", "th")] for row in rows]  # fmt: skip
        cells = [row for row in cells if row]
        if not cells:
            return ""
        width = max(len(row) for row in cells)
        cells = [row + [""] * (width - len(row)) for row in cells]
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
        return "\n".join(lines)

    def _paragraphs(self, nodes: list[Node]) -> list[str]:
        text = self.inline(nodes)
        parts = re.split(r"\n\s*\n", text)
        return [_line_safe(_folded(part)) for part in parts if part.strip()]

    def _shortcode(self, match: re.Match[str], near: Node) -> str:
        if match.group(2) not in SHORTCODES:
            return match.group(0)
        self.note(near, f"removed the shortcode [{match.group(1)}{match.group(2)}]: "
                  "WordPress made it when the page was served", NoteKind.NOT_PLACED)  # fmt: skip
        return ""


def _all(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.children:
        if child.tag == tag:
            found.append(child)
        found += _all(child, tag)
    return found


def _text_of(node: Node) -> str:
    return node.text if not node.tag else "".join(_text_of(child) for child in node.children)


def _spaced(text: str) -> str:
    """Text with runs of spaces and tabs as one space; newlines kept (they may be blank
    lines that separate paragraphs)."""
    return re.sub(r"[ \t\r\f\v]+", " ", text)


def _escaped(text: str) -> str:
    return _SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), text)


def _wrapped(mark: str, inner: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _folded(text: str) -> str:
    """White space folded to single spaces, but for the hard breaks (a backslash before
    a newline) that ``<br>`` made between lines of text."""
    lines = (" ".join(line.split()) for line in text.split("\\\n"))
    return "\\\n".join(line for line in lines if line)  # no break at an end, none doubled


def _line_safe(text: str) -> str:
    """Escape what would make a paragraph's start a heading, quote or list item."""
    match = _LINE_START.match(text)
    if not match:
        return text
    end = match.end() - 1 if match.group(0)[0].isdigit() else 0
    return text[:end] + "\\" + text[end:]


def _quoted(block: str) -> str:
    return "\n".join("> " + line if line else ">" for line in block.splitlines())
