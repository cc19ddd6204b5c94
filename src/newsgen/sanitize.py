"""Which URLs may appear in the built site, and text characters that may not.

Only ``http``, ``https`` and ``mailto`` URLs and relative ones survive into
pages and feeds; ``javascript:``, ``data:`` and every other scheme are
removed with a warning by the stage that finds them. Control characters and
Unicode noncharacters are removed from article text before anything else
sees it, so that no page, feed or sitemap can carry them.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, unquote, urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
REF_SCHEME = "newsgen-ref:"
"""Marks links to article sources in rendered HTML. Not a safe scheme, so no
article can write one itself: such a link would have been removed."""
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Browsers drop ASCII tabs and newlines anywhere in a URL and C0 controls and
# spaces at its ends, so "java\tscript:" is still javascript.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"
FORBIDDEN_CHARACTERS = re.compile(f"[{_CONTROLS}{_SURROGATES}{_NONCHARACTERS}]")
"""Characters no page, feed or sitemap may carry: C0 controls but tab and
newline (and CR, which is normalised away earlier), DEL and C1 controls,
lone surrogates, and the 66 Unicode noncharacters."""


def url_scheme(url: str) -> str | None:
    """Return the lowercased scheme a browser would see in ``url``, or None if relative."""
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", url))
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    """Return True for http(s), mailto and relative URLs; False for any other scheme."""
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


def is_readable_url(url: str) -> bool:
    """Return False for a URL that Python's URL library refuses (a host with ``[`` or
    ``]`` that is no IPv6 address in brackets), which no feed could make absolute."""
    if "[" not in url and "]" not in url and url.isascii():
        return True  # what urlsplit() refuses has brackets or non-ASCII text
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


def split_url(url: str) -> SplitResult:
    """Return ``urlsplit(url)``, or the parts of an empty URL for one Python's URL library
    refuses (is_readable_url()): such an address names nothing a site can use."""
    return urlsplit(url) if is_readable_url(url) else urlsplit("")


WEB_SCHEMES = ("http", "https")


def web_url_problem(url: str, also: tuple[str, ...] = ()) -> str | None:
    """Return what is wrong with ``url`` as an absolute http(s) URL given in front matter
    or config (or one of the schemes ``also`` allows, like ``mailto``), or None when it
    is fine: another scheme, no host, white space, or an address Python's URL library
    cannot read (a host with ``[`` or ``]`` that is no IPv6 address), which no page,
    feed or reader could follow."""
    shown = url if len(url) <= 60 else url[:57] + "..."
    scheme = url_scheme(url)
    wanted = " or ".join(("an absolute http(s) URL", *(f"a {other} URL" for other in also)))
    if scheme in also:
        return None if is_readable_url(url) else f"'{shown}' cannot be read as a URL"
    if scheme not in WEB_SCHEMES or not url.split(":", 1)[1].startswith("//"):
        return f"'{shown}' must be {wanted}"
    if len(url) == len(scheme) + 3 or url[len(scheme) + 3] in "/?#":
        return f"'{shown}' has no host; it must be {wanted}"
    if any(character.isspace() for character in url):
        return f"'{shown}' holds white space; write a space as %20"
    if not is_readable_url(url):
        return f"'{shown}' cannot be read as a URL: write [ as %5B and ] as %5D in a host"
    return None


def article_link(url: str, folder: str) -> tuple[str, str] | None:
    """Return ``(target, href)`` for a link to ``url`` in an article in ``folder``
    (relative to ``content/``) when it points at another article's ``.md`` file:
    the file's path relative to ``content/`` and the ``newsgen-ref:`` URL the build
    resolves (site/crossrefs.py). None for any other link."""
    if url_scheme(url) or url.startswith(("/", "#")):
        return None
    path, _, fragment = url.partition("#")
    path = unquote(path.partition("?")[0])
    if not path.lower().endswith(".md"):
        return None
    target = posixpath.normpath(posixpath.join(folder, path))
    return target, REF_SCHEME + quote(target) + (f"#{fragment}" if fragment else "")


@dataclass(frozen=True, slots=True)
class CleanText:
    """Text with forbidden characters removed, and where the first one was."""

    text: str
    """The cleaned text."""
    removed: int
    """How many characters were removed."""
    first_line: int
    """1-based line of the first removed character (0 when none was)."""


_FORBIDDEN_UTF8 = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # C0 controls but tab, newline and CR; DEL
    rb"|\xc2[\x80-\x9f]"  # C1 controls
    rb"|\xef\xb7[\x90-\xaf]"  # U+FDD0 to U+FDEF
    rb"|\xef\xbf[\xbe\xbf]"  # U+FFFE, U+FFFF
    rb"|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]"  # U+1FFFE ... U+10FFFF
)
"""FORBIDDEN_CHARACTERS as UTF-8 bytes (surrogates cannot be encoded)."""
_FORBIDDEN_UTF8_FIRST = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xc2\xef\xf0-\xf4]")
"""The bytes a match of _FORBIDDEN_UTF8 starts with: found in ~2 µs in an article
body, where FORBIDDEN_CHARACTERS takes ~160 µs (its ranges above ASCII are slow)."""


def has_forbidden(text: str) -> bool:
    """Return True when ``text`` holds a character of FORBIDDEN_CHARACTERS."""
    if text.isprintable():  # no control, surrogate or unassigned character: none of them
        return False
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    for first in _FORBIDDEN_UTF8_FIRST.finditer(data):
        if _FORBIDDEN_UTF8.match(data, first.start()):
            return True
    return False


def strip_forbidden(text: str) -> str:
    """Return ``text`` without the characters of FORBIDDEN_CHARACTERS."""
    return FORBIDDEN_CHARACTERS.sub("", text) if has_forbidden(text) else text


def remove_forbidden_characters(text: str) -> CleanText:
    """Return ``text`` without control characters (but tab and newline) and noncharacters."""
    first = FORBIDDEN_CHARACTERS.search(text) if has_forbidden(text) else None
    if first is None:
        return CleanText(text, 0, 0)
    cleaned, removed = FORBIDDEN_CHARACTERS.subn("", text)
    return CleanText(cleaned, removed, text.count("\n", 0, first.start()) + 1)
