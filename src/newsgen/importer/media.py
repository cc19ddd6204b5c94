"""Pictures of an imported archive copied into the site (``newsgen import --media DIR``).

A WordPress post names its pictures by their address on the old site
(``https://example.com/wp-content/uploads/2019/03/storm.jpg``); the export
does not hold them, but the site's uploads folder does. localise() finds each
such address in an article's text (front matter ``images`` and body images),
looks for the file under the folder given (``DIR/2019/03/storm.jpg``; a resized
copy WordPress made, ``storm-1024x683.jpg``, falls back to the original when
only that is there), and points the article at ``/images/uploads/2019/03/storm.jpg``
in ``static/``, where the build processes it like any other picture. The files
are copied by the import's transaction (importer/transaction.py). No I/O but
looking for files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from newsgen.images.plan import EXTENSIONS
from newsgen.sanitize import split_url

STATIC_FOLDER = "images/uploads"
"""Where copied pictures go in ``static/`` (served at ``/images/uploads/…``)."""
_ADDRESS = re.compile(r"https?://[^\s)\"'<>]+?/uploads/[^\s)\"'<>]+")
_RESIZED = re.compile(r"-\d{2,5}x\d{2,5}(?=\.[A-Za-z0-9]+$|$)")
"""The size WordPress adds to the name of a resized copy (``photo-1024x683.jpg``)."""


def is_picture(path: str) -> bool:
    """True when ``path`` (a file, or an address) names a picture the build processes
    (images/plan.py's EXTENSIONS)."""
    return PurePosixPath(split_url(path).path).suffix.lower() in EXTENSIONS


def picture_stem(url: str) -> str:
    """A picture's name without its extension and the size of a resized copy, lower
    case: ``…/photo-1024x683.JPG`` and ``…/photo.jpg`` are both ``photo``."""
    return _RESIZED.sub("", PurePosixPath(split_url(url).path).stem).lower()


@dataclass
class MediaFolder:
    """The uploads folder, and what the import copies from it."""

    root: Path
    copies: dict[str, Path] = field(default_factory=dict)
    """A file in ``static/`` (``images/uploads/2019/03/storm.jpg``) -> the file to copy."""

    def localise(self, text: str) -> tuple[str, list[str]]:
        """Return ``text`` with each picture address found in the folder pointed at its
        copy in ``static/``, and the addresses of pictures under ``uploads/`` that are
        not in it (they stay remote)."""
        missing: list[str] = []

        def local(match: re.Match[str]) -> str:
            address = match.group(0)
            found = self._file_of(address)
            if found is None:
                missing.append(address)
                return address
            relative, source = found
            self.copies.setdefault(f"{STATIC_FOLDER}/{relative}", source)
            return f"/{STATIC_FOLDER}/{relative}"

        return _ADDRESS.sub(local, text), missing

    def _file_of(self, address: str) -> tuple[str, Path] | None:
        path = unquote(split_url(address).path)
        if "/uploads/" not in path:
            return None  # an address Python cannot read
        relative = path.split("/uploads/", 1)[1]
        name = PurePosixPath(relative)
        if not name.parts or ".." in name.parts or not is_picture(relative):
            return None
        for name in dict.fromkeys((relative, _RESIZED.sub("", relative))):
            candidate = self.root.joinpath(*PurePosixPath(name).parts)
            if candidate.is_file() and _inside(candidate, self.root):
                return name, candidate
        return None


def _inside(file: Path, root: Path) -> bool:
    """True when ``file``, its links followed, is under ``root``: a link in the uploads
    folder to a file elsewhere (``/etc/passwd``) is never copied into the site."""
    try:
        return file.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except OSError:
        return False
