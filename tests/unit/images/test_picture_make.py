"""images/decode.py, encode.py and make.py: what is made of a picture file.

Every file made is checked with Pillow: its size, its format, and that none of
the camera's metadata (tests/photos.py) survives.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from newsgen.images.decode import PictureError, decode
from newsgen.images.jobs import Unit
from newsgen.images.make import make_units
from newsgen.models import ImageSettings
from photos import photograph, scene, secrets_in

SETTINGS = ImageSettings()
BASE = Unit("a" * 24)
CROPS = Unit("b" * 24, focus=(0.5, 0.5), crop=True, kinds=("thumb", "social", "structured"))


def _opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_every_file_made_of_a_photograph_is_stripped_of_its_metadata():
    _, files = make_units(photograph(), "jpg", (BASE, CROPS), SETTINGS)
    assert len(files) > 20
    for name, data in files.items():
        assert secrets_in(data) == [], name


@pytest.mark.parametrize("kind,extension", [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_lose_their_metadata_too(kind, extension):
    data = photograph((400, 300), kind=kind)
    assert "GPS" in secrets_in(data)
    _, files = make_units(data, extension, (BASE,), SETTINGS)
    assert files and all(secrets_in(made) == [] for made in files.values())


def test_resized_copies_have_the_widths_asked_never_wider_than_the_picture():
    results, files = make_units(photograph((1500, 1000)), "jpg", (BASE,), SETTINGS)
    full = [made for made in results[0].files if made.role == "full"]
    assert sorted({made.width for made in full}) == [320, 640, 960, 1280, 1500]
    assert {made.extension for made in full} == {"avif", "webp", "jpg"}
    for made in full:
        image = _opened(files[made.name])
        assert image.size == (made.width, made.height)
        assert abs(made.height - made.width * 2 / 3) <= 1
        assert image.format == {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}[made.extension]
    original = next(made for made in results[0].files if made.role == "original")
    assert _opened(files[original.name]).size == (1500, 1000)


def test_the_orientation_is_applied_before_anything_is_made():
    results, files = make_units(photograph((800, 400), orientation=6), "jpg", (BASE,), SETTINGS)
    assert (results[0].width, results[0].height) == (400, 800)
    for made in results[0].files:
        image = _opened(files[made.name])
        assert image.height > image.width
        assert image.getexif().get(0x0112) is None


def test_crops_have_the_social_and_structured_shapes():
    results, _ = make_units(photograph((3000, 2000)), "jpg", (BASE, CROPS), SETTINGS)
    sizes = {made.role: (made.width, made.height) for made in results[1].files}
    assert sizes["social"] == (1200, 630)
    assert sizes["16x9"] == (1200, 675) and sizes["4x3"] == (1200, 900)
    assert sizes["1x1"] == (1200, 1200)
    thumbs = [made for made in results[1].files if made.role == "thumb"]
    assert {(made.width, made.height) for made in thumbs} == {(320, 213), (640, 427), (960, 640)}


def _marked(size: tuple[int, int], at: tuple[int, int]) -> bytes:
    """A grey picture with a red square at ``at``."""
    image = Image.new("RGB", size, (128, 128, 128))
    image.paste((255, 0, 0), (at[0] - 20, at[1] - 20, at[0] + 20, at[1] + 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _has_red(data: bytes) -> bool:
    image = _opened(data).convert("RGB")
    colours = image.getcolors(1 << 24) or []
    return any(r > 200 and g < 80 and b < 80 for _, (r, g, b) in colours)


def test_a_focal_point_near_the_edge_stays_in_every_crop():
    data = _marked((3000, 1000), (2900, 500))
    centred = Unit("c" * 24, focus=(0.5, 0.5), kinds=("thumb", "social", "structured"))
    focused = Unit("d" * 24, focus=(2900 / 3000, 0.5), kinds=("thumb", "social", "structured"))
    results, files = make_units(data, "png", (BASE, centred, focused), SETTINGS)
    crops_centred = [m for m in results[1].files if m.extension == "png"]
    crops_focused = [m for m in results[2].files if m.extension == "png"]
    assert not any(_has_red(files[m.name]) for m in crops_centred)
    assert all(_has_red(files[m.name]) for m in crops_focused)


def test_crop_false_keeps_the_whole_picture_letterboxed():
    image = Image.new("RGB", (2000, 500), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 50, 500))  # the left edge red, the right edge blue
    image.paste((0, 0, 255), (1950, 0, 2000, 500))
    out = io.BytesIO()
    image.save(out, "PNG")
    whole = Unit("e" * 24, focus=(0.5, 0.5), crop=False, kinds=("thumb", "social"))
    results, files = make_units(out.getvalue(), "png", (BASE, whole), SETTINGS)
    for made in results[1].files:
        if made.extension != "png":
            continue
        crop = _opened(files[made.name]).convert("RGB")
        assert crop.getpixel((1, crop.height // 2))[0] > 200  # the red edge is there
        assert crop.getpixel((crop.width - 2, crop.height // 2))[2] > 200  # and the blue
        assert abs(crop.width / crop.height - (1200 / 630 if made.role == "social" else 1.5)) < 0.02


def test_the_same_picture_and_settings_make_the_same_bytes():
    data = photograph((1400, 900))
    first = make_units(data, "jpg", (BASE, CROPS), SETTINGS)[1]
    second = make_units(data, "jpg", (BASE, CROPS), SETTINGS)[1]
    assert first == second


def test_cmyk_and_16_bit_pictures_are_converted_with_a_note():
    out = io.BytesIO()
    Image.new("CMYK", (300, 200), (0, 80, 80, 10)).save(out, "JPEG")
    results, files = make_units(out.getvalue(), "jpg", (BASE,), SETTINGS)
    assert "CMYK converted to sRGB" in results[0].notes
    assert all(
        _opened(d).mode in ("RGB", "L", "RGBA") for d in files.values() if d[:2] == b"\xff\xd8"
    )
    grey = io.BytesIO()
    Image.new("I;16", (64, 64), 40000).save(grey, "PNG")
    results, files = make_units(grey.getvalue(), "png", (BASE,), SETTINGS)
    assert "16-bit greyscale reduced to 8 bits" in results[0].notes
    original = next(m for m in results[0].files if m.role == "original")
    assert _opened(files[original.name]).getpixel((0, 0)) == 40000 // 256


def test_an_animation_keeps_its_frames_and_gets_no_resized_copies():
    frames = [Image.new("RGB", (80, 60), (i * 40, 0, 0)) for i in range(5)]
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0, comment=b"secret"
    )
    results, files = make_units(out.getvalue(), "gif", (BASE,), SETTINGS)
    assert [m.role for m in results[0].files] == ["original"]
    kept = _opened(files[results[0].files[0].name])
    assert kept.n_frames == 5 and b"secret" not in files[results[0].files[0].name]
    assert results[0].frames == 5


def _png(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height`` over a tiny compressed body."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, body: (  # noqa: E731
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_png(60000, 60000), "pixels"),  # a decompression bomb: refused from its header
        (photograph((800, 600))[:20000], "damaged or cut short"),
        (b"GIF89a" + b"\0" * 20, "damaged|not a picture"),
        (b"II*\0" + b"\0" * 100, "not a picture newsgen can publish"),  # TIFF
        (b"hello, not a picture", "not a picture"),
    ],
)
def test_broken_and_hostile_files_are_refused_with_a_reason(data, says):
    with pytest.raises(PictureError, match=says):
        decode(data, SETTINGS.max_pixels, False)


def test_keep_credit_keeps_artist_and_copyright_only():
    data = photograph((400, 300))
    settings = ImageSettings(keep_credit=True)
    _, files = make_units(data, "jpg", (BASE,), settings)
    for made in files.values():
        exif = _opened(made).getexif()
        assert exif.get(0x8298) == "(c) 2026 Jane Roe" and exif.get(0x013B) == "Jane Roe"
        assert not exif.get_ifd(0x8825) and 0xA431 not in exif


def test_a_picture_with_an_unusual_colour_profile_is_converted_to_srgb():
    from PIL import ImageCms

    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))
    image = scene((200, 100))
    out = io.BytesIO()
    image.save(
        out, "JPEG", icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    )
    decoded = decode(out.getvalue(), SETTINGS.max_pixels, False)
    assert decoded.image.mode == "RGB" and not decoded.image.info
    assert lab is not None


def test_a_phone_s_mpo_jpeg_is_its_first_frame_as_a_jpeg():
    """iPhones write JPEGs that are MPO files: the photograph, then a gain map."""
    out = io.BytesIO()
    photo, gain_map = scene((300, 200)), Image.new("L", (150, 100), 128).convert("RGB")
    photo.save(out, "MPO", save_all=True, append_images=[gain_map])
    results, files = make_units(out.getvalue(), "jpg", (BASE,), SETTINGS)
    assert results[0].frames == 1 and (results[0].width, results[0].height) == (300, 200)
    original = next(m for m in results[0].files if m.role == "original")
    assert original.extension == "jpg"
    assert _opened(files[original.name]).format == "JPEG"
    assert {m.width for m in results[0].files if m.role == "full"} == {300}


def test_the_picture_s_own_copy_keeps_its_form_not_its_metadata():
    """A chart's palette PNG stays a palette PNG (not three times larger as RGB); a
    JPEG keeps its quantisation tables (its quality neither lost nor inflated)."""
    chart = Image.new("P", (300, 200), 0)
    chart.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    chart.paste(1, (20, 20, 120, 180))
    out = io.BytesIO()
    chart.save(out, "PNG", pnginfo=None, transparency=0)
    results, files = make_units(out.getvalue(), "png", (BASE,), SETTINGS)
    original = _opened(files[next(m.name for m in results[0].files if m.role == "original")])
    assert original.mode == "P" and original.info.get("transparency") == 0
    assert original.tobytes() == chart.tobytes()
    photo = photograph((640, 480))
    source = Image.open(io.BytesIO(photo))
    results, files = make_units(photo, "jpg", (BASE,), SETTINGS)
    original = _opened(files[next(m.name for m in results[0].files if m.role == "original")])
    assert original.quantization == source.quantization
    assert secrets_in(files[next(m.name for m in results[0].files if m.role == "original")]) == []
