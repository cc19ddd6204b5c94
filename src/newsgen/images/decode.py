"""A picture file's bytes, checked and decoded into pixels ready for the web.

Runs in an image worker (images/workers.py), never in the build's own process:
Pillow's decoders are native code. Only web formats are opened (JPEG, PNG,
WebP, GIF, AVIF); a picture larger than the site's pixel limit is refused from
its header, before its pixels are decoded; a damaged or truncated file is an
error, never a half-grey picture. What comes out is 8-bit greyscale, RGB or
RGBA in sRGB, turned the way its EXIF orientation says, with no metadata left
on it: EXIF (GPS, serial numbers, maker notes), XMP, IPTC, ICC profiles and
comments are all gone before anything is encoded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, JpegImagePlugin, UnidentifiedImageError

WEB_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "AVIF": "avif"}
"""The formats a picture may be in, with the extension of its copies."""
CREDIT_TAGS = (0x013B, 0x8298)
"""EXIF Artist and Copyright: what ``keep_credit`` keeps."""


class PictureError(Exception):
    """A picture that cannot be published; the message says why and what would fix it."""


@dataclass(slots=True)
class Decoded:
    """A picture's pixels, cleaned, and what was learnt opening it."""

    image: Image.Image
    """The first frame: mode L, RGB or RGBA, sRGB, oriented, with no metadata."""
    format: str
    """The file's format (``JPEG``), a key of WEB_FORMATS."""
    frames: int
    """How many frames the file holds (more than 1: an animation)."""
    notes: tuple[str, ...]
    """What was changed that an editor may want to know (``CMYK converted to sRGB``)."""
    credit: bytes | None
    """An EXIF block holding only the Artist and Copyright fields, when kept and present."""
    own: OwnForm | None = None
    """How the picture's own copy (at its own URL) keeps the file's form."""


@dataclass(slots=True)
class OwnForm:
    """What the picture's own copy keeps of its file: no metadata, only its form."""

    image: Image.Image | None
    """The picture in its own palette or greyscale, when it is one (else None: ``image``)."""
    options: dict[str, object]
    """Encoder options that keep its JPEG quality (quantisation tables, subsampling)."""
    as_is: bool = False
    """True when its pixels are published unchanged (upright, sRGB, one frame of a JPEG):
    then its copy is the file without its metadata (images/jpeg_strip.py)."""


def decode(data: bytes, max_pixels: int, keep_credit: bool) -> Decoded:
    """Return the picture in ``data``, cleaned (see the module doc).

    Raises PictureError when it is not in a web format, has more pixels than
    ``max_pixels`` (every frame counted), or is damaged or cut short.
    """
    image = _open(data, max_pixels)
    kind = image.format or ""
    # A phone's JPEG may be an MPO: the photograph, then a depth or gain map. The
    # photograph is what was published: its first frame, as a JPEG.
    frames = 1 if kind == "MPO" else getattr(image, "n_frames", 1)
    kind = "JPEG" if kind == "MPO" else kind
    if image.width * image.height * frames > max_pixels:
        raise PictureError(
            f"has {frames} frames of {image.width}x{image.height} pixels, more than the "
            f"{max_pixels:,} pixels images.max_pixels allows: make the animation shorter or "
            "smaller"
        )
    try:
        image.load()
        credit = _credit(image) if keep_credit else None
        oriented = ImageOps.exif_transpose(image) or image
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise PictureError(f"is damaged or cut short ({error}): export it again") from None
    notes: list[str] = []
    clean = _in_srgb(oriented, image.info.get("icc_profile"), notes)
    upright = image.getexif().get(0x0112, 1) in (0, 1)
    clean.info = {}
    decoded = Decoded(clean, kind, frames, tuple(notes), credit)
    decoded.own = _own_form(image, oriented)
    # its pixels published as they are: a JPEG's own copy can keep its very scans
    decoded.own.as_is = upright and clean is oriented and image.format == "JPEG"
    return decoded


def _own_form(image: Image.Image, oriented: Image.Image) -> OwnForm:
    """How the picture's own copy keeps the file's form: a palette picture its palette
    (a graphic's PNG three times smaller than as RGB), a JPEG its quantisation tables
    and chroma subsampling (its quality, neither lost nor inflated)."""
    if oriented.mode in ("P", "L", "1") and image.format in ("PNG", "GIF"):
        kept = oriented.copy()
        transparency = image.info.get("transparency")
        kept.info = {"transparency": transparency} if transparency is not None else {}
        return OwnForm(kept, {})
    if image.format in ("JPEG", "MPO") and image.mode in ("RGB", "L"):
        tables = getattr(image, "quantization", None)
        if tables:
            sampling = JpegImagePlugin.get_sampling(image)
            options: dict[str, object] = {"qtables": tables}
            if sampling >= 0:
                options["subsampling"] = sampling
            return OwnForm(None, options)
    return OwnForm(None, {})


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open the file (its header only) or raise PictureError saying what it is not."""
    Image.MAX_IMAGE_PIXELS = max_pixels  # the worker's own Pillow: the site's limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(WEB_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError(
            f"has more than the {max_pixels:,} pixels images.max_pixels allows "
            "(a picture this large is refused unread): make it smaller"
        ) from None
    except UnidentifiedImageError:
        raise PictureError(
            "is damaged, or not a picture newsgen can publish: export it again as JPEG, "
            "PNG, WebP, GIF or AVIF (HEIC, TIFF and RAW files must be exported first)"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise PictureError(f"is damaged ({error}): export it again") from None
    if image.width * image.height > max_pixels:
        raise PictureError(
            f"is {image.width}x{image.height} pixels, more than the {max_pixels:,} "
            "images.max_pixels allows: make it smaller"
        )
    return image


def _credit(image: Image.Image) -> bytes | None:
    """An EXIF block with only the picture's Artist and Copyright, or None without them."""
    original = image.getexif()
    kept = Image.Exif()
    for tag in CREDIT_TAGS:
        if tag in original:
            kept[tag] = original[tag]
    return kept.tobytes() if len(kept) else None


def _in_srgb(image: Image.Image, icc: bytes | None, notes: list[str]) -> Image.Image:
    """Return ``image`` as 8-bit L, RGB or RGBA in sRGB."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        notes.append("16-bit greyscale reduced to 8 bits")
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "CMYK":
        notes.append("CMYK converted to sRGB")
    if icc and mode in ("RGB", "RGBA", "CMYK") and not _is_srgb(icc):
        converted = _profile_to_srgb(image, icc, "RGBA" if mode == "RGBA" else "RGB")
        if converted is not None:
            return converted
    if mode in ("L", "RGB", "RGBA"):
        return image
    if mode in ("P", "PA", "LA", "RGBa", "La") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _is_srgb(icc: bytes) -> bool:
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (OSError, ImageCms.PyCMSError, TypeError, ValueError):
        return True  # an unreadable profile: the pixels are taken as sRGB
    return "srgb" in description.lower()


def _profile_to_srgb(image: Image.Image, icc: bytes, mode: str) -> Image.Image | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (OSError, ImageCms.PyCMSError, TypeError, ValueError):
        return None
