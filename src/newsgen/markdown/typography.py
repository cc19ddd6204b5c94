"""Typographic quotes, dashes and symbols in inline Markdown text.

markdown-it's ``replacements`` and ``smartquotes`` rules (its typographer),
ported to the flat tokens of markdown/inline.py, with the same results: ``(c)`` ©,
``(tm)`` ™, ``(r)`` ®, ``+-`` ±, ``...`` …, ``--`` –, ``---`` —, and straight
quotes made curly by where they stand. Only ``text`` tokens change: code,
escaped characters, raw HTML and the text of autolinks stay as written.
markdown-it.rs has these rules too, but changes the text of code spans and
misreads quotes at the start of table cells, so newsgen runs its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from newsgen.markdown.inline import InlineToken

_SCOPED = re.compile(r"\((c|tm|r)\)", flags=re.IGNORECASE)
_SCOPED_SIGNS = {"c": "©", "r": "®", "tm": "™"}
_RARE = re.compile(r"\+-|\.\.|\?\?\?\?|!!!!|,,|--")
_RARE_STEPS = (
    (re.compile(r"\+-"), "±"),
    (re.compile(r"\.{2,}"), "…"),
    (re.compile(r"([?!])…"), "\\1.."),
    (re.compile(r"([?!]){4,}"), "\\1\\1\\1"),
    (re.compile(r",{2,}"), ","),
    (re.compile(r"(^|[^-])---(?=[^-]|$)", flags=re.MULTILINE), "\\1\u2014"),
    (re.compile(r"(^|\s)--(?=\s|$)", flags=re.MULTILINE), "\\1\u2013"),
    (re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", flags=re.MULTILINE), "\\1\u2013"),
)
_QUOTE = re.compile(r"['\"]")
_OPEN_DOUBLE, _CLOSE_DOUBLE, _OPEN_SINGLE, APOSTROPHE = "\u201c\u201d\u2018\u2019"
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
WHITESPACE = frozenset("\t\n\v\f\r \xa0\u1680\u202f\u205f\u3000") | frozenset(
    chr(code) for code in range(0x2000, 0x200B)
)
"""Whitespace to CommonMark (and markdown-it): ASCII's, no-break space and Zs."""


def typeset(tokens: Sequence[InlineToken]) -> None:
    """Apply the typographer to the ``text`` tokens of one block's inline content."""
    texts = [token.content for token in tokens if token.type == "text"]
    if not texts:
        return
    joined = "".join(texts)
    if ("(" in joined and _SCOPED.search(joined)) or _RARE.search(joined):
        _replace(tokens)
    if "'" in joined or '"' in joined:
        _smartquotes(tokens)


def _replace(tokens: Sequence[InlineToken]) -> None:
    """markdown-it's replacements: symbols and dashes, outside autolinks."""
    inside_autolink = False
    for token in tokens:
        kind = token.type
        if kind == "text" and not inside_autolink:
            text = _SCOPED.sub(lambda found: _SCOPED_SIGNS[found.group(1).lower()], token.content)
            if _RARE.search(text):
                for pattern, replacement in _RARE_STEPS:
                    text = pattern.sub(replacement, text)
            token.content = text
        elif kind == "autolink_open":
            inside_autolink = True
        elif kind == "autolink_close":
            inside_autolink = False


def _smartquotes(tokens: Sequence[InlineToken]) -> None:
    """markdown-it's smartquotes: each straight quote opens, closes or is an apostrophe,
    by the characters around it; an opening quote is paired with the next closing one
    of its kind at the same nesting level. Linear in the text: changed tokens are
    edited as lists of characters and joined once at the end."""
    edits: dict[int, list[str]] = {}

    def put(index: int, at: int, character: str) -> None:
        chars = edits.get(index)
        if chars is None:
            chars = edits[index] = list(tokens[index].content)
        chars[at] = character

    stack: list[tuple[int, int, bool, int]] = []  # (token, position, single, level)
    for index, token in enumerate(tokens):
        level = token.level
        while stack and stack[-1][3] > level:
            stack.pop()
        if token.type != "text":
            continue
        content = token.content
        for found in _QUOTE.finditer(content):
            at = found.start()
            single = content[at] == "'"
            last = content[at - 1] if at > 0 else _neighbour(tokens, index, -1)
            following = content[at + 1 : at + 2] or _neighbour(tokens, index, 1)
            can_open, can_close = _may_open_close(last, following, single)
            if not can_open and not can_close:
                if single:  # in the middle of a word
                    put(index, at, APOSTROPHE)
                continue
            if can_close:
                opener = _opener(stack, level, single)
                if opener is not None:
                    depth, (opened_in, opened_at, _, _) = opener
                    put(index, at, APOSTROPHE if single else _CLOSE_DOUBLE)
                    put(opened_in, opened_at, _OPEN_SINGLE if single else _OPEN_DOUBLE)
                    del stack[depth:]
                    continue
            if can_open:
                stack.append((index, at, single, level))
            elif can_close and single:
                put(index, at, APOSTROPHE)
    for index, chars in edits.items():
        tokens[index].content = "".join(chars)


def _may_open_close(last: str, following: str, single: bool) -> tuple[bool, bool]:
    """Return whether a quote between ``last`` and ``following`` may open and may close."""
    last_punctuation = _is_punctuation(last)
    following_punctuation = _is_punctuation(following)
    last_space, following_space = last in WHITESPACE, following in WHITESPACE
    can_open = not following_space and (not following_punctuation or last_space or last_punctuation)
    can_close = not last_space and (
        not last_punctuation or following_space or following_punctuation
    )
    if following == '"' and not single and "0" <= last <= "9":
        can_open = can_close = False  # 1"" : the first quote is inches
    if can_open and can_close:  # inside a run of punctuation, not inside a word
        can_open, can_close = last_punctuation, following_punctuation
    return can_open, can_close


def _opener(
    stack: list[tuple[int, int, bool, int]], level: int, single: bool
) -> tuple[int, tuple[int, int, bool, int]] | None:
    """Return the innermost open quote of the same kind and level, with its place."""
    for depth in range(len(stack) - 1, -1, -1):
        item = stack[depth]
        if item[3] < level:
            return None
        if item[2] == single and item[3] == level:
            return depth, item
    return None


def _neighbour(tokens: Sequence[InlineToken], index: int, step: int) -> str:
    """Return the character next to token ``index`` in direction ``step`` (-1 or 1)
    within the line: a space at a line break or the end of the content."""
    other = index + step
    while 0 <= other < len(tokens):
        token = tokens[other]
        if token.type == "softbreak" or token.type == "hardbreak":
            break
        if token.content:
            return token.content[-1] if step < 0 else token.content[0]
        other += step
    return " "


def _is_punctuation(character: str) -> bool:
    return character in _ASCII_PUNCTUATION or unicodedata.category(character).startswith(("P", "S"))
