"""A JPEG without its metadata, its image data untouched: no decode, no new encode.

A JPEG file is a run of segments: the picture's tables and frame header, then
its entropy-coded scans, with metadata in application segments (APP0-APP15:
JFIF, EXIF with GPS and serials, XMP, ICC profiles, IPTC in Photoshop's APP13,
maker notes) and comments (COM) anywhere before the scans. strip_jpeg() keeps
every segment the picture needs, in order, and nothing else: no APPn, no COM,
and nothing after the first end-of-image marker (where a phone's MPO keeps its
second picture and where data can be hidden). The scans are copied byte for
byte, so the picture is exactly the one published, without the loss a new
encode would add. A linear walk over the bytes; a layout it does not know is
refused (None), and the caller encodes the picture anew instead.
"""

from __future__ import annotations

_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
"""TEM and RST0-RST7: markers without a length."""
_DROPPED = frozenset({*range(0xE0, 0xF0), 0xFE})
"""APP0-APP15 and COM."""
_SOS, _EOI = 0xDA, 0xD9


def strip_jpeg(data: bytes, exif: bytes | None = None) -> bytes | None:
    """Return the JPEG ``data`` without its APPn and COM segments and anything after its
    end, with ``exif`` (an APP1 payload, ``Exif\\0\\0…``) as its only metadata when given;
    None when the file is not laid out as a JPEG should be."""
    if not data.startswith(b"\xff\xd8"):
        return None
    kept = [b"\xff\xd8"]
    if exif:
        if len(exif) + 2 > 0xFFFF:
            return None
        kept.append(b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif)
    at, size = 2, len(data)
    while at + 1 < size:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before a marker
            at += 1
            continue
        if marker == _EOI:
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        if marker in _STANDALONE:
            kept.append(data[at : at + 2])
            at += 2
            continue
        if at + 4 > size:
            return None
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        end = at + 2 + length
        if length < 2 or end > size:
            return None
        if marker not in _DROPPED:
            kept.append(data[at:end])
        at = end
        if marker == _SOS:
            scan_end = _scan_end(data, at)
            if scan_end is None:
                return None
            kept.append(data[at:scan_end])
            at = scan_end
    return None  # no end-of-image marker


def _scan_end(data: bytes, at: int) -> int | None:
    """Return where the entropy-coded data starting at ``at`` ends: at the first 0xFF
    that starts a marker (not a stuffed 0xFF00 or a restart marker)."""
    size = len(data)
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= size:
            return None
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            at += 2
        elif following == 0xFF:
            at += 1
        else:
            return at
