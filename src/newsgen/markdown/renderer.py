"""The configured Markdown renderer: CommonMark plus the extensions a newsroom needs.

Bodies are parsed by markdown-it.rs (the ``markdown-it-pyrs`` package: the
markdown-it parser in Rust, ten times faster than markdown-it-py on a news
article, whose parsing was most of a cold build) and written as HTML by
markdown/html.py as markdown-it-py writes the same tokens. A body markdown-it.rs
cannot parse (it panics on some malformed input), parses otherwise than
markdown-it-py (parsed_otherwise) or that nests deeper than MAX_NESTING is
rendered by markdown-it-py itself (markdown/reference.py). Before any of this,
markdown/guard.py refuses a body that would crash or stall a parser.

No I/O: render_markdown() takes the body text and returns HTML and plain text.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

try:  # a wheel for every common platform; elsewhere markdown-it-py renders every body
    import markdown_it_pyrs
except ImportError:  # pragma: no cover - depends on the platform
    markdown_it_pyrs = None

from newsgen.markdown.guard import REFERENCE_LIMIT, check_body, reference_refusal
from newsgen.markdown.html import write_html
from newsgen.markdown.inline import MAX_NESTING, CannotWrite
from newsgen.sanitize import article_link, is_readable_url, is_safe_url

SUMMARY_LENGTH = 300
RENDERING = 2
"""Raised whenever the HTML newsgen writes for some body changes, so that no cached
article keeps the old (2: hosts percent-encoded as markdown-it-py writes them, bodies
past markdown/guard.py's limits refused)."""
ENGINE = (
    f"markdown-it-pyrs {getattr(markdown_it_pyrs, '__version__', '?')}"
    if markdown_it_pyrs is not None
    else "markdown-it-py"
) + f", rendering {RENDERING}"
"""The parser and its version, and RENDERING: a part of the article cache's key."""

_RULES = (
    "blockquote",
    "code",
    "fence",
    "heading",
    "hr",
    "lheading",
    "list",
    "paragraph",
    "reference",
    "autolink",
    "backticks",
    "emphasis",
    "entity",
    "escape",
    "image",
    "link",
    "newline",
    "table",
    "strikethrough",
    "footnote",
)
"""CommonMark with tables, strikethrough and footnotes. Typographic quotes and dashes
are markdown/html.py's (markdown/typography.py), not the parser's."""
_HTML_RULES = ("html_block", "html_inline")


def _letter(letter: str) -> str:
    """Return a pattern for ``letter`` (in a case-insensitive pattern), also written as a
    character reference of either case."""
    codes = (ord(letter.lower()), ord(letter.upper()))
    return f"(?:{letter}|" + "|".join(f"&#0*{code};|&#x0*{code:x};" for code in codes) + ")"


_REFUSED = ("javascript", "vbscript", "file", "data")
_REFUSED_SCHEME = re.compile(
    r"(?<![a-z0-9+.\-])(?:"
    + "|".join("".join(map(_letter, name)) for name in _REFUSED)
    + r")(?=:|&#0*58;|&#x0*3a;|&colon;|\\:)",
    re.IGNORECASE,
)
"""A scheme markdown-it.rs refuses to make a link of (its link check), wherever a link
destination could start with it. Such a link would stay Markdown text with no word to
the editor; marked (see _Marked), it is parsed as a link, and removed with a warning."""


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """An article body turned into HTML."""

    html: str
    """The body as HTML; raw HTML in the source is escaped unless the site allows it."""
    first_paragraph: str
    """The first paragraph as plain text (empty when the body has none)."""
    removed_links: tuple[tuple[int, str], ...] = ()
    """``(line, url)`` of each link or image removed for an unsafe scheme or a URL that
    cannot be read (links.is_readable_url); 0-based body lines."""
    article_links: tuple[tuple[int, str], ...] = ()
    """``(line, target)`` of each link to an article's ``.md`` file, target relative to
    ``content/``; its ``href`` is ``newsgen-ref:TARGET`` until the build resolves it."""


@dataclass(frozen=True, slots=True)
class Markdown:
    """A configured Markdown parser (make_markdown)."""

    parser: Any
    """A ``markdown_it_pyrs.MarkdownIt``; None where that package is missing."""
    unsafe_html: bool
    typographer: bool = True
    """Typographic quotes, dashes and symbols (markdown/typography.py)."""


def make_markdown(unsafe_html: bool = False, typographer: bool = True) -> Markdown:
    """Return the Markdown parser for newsgen articles.

    CommonMark with tables, strikethrough, footnotes, typographic quotes and
    dashes (unless ``typographer`` is False), and ``id`` anchors on headings.
    Raw HTML is escaped (shown as text) unless ``unsafe_html`` is True.
    """
    rules = [*_RULES, *_HTML_RULES] if unsafe_html else list(_RULES)
    parser = (
        markdown_it_pyrs.MarkdownIt("zero").enable_many(rules)
        if markdown_it_pyrs is not None
        else None
    )
    return Markdown(parser, unsafe_html, typographer)


def render_markdown(md: Markdown, body: str, folder: str = "") -> RenderedBody:
    """Render ``body`` with ``md``; return its HTML and first paragraph as text.

    ``folder`` is the article's folder relative to ``content/``: relative
    links to ``.md`` files are resolved from it and marked for the build.
    Raises BodyRefused (markdown/guard.py) when the body passes a limit on its
    nesting, definitions, emphasis or markup, or when markdown-it.rs cannot
    render it and it is too long for markdown-it-py.
    """
    deep = not check_body(body)  # too deep for html.py (and not too long for the reference)
    if deep or (len(body) <= REFERENCE_LIMIT and parsed_otherwise(md, body)):
        return render_by_reference(md, body, folder)
    try:
        return render_fast(md, body, folder)
    except Unparsable as error:
        refused = reference_refusal(body, error.reason) if md.parser is not None else None
        if refused is not None:
            raise refused from error
        return render_by_reference(md, body, folder)


_TOO_DEEP = f"it nests quotes, lists, notes, links or emphasis more than {MAX_NESTING} levels deep"
_PANICKED = (
    "markdown-it.rs cannot parse it (it fails on some malformed input, such as [ "
    "before an unclosed `)"
)


class Unparsable(Exception):
    """markdown-it.rs cannot parse a body (it panicked), or it nests too deep."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        """Why, as a clause for a message ("it nests more than 10 levels deep")."""


_WIDE_COLON = re.compile(r"\]:(?:[ \t]{4}|[ \t]{0,3}\t)")
"""The colon of a label followed by four columns or more of white space."""
_NOTE_LABEL = re.compile(r"[ \t>]*\[\^[^\]\s]+")
"""What comes before that colon when it ends a footnote definition's label."""


def parsed_otherwise(md: Markdown, body: str) -> bool:
    """Return True when ``body`` holds what markdown-it.rs parses otherwise than
    markdown-it-py: a footnote definition whose text starts four or more columns after
    the colon (a paragraph to mdit-py-plugins, code to markdown-it.rs), or, with raw HTML
    allowed, an HTML comment of CommonMark 0.31 that 0.30 did not have (``<!-->``,
    ``<!--->``, ``<!-- a -- b -->``). A few microseconds when it has neither."""
    if "[^" in body and _has_wide_note(body):
        return True
    return md.unsafe_html and "<!--" in body and _has_new_comment(body)


def _has_wide_note(body: str) -> bool:
    """Return True when a footnote definition's text starts four or more columns after
    its colon. Linear: only the first such colon on a line is looked at (a later one
    has a ``]`` before it, which no label holds), and the newline before a colon is
    searched for back to the previous colon only."""
    previous, tested = 0, False
    for found in _WIDE_COLON.finditer(body):
        newline = body.rfind("\n", previous, found.start())
        previous = found.start()
        if newline == -1 and tested:  # on the line of the previous colon
            continue
        tested = True
        if _NOTE_LABEL.fullmatch(body, newline + 1, found.start()):
            return True
    return False


def _has_new_comment(body: str) -> bool:
    """Return True when ``body`` has an HTML comment that CommonMark 0.31 allows and 0.30
    did not: one that is ``<!-->`` or ``<!--->``, or whose text holds ``--`` or ends
    with ``-``. Linear: each comment is searched for once."""
    at = body.find("<!--")
    while at != -1:
        if body.startswith((">", "->"), at + 4):
            return True
        end = body.find("-->", at + 4)
        if end == -1:
            return False
        text = body[at + 4 : end]
        if "--" in text or text.endswith("-"):
            return True
        at = body.find("<!--", end + 3)
    return False


def render_fast(md: Markdown, body: str, folder: str = "") -> RenderedBody:
    """Render ``body`` as render_markdown does, with markdown-it.rs and markdown/html.py.

    Raises Unparsable when markdown-it.rs fails on it or it nests deeper than
    MAX_NESTING, or is not installed.
    """
    if md.parser is None:
        raise Unparsable("markdown-it-pyrs is not installed")
    marked = _Marked.of(body)
    source = marked.text.encode("utf-8")
    links = _LinkRules(folder, _Lines(source), marked.clean)
    try:
        tree = _parse(md.parser, marked.text)
        written = write_html(tree, links.check, source, marked.clean, md.typographer)
    except CannotWrite as error:
        raise Unparsable(str(error) or _TOO_DEEP) from error
    return RenderedBody(
        marked.clean(written.html),
        written.first_paragraph,
        tuple(links.removed),
        tuple(links.article_links),
    )


def render_by_reference(md: Markdown, body: str, folder: str = "") -> RenderedBody:
    """Render ``body`` as render_markdown does, with markdown-it-py (markdown/reference.py)."""
    from newsgen.markdown.reference import render_reference  # imported only when needed

    html, first, removed, article_links = render_reference(
        _reference(md.unsafe_html, md.typographer), body, folder
    )
    return RenderedBody(html, first, tuple(removed), tuple(article_links))


def _parse(parser: Any, text: str) -> Any:
    """Return the tree of ``text``; raise Unparsable when markdown-it.rs fails on it (a
    Rust panic: its bug, not the body's)."""
    with _quiet_stderr():
        try:
            return parser.tree(text)
        except Exception as error:
            raise Unparsable(_PANICKED) from error
        except BaseException as error:  # a Rust panic is a BaseException
            if type(error).__name__ != "PanicException":
                raise
            raise Unparsable(_PANICKED) from error


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send what is written to the standard error file meanwhile nowhere: a Rust panic
    prints its message there before Python sees an exception (0.6 µs)."""
    saved = os.dup(2)
    os.dup2(_devnull(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@functools.cache
def _devnull() -> int:
    return os.open(os.devnull, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))


@functools.lru_cache(maxsize=4)
def _reference(unsafe_html: bool, typographer: bool) -> Any:
    from newsgen.markdown.reference import make_reference

    return make_reference(unsafe_html, typographer)


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


def _may_name_refused_scheme(body: str) -> bool:
    """Return False when ``body`` cannot hold a match of _REFUSED_SCHEME: a quick test
    for its words before a colon (the pattern takes ~0.1 ms on an article, this ~10 µs)."""
    if "&#" in body or "&colon;" in body or "\\:" in body:
        return True
    lowered = body.lower()
    return any(f"{scheme}:" in lowered for scheme in _REFUSED)


@dataclass(frozen=True, slots=True)
class _Marked:
    """A body with a mark before each scheme markdown-it.rs refuses (_REFUSED_SCHEME), so
    that a link with one is parsed as a link; ``clean`` takes the marks out again."""

    text: str
    mark: str
    """Letters, digits and hyphens found nowhere in the body ("" when none is needed):
    to the parser a word like any other, so nothing else parses differently."""

    @classmethod
    def of(cls, body: str) -> _Marked:
        """Return ``body`` marked (unchanged when it names no refused scheme)."""
        if not _may_name_refused_scheme(body) or _REFUSED_SCHEME.search(body) is None:
            return cls(body, "")
        number = 0
        while f"x-newsgen{number}-" in body:
            number += 1
        mark = f"x-newsgen{number}-"
        return cls(_REFUSED_SCHEME.sub(lambda found: mark + found.group(0), body), mark)

    def clean(self, text: str) -> str:
        """Return ``text`` (from the parse) without the marks."""
        return text.replace(self.mark, "") if self.mark else text


class _Lines:
    """Line numbers of byte offsets in a UTF-8 body."""

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._starts: list[int] | None = None

    def line(self, offset: int) -> int:
        """Return the 0-based line holding byte ``offset`` (0 when it is unknown)."""
        if offset < 0:
            return 0
        if self._starts is None:
            self._starts = [found.end() for found in re.finditer(b"\n", self._source)]
        return bisect.bisect_right(self._starts, offset)


class _LinkRules:
    """Decides each link's URL: unsafe schemes removed, links to ``.md`` files marked."""

    def __init__(self, folder: str, lines: _Lines, clean: Callable[[str], str]) -> None:
        self.folder = folder
        self.lines = lines
        self.clean = clean
        self.removed: list[tuple[int, str]] = []
        self.article_links: list[tuple[int, str]] = []

    def check(self, url: str, offset: int, kind: str) -> str | None:
        """Return the URL to write for a link (or image) to ``url`` starting at byte
        ``offset``, or None to remove it."""
        url = self.clean(url)
        if not is_safe_url(url) or not is_readable_url(url):
            self.removed.append((self.lines.line(offset), url))
            return None
        linked = article_link(url, self.folder) if kind == "link" else None
        if linked is None:
            return url
        self.article_links.append((self.lines.line(offset), linked[0]))
        return linked[1]
