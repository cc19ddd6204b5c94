"""Each Image, author and the site given the Picture the image stage made for it.

The models are frozen: articles, images and authors that gain a Picture are
replaced by copies that hold it (the others are kept as they are). A lookup
gives the Picture of a use of a file (images/stage.Processed.picture after the
image stage, images/index.PictureIndex.picture for articles read back from the
cache): both give the same Picture for the same use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from newsgen.images.plan import LEAD_CROPS, PHOTO_CROPS, Use, static_file
from newsgen.models import Article, Author, Image, Picture

Lookup = Callable[[Use], "Picture | None"]
"""Returns the Picture made for a use of a picture file, or None."""


def with_pictures(articles: list[Article], lookup: Lookup) -> list[Article]:
    """Return ``articles`` with a Picture on every local image that has one."""
    return [_article(article, lookup) for article in articles]


def _article(article: Article, lookup: Lookup) -> Article:
    if not any(image.file for image in (*article.images, *article.body_images)):
        return article
    images = tuple(
        _image(image, lookup, LEAD_CROPS if index == 0 else ())
        for index, image in enumerate(article.images)
    )
    body_images = tuple(_image(image, lookup, ()) for image in article.body_images)
    return replace(article, images=images, body_images=body_images)


def _image(image: Image, lookup: Lookup, kinds: tuple[str, ...]) -> Image:
    if not image.file:
        return image
    picture = lookup(Use(image.file, image.focus, image.crop, kinds))
    return replace(image, picture=picture) if picture is not None else image


def authors_with_pictures(
    authors: Mapping[str, Author], lookup: Lookup, base_path: str
) -> dict[str, Author]:
    """Return the author profiles with a Picture on each photo in ``static/``."""
    result = {}
    for slug, author in authors.items():
        file = static_file(author.photo, base_path)
        picture = lookup(Use(file, kinds=PHOTO_CROPS)) if file else None
        result[slug] = replace(author, picture=picture) if picture is not None else author
    return result
