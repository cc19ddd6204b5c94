"""Checks on built pages shared by the e2e and safety tests (not a test module)."""

from __future__ import annotations

from typing import Any

SEARCH_PAGE = "search/index.html"
"""The search page's file in the output."""


def is_search_page_own(page: str, element: Any) -> bool:
    """True for the two active elements the theme's search page has by design: its
    script (the module file ``js/search.js`` of the theme, no inline code) and its
    search form. ``page`` is the file's path in the output; ``element`` an lxml or
    ElementTree element."""
    if page != SEARCH_PAGE:
        return False
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "script":
        return (
            element.get("type") == "module"
            and (element.get("src") or "").endswith("/js/search.js")
            and not (element.text or "").strip()
        )
    return tag == "form" and element.get("role") == "search"
