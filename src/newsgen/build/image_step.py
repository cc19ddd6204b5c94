"""The build's image step: the picture files found, made (images/), and given out.

A full build calls make_pictures() after loading, then publishes each picture's
copy without metadata in place of the original (image_copies()) beside the
resized copies and crops. A quick rebuild gives the articles it renders their
pictures from the cache (quick_pictures()) when every file they need is in the
output already; else it leaves the work to a full build.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from newsgen.cache.articles import ArticleCache
from newsgen.config import CONFIG_FILE
from newsgen.content.authors import AUTHORS_FILE
from newsgen.errors import Problems
from newsgen.images.attach import authors_with_pictures, with_pictures
from newsgen.images.index import PictureIndex
from newsgen.images.plan import SOCIAL_CROPS, Use, article_uses, photo_uses, plan_files, static_file
from newsgen.images.stage import Processed, process_images
from newsgen.images.store import RECORDS
from newsgen.models import Article, Author, ImageSettings, Output, Picture, SiteConfig
from newsgen.output.write import Copy

IMAGES_FOLDER = "images"
"""The made pictures' folder in ``SITE/.newsgen/`` (images/store.py)."""


@contextlib.contextmanager
def images_folder(cache: ArticleCache) -> Iterator[Path]:
    """Yield the cache's folder of made pictures; without a cache, a temporary folder
    removed when the build is done."""
    folder = cache.folder(IMAGES_FOLDER)
    if folder is not None:
        if _damaged(folder):  # anything but folders where folders go: made anew
            _remove(folder)
            cache.note(f".newsgen/{IMAGES_FOLDER}", "removed, and its pictures made anew")
        yield folder
        return
    temporary = Path(tempfile.mkdtemp(prefix="newsgen-images-"))
    try:
        yield temporary
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _damaged(folder: Path) -> bool:
    """True when the made pictures' folder holds something else where a folder goes (the
    folder itself, ``img/``, ``records/``, or one of ``img/``'s 256 folders): then
    nothing could be written into it."""
    places = [folder, folder / "img", folder / RECORDS]
    try:
        with os.scandir(folder / "img") as entries:
            places += [Path(entry.path) for entry in entries if not entry.name.startswith(".")]
    except OSError:
        pass
    return any(place.is_symlink() or (place.exists() and not place.is_dir()) for place in places)


def _remove(folder: Path) -> None:
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)
    else:
        folder.unlink(missing_ok=True)


@functools.cache
def _writes_avif() -> bool:
    """True when this Pillow has its AVIF plugin: found, not loaded (loading Pillow costs a
    quick rebuild that may make no picture a twentieth of a second)."""
    try:
        return importlib.util.find_spec("PIL._avif") is not None
    except (ImportError, ValueError):
        return False


def image_settings(config: SiteConfig, problems: Problems) -> ImageSettings:
    """Return the site's image settings, without AVIF (and a warning) when this Pillow
    cannot write it."""
    settings = config.images
    if "avif" in settings.formats and not _writes_avif():
        problems.warning(
            CONFIG_FILE,
            0,
            "images.formats",
            "this installation's Pillow cannot write AVIF: only WebP and the original "
            "format's copies are made (install a Pillow built with AVIF, 11.3 or later)",
        )
        formats = tuple(name for name in settings.formats if name != "avif")
        settings = replace(settings, formats=formats)
    return settings


def make_pictures(
    config: SiteConfig,
    published: list[Article],
    profiles: Mapping[str, Author],
    files: Mapping[str, tuple[str, str]],
    folder: Path,
    jobs: int,
    problems: Problems,
) -> Processed:
    """Make every picture ``files`` (name -> path on disk, hash) publishes, as the
    ``published`` articles, the author ``profiles`` and the config use them."""
    uses = [*article_uses(published), *photo_uses(profiles, config.base_path, AUTHORS_FILE)]
    default = _default_image_use(config)
    if default is not None:
        uses.append(default)
    settings = image_settings(config, problems)
    plans = plan_files(files, uses, settings)
    return process_images(plans, settings, folder, config.base_path, jobs, problems)


def _default_image_use(config: SiteConfig) -> Use | None:
    base = config.base_url.rstrip("/")
    if not config.default_image.startswith(base + "/"):
        return None
    file = static_file(config.default_image[len(base) :], "/")
    where = (CONFIG_FILE, 0, "default_image")
    return Use(file, kinds=SOCIAL_CROPS, where=where) if file else None


def default_picture(config: SiteConfig, processed: Processed) -> Picture | None:
    """Return the Picture of the site's default social image, when it is a local file."""
    use = _default_image_use(config)
    return processed.picture(use) if use is not None else None


def published_files(
    copies: Iterable[Copy],
    digests: Mapping[str, str],
    articles: Iterable[Article],
    content_root: Path,
) -> dict[str, tuple[str, str]]:
    """Return every file the site publishes by its name from the site root (``static/…``,
    ``content/…``), with its path on disk and hash (``digests``, by the read stage's
    names: ``images/a.jpg`` for static files, ``content/…`` for the others)."""
    found = {f"static/{copy.path}": (copy.source, digests.get(copy.path, "?")) for copy in copies}
    for article in articles:
        for asset in article.assets:
            name = "content/" + asset.source.relative_to(content_root).as_posix()
            found[name] = (str(asset.source), digests.get(name, "?"))
    return found


def pictured(
    published: list[Article], profiles: Mapping[str, Author], processed: Processed, base_path: str
) -> tuple[list[Article], dict[str, Author]]:
    """Return the articles and author profiles holding their Pictures."""
    return (
        with_pictures(published, processed.picture),
        authors_with_pictures(profiles, processed.picture, base_path),
    )


def image_copies(copies: list[Copy], processed: Processed) -> list[Copy]:
    """Return ``copies`` with each picture's copy without metadata in place of its file,
    and the resized copies and crops added."""
    originals = processed.originals
    kept = [
        replace(copy, source=originals[copy.source], known=None)
        if copy.source in originals
        else copy
        for copy in copies
    ]
    return kept + [Copy(made.source, made.path, made.origin) for made in processed.files]


def picture_index(
    config: SiteConfig, digests: Mapping[str, str], cache: ArticleCache
) -> PictureIndex | None:
    """Return the index of the pictures made before (images/index.py), for articles read
    back from the cache; None without a cache (then nothing was kept)."""
    folder = cache.folder(IMAGES_FOLDER)
    if folder is None:
        return None
    return PictureIndex(digests, image_settings(config, Problems()), folder, config.base_path)


def quick_pictures(
    articles: list[Article],
    index: PictureIndex | None,
    live: Mapping[str, int],
    before: Mapping[str, Article],
    roots: tuple[Path, Path, Path],
) -> tuple[list[Article], list[Output]] | None:
    """Return ``articles`` holding their Pictures, with the files of crops their new
    uses of pictures ask for, made now (a picture newly a lead image: its thumbnails and
    social card) and not in the output yet (``live``: its files); None when a full
    build is needed: a picture file not made before, or a crop a version ``before``
    (by source path) asked for that these no longer do (its files would be left over).
    ``roots`` are the site's ``static/``, the theme's ``static/`` and ``content/``."""
    uses = {use for use in article_uses(articles)}
    if not uses:
        return articles, []
    if index is None or _uses_dropped(articles, before, uses):
        return None
    missing = [use for use in uses if index.picture(use) is None]
    if missing and not index.make(missing, lambda file: _on_disk(file, roots)):
        return None
    pictured_articles = index.attach(articles)
    made: list[Output] = []
    for article in pictured_articles:
        for image in (*article.images, *article.body_images):
            if image.file and image.picture is None:
                return None
            if image.picture is not None:
                made += index.files_missing(image.picture, live, image.file)
    return pictured_articles, made


def _uses_dropped(articles: list[Article], before: Mapping[str, Article], uses: set[Use]) -> bool:
    """True when an article's version before asked for crops the new ones do not."""
    old = [before[a.source_path] for a in articles if a.source_path in before]
    return any(use.kinds and use not in uses for use in article_uses(old))


def _on_disk(file: str, roots: tuple[Path, Path, Path]) -> Path | None:
    """The path of ``file`` (``static/…``: the site's, else the theme's; ``content/…``)."""
    static, theme_static, content = roots
    kind, _, rest = file.partition("/")
    candidates = [static / rest, theme_static / rest] if kind == "static" else [content / rest]
    return next((path for path in candidates if path.is_file()), None)
