"""The lines a web scraper copies along with an article: share buttons, comment
forms, "Related" blocks, navigation. Pure functions over one line; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Effect(StrEnum):
    """What a boilerplate line does to the lines after it."""

    LINE = "line"
    """Only this line is dropped."""
    COMMENTS = "comments"
    """The comment section starts: every later line is dropped."""
    RELATED = "related"
    """A list of links to other articles starts: the short lines after it are dropped."""


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Why a line is scraper boilerplate, and what it does to the lines after it."""

    reason: str
    """Shown to the user: ``share prompt``, ``comment form`` …"""
    effect: Effect


def _rules(
    reason: str, effect: Effect, *patterns: str
) -> list[tuple[re.Pattern[str], Boilerplate]]:
    return [(re.compile(p, re.IGNORECASE), Boilerplate(reason, effect)) for p in patterns]


_SITES = r"(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|telegram|email|tumblr|pocket)"
_RULES = [
    *_rules(
        "share prompt",
        Effect.LINE,
        r"share(?: this(?: article| story| post)?)?:?",
        r"share (?:on|via|to) " + _SITES + r".*",
        r"click to (?:share|email|print)\b.*",
        r"(?:tweet|pin it|print|email|" + _SITES + r")(?: \(opens in new window\))?",
        r"like this:?",
        r"like loading\.*…?",
        r"be the first to like this\.?",
        r"\d+ (?:likes?|shares?)",
    ),
    *_rules(
        "comment section",
        Effect.COMMENTS,
        r"leave a (?:reply|comment)\.?",
        r"\d+ (?:comments?|responses?|replies|thoughts on\b.*)",
        r"one (?:comment|response|thought on\b.*)",
        r"no (?:comments|responses)(?: yet)?\.?",
        r"comments?:?",
        r"comments are closed\.?",
        r"join the (?:discussion|conversation)\W*",
    ),
    *_rules(
        "comment policy",
        Effect.LINE,
        r"your email address will not be published\..*",
        r"required fields are marked.*",
        r"this site uses akismet to reduce spam\..*",
        r"save my name, email, and website in this browser.*",
        r"(?:post comment|cancel reply|name \*|email \*|website|comment \*)",
        r"notify me of (?:follow-up comments|new posts).*",
        r"you must be logged in to post a comment\.?",
        r"comments? (?:are|is|will be) (?:moderated|reviewed)\b.*",
        r"(?:our )?comment(?:ing)? (?:policy|guidelines)\b.*",
    ),
    *_rules(
        "related links",
        Effect.RELATED,
        r"related(?: (?:posts|articles|stories|news|coverage|content))?:?",
        r"you (?:may|might) also (?:like|be interested in):?",
        r"(?:read|see) (?:more|also|next)\W*",
        r"more (?:stories|news|from\b[^.!?]{0,60}):?",
    ),
    *_rules(
        "copyright notice",
        Effect.LINE,
        r"(?:copyright\s*)?©.{0,120}",
        r".{0,120}\ball rights reserved\.?",
        r"copyright \d{4}(?:\s*[-–]\s*\d{4})?,?\s+(?:by\s+)?[A-Z][^.]{0,60}\.?",
    ),
    *_rules(
        "relative time",
        Effect.LINE,
        r"(?:published|posted|updated)?\s*\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?)"
        r"\s+ago",
    ),
    *_rules("related link", Effect.LINE, r"(?:read|see) (?:more|also|next): .{1,150}"),
    *_rules(
        "navigation",
        Effect.LINE,
        r"skip to (?:main )?content",
        r"(?:menu|search|save|home|sign in|log in|subscribe|open navigation|close)",
        r"advertisement",
        r"continue reading\W*",
        r"(?:sign up|subscribe) (?:for|to) (?:our|the) newsletter.*",
        r"follow us on\b[^.!?]{0,60}",
        r"(?:posted|filed) (?:in|under):? [^.!?]{1,80}",
        r"categor(?:y|ies): [^.!?]{1,80}",
        r"(?:previous|next) (?:post|article|story)\W*",
        r"purchase licensing rights(?:, opens new tab)?",
    ),
]


def boilerplate(line: str) -> Boilerplate | None:
    """Return why ``line`` (one stripped line of text) is scraper boilerplate, or None."""
    text = " ".join(line.split())
    for pattern, found in _RULES:
        if pattern.fullmatch(text):
            return found
    return None
