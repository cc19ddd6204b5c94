"""The local pictures an article body shows, found as Images (no I/O).

A body image naming a file in ``static/`` (``/images/map.png``) or beside the
article (``map.png``) becomes an Image with its file, so the build processes it
like a front matter image, and a file beside the article is copied next to its
page. One naming no file is shown as written, with a warning; a remote one
(``https://…``) too, unless ``images.warn_remote`` is false.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path

from newsgen.content.discover import SourceFile
from newsgen.content.fields import FieldReader
from newsgen.markdown.figures import body_images
from newsgen.models import Asset, Image
from newsgen.sanitize import WEB_SCHEMES, url_scheme

REMOTE_WARNING = (
    "is a remote picture: newsgen cannot size it, make smaller copies of it or strip its "
    "metadata; save it in static/ and name that file (images.warn_remote: false silences this)"
)


def find_body_images(
    reader: FieldReader,
    html: str,
    body: str,
    body_line: int,
    source: SourceFile,
    locate: tuple[frozenset[str], frozenset[str], Path, str],
) -> tuple[list[Image], list[Asset], list[tuple[int, str]]]:
    """Return the body's local images, the files beside the article to copy, and the
    ``(line, src)`` of each remote image. ``locate`` holds the static files, the
    content assets, the content folder and the page's folder in the output."""
    images: list[Image] = []
    assets: list[Asset] = []
    remote: list[tuple[int, str]] = []
    folder = posixpath.dirname(source.content_relative)
    seen: set[str] = set()
    for found in body_images(html):
        src = found.src
        if src in seen:
            continue
        seen.add(src)
        line = _line_of(body, src, body_line)
        if url_scheme(src) in WEB_SCHEMES or src.startswith("//"):
            remote.append((line, src))
            continue
        if url_scheme(src) is not None or "\\" in src or "?" in src or "#" in src:
            continue
        file, asset = _file_of(src, folder, locate)
        if not file:
            reader.problems.warning(
                reader.shown,
                line,
                "body",
                f"the image '{src}' names no file in static/ or beside the article: it is "
                "shown as written, neither sized nor stripped of metadata",
            )
            continue
        if asset is not None:
            assets.append(asset)
        images.append(
            Image(
                url=src,
                absolute_url="",
                caption=found.caption,
                credit=found.credit,
                alt=found.alt or found.caption,
                media_type=mimetypes.guess_type(src)[0] or "image/jpeg",
                file=file,
                line=line,
                field="body",
            )
        )
    return images, assets, remote


def _file_of(
    src: str, folder: str, locate: tuple[frozenset[str], frozenset[str], Path, str]
) -> tuple[str, Asset | None]:
    """The file ``src`` names from the site root, with the asset to copy for a file
    beside the article; "" when it names none."""
    static_files, content_assets, content_root, page_folder = locate
    if src.startswith("/"):
        path = posixpath.normpath(src).lstrip("/")
        return ("static/" + path, None) if path in static_files else ("", None)
    relative = posixpath.normpath(posixpath.join(folder, src))
    name = posixpath.normpath(src)
    if relative not in content_assets or name.startswith("../"):
        return "", None
    return "content/" + relative, Asset(content_root / relative, page_folder + name)


def _line_of(body: str, src: str, body_line: int) -> int:
    """The file line where the body first names ``src`` (its first line when not found)."""
    at = body.find(f"]({src}")
    if at < 0:
        at = body.find(src)
    return body_line + (body.count("\n", 0, at) if at >= 0 else 0)
