"""images/jpeg_strip.py: a JPEG's metadata cut out, its scans copied byte for byte."""

from __future__ import annotations

import io
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from newsgen.images.jpeg_strip import strip_jpeg
from photos import photograph, scene, secrets_in


def _pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_a_camera_s_jpeg_keeps_its_picture_and_loses_its_metadata():
    data = photograph((640, 480))
    assert secrets_in(data)
    stripped = strip_jpeg(data)
    assert stripped is not None and secrets_in(stripped) == []
    assert _pixels(stripped) == _pixels(data)  # the very same scans: no loss at all
    assert len(stripped) < len(data)


def test_progressive_restart_markers_and_fill_bytes_are_kept_in_order():
    out = io.BytesIO()
    scene((300, 200)).save(out, "JPEG", progressive=True, restart_marker_blocks=1)
    data = out.getvalue()
    stripped = strip_jpeg(data)
    assert stripped is not None and _pixels(stripped) == _pixels(data)
    filled = data[:2] + b"\xff\xff\xff" + data[2:]  # fill bytes before a marker
    assert strip_jpeg(filled) is not None


def test_nothing_after_the_end_of_the_picture_is_kept():
    """A phone's MPO keeps a second picture after the first one's end; data can be hidden
    there too."""
    hidden = b"PK\x03\x04 a zip file with the reporter's notes"
    data = photograph((200, 100)) + hidden
    stripped = strip_jpeg(data)
    assert stripped is not None and hidden not in stripped and stripped.endswith(b"\xff\xd9")
    out = io.BytesIO()
    scene((200, 100)).save(out, "MPO", save_all=True, append_images=[scene((100, 50), seed=2)])
    first = strip_jpeg(out.getvalue())
    assert first is not None and Image.open(io.BytesIO(first)).size == (200, 100)
    assert b"MPF" not in first


def test_the_credit_may_be_its_only_metadata():
    exif = Image.Exif()
    exif[0x8298] = "(c) Jane Roe"
    stripped = strip_jpeg(photograph((200, 100)), exif.tobytes())
    assert stripped is not None
    kept = Image.open(io.BytesIO(stripped)).getexif()
    assert dict(kept) == {0x8298: "(c) Jane Roe"}


def test_a_file_laid_out_otherwise_is_refused():
    data = photograph((200, 100))
    assert strip_jpeg(data[: len(data) // 2]) is None  # cut short: no end
    assert strip_jpeg(b"\x89PNG\r\n\x1a\n") is None
    assert strip_jpeg(b"\xff\xd8\xff\xe1\x00\x01") is None  # a length below 2
    assert strip_jpeg(b"\xff\xd8\xff\xe1\xff\xff abc") is None  # past the end
    assert strip_jpeg(b"\xff\xd8 not a marker") is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_jpeg_or_none_never_an_error(tail):
    result = strip_jpeg(b"\xff\xd8" + tail)
    assert result is None or (result.startswith(b"\xff\xd8") and result.endswith(b"\xff\xd9"))


def test_hostile_runs_take_linear_time():
    for body in (b"\xff" * 4_000_000, b"\xff\x00" * 2_000_000, b"\xff\xd0" * 2_000_000):
        data = b"\xff\xd8\xff\xda\x00\x02" + body
        # CPU time of this process: another test on the other core does not count
        started = time.process_time()
        assert strip_jpeg(data) is None
        assert time.process_time() - started < 2
