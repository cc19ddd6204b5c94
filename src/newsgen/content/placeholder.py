"""The placeholder body ``newsgen new`` writes, and the check that it is never published.

An article that still holds a placeholder line is an error unless it is a draft:
the build refuses to publish it and names the line.
"""

from __future__ import annotations

PLACEHOLDER = (
    "Write the story here. This line is newsgen's placeholder: "
    "the build refuses to publish the article while it is here."
)
"""The body of an article ``newsgen new`` writes."""

_EARLIER = ("Write the first paragraph here: it becomes the summary unless you set one.",)
"""Placeholders of earlier versions of ``newsgen new``."""
PLACEHOLDERS = frozenset((PLACEHOLDER, *_EARLIER))


def placeholder_line(body: str) -> int | None:
    """Return the 0-based line of ``body`` that is a placeholder, or None when none is."""
    if "Write the" not in body:  # the cheap test first: almost every body has none
        return None
    for number, line in enumerate(body.splitlines()):
        if line.strip() in PLACEHOLDERS:
            return number
    return None
