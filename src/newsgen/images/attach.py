"""Each Image, author and the site given the Picture the image stage made for it.

The models are frozen: articles, images and authors that gain a Picture are
replaced by copies that hold it (the others are kept as they are).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from newsgen.images.plan import LEAD_CROPS, PHOTO_CROPS, Use, static_file
from newsgen.images.stage import Processed
from newsgen.models import Article, Author, Image


def with_pictures(articles: list[Article], processed: Processed) -> list[Article]:
    """Return ``articles`` with a Picture on every local image that has one."""
    return [_article(article, processed) for article in articles]


def _article(article: Article, processed: Processed) -> Article:
    if not any(image.file for image in (*article.images, *article.body_images)):
        return article
    images = tuple(
        _image(image, processed, LEAD_CROPS if index == 0 else ())
        for index, image in enumerate(article.images)
    )
    body_images = tuple(_image(image, processed, ()) for image in article.body_images)
    return replace(article, images=images, body_images=body_images)


def _image(image: Image, processed: Processed, kinds: tuple[str, ...]) -> Image:
    if not image.file:
        return image
    picture = processed.picture(Use(image.file, image.focus, image.crop, kinds))
    return replace(image, picture=picture) if picture is not None else image


def authors_with_pictures(
    authors: Mapping[str, Author], processed: Processed, base_path: str
) -> dict[str, Author]:
    """Return the author profiles with a Picture on each photo in ``static/``."""
    result = {}
    for slug, author in authors.items():
        file = static_file(author.photo, base_path)
        picture = processed.picture(Use(file, kinds=PHOTO_CROPS)) if file else None
        result[slug] = replace(author, picture=picture) if picture is not None else author
    return result
