"""A saved web page's bytes as text: its character set found the way a browser finds it.

decode_page() reads, in order, a byte order mark, the ``charset`` a ``<meta>``
tag near the top declares (``<meta charset>``, or ``http-equiv`` Content-Type),
then tries UTF-8, and for anything else asks charset_normalizer (a well-kept
detector, which trafilatura brings along) for the most likely encoding. A
declared charset that does not decode the bytes is not trusted. No I/O.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
NOT_PAGE_CODECS = frozenset({"utf-7", "punycode", "idna", "unicode-escape",
                             "raw-unicode-escape", "charmap", "undefined", "mbcs"})  # fmt: skip
"""Python codecs that are text encodings to Python but never a web page's."""
PRESCAN_BYTES = 4096
"""A browser looks for the ``<meta charset>`` in the first kilobytes (the HTML standard's
pre-scan reads 1,024; pages saved by tools often carry a long head)."""


@dataclass(frozen=True, slots=True)
class DecodedPage:
    """A page's text, and the character set it was read in."""

    text: str
    charset: str
    """The Python codec's name (``utf-8``, ``cp1252``, ``shift_jis`` …)."""
    how: str
    """How it was found: ``byte order mark``, ``<meta charset>``, ``detected``."""


def decode_page(data: bytes) -> DecodedPage:
    """Return ``data`` (a saved page) as text; never raises (bytes no encoding explains
    are read as Windows-1252, which maps every byte)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, "replace")
            return DecodedPage(text, codecs.lookup(codec).name, "byte order mark")
    declared = _declared(data[:PRESCAN_BYTES])
    if declared is not None:
        try:
            return DecodedPage(data.decode(declared), declared, "<meta charset>")
        except UnicodeDecodeError:
            pass  # the page lies about itself: detect
    try:
        return DecodedPage(data.decode("utf-8"), "utf-8", "detected")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        codec = codecs.lookup(best.encoding).name
        return DecodedPage(data.decode(codec, "replace"), codec, "detected")
    return DecodedPage(data.decode("cp1252", "replace"), "cp1252", "detected")


def _declared(head: bytes) -> str | None:
    """The codec a ``<meta>`` tag in ``head`` names, when Python knows it. A page that
    says ISO-8859-1 is read as Windows-1252, as browsers do."""
    found = _META_CHARSET.search(head)
    if found is None:
        return None
    try:
        info = codecs.lookup(found.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    codec = info.name
    if not getattr(info, "_is_text_encoding", True) or codec in NOT_PAGE_CODECS:
        return None  # base64, zlib, utf-7, punycode …: no browser reads a page in them
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if codec.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a page read as bytes declaring UTF-16 is UTF-8 (the HTML standard)
    return codec
