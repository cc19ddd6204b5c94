"""Limits on what one Markdown body may hold, checked before it is parsed.

markdown-it.rs (markdown/renderer.py's parser) overflows its stack on tens of
thousands of nested quotes or lists (the process dies with SIGSEGV, which no
``try`` catches), takes time quadratic in the number of link reference
definitions in a row and of emphasis marks in a paragraph, and, like every
parser written to give markdown-it-py's HTML, costs a few microseconds per
link, emphasis mark or line. ``check_body`` is a linear scan, a few
microseconds on a news article, that refuses a body before it is parsed when
it holds more of these than any article needs, so that any body builds in
time linear in its size and 10 MB of anything builds in seconds or fails
with a message naming the line and what is too deep or too many.

No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsgen.markdown.inline import MAX_NESTING

MAX_CHARACTERS = 10_000_000
"""Characters in one body. Besides bounding the time, this bounds nesting made with
indentation alone (a list item per line, each indented deeper): to nest d levels
deep so takes about d² characters, and a few thousand levels are safe."""
MAX_DEPTH = 100
"""Block quotes and list items one line may open (``> > > …``, ``1. 1. 1. …``)."""
MAX_EMPHASIS_IN_PARAGRAPH = 5_000
"""``*``, ``_`` and ``~`` in one paragraph (text between two blank lines)."""
MAX_DEFINITIONS_IN_A_ROW = 1_000
"""Link reference and footnote definitions (``[label]: …``) with no blank line between."""
MAX_DEFINITIONS = 20_000
"""Link reference and footnote definitions in one body."""
MAX_INLINE_NOTES = 1_000
"""Inline footnotes (``^[…]``) in one body."""
MAX_INLINE_NOTES_IN_PARAGRAPH = 3
"""Inline footnotes in one paragraph that markdown-it.rs may parse: it takes time
exponential in the number of them left open (``^[`` with no ``]``), two seconds for
20. A body with more in one paragraph is rendered by markdown-it-py (linear there)."""
MAX_MARKUP = 1_800_000
"""Markup units in one body (see markup_units)."""
REFERENCE_LIMIT = 200_000
"""The longest body (in characters) markdown-it-py renders when markdown-it.rs cannot."""

_WEIGHTS = (
    ("\n", 1),  # a line: a block or a break
    ("*", 1),
    ("~", 1),
    ("[", 1),
    ("\\", 1),
    ("<", 1),
    ("_", 2),
    ("|", 3),  # a table cell
    (">", 2),  # a block quote
    ("-", 2),  # a list item
    ("+", 2),
    (". ", 2),  # an ordered list item
    ("`", 3),  # a code span
    ("&", 3),  # a character reference
    ("\n#", 7),  # a heading
    ("](", 10),  # a link or image
    ("][", 10),  # a reference link
)
"""What each mark counts in markup_units: roughly its cost in rendering, a unit being
1 to 3 µs of CPU (benchmarks/markdown_stress.py measures whole builds)."""
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:|<[^\s<>@]+@")
_AUTOLINK_WEIGHT = 20
_MOST_UNITS_PER_CHARACTER = 8
"""No text holds more markup units than this many per character ("<-@" is 22 in 3)."""
_DEEP_LINE = re.compile(r"\n[ \t>*+\-0-9.)]{" + str(MAX_NESTING + 1) + "}")
"""A line that starts with more than MAX_NESTING characters that may open quotes and lists
(the newline first, so that the search skips ahead to line starts as fast as str.find)."""
_DEEPER_THAN_NESTING = f"a line opens more than {MAX_NESTING} levels of block quotes and lists"
_CROWDED_NOTES = (
    f"a paragraph holds more than {MAX_INLINE_NOTES_IN_PARAGRAPH} inline footnotes (^[…]); "
    "put a blank line between paragraphs, or use [^label] notes"
)
_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t\n]|$))")
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_DEFINITION = "]:"
_EMPHASIS = re.compile(r"[*_~]")


class BodyRefused(Exception):
    """A body holds more than a limit allows: what, and on which line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        """0-based line of the body where the limit is passed."""
        self.message = message
        """What is too deep or too many, the limit, and what to do."""


def check_body(body: str) -> bool:
    """Return whether markdown-it.rs may parse ``body``: False when a line opens more
    than MAX_NESTING quotes and lists (markdown-it-py renders it then). Raise
    BodyRefused naming the first limit the body passes and the line where it does."""
    if len(body) > MAX_CHARACTERS:
        raise BodyRefused(
            0,
            f"the body has {len(body):,} characters, more than the {MAX_CHARACTERS:,} "
            "one body may have; split the article",
        )
    deep_line = _check_depth(body)
    notes = body.count("^[") if "^[" in body else 0
    crowded = _crowded_notes(body, notes) if notes > MAX_INLINE_NOTES_IN_PARAGRAPH else None
    if deep_line is not None:
        refused = reference_refusal(body, _DEEPER_THAN_NESTING)
        if refused is not None:
            raise BodyRefused(deep_line, refused.message)
    if crowded is not None:
        refused = reference_refusal(body, _CROWDED_NOTES)
        if refused is not None:
            raise BodyRefused(crowded, refused.message)
    if len(body) > 2 * MAX_DEFINITIONS_IN_A_ROW:  # a shorter body passes every other limit
        _check_counts(body)
    return deep_line is None and crowded is None


def _check_counts(body: str) -> None:
    """Raise BodyRefused when ``body`` has too many units of markup or definitions, or a
    paragraph with too many definitions or emphasis marks (each count is taken only
    when the body is long enough to pass its limit)."""
    _check_markup(body)
    definitions = body.count(_DEFINITION)
    emphasis = 0
    if len(body) > MAX_EMPHASIS_IN_PARAGRAPH:
        emphasis = body.count("*") + body.count("_") + body.count("~")
    if definitions > MAX_DEFINITIONS_IN_A_ROW or emphasis > MAX_EMPHASIS_IN_PARAGRAPH:
        _check_paragraphs(body)
    if definitions > MAX_DEFINITIONS:
        line = _line_of(body, _nth(body, _DEFINITION, MAX_DEFINITIONS + 1))
        raise BodyRefused(
            line,
            f"more than {MAX_DEFINITIONS:,} link reference and footnote definitions "
            f"([label]: …) in one body; split the article",
        )


def markup_units(body: str) -> int:
    """Return the markup units of ``body``: a line, ``*``, ``~``, ``[``, ``\\`` or ``<``
    counts 1; ``_``, ``>``, ``-``, ``+`` or ``. `` 2; ``|``, a backtick or ``&`` 3; a line
    starting with ``#`` 7 more; a link or image 10; an autolink 20."""
    units = sum(body.count(mark) * weight for mark, weight in _WEIGHTS)
    if "<" in body:
        units += _AUTOLINK_WEIGHT * sum(1 for _ in _AUTOLINK.finditer(body))
    return units


def reference_refusal(body: str, reason: str) -> BodyRefused | None:
    """Return the BodyRefused for a body markdown-it.rs cannot render (``reason`` says
    why) when it is too long for markdown-it-py too; None when markdown-it-py may."""
    if len(body) <= REFERENCE_LIMIT:
        return None
    return BodyRefused(
        0,
        f"{reason}, and at {len(body):,} characters the body is too long for the "
        f"slower parser that renders such bodies (at most {REFERENCE_LIMIT:,}); "
        "split the article",
    )


def _check_depth(body: str) -> int | None:
    """Return the 0-based line of the first line that opens more than MAX_NESTING quotes
    and lists (None when none does); raise BodyRefused at one that opens more than
    MAX_DEPTH."""
    first = None
    at = 0 if _DEEP_LINE.match("\n" + body[: 4 * MAX_NESTING]) else _next_line(body, 0)
    while at != -1:
        depth = _depth_at(body, at)
        if depth > MAX_DEPTH:
            raise BodyRefused(
                _line_of(body, at),
                f"a line opens more than {MAX_DEPTH} levels of block quotes and lists "
                f"(> or list markers at its start); at most {MAX_DEPTH} are allowed",
            )
        if depth > MAX_NESTING and first is None:
            first = _line_of(body, at)
        at = _next_line(body, at)
    return first


def _next_line(body: str, at: int) -> int:
    """Return where the next line after ``at`` that may open more than MAX_NESTING levels
    starts (-1: none does)."""
    found = _DEEP_LINE.search(body, at)
    return found.start() + 1 if found is not None else -1


def _depth_at(body: str, at: int) -> int:
    """Return how many quotes and list items the line starting at ``at`` opens, up to
    one more than MAX_DEPTH."""
    depth = 0
    while depth <= MAX_DEPTH and (found := _CONTAINER.match(body, at)) is not None:
        depth += 1
        at = found.end()
    return depth


def _crowded_notes(body: str, notes: int) -> int | None:
    """Return the 0-based line of the first paragraph of ``body`` holding more than
    MAX_INLINE_NOTES_IN_PARAGRAPH inline footnotes (None when none does). Raise
    BodyRefused when the body has more than MAX_INLINE_NOTES in all."""
    if notes > MAX_INLINE_NOTES:
        raise BodyRefused(
            _line_of(body, _nth(body, "^[", MAX_INLINE_NOTES + 1)),
            f"more than {MAX_INLINE_NOTES:,} inline footnotes (^[…]) in one body",
        )
    for start, end in _paragraphs(body):
        if body.count("^[", start, end) > MAX_INLINE_NOTES_IN_PARAGRAPH:
            return _line_of(body, _nth(body, "^[", MAX_INLINE_NOTES_IN_PARAGRAPH + 1, start))
    return None


def _check_markup(body: str) -> None:
    if len(body) * _MOST_UNITS_PER_CHARACTER <= MAX_MARKUP:
        return
    units = markup_units(body)
    if units > MAX_MARKUP:
        raise BodyRefused(
            0,
            f"the body holds {units:,} units of markup (a line, an emphasis mark or a "
            "bracket counts 1, a list item or quote 2, a table cell 3, a code span 6, a "
            f"heading 8, a link 10), more than the {MAX_MARKUP:,} one body may hold; "
            "split the article",
        )


def _check_paragraphs(body: str) -> None:
    """Raise BodyRefused at the first paragraph (text between blank lines) with too many
    definitions in a row or emphasis marks."""
    for start, end in _paragraphs(body):
        definitions = body.count(_DEFINITION, start, end)
        if definitions > MAX_DEFINITIONS_IN_A_ROW:
            line = _line_of(body, _nth(body, _DEFINITION, MAX_DEFINITIONS_IN_A_ROW + 1, start))
            raise BodyRefused(
                line,
                f"more than {MAX_DEFINITIONS_IN_A_ROW:,} link reference and footnote "
                "definitions ([label]: …) without a blank line between them; "
                "put a blank line between every few hundred",
            )
        emphasis = sum(body.count(mark, start, end) for mark in "*_~")
        if emphasis > MAX_EMPHASIS_IN_PARAGRAPH:
            marks = _EMPHASIS.finditer(body, start, end)
            for _ in range(MAX_EMPHASIS_IN_PARAGRAPH):
                next(marks)
            raise BodyRefused(
                _line_of(body, next(marks).start()),
                f"more than {MAX_EMPHASIS_IN_PARAGRAPH:,} emphasis marks (*, _ or ~) in "
                "one paragraph; add blank lines between paragraphs or escape the marks",
            )


def _paragraphs(body: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each stretch of ``body`` between blank lines: no
    paragraph, list item or definition block of the parse runs past one."""
    start = 0
    for blank in _BLANK_LINE.finditer(body):
        yield start, blank.start()
        start = blank.end()
    yield start, len(body)


def _nth(text: str, needle: str, count: int, start: int = 0) -> int:
    """Return where the ``count``-th ``needle`` at or after ``start`` begins."""
    at = start - 1
    for _ in range(count):
        at = text.find(needle, at + 1)
    return at


def _line_of(text: str, offset: int) -> int:
    """Return the 0-based line of ``offset`` in ``text``."""
    return text.count("\n", 0, max(offset, 0))
