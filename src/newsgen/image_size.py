"""An image's size in pixels, read from the first bytes of its file.

Pure: the caller reads the bytes. PNG, GIF, WebP (lossy, lossless and
extended) keep the size in a fixed place near the start; JPEG keeps it in
its frame header (a SOF marker), after any metadata segments (Exif, ICC
profiles, XMP), so a JPEG's head must reach past those. No dependency: this
is all newsgen needs to check that a social image is large enough.
"""

from __future__ import annotations

import struct

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_START = b"\xff\xd8"
# JPEG start-of-frame markers, which hold the size: C0-CF but DHT (C4), JPG (C8), DAC (CC).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers that stand alone, without a length: TEM, RST0-RST7, SOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8), 0xD8})
_JPEG_SCAN_OR_END = frozenset({0xD9, 0xDA})  # EOI, SOS: no frame header before them


def image_size(head: bytes) -> tuple[int, int] | None:
    """Return ``(width, height)`` in pixels of the PNG, JPEG, GIF or WebP image whose
    file starts with ``head``; None when it is none of these or the size is not
    in ``head`` (a JPEG cut off before its frame header, a truncated file)."""
    if head.startswith(_PNG_SIGNATURE):
        return _png_size(head)
    if head.startswith(_JPEG_START):
        return _jpeg_size(head)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _positive(*struct.unpack_from("<HH", head, 6)) if len(head) >= 10 else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp_size(head)
    return None


def _png_size(head: bytes) -> tuple[int, int] | None:
    """The IHDR chunk comes first: length, type, width, height (big-endian)."""
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return _positive(*struct.unpack_from(">II", head, 16))


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    """Walk the segments from SOI to the first frame header."""
    at = 2
    while at + 1 < len(head):
        if head[at] != 0xFF:
            return None  # not a marker where one must be: a damaged file
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        if marker in _JPEG_SCAN_OR_END or at + 4 > len(head):
            return None
        (length,) = struct.unpack_from(">H", head, at + 2)
        if marker in _JPEG_FRAMES:
            if length < 7 or at + 9 > len(head):
                return None
            height, width = struct.unpack_from(">HH", head, at + 5)
            return _positive(width, height)  # a height of 0 (set later by DNL): unknown
        if length < 2:
            return None
        at += 2 + length
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    """The first chunk says which kind: VP8 (lossy), VP8L (lossless) or VP8X (extended)."""
    kind = head[12:16]
    if kind == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", head, 26)
        return _positive(width & 0x3FFF, height & 0x3FFF)
    if kind == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        (bits,) = struct.unpack_from("<I", head, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(head) >= 30:
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    return None


def _positive(width: int, height: int) -> tuple[int, int] | None:
    return (width, height) if width > 0 and height > 0 else None
