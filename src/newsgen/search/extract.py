"""What the search index holds of a rendered page, read from the marks the theme puts
in its HTML (the ``data-pagefind-*`` attributes Pagefind reads, kept so that themes
mark pages for newsgen's own index as they did for Pagefind's):

- ``data-pagefind-body``: the elements whose text is searched; a page without one
  is not indexed;
- ``data-pagefind-ignore``: an element whose text is not searched (nor is that of
  ``nav``, ``footer``, forms and the like);
- ``data-pagefind-meta="title"``: the element whose text is the result's headline
  (``name:value`` gives a value outright); ``date`` gives the shown date;
- ``data-pagefind-filter="section"`` (the element's text) or ``"year:2024"``: the
  values the search page filters by;
- ``data-pagefind-sort="date:ISO 8601"``: the date results are sorted by.

The standfirst a result shows is the page's meta description (its first 300
characters of text without one).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

from newsgen.search.shard import SearchPage

_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
)
_SHOWN_CHARACTERS = 300
_NEVER_TEXT = frozenset({"nav", "footer", "form", "svg", "noscript", "select"})
"""Elements whose text is never searched, as Pagefind never read it (navigation, the
footer, forms)."""
_HIDING = (
    ("<script", "</script"),
    ("<style", "</style"),
    ("<template", "</template"),
    ("<!--", "-->"),
)
_DESCRIPTION = re.compile(r'<meta\s+name="description"\s+content="([^"]*)"')
_TOKEN = re.compile(
    r"<(?:!--"  # a comment: its end is found with str.find, never by backtracking
    r"|(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)",  # a tag
)
_RAW = frozenset({"script", "style", "template"})
"""Elements whose content is never text nor tags: skipped to their end tag."""
_DEEPEST_CLOSE = 64
"""How far down the open elements an end tag looks for its element (an end tag of
none of them is ignored): HTML that never closes its tags costs no more than this
a tag."""
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


@dataclass(eq=False)
class _Open:
    """An element open while reading: its name, whether its text is searched, and the
    marks (kind, name) that take its text. Each is itself only (compared by identity:
    two elements alike are still two, as ``marks.taking.remove()`` needs)."""

    name: str
    searched: bool
    ignored: bool
    taking: list[tuple[str, str]]
    text: list[str] = field(default_factory=list)


@dataclass
class _Marks:
    """What the marks of one page give: its searched text, and the values marked."""

    text: list[str] = field(default_factory=list)
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    bodies: int = 0
    taking: list[_Open] = field(default_factory=list)
    """The open elements whose text a mark takes."""


def search_page(html: str, url: str) -> SearchPage | None:
    """Return what the index holds of the page ``html`` at ``url``; None when nothing of
    it is marked for searching."""
    first = _first_mark(html)
    if first < 0:
        return None
    marks = _read(html, html.rfind("<", 0, first))
    if not marks.bodies:
        return None
    text = " ".join(unescape("".join(marks.text)).split())
    description = _DESCRIPTION.search(html, 0, first)
    shown = " ".join(unescape(description[1]).split()) if description else ""
    filters = tuple(
        sorted((name, v) for (kind, name), v in marks.values.items() if kind == "filter")
    )
    title = marks.values.get(("meta", "title"), "")
    meta = tuple(
        sorted((n, v) for (kind, n), v in marks.values.items() if kind == "meta" and n != "title")
    )
    date = _date(marks.values.get(("sort", "date")))
    return SearchPage(url, title, date, filters, shown or _shortened(text), text, meta)


def _first_mark(html: str) -> int:
    """Return where the first mark outside scripts, styles and comments is, or -1."""
    lowered = _lowered(html)
    at = lowered.find("data-pagefind")
    while at >= 0:
        hidden = _hidden_until(lowered, at)
        if hidden is None:
            return at
        at = lowered.find("data-pagefind", hidden)
    return -1


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lowered(html: str) -> str:
    """Return ``html`` in lower case letter for letter, so that a place in it is the same
    place in ``html``. str.lower() makes two letters of one only for "İ" (U+0130, as in
    "İstanbul"); a page with one is lowered in ASCII only, as HTML's names are (a
    Turkish page was read from the wrong place, and its article left unindexed)."""
    return html.translate(_ASCII_LOWER) if "\u0130" in html else html.lower()


def _hidden_until(lowered: str, at: int) -> int | None:
    """Return where the script, style or comment holding position ``at`` ends (the end
    of the text when it does not); None when ``at`` is in none."""
    for opening, closing in _HIDING:
        start = lowered.rfind(opening, 0, at)
        if start >= 0 and lowered.find(closing, start, at) < 0:
            end = lowered.find(closing, at)
            return len(lowered) if end < 0 else end
    return None


def _shortened(text: str) -> str:
    """Return the first _SHOWN_CHARACTERS of ``text``, cut after a whole word."""
    if len(text) <= _SHOWN_CHARACTERS:
        return text
    return text[: _SHOWN_CHARACTERS + 1].rsplit(" ", 1)[0] + "…"


def _read(html: str, start: int) -> _Marks:
    """Return the marks of ``html`` from ``start`` on (the tag of the first mark).
    Linear in the length of ``html``: each comment and raw element is skipped with one
    search for its end, and the rest of the page is dropped when there is none."""
    marks = _Marks()
    stack: list[_Open] = []
    at = start
    while (token := _TOKEN.search(html, at)) is not None:
        _text(html[at : token.start()], stack, marks)
        at = token.end()
        name = token.group(2)
        if name is None:  # a comment
            end = html.find("-->", at)
            if end < 0:
                break
            at = end + 3
            continue
        name = name.lower()
        if token.group(1):
            _close(name, stack, marks)
            past_bodies = marks.bodies and not (stack and stack[-1].searched)
            if past_bodies and html.find("data-pagefind", at) < 0:  # no mark left to read
                break
        elif name in _RAW:
            end = re.compile(f"</{name}\\s*>", re.I).search(html, at)
            if end is None:
                break
            at = end.end()
        else:
            _open(name, token.group(3), stack, marks)
    else:
        _text(html[at:], stack, marks)
    while stack:
        _close(stack[-1].name, stack, marks)
    return marks


def _text(text: str, stack: list[_Open], marks: _Marks) -> None:
    if not text:
        return
    for element in marks.taking:
        element.text.append(text)
    if stack and stack[-1].searched and not stack[-1].ignored:
        marks.text.append(text)


def _open(name: str, attributes: str, stack: list[_Open], marks: _Marks) -> None:
    searched, ignored = (stack[-1].searched, stack[-1].ignored) if stack else (False, False)
    taking: list[tuple[str, str]] = []
    if "data-pagefind" in attributes:
        found = {
            m[1].lower(): unescape(m[2] or m[3] or m[4] or "")
            for m in _ATTRIBUTE.finditer(attributes)
        }
        if "data-pagefind-body" in found:
            searched, marks.bodies = True, marks.bodies + 1
        ignored = ignored or "data-pagefind-ignore" in found
        taking = _marked(found, marks)
    ignored = ignored or name in _NEVER_TEXT
    if searched and marks.text:
        marks.text.append(" ")
    if name not in _VOID and not attributes.rstrip().endswith("/"):
        stack.append(_Open(name, searched, ignored, taking))
        if taking:
            marks.taking.append(stack[-1])


def _marked(found: dict[str, str], marks: _Marks) -> list[tuple[str, str]]:
    """Record the values ``found`` (an element's attributes) give outright; return the
    marks that take the element's text."""
    taking = []
    for attribute, kind in (("data-pagefind-meta", "meta"), ("data-pagefind-filter", "filter")):
        for mark in filter(None, (part.strip() for part in found.get(attribute, "").split(","))):
            name, colon, value = mark.partition(":")
            if colon:
                marks.values.setdefault((kind, name.strip()), value.strip())
            else:
                taking.append((kind, name))
    sort = found.get("data-pagefind-sort", "")
    if sort.startswith("date:"):
        marks.values.setdefault(("sort", "date"), sort[len("date:") :].strip())
    return taking


def _close(name: str, stack: list[_Open], marks: _Marks) -> None:
    for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _DEEPEST_CLOSE), -1):
        if stack[depth].name == name:
            for element in stack[depth:]:
                if element.taking:
                    value = " ".join(unescape("".join(element.text)).split())
                    for mark in element.taking:
                        marks.values.setdefault(mark, value)
                    marks.taking.remove(element)
            del stack[depth:]
            if marks.text:
                marks.text.append(" ")
            return


def _date(value: str | None) -> datetime | None:
    """Return the sort date ``value`` (ISO 8601), or None when it is none."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
