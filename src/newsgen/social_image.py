"""The site's default social image: its file in ``static/`` and its size.

Facebook shows no ``og:image`` smaller than 200x200 pixels, so a
``default_image`` below that is an error (config.py reports it at its line).
The file is read here, at the edge; image_size.py reads the size from its head.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsgen.image_size import image_size
from newsgen.input_files import file_problem, is_ignored_name

SOCIAL_IMAGE_MIN = 200
"""The smallest width and height, in pixels, of an image Facebook shows as ``og:image``."""
IMAGE_HEAD_BYTES = 1 << 20
"""How much of the file is read to find its size (a JPEG's metadata comes before it)."""

StaticReader = Callable[[str], bytes]
"""Returns the first bytes of the file a site path (``/images/a.png``) names in
``static/``; raises ValueError saying why there is none to read."""


def social_image_problem(site_path: str, read_static: StaticReader) -> str | None:
    """Return what is wrong with ``site_path`` (``/images/social.jpg``) as a social image:
    no file static/ serves, a size that cannot be read, or a width or height below
    SOCIAL_IMAGE_MIN; None when it is fine."""
    try:
        head = read_static(site_path)
    except ValueError as error:
        return str(error)
    size = image_size(head)
    shown = f"static{site_path}"
    if size is None:
        return f"cannot read the size of {shown}: use a PNG, JPEG, GIF or WebP image"
    width, height = size
    if min(width, height) < SOCIAL_IMAGE_MIN:
        return (
            f"{shown} is {width}x{height} pixels; a social image must be at least "
            f"{SOCIAL_IMAGE_MIN}x{SOCIAL_IMAGE_MIN} (1200x630 shows best)"
        )
    return None


def read_static_head(static_dir: Path, site_path: str, size: int = IMAGE_HEAD_BYTES) -> bytes:
    """Return the first ``size`` bytes of the file ``site_path`` (``/images/a.png``) names
    in ``static_dir``.

    Raises ValueError, saying why, when there is no such file the build would copy:
    a name with an empty, ``.`` or ``..`` segment or a backslash, a hidden or
    temporary file, a missing file, a link out of ``static/``, anything but a
    regular file, or a file that cannot be read.
    """
    relative = site_path.lstrip("/")
    parts = relative.split("/")
    if "\\" in relative or any(p in ("", ".", "..") or is_ignored_name(p) for p in parts):
        raise ValueError(f"'{site_path}' is not a file static/ can serve, like /images/social.jpg")
    path = static_dir.joinpath(*parts)
    if not path.is_symlink() and not path.exists():
        raise ValueError(f"'{site_path}' names no file in static/ (looked for static/{relative})")
    problem = file_problem(path, static_dir.resolve(), "static/")
    if problem:
        raise ValueError(f"static/{relative} {problem}")
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError as error:
        raise ValueError(f"static/{relative} cannot be read: {error.strerror}") from None
