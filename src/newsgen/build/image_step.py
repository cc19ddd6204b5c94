"""The build's image step: the picture files found, made (images/), and given out.

A full build calls make_pictures() after loading, then publishes each picture's
copy without metadata in place of the original (image_copies()) beside the
resized copies and crops. A quick rebuild gives the articles it renders their
pictures from the cache (quick_pictures()) when every file they need is in the
output already; else it leaves the work to a full build.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from newsgen.cache.articles import ArticleCache
from newsgen.cache.file_hashes import hash_file
from newsgen.config import CONFIG_FILE
from newsgen.content.authors import AUTHORS_FILE
from newsgen.errors import Problems
from newsgen.images.attach import authors_with_pictures, with_pictures
from newsgen.images.plan import SOCIAL_CROPS, Use, article_uses, photo_uses, plan_files, static_file
from newsgen.images.stage import Processed, process_images
from newsgen.images.store import RecordBook
from newsgen.models import Article, Author, ImageSettings, Picture, SiteConfig
from newsgen.output.write import Copy

IMAGES_FOLDER = "images"
"""The made pictures' folder in ``SITE/.newsgen/`` (images/store.py)."""


@contextlib.contextmanager
def images_folder(cache: ArticleCache) -> Iterator[Path]:
    """Yield the cache's folder of made pictures; without a cache, a temporary folder
    removed when the build is done."""
    folder = cache.folder(IMAGES_FOLDER)
    if folder is not None:
        yield folder
        return
    temporary = Path(tempfile.mkdtemp(prefix="newsgen-images-"))
    try:
        yield temporary
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def image_settings(config: SiteConfig, problems: Problems) -> ImageSettings:
    """Return the site's image settings, without AVIF (and a warning) when this Pillow
    cannot write it."""
    settings = config.images
    if "avif" in settings.formats:
        from PIL import features

        if not features.check("avif"):
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
    return with_pictures(published, processed), authors_with_pictures(
        profiles, processed, base_path
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


def quick_pictures(
    articles: list[Article],
    config: SiteConfig,
    roots: tuple[Path, Path, Path],
    folder: Path | None,
    live: Mapping[str, int],
) -> list[Article] | None:
    """Return ``articles`` holding their Pictures, made before and in the output already
    (``live``: its files); None when any is not (a full build makes it). ``roots`` are
    the site's ``static/``, the theme's ``static/`` and ``content/``."""
    uses = list(article_uses(articles))
    if not uses:
        return articles
    if folder is None:
        return None
    files: dict[str, tuple[str, str]] = {}
    for use in uses:
        path = _on_disk(use.file, roots)
        if path is None:
            return None
        try:
            files[use.file] = (str(path), hash_file(path)[0])
        except OSError:
            return None
    problems = Problems()
    settings = image_settings(config, Problems())
    plans = plan_files(files, uses, settings)
    book = RecordBook(folder)
    units = [unit for plan in plans.values() for unit in (plan.base, *plan.crops.values())]
    if any(book.get(unit.key) is None for unit in units):
        return None  # not made yet: a full build makes it
    processed = process_images(plans, settings, folder, config.base_path, 1, problems)
    if problems.has_errors() or any(made.path not in live for made in processed.files):
        return None
    return with_pictures(articles, processed)


def _on_disk(file: str, roots: tuple[Path, Path, Path]) -> Path | None:
    static, theme_static, content = roots
    kind, _, rest = file.partition("/")
    candidates = [static / rest, theme_static / rest] if kind == "static" else [content / rest]
    return next((path for path in candidates if path.is_file()), None)
