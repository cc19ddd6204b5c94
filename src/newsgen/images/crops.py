"""Where a crop of a given shape cuts a picture: around its focal point, never past its edges.

Pure geometry, no Pillow: sizes are ``(width, height)`` in pixels, boxes are
``(left, top, right, bottom)`` as Pillow takes them.
"""

from __future__ import annotations

Box = tuple[int, int, int, int]


def crop_box(size: tuple[int, int], ratio: float, focus: tuple[float, float]) -> Box:
    """Return the largest box of ``ratio`` (width / height) inside a picture of ``size``,
    placed so that the focal point ``focus`` (fractions of width and height from the
    top left) is as near its centre as the edges allow: the focal point is always
    inside the box."""
    width, height = size
    if width / height > ratio:  # wider than the shape: cut the sides
        box_width, box_height = max(1, min(width, round(height * ratio))), height
    else:  # taller: cut top and bottom
        box_width, box_height = width, max(1, min(height, round(width / ratio)))
    left = _placed(focus[0] * width, box_width, width)
    top = _placed(focus[1] * height, box_height, height)
    return left, top, left + box_width, top + box_height


def _placed(centre: float, span: int, whole: int) -> int:
    """The start of a span of ``span`` centred on ``centre`` and kept within ``whole``."""
    start = round(centre - span / 2)
    return max(0, min(start, whole - span))


def fitted_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Return ``size`` scaled down (never up) to fit inside ``box``, keeping its shape."""
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shape_size(size: tuple[int, int], ratio: float, widest: int) -> tuple[int, int]:
    """Return the size of a ``ratio`` crop of a picture of ``size`` scaled to at most
    ``widest`` pixels wide, never enlarged."""
    box = crop_box(size, ratio, (0.5, 0.5))
    width = min(widest, box[2] - box[0])
    return width, max(1, round(width / ratio))


def letterbox(size: tuple[int, int], ratio: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """Return the canvas of ``ratio`` that holds a whole picture of ``size`` (``crop:
    false``) and where the picture goes on it: ``((width, height), (left, top))``."""
    width, height = size
    if width / height > ratio:
        canvas = (width, max(height, round(width / ratio)))
    else:
        canvas = (max(width, round(height * ratio)), height)
    return canvas, ((canvas[0] - width) // 2, (canvas[1] - height) // 2)


def widths_for(width: int, wanted: tuple[int, ...]) -> tuple[int, ...]:
    """Return the widths of ``wanted`` a picture ``width`` wide can be shown at without
    enlarging it, plus its own width when it lies below the widest wanted (so a
    1500-pixel picture gets 320 … 1280 and 1500); at least its own width."""
    widths = {w for w in wanted if w < width}
    if width <= max(wanted):
        widths.add(width)
    return tuple(sorted(widths))
