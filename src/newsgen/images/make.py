"""One picture file's units, made: the work an image worker does (images/workers.py).

Pure apart from Pillow: bytes in, file bytes out. The picture is decoded once
(images/decode.py) for all its units; each resized copy is made from the
decoded picture with Lanczos filtering, never enlarged; crops cut around the
focal point (images/crops.py) or, with ``crop: false``, letterbox the whole
picture on its average colour.
"""

from __future__ import annotations

from PIL import Image

from newsgen.images.crops import crop_box, fitted_size, letterbox, shape_size, widths_for
from newsgen.images.decode import WEB_FORMATS, Decoded, PictureError, decode
from newsgen.images.encode import encode, encode_animation
from newsgen.images.jobs import (
    SOCIAL_SIZE,
    SQUARE_WIDTHS,
    STRUCTURED_SHAPES,
    STRUCTURED_WIDTH,
    THUMB_WIDTHS,
    Made,
    Unit,
    UnitResult,
    file_name,
)
from newsgen.images.jpeg_strip import strip_jpeg
from newsgen.images.svg import svg_problem, svg_size
from newsgen.models import ImageSettings

SHAPE_MIN = 200
"""A social card or structured-data shape smaller than this either way is not made
(Facebook shows no ``og:image`` under 200x200; the page falls back to the default)."""
CROP_SIDE = 1200
"""The crops' longest side (SOCIAL_SIZE, STRUCTURED_WIDTH): what a crop needs of a picture."""
WORKING_WIDTH = 1920
ORIGINAL_QUALITY = 90
"""The least quality the picture's own copy (at its own URL, full size) is encoded at."""

Files = dict[str, bytes]


def make_units(
    data: bytes, extension: str, units: tuple[Unit, ...], settings: ImageSettings
) -> tuple[list[UnitResult], Files]:
    """Make ``units`` of the picture in ``data`` (a file named ``*.extension``); return
    what each made, and every file's bytes by name. Raises PictureError."""
    if extension == "svg":
        return _vector_units(data, units)
    decoded = decode(data, settings.max_pixels, settings.keep_credit)
    files: Files = {}
    working = _Working(decoded.image)
    results = [_made(unit, data, decoded, settings, (files, working)) for unit in units]
    return results, files


class _Working:
    """What every unit of one picture shares: its average colour, and the picture made
    only as small as every crop allows (its shorter side at least CROP_SIDE pixels,
    WORKING_WIDTH wide at least), which the crops are cut from and the resized copies
    start from: a 24-megapixel photograph is resized from its full size once."""

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self._working: Image.Image | None = None
        self.colour = placeholder(image)

    def working(self) -> Image.Image:
        if self._working is None:
            image = self.image
            scale = max(CROP_SIDE / min(image.size), WORKING_WIDTH / image.width)
            if scale >= 1:
                self._working = image
            else:
                size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
                self._working = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        return self._working


def _vector_units(data: bytes, units: tuple[Unit, ...]) -> tuple[list[UnitResult], Files]:
    """An SVG is published as it is, once checked; only its size is learnt."""
    problem = svg_problem(data)
    if problem:
        raise PictureError(problem)
    width, height = svg_size(data)
    results = [UnitResult(unit.key, (), width, height, "#ffffff", vector=True) for unit in units]
    return results, {}


def _made(
    unit: Unit,
    data: bytes,
    decoded: Decoded,
    settings: ImageSettings,
    made_so_far: tuple[Files, _Working],
) -> UnitResult:
    files, working = made_so_far
    image = decoded.image
    made: list[Made] = []

    def put(label: str, role: str, picture: Image.Image, extension: str, quality: int) -> None:
        name = file_name(unit.key, label, extension)
        files[name] = encode(picture, extension, quality, decoded.credit)
        made.append(Made(name, role, picture.width, picture.height, extension))

    own = _own_extension(decoded)
    fallback = _fallback_extension(decoded, image)
    if unit.focus is None:
        if decoded.frames > 1:
            name = file_name(unit.key, "original", own)
            files[name] = encode_animation(data, own, settings.quality)
            made.append(Made(name, "original", image.width, image.height, own))
        else:
            name = file_name(unit.key, "original", own)
            files[name] = _own_copy(data, decoded, own, settings)
            made.append(Made(name, "original", image.width, image.height, own))
            _resized(image, working.working(), settings, fallback, put)
    else:
        _crops(working.working(), unit, settings, fallback, put)
    colour = working.colour
    return UnitResult(
        unit.key,
        tuple(made),
        image.width,
        image.height,
        colour,
        decoded.frames,
        notes=decoded.notes,
    )


def _own_copy(data: bytes, decoded: Decoded, extension: str, settings: ImageSettings) -> bytes:
    """The picture's own copy, for its own URL: a JPEG whose pixels need no change is
    its file without the metadata; any other is encoded anew in its own form."""
    form = decoded.own
    if form is not None and form.as_is:
        stripped = strip_jpeg(data, decoded.credit)
        if stripped is not None:
            return stripped
    itself = form.image if form is not None and form.image is not None else decoded.image
    quality = max(settings.quality, ORIGINAL_QUALITY)
    options = form.options if form is not None else None
    return encode(itself, extension, quality, decoded.credit, options)


def _own_extension(decoded: Decoded) -> str:
    """The extension of the picture's own copy: its format's."""
    return WEB_FORMATS.get(decoded.format, "png")


def _fallback_extension(decoded: Decoded, image: Image.Image) -> str:
    """The format every browser shows, for the copies: JPEG for photographs, PNG for
    graphics and anything transparent."""
    if image.mode == "RGBA" or decoded.format in ("PNG", "GIF"):
        return "png"
    return "jpg"


def _resized(
    image: Image.Image, start: Image.Image, settings: ImageSettings, fallback: str, put
) -> None:
    """The copies of the whole picture, widest first, each resized from the one before
    (or from ``start``, the picture made smaller already, when it is wide enough): a few
    times cheaper than each from the full picture, and as sharp."""
    source = start
    for width in sorted(widths_for(image.width, settings.widths), reverse=True):
        if source.width < width:
            source = image
        copy = _scaled(source, (width, max(1, round(image.height * width / image.width))))
        for extension in (*settings.formats, fallback):
            put(str(width), "full", copy, extension, settings.quality)
        source = copy


def _crops(image: Image.Image, unit: Unit, settings: ImageSettings, fallback: str, put) -> None:
    assert unit.focus is not None
    for kind in unit.kinds:
        if kind == "social":
            ratio = SOCIAL_SIZE[0] / SOCIAL_SIZE[1]
            shaped = _shaped(image, unit, ratio, SOCIAL_SIZE[0])
            if min(shaped.size) >= SHAPE_MIN:
                put("social", "social", shaped, fallback, 85)
        elif kind == "structured":
            for label, ratio in STRUCTURED_SHAPES:
                shaped = _shaped(image, unit, ratio, STRUCTURED_WIDTH)
                if min(shaped.size) >= SHAPE_MIN:
                    put(label, label, shaped, fallback, 85)
        else:
            ratio, widths = (3 / 2, THUMB_WIDTHS) if kind == "thumb" else (1.0, SQUARE_WIDTHS)
            whole = _shaped(image, unit, ratio, max(widths))
            for width in widths_for(whole.width, widths):
                copy = _scaled(whole, (width, max(1, round(width / ratio))))
                for extension in (*settings.formats, fallback):
                    put(f"{kind}-{width}", kind, copy, extension, settings.quality)


def _shaped(image: Image.Image, unit: Unit, ratio: float, widest: int) -> Image.Image:
    """The picture in the shape ``ratio``, at most ``widest`` pixels wide: cut around the
    focal point, or letterboxed on its average colour when it is not to be cut."""
    assert unit.focus is not None
    if unit.crop:
        box = crop_box(image.size, ratio, unit.focus)
        size = shape_size(image.size, ratio, widest)
        return image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    canvas_size, _ = letterbox(image.size, ratio)
    scale = min(1.0, widest / canvas_size[0])
    canvas_size = (
        max(1, round(canvas_size[0] * scale)),
        max(1, round(canvas_size[0] * scale / ratio)),
    )
    inner = _scaled(image, fitted_size(image.size, canvas_size))
    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    canvas = Image.new(mode, canvas_size, placeholder(image))
    at = ((canvas_size[0] - inner.width) // 2, (canvas_size[1] - inner.height) // 2)
    canvas.paste(inner.convert(mode), at)
    return canvas


def _scaled(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def placeholder(image: Image.Image) -> str:
    """Return the picture's average colour as ``#rrggbb``."""
    pixel = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return "#{:02x}{:02x}{:02x}".format(*pixel[:3])
