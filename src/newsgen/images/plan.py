"""Which picture files are published, and what each page asks of them.

Every picture among the files the site publishes (``static/``, the theme's, and
the files beside published articles) is published only as a copy without
metadata, with its resized copies; those a page shows also get the crops their
use asks for: a lead image its card thumbnails, social card and structured-data
shapes, an author photo its squares, the default social image its social card.
No I/O: the files are known by name and hash from the read stage.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newsgen.images.jobs import Unit, base_key, crops_key
from newsgen.models import Article, Author, Image, ImageSettings

EXTENSIONS = {
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".jpe": "jpg",
    ".png": "png",
    ".webp": "webp",
    ".gif": "gif",
    ".avif": "avif",
    ".svg": "svg",
}
"""The picture files the pipeline publishes, by extension (others are copied as they are)."""
LEAD_CROPS = ("thumb", "social", "structured")
PHOTO_CROPS = ("square",)
SOCIAL_CROPS = ("social", "structured")


@dataclass(frozen=True, slots=True)
class Use:
    """One page's use of a picture file."""

    file: str
    """The file from the site root (``static/images/a.jpg``)."""
    focus: tuple[float, float] = (0.5, 0.5)
    crop: bool = True
    kinds: tuple[str, ...] = ()
    """The crops it asks for (jobs.CROP_KINDS); none for a picture shown whole."""
    where: tuple[str, int, str] = ("", 0, "")
    """The file, line and field that name it, for messages."""


@dataclass(slots=True)
class FilePlan:
    """What is to be made of one picture file."""

    file: str
    source: str
    """Its path on disk."""
    extension: str
    base: Unit
    crops: dict[tuple[tuple[float, float], bool, tuple[str, ...]], Unit] = field(
        default_factory=dict
    )
    """The crops units, by focal point, crop setting and kinds."""
    uses: list[Use] = field(default_factory=list)


def picture_extension(path: str) -> str | None:
    """Return the pipeline's extension for a file named ``path`` (None: not a picture)."""
    return EXTENSIONS.get(posixpath.splitext(path)[1].lower())


def article_uses(articles: Iterable[Article]) -> Iterable[Use]:
    """Every local picture the articles show: lead images with their crops, the rest whole."""
    for article in articles:
        for index, image in enumerate(article.images):
            if image.file:
                yield _use(image, article.source_path, LEAD_CROPS if index == 0 else ())
        for image in article.body_images:
            if image.file:
                yield _use(image, article.source_path, ())


def _use(image: Image, shown: str, kinds: tuple[str, ...]) -> Use:
    return Use(image.file, image.focus, image.crop, kinds, (shown, image.line, image.field))


def photo_uses(authors: Mapping[str, Author], base_path: str, profiles_file: str) -> Iterable[Use]:
    """The author photos in ``static/`` (their squares)."""
    for author in authors.values():
        file = static_file(author.photo, base_path)
        if file:
            yield Use(file, kinds=PHOTO_CROPS, where=(profiles_file, 0, f"{author.name}.photo"))


def static_file(url: str, base_path: str) -> str:
    """Return ``static/PATH`` for a root-relative ``url`` under ``base_path``, else ""."""
    if not url.startswith(base_path) or "://" in url:
        return ""
    return "static/" + url[len(base_path) :].lstrip("/")


def plan_files(
    published: Mapping[str, tuple[str, str]],
    uses: Iterable[Use],
    settings: ImageSettings,
) -> dict[str, FilePlan]:
    """Return what to make of each picture file: ``published`` gives each published file's
    path on disk and hash, by its name from the site root; ``uses`` what pages ask."""
    plans: dict[str, FilePlan] = {}
    wanted: dict[str, list[Use]] = {}
    for use in uses:
        wanted.setdefault(use.file, []).append(use)
    for file, (source, digest) in published.items():
        extension = picture_extension(file)
        if extension is None:
            continue
        shown = wanted.get(file, [])
        # every picture gets its resized copies, shown or not: then the files a picture
        # publishes do not change as articles start or stop showing it
        base = Unit(base_key(digest, settings, extension))
        plan = plans[file] = FilePlan(file, source, extension, base, uses=shown)
        for use in shown:
            if use.kinds and extension != "svg":
                ask = (use.focus, use.crop, use.kinds)
                key = crops_key(base.key, *ask)
                plan.crops.setdefault(
                    ask, Unit(key, focus=use.focus, crop=use.crop, kinds=use.kinds)
                )
    return plans
