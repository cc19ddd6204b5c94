"""The HTML of a picture: ``<picture>`` with a source per format, sized, lazy or first.

A theme calls ``picture()`` (render/templates.py makes it the template global of
that name) and never needs to know the files: every ``<img>`` gets ``width`` and
``height`` (no layout shift while it loads), its average colour as the
background until it comes, and either ``fetchpriority="high"`` (the lead image,
never lazy) or ``loading="lazy"``. body_with_pictures() does the same for the
images of an article body.
"""

from __future__ import annotations

import functools
import re
from html import unescape

from markupsafe import Markup, escape

from newsgen.models import Article, Image, Picture, RenditionSet

BODY_SIZES = "(min-width: 48rem) 42rem, 100vw"
"""How wide a body image is shown, for the browser's choice of file."""
_FALLBACK_WIDEST = 1280
"""The ``src`` of a picture, for browsers without ``srcset``: the widest copy up to this."""
_BODY_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")?>')


def picture(
    image: Image | Picture | None,
    sizes: str = "100vw",
    shape: str = "full",
    lead: bool = False,
    alt: str | None = None,
    class_name: str = "",
) -> Markup:
    """Return the HTML showing ``image`` (an Image, or a Picture such as ``author.picture``;
    None: nothing) in ``shape`` (``full``, ``thumb`` 3:2 or ``square``) at ``sizes``
    (the ``sizes`` attribute); ``lead`` for the picture the page opens with;
    ``alt`` replaces the image's own alt text."""
    if image is None:
        return Markup("")
    made = image.picture if isinstance(image, Image) else image
    text = alt if alt is not None else (image.alt if isinstance(image, Image) else "")
    loading = ' fetchpriority="high"' if lead else ' loading="lazy"'
    common = f'{_class(class_name)} alt="{escape(text)}"{loading} decoding="async"'
    if made is None or made.animated or made.vector or not made.full:
        assert isinstance(image, Image) or made is not None
        src = image.url if isinstance(image, Image) else ""
        size = _size(made.width, made.height) if made is not None else ""
        return Markup(f'<img src="{escape(src)}"{size}{common}>')
    start, end = _picture_parts(made, shape, sizes)
    return Markup(f"{start}{common}{end}")


@functools.lru_cache(maxsize=4096)
def _picture_parts(made: Picture, shape: str, sizes: str) -> tuple[str, str]:
    """The markup of a Picture in ``shape`` at ``sizes`` before and after the img's own
    attributes (class, alt, loading): made once per picture and shape, as a page shows
    the same one in several places and a build shows each on several pages."""
    sets = _shape_sets(made, shape)
    whole = sets is None
    sets = sets or made.full
    fallback = sets[-1]
    widest = fallback.files[-1]
    width, height = (made.width, made.height) if whole else (widest.width, widest.height)
    src = _src(fallback)
    sized = f' sizes="{escape(sizes)}"'
    lines = ["<picture>"]
    for modern in sets[:-1]:
        lines.append(f'<source type="{modern.media_type}" srcset="{escape(modern.srcset)}"{sized}>')
    colour = f' style="background-color:{made.placeholder}"'
    lines.append(
        f'<img src="{escape(src)}" srcset="{escape(fallback.srcset)}"{sized}{_size(width, height)}'
    )
    return "".join(lines), f"{colour}></picture>"


def body_with_pictures(article: Article) -> Markup:
    """Return the article's body HTML with each of its local images shown by picture()."""
    html = str(article.body_html)
    by_url = {image.url: image for image in article.body_images if image.picture is not None}
    if not by_url:
        return Markup(html)

    def shown(found: re.Match[str]) -> str:
        image = by_url.get(unescape(found.group(1)))
        if image is None:
            return found.group(0)
        return str(picture(image, BODY_SIZES, alt=unescape(found.group(2))))

    return Markup(_BODY_IMAGE.sub(shown, html))


def _shape_sets(made: Picture, shape: str) -> tuple[RenditionSet, ...] | None:
    """The copies of a cropped ``shape`` (``thumb``, ``square``); None for the whole
    picture (``full``, or a shape it has no copies of)."""
    if shape == "thumb":
        return made.thumb or None
    if shape == "square":
        return made.square or None
    return None


def _src(fallback: RenditionSet) -> str:
    fitting = [item for item in fallback.files if item.width <= _FALLBACK_WIDEST]
    return (fitting[-1] if fitting else fallback.files[0]).url


def _size(width: int, height: int) -> str:
    return f' width="{width}" height="{height}"' if width and height else ""


def _class(name: str) -> str:
    return f' class="{escape(name)}"' if name else ""
