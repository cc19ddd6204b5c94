"""Links in an article's HTML made absolute, for feeds: a feed reader shows the body
away from its page, where a relative ``href`` or ``src`` would break."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape as xml_escape
from html import unescape as html_unescape
from urllib.parse import urljoin

_LINK_ATTRIBUTES = ('href="', 'src="')


def absolutise_links(html: str, page_url: str) -> str:
    """Return ``html`` with every relative ``href``/``src`` resolved against ``page_url``.

    Feed readers show the body away from the page, where relative links break.
    An attribute counts where a space (any whitespace) comes before its name, as
    in ``<a href="...">``; its value runs to the next ``"``.
    """
    parts: list[str] = []
    done = 0
    for start, end in _link_values(html):
        value = html_unescape(html[start:end])
        parts += [html[done:start], xml_escape(_joined(page_url, value))]
        done = end
    return "".join([*parts, html[done:]]) if parts else html


def _joined(page_url: str, value: str) -> str:
    """Return ``value`` resolved against ``page_url``; as written when Python's URL library
    refuses it (raw HTML may hold ``https://[x``: Markdown links never do, see sanitize.py)."""
    try:
        return urljoin(page_url, value)
    except ValueError:
        return value


def _link_values(html: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each ``href``/``src`` attribute's value in ``html``, in
    order: what ``\\s(?:href|src)="([^"]*)"`` finds, found with str.find (a pattern
    that starts with a class of characters is tried at every position: ten times
    slower on an article's body)."""
    found = [html.find(name) for name in _LINK_ATTRIBUTES]  # -1: none further on
    while True:
        candidates = [(at, index) for index, at in enumerate(found) if at != -1]
        if not candidates:
            return
        at, index = min(candidates)
        name = _LINK_ATTRIBUTES[index]
        start = at + len(name)
        end = html.find('"', start) if at > 0 and html[at - 1].isspace() else -1
        if end == -1:  # not an attribute here: look further
            found[index] = html.find(name, at + 1)
            continue
        yield start, end
        found = [
            html.find(other, end + 1) if 0 <= place <= end else place
            for other, place in zip(_LINK_ATTRIBUTES, found, strict=True)
        ]
