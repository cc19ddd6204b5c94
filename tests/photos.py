"""Photographs for the image tests, made with Pillow and carrying what a camera writes.

No binary is stored: each test makes the files it needs. A photograph here has
the metadata newsgen must never publish, as cameras and phones write it: EXIF
Make/Model, a GPS position, the camera body's serial number (EXIF 0xA431, in the
Exif IFD and, as some cameras write it, in IFD0), a maker note, an Artist and a
Copyright; an XMP packet naming the serial and the position; an IPTC block
(APP13); an ICC profile; and an orientation when asked.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, ImageDraw, ImageFilter

SERIAL = "CAM-SERIAL-4417"
"""The camera body serial every photograph here carries."""
GPS_LATITUDE = (51.0, 46.0, 43.21)
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" aux:SerialNumber="' + SERIAL.encode() + b'" '
    b'exif:GPSLatitude="51,46.72N"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
IPTC_MARK = b"IPTC-CITY-SECRET"


def scene(size: tuple[int, int] = (1600, 1000), seed: int = 1) -> Image.Image:
    """Return a photograph-like RGB picture: sky, ground, shapes, grain."""
    width, height = size
    image = Image.new("RGB", size, (120, 160, 210))
    draw = ImageDraw.Draw(image)
    for row in range(height // 2, height):
        shade = 60 + (row * 80) // height
        draw.line([(0, row), (width, row)], fill=(shade, 110 + seed % 40, 60))
    for index in range(6):
        x = (index * 337 + seed * 91) % width
        draw.ellipse(
            [x, height // 3, x + width // 8, height // 3 + height // 5], fill=(200, 90, 40)
        )
    noise = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(image, noise, 0.12).filter(ImageFilter.GaussianBlur(1))


def camera_exif(orientation: int = 1) -> Image.Exif:
    """Return the EXIF a camera writes: make, model, serial, GPS, maker note, credit."""
    exif = Image.Exif()
    exif[0x010F] = "Examplecam"  # Make
    exif[0x0110] = "X100 Field"  # Model
    exif[0x0112] = orientation
    exif[0x013B] = "Jane Roe"  # Artist
    exif[0x8298] = "(c) 2026 Jane Roe"  # Copyright
    exif[0xA431] = SERIAL  # BodySerialNumber, as some cameras write it in IFD0
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = SERIAL
    exif_ifd[0x927C] = b"MAKERNOTE" + SERIAL.encode()
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "E"
    gps[4] = (8.0, 21.0, 56.0)
    return exif


def photograph(
    size: tuple[int, int] = (1600, 1000),
    orientation: int = 1,
    kind: str = "JPEG",
    seed: int = 1,
    picture: Image.Image | None = None,
) -> bytes:
    """Return a photograph file (JPEG by default) with a camera's metadata (module doc)."""
    image = picture or scene(size, seed)
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    options: dict[str, object] = {"exif": camera_exif(orientation).tobytes(), "icc_profile": icc}
    if kind == "JPEG":
        options.update(quality=92, xmp=XMP)
    elif kind == "WEBP":
        options.update(quality=90, xmp=XMP)
    image.save(out, kind, **options)
    data = out.getvalue()
    return with_iptc(data) if kind == "JPEG" else data


def with_iptc(jpeg: bytes) -> bytes:
    """Return ``jpeg`` with a Photoshop APP13 (IPTC) segment after its start marker."""
    record = b"\x1c\x02\x5a" + struct.pack(">H", len(IPTC_MARK)) + IPTC_MARK
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\x00" + block
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def secrets_in(data: bytes) -> list[str]:
    """Return what of a camera's metadata the file ``data`` still holds (empty: none)."""
    found = []
    if SERIAL.encode() in data or IPTC_MARK in data or b"Examplecam" in data:
        found.append("serial, IPTC or make in the bytes")
    if b"http://ns.adobe.com/xap" in data or b"xmpmeta" in data:
        found.append("XMP")
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    if exif.get_ifd(0x8825):
        found.append("GPS")
    if 0xA431 in exif or 0xA431 in exif.get_ifd(0x8769) or 0x927C in exif.get_ifd(0x8769):
        found.append("serial or maker note in EXIF")
    if image.info.get("icc_profile"):
        found.append("ICC profile")
    return found


def tiny_picture(
    kind: str = "JPEG", size: tuple[int, int] = (40, 30), colour=(200, 40, 40)
) -> bytes:
    """Return a small plain picture file (no metadata), for tests that need a real one."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()
