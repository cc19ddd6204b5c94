"""Link URLs, autolink text and code fence info strings as markdown-it writes them.

markdown-it.rs percent-encodes a link's URL, host included, and leaves an
autolink's text and a fence's info string as written. markdown-it-py writes a
non-ASCII host in punycode (``http://xn--n3h.net/``: what feed readers and
validators expect), shows autolinks with their host in Unicode and their
percent-escapes decoded, and reads escapes and character references in info
strings. These do the same to what markdown-it.rs returns.
"""

from __future__ import annotations

import re
from html.entities import html5
from urllib.parse import unquote

_HOSTED = re.compile(r"(?i)^((?:https?:)?//)([^/?#]*)(.*)$", re.DOTALL)
"""A URL with a host: its start (scheme and ``//``), its authority, the rest."""
_MAILTO = re.compile(r"(?i)^(mailto:[^@?#]*@)([^?#]*)(.*)$", re.DOTALL)
_PERCENT_RUN = re.compile(r"(?:%[0-9a-fA-F]{2})+")
_KEPT_ENCODED = frozenset(";/?:@&=+$,#%")
"""Characters an autolink's text keeps percent-encoded (markdown-it's choice)."""
_INFO_ESCAPE = re.compile(
    r'\\([!"#$%&\'()*+,\-./:;<=>?@[\\\]^_`{|}~])|&([a-z#][a-z0-9]{1,31});', re.IGNORECASE
)


def with_ascii_host(url: str) -> str:
    """Return ``url`` (percent-encoded, host included) with the host of an ``http``,
    ``https``, ``mailto`` or scheme-relative URL as markdown-it-py writes it: a label
    that is not ASCII in punycode, an IPv6 address in brackets, and every other
    character of the host as markdown-it.rs encoded it (``[``, ``]``, ``%`` and the like
    percent-encoded; an escape such as ``%41`` kept as written)."""
    found = _with_host(url) if "%" in url else None
    if found is None or "%" not in found[1]:
        return url
    before, host, after = found
    return f"{before}{_written_host(host)}{after}"


def _written_host(host: str) -> str:
    """Return a percent-encoded host with its IPv6 brackets and non-ASCII labels decoded.
    Brackets around a host stay only around an address with a colon (mdurl's rule)."""
    if host.upper().startswith("%5B") and host.upper().endswith("%5D"):
        inside = host[3:-3]
        return f"[{inside}]" if ":" in inside else inside
    return ".".join(map(_ascii_label, host.split(".")))


def _ascii_label(label: str) -> str:
    """Return a percent-encoded host label in punycode when it decodes to non-ASCII UTF-8;
    as it is otherwise."""
    if "%" not in label:
        return label
    try:
        decoded = unquote(label, errors="strict")
    except UnicodeDecodeError:
        return label
    if decoded.isascii():
        return label
    return "xn--" + decoded.encode("punycode").decode("ascii")


def link_text(url: str) -> str:
    """Return the text an autolink to ``url`` shows: its host in Unicode, its
    percent-escapes decoded (but those of ``;/?:@&=+$,#%`` and invalid UTF-8)."""
    found = _with_host(url) if "xn--" in url.lower() else None
    if found is not None:
        before, host, after = found
        url = f"{before}{_unicode_host(host)}{after}"
    if "%" not in url:
        return url
    return _PERCENT_RUN.sub(_decoded_run, url)


def unescape_info(info: str) -> str:
    """Return a fence's info string with backslash escapes and character references
    read (as markdown-it's ``unescapeAll``)."""
    if "\\" not in info and "&" not in info:
        return info
    return _INFO_ESCAPE.sub(_unescaped, info)


def _with_host(url: str) -> tuple[str, str, str] | None:
    """Return ``url`` of an ``http``, ``https``, ``mailto`` or scheme-relative kind as
    ``(what comes before its host, its host, what comes after it)``; None for others."""
    found = _HOSTED.match(url) or _MAILTO.match(url)
    if found is None:
        return None
    start, authority, rest = found.groups()
    user, at, host_port = authority.rpartition("@")
    host, colon, port = _split_port(host_port)
    return f"{start}{user}{at}", host, f"{colon}{port}{rest}"


def _split_port(host_port: str) -> tuple[str, str, str]:
    if host_port.startswith("["):  # an IPv6 address
        return host_port, "", ""
    host, colon, port = host_port.rpartition(":")
    if colon and port.isdigit():
        return host, colon, port
    return host_port, "", ""


def _unicode_host(host: str) -> str:
    return ".".join(map(_unicode_label, host.split(".")))


def _unicode_label(label: str) -> str:
    if not label.lower().startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label


def _decoded_run(found: re.Match[str]) -> str:
    """Decode a run of percent-escapes byte sequence by byte sequence, keeping reserved
    characters and invalid UTF-8 encoded."""
    escapes = found.group()
    data = bytes(int(escapes[at + 1 : at + 3], 16) for at in range(0, len(escapes), 3))
    parts: list[str] = []
    at = 0
    while at < len(data):
        length = _sequence_length(data[at])
        chunk = data[at : at + length]
        try:
            character = chunk.decode("utf-8") if length else ""
        except UnicodeDecodeError:
            character = ""
        if not character or character in _KEPT_ENCODED:
            parts.append(escapes[at * 3 : at * 3 + 3])
            at += 1
            continue
        parts.append(character)
        at += length
    return "".join(parts)


def _sequence_length(first: int) -> int:
    """Return how many bytes a UTF-8 sequence starting with ``first`` has (0: invalid)."""
    if first < 0x80:
        return 1
    if first & 0xE0 == 0xC0:
        return 2
    if first & 0xF0 == 0xE0:
        return 3
    if first & 0xF8 == 0xF0:
        return 4
    return 0


def _unescaped(found: re.Match[str]) -> str:
    escaped, name = found.groups()
    if escaped:
        return escaped
    if name[0] == "#":
        digits = name[1:]
        try:
            code = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits, 10)
        except ValueError:
            return found.group()
        return chr(code) if _valid_code(code) else found.group()
    return html5.get(f"{name};", found.group())


def _valid_code(code: int) -> bool:
    """Return True for a code point a character reference may name (markdown-it's test)."""
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF:
        return False
    if code & 0xFFFF in (0xFFFE, 0xFFFF):
        return False
    controls = code <= 0x08 or code == 0x0B or 0x0E <= code <= 0x1F or 0x7F <= code <= 0x9F
    return not controls
