"""``{% cache KEY, ... %}…{% endcache %}``: template fragments rendered once per build.

A news site shows the same things on thousands of pages: an article's card on
its section's pages, each of its tags' and its authors', the date archives;
the masthead on every page. A theme wraps such a fragment in a ``cache`` tag
whose key names everything the fragment shows that may differ between two
uses (an article's ``source_path`` and the card's arguments, say); the first
use renders it, the others reuse the text. Fragments are kept in the template
environment, which a build makes for itself, so nothing outlives the build.

A key that leaves out something the fragment shows makes pages show another
page's fragment: keys name what differs, and the site (the same for every page
of a build) need not be named. Only fragments shown more than once are worth a
tag: the others cost memory and gain nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

KEPT = 30_000
"""Fragments kept at most (about 35 MB): every card and related list of a 10,000-article
site; of a larger one, those used most recently (its memory stays flat)."""


class FragmentCache(Extension):
    """The ``cache`` tag (see the module's docstring)."""

    tags = {"cache"}  # noqa: RUF012 (Jinja's own class attribute)

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.fragments: OrderedDict[Hashable, Markup | str] = OrderedDict()
        """The fragments rendered, the most recently used last (at most KEPT)."""

    def parse(self, parser: Parser) -> nodes.Node:
        """Parse ``{% cache EXPR, ... %}BODY{% endcache %}`` into a call of _fragment."""
        line = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        key = nodes.Tuple(parts, "load", lineno=line)
        call = self.call_method("_fragment", [key], lineno=line)
        return nodes.CallBlock(call, [], [], body, lineno=line)

    def _fragment(self, key: tuple[Hashable, ...], caller: Callable[[], Markup | str]) -> str:
        """Return the fragment of ``key``, rendering it with ``caller`` the first time
        (or again, once it was forgotten: the least recently used go beyond KEPT)."""
        fragments = self.fragments
        text = fragments.get(key)
        if text is not None:
            fragments.move_to_end(key)
            return text
        text = fragments[key] = caller()
        if len(fragments) > KEPT:
            fragments.popitem(last=False)
        return text
