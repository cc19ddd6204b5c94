"""The Pictures of articles read back from the cache, without the image stage.

A quick rebuild, and the page helper, take most articles from the article cache,
which holds them as loaded: without Pictures (those depend on the picture files,
not on the article's). The keys of a picture's units follow from its file's hash
(the read stage knows every file's), the settings and the article's focal point
and crop: PictureIndex finds their records in ``.newsgen/images/`` and makes the
same Picture the full build gave. A picture whose records are missing has none
(the caller decides what that means: a quick rebuild gives way to a full one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from newsgen.errors import Problems
from newsgen.images.attach import with_pictures
from newsgen.images.jobs import base_key, crops_key
from newsgen.images.plan import Use, picture_extension, plan_files
from newsgen.images.stage import make_picture, process_images
from newsgen.images.store import RecordBook
from newsgen.models import Article, ImageSettings, Output, Picture


class PictureIndex:
    """Finds the Picture of a use of a picture file in the cache's records."""

    def __init__(
        self, digests: Mapping[str, str], settings: ImageSettings, folder: Path, base_path: str
    ) -> None:
        """``digests``: each file's hash by the read stage's name (``images/a.jpg`` for a
        file of ``static/``, ``content/…`` for one beside an article)."""
        self._digests = digests
        self._settings = settings
        self._book = RecordBook(folder)
        self._base_path = base_path

    def picture(self, use: Use) -> Picture | None:
        """Return the Picture made for ``use``, or None when it was not made."""
        name = use.file.removeprefix("static/") if use.file.startswith("static/") else use.file
        digest = self._digests.get(name)
        extension = picture_extension(use.file)
        if digest is None or extension is None:
            return None
        key = base_key(digest, self._settings, extension)
        base = self._book.get(key)
        if base is None:
            return None
        crops = None
        if use.kinds and extension != "svg":
            crops = self._book.get(crops_key(key, use.focus, use.crop, use.kinds))
            if crops is None:
                return None
        return make_picture(base, crops, self._base_path)

    def make(self, uses: list[Use], locate: Callable[[str], Path | None]) -> bool:
        """Make what ``uses`` ask of their files that the cache lacks (one worker; a quick
        rebuild's few new crops); ``locate`` finds a file on disk by its name from the
        site root. Return False when a file is gone or cannot be made."""
        files: dict[str, tuple[str, str]] = {}
        for use in uses:
            path = locate(use.file)
            name = use.file.removeprefix("static/") if use.file.startswith("static/") else use.file
            digest = self._digests.get(name)
            if path is None or digest is None:
                return False
            files[use.file] = (str(path), digest)
        problems = Problems()
        plans = plan_files(files, uses, self._settings)
        folder = self._book.folder
        process_images(plans, self._settings, folder, self._base_path, 1, problems)
        self._book = RecordBook(folder)  # read again: the new records are in it
        return not problems.has_errors()

    def files_missing(self, picture: Picture, live: Mapping[str, int], origin: str) -> list[Output]:
        """Return the files of ``picture``'s copies and crops the output (``live``: its
        files by path) lacks, read from the cache, as Outputs made from ``origin``."""
        root = self._base_path.rstrip("/") + "/"
        found = []
        for url in picture_urls(picture):
            path = url.removeprefix(root)
            if path not in live:
                data = (self._book.folder / path).read_bytes()
                found.append(Output(path, data, origin))
        return found

    def attach(self, articles: list[Article]) -> list[Article]:
        """Return ``articles`` with the Pictures the cache holds for their images."""
        return with_pictures(articles, self.picture)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for the page helper) without the books read so far."""
        return {
            "digests": self._digests,
            "settings": self._settings,
            "folder": self._book.folder,
            "base_path": self._base_path,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(  # type: ignore[misc]
            state["digests"], state["settings"], state["folder"], state["base_path"]
        )


def picture_urls(picture: Picture) -> list[str]:
    """Every file of ``picture``'s copies and crops, by URL."""
    sets = (*picture.full, *picture.thumb, *picture.square)
    urls = [item.url for group in sets for item in group.files]
    urls += [item.url for item in (picture.social, *picture.structured) if item is not None]
    return urls
