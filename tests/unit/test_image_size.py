"""newsgen.image_size: an image's size from the head of its file.

Real files: the example site's photos and charts (progressive JPEGs, PNGs) and
small images Chromium encoded (tests/fixtures/images/: a JPEG with an ICC
profile before its frame header, PNG, WebP lossy and lossless in the extended
format); the simple WebP forms are cut from those. GIF and odd JPEGs are
written by hand from their specifications.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from newsgen.image_size import image_size

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGES = REPO_ROOT / "tests" / "fixtures" / "images"
EXAMPLE = REPO_ROOT / "static" / "images"


def simple_webp(extended: bytes, kind: bytes) -> bytes:
    """The simple form of a WebP: just its VP8 or VP8L chunk, in a new RIFF container."""
    at = extended.index(kind)
    (length,) = struct.unpack_from("<I", extended, at + 4)
    chunk = extended[at : at + 8 + length + (length & 1)]
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def jpeg(*segments: bytes) -> bytes:
    return b"\xff\xd8" + b"".join(segments) + b"\xff\xd9"


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def frame(marker: int, width: int, height: int) -> bytes:
    return segment(marker, struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00" * 3)


CHROMIUM = {
    "chromium-321x123.jpg": (321, 123),
    "chromium-321x123.png": (321, 123),
    "chromium-321x123.webp": (321, 123),
    "chromium-321x123-lossless.webp": (321, 123),
}
EXAMPLE_SIZES = {
    "idlib-hts-flags.jpg": (1200, 675),
    "comet-outburst.jpg": (800, 450),
    "eastmere-cycle-lanes.png": (800, 450),
    "logo.png": (600, 60),
    "default-social.jpg": (1200, 630),
}


@pytest.mark.parametrize(("name", "size"), CHROMIUM.items())
def test_files_chromium_encoded(name: str, size: tuple[int, int]) -> None:
    assert image_size((IMAGES / name).read_bytes()) == size


@pytest.mark.parametrize(("name", "size"), EXAMPLE_SIZES.items())
def test_the_example_site_s_images(name: str, size: tuple[int, int]) -> None:
    assert image_size((EXAMPLE / name).read_bytes()) == size


def test_simple_webp_lossy_and_lossless() -> None:
    lossy = simple_webp((IMAGES / "chromium-321x123.webp").read_bytes(), b"VP8 ")
    lossless = simple_webp((IMAGES / "chromium-321x123-lossless.webp").read_bytes(), b"VP8L")
    assert lossy[12:16] == b"VP8 " and lossless[12:16] == b"VP8L"
    assert image_size(lossy) == (321, 123)
    assert image_size(lossless) == (321, 123)


@pytest.mark.parametrize("version", [b"GIF87a", b"GIF89a"])
def test_gif(version: bytes) -> None:
    assert image_size(version + struct.pack("<HH", 640, 200) + b"\xf7\x00\x00") == (640, 200)


def test_jpeg_frame_after_metadata_and_fill_bytes() -> None:
    exif = segment(0xE1, b"Exif\x00\x00" + b"\x00" * 60_000)
    icc = segment(0xE2, b"ICC_PROFILE\x00" + b"\x01" * 3_000)
    tables = segment(0xDB, b"\x00" * 64) + segment(0xC4, b"\x00" * 30)  # DQT, DHT (not a frame)
    data = jpeg(exif, icc, b"\xff\xff", tables, frame(0xC0, 1600, 900))
    assert image_size(data) == (1600, 900)


@pytest.mark.parametrize("marker", [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC9, 0xCB, 0xCF])
def test_every_jpeg_frame_kind(marker: int) -> None:
    assert image_size(jpeg(segment(0xE0, b"JFIF\x00"), frame(marker, 300, 250))) == (300, 250)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, world",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400'/>",
        jpeg(segment(0xE0, b"JFIF\x00")),  # no frame before the end
        jpeg(segment(0xDA, b"\x00" * 10), frame(0xC0, 300, 300)),  # scan before any frame
        jpeg(frame(0xC0, 300, 0)),  # height defined later (DNL): unknown here
        jpeg(b"\x00\x00", frame(0xC0, 300, 300)),  # no marker where one must be
        jpeg(b"\xff\xe0\x00\x01"),  # a length that cannot be
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDX" + b"\x00" * 16,  # no IHDR first
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + b"\x00" * 8,  # a width of 0
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 20,  # no VP8 start code
        b"GIF89a\x00\x00\x10\x00",  # a width of 0
    ],
)
def test_what_is_no_readable_image_gives_none(data: bytes) -> None:
    assert image_size(data) is None


@pytest.mark.parametrize("name", sorted(CHROMIUM))
def test_a_truncated_file_gives_none_or_its_size_and_never_raises(name: str) -> None:
    data = (IMAGES / name).read_bytes()
    for end in range(len(data)):
        assert image_size(data[:end]) in (None, CHROMIUM[name])
