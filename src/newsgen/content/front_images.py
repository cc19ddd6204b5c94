"""Front matter ``images``: each entry checked and found (no I/O).

An entry names a file in ``static/`` (``/images/a.jpg``), a file beside the
article (``map.png``, copied next to its page) or a remote picture (``https://…``,
left as it is, with a warning unless ``images.warn_remote`` is false); it may
give a focal point (``focus: [x, y]``) and ``crop: false``.
"""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any

from newsgen.content.body_images import REMOTE_WARNING
from newsgen.content.context import LoadContext
from newsgen.content.discover import SourceFile
from newsgen.content.fields import MISSING, FieldReader, describe
from newsgen.models import Asset, Image, SiteConfig
from newsgen.sanitize import WEB_SCHEMES, url_scheme, web_url_problem
from newsgen.urls import absolute, href

IMAGE_KEYS = ("src", "caption", "credit", "alt", "focus", "crop")


def read_images(
    reader: FieldReader, source: SourceFile, context: LoadContext, page_url: str
) -> tuple[list[Image], list[Asset]]:
    images: list[Image] = []
    assets: list[Asset] = []
    for path, item in reader.mapping_list("images", reader.get("images"), IMAGE_KEYS):
        src = reader.text(f"{path}.src", item.get("src", MISSING), required=True)
        caption = reader.text(f"{path}.caption", item.get("caption")) or ""
        credit = reader.text(f"{path}.credit", item.get("credit")) or ""
        alt = reader.text(f"{path}.alt", item.get("alt"))
        focus = _focus(reader, f"{path}.focus", item.get("focus", MISSING))
        crop = item.get("crop", MISSING)
        crop = True if crop is MISSING or crop is None else reader.flag(f"{path}.crop", crop)
        if src is None:
            continue
        located = _locate_image(reader, f"{path}.src", src, source, context, page_url)
        if located is None:
            continue
        url, asset = located
        if asset:
            assets.append(asset)
        if alt is None and not caption:
            reader.warning(f"{path}.alt", "the image has no alt text or caption; add 'alt:'")
        images.append(
            Image(
                url=url,
                absolute_url=absolute(context.config.base_url, url),
                caption=caption,
                credit=credit,
                alt=alt if alt is not None else caption,
                media_type=mimetypes.guess_type(src)[0] or "image/jpeg",
                file=_image_file(src, asset, context),
                line=reader.line(f"{path}.src"),
                field=f"{path}.src",
                focus=focus,
                crop=crop,
            )
        )
    return images, assets


def _image_file(src: str, asset: Asset | None, context: LoadContext) -> str:
    """The image's file from the site root (``static/a.jpg``), or "" for a remote one."""
    if asset is not None:
        return "content/" + asset.source.relative_to(context.content_root).as_posix()
    return "static/" + src.lstrip("/") if src.startswith("/") else ""


def _focus(reader: FieldReader, field: str, value: Any) -> tuple[float, float]:
    """The focal point ``[x, y]`` (fractions from the top left); the centre by default."""
    if value is MISSING or value is None:
        return (0.5, 0.5)
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    if not ok or not all(0 <= v <= 1 for v in value):
        reader.error(
            field,
            f"must be [x, y], two fractions from 0 to 1 measured from the top left corner "
            f"(the centre is [0.5, 0.5]), not {describe(value)}",
        )
        return (0.5, 0.5)
    return (float(value[0]), float(value[1]))


def _locate_image(
    reader: FieldReader,
    field: str,
    src: str,
    source: SourceFile,
    context: LoadContext,
    page_url: str,
) -> tuple[str, Asset | None] | None:
    """Return the image's link and, for a file beside the article, the asset to copy."""
    scheme = url_scheme(src)
    if scheme in WEB_SCHEMES:
        problem = web_url_problem(src)
        if problem is not None:
            reader.error(field, problem)
            return None
        return src, None
    if scheme is not None or src.startswith("//"):
        shown = src if len(src) <= 60 else src[:57] + "..."
        reader.error(
            field,
            f"'{shown}' must be an absolute http(s) URL, a site path like /images/a.jpg "
            "or the name of a file beside the article",
        )
        return None
    if ".." in src.split("/") or "\\" in src:
        reader.error(field, f"'{src}' must not contain '..' or backslashes")
        return None
    config = context.config
    if src.startswith("/"):
        if src.lstrip("/") not in context.static_files:
            reader.error(field, f"'{src}' names no file in static/ (looked for static{src})")
            return None
        return href(config.base_path, src), None
    folder = posixpath.dirname(source.content_relative)
    relative = posixpath.normpath(posixpath.join(folder, src))
    if relative not in context.content_assets:
        reader.error(
            field,
            f"'{src}' names no file beside the article (looked for content/{relative}); "
            "site-wide images start with '/' and live in static/",
        )
        return None
    page_folder = page_url[len(config.base_path.rstrip("/")) :].lstrip("/")
    name = posixpath.normpath(src)
    asset = Asset(source=context.content_root / relative, output_path=page_folder + name)
    return page_url + name, asset


def warn_remote(
    reader: FieldReader, config: SiteConfig, images: list[Image], body: list[tuple[int, str]]
) -> None:
    """Warn of each remote picture, unless the site said not to (images.warn_remote)."""
    if not config.images.warn_remote:
        return
    for image in images:
        if not image.file:
            reader.warning(image.field, f"'{_short(image.url)}' {REMOTE_WARNING}")
    for line, src in body:
        reader.problems.warning(reader.shown, line, "body", f"'{_short(src)}' {REMOTE_WARNING}")


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."
