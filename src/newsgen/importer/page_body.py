"""A saved page's article text, as HTML, with its pictures in place.

body_html() asks trafilatura for the main text twice: once without pictures,
which is its best choice of the text (what the article-extraction benchmark
measures), and once with them, where a picture comes with the lines around it
that the first pass left out: its caption and credit. Each picture of the
second pass is put into the first after the last block of text the two share
before it, as a ``<figure>`` whose ``<figcaption>`` is the block that follows
it when the first pass left that block out (a caption is no body text). The
headline's own heading goes (it is the front matter's), image addresses are
made absolute, or, for the picture files a page was saved with, the address of
their copies in ``static/``; logos, icons and tracking pixels (by their file names) are left out.
Runs in a page worker (importer/page_workers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin

import lxml.html
import trafilatura
from lxml.html import HtmlElement

from newsgen.importer.media import is_picture
from newsgen.sanitize import is_readable_url, split_url

DECORATIVE = re.compile(r"logo|icon|avatar|sprite|spacer|pixel|badge|banner|button", re.I)
"""Words in a picture's file name that say it is the site's furniture, not the story's."""
PICTURES_PASS_LIMIT = 2_000_000
"""Pages larger than this (characters) get one pass, without the body's pictures:
trafilatura takes seconds a megabyte, and no article page is that large but a
hostile or broken one."""
MAX_CAPTION = 400
"""A block longer than this after a picture is body text, not its caption."""


@dataclass(frozen=True, slots=True)
class SavedWith:
    """Where a saved page's own picture files are (a browser's "complete" save puts
    them in ``Page_files/`` beside the page), and where their copies go."""

    folder: Path
    """The page's folder: a picture's relative address is looked for from here."""
    static: str
    """The folder in ``static/`` the copies go to (``images/saved/storm-hits-coast``)."""


def body_html(
    text: str, url: str, headline: str, saved: SavedWith | None = None
) -> tuple[str, dict[str, str]]:
    """Return the main text of the page ``text`` (at ``url``) as HTML ("" when none is
    found), and the picture files saved with the page that it shows: each copy's path
    in ``static/`` -> the file."""
    plain = _extract(text, url, images=False)
    if plain is None:
        return "", {}
    small = len(text) <= PICTURES_PASS_LIMIT  # addresses as written: saved files are relative
    pictured = _extract(text, "", images=True) if small else None
    local: dict[str, str] = {}
    if pictured is not None:
        _add_pictures(plain, pictured, _Addresses(url, saved, local))
    heading = next(iter(plain.xpath("//h1")), None)
    if heading is not None and _words(heading) == " ".join(headline.split()):
        heading.drop_tree()
    return lxml.html.tostring(plain, encoding="unicode"), local


@dataclass(frozen=True, slots=True)
class _Addresses:
    url: str
    saved: SavedWith | None
    local: dict[str, str]

    def of(self, src: str) -> str:
        """A picture's address in the article: its copy in ``static/`` when the page was
        saved with it, else absolute on the page's site ("" for one Python cannot read)."""
        if not is_readable_url(src):
            return ""
        if self.saved is not None and src and not split_url(src).scheme and not src.startswith("/"):
            file = self.saved.folder / unquote(split_url(src).path)
            if _picture_file(file, self.saved.folder):
                relative = f"{self.saved.static}/{file.name}"
                self.local[relative] = str(file)
                return "/" + relative
        return urljoin(self.url, src) if self.url else src


def _picture_file(file: Path, folder: Path) -> bool:
    """True for a picture file under ``folder``, its links followed."""
    if not is_picture(str(file)):
        return False
    try:
        return file.is_file() and file.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _extract(text: str, url: str, images: bool) -> HtmlElement | None:
    found = trafilatura.extract(
        text, url=url or None, output_format="html", include_comments=False,
        include_links=True, include_formatting=True, include_images=images, include_tables=True,
    )  # fmt: skip
    if not found:
        return None
    tree = lxml.html.fromstring(found)
    body = tree.find("body")
    return body if body is not None else tree


def _add_pictures(plain: HtmlElement, pictured: HtmlElement, addresses: _Addresses) -> None:
    """Put the pictures of ``pictured`` into ``plain`` (both trafilatura's output)."""
    by_text = {}
    for block in plain:
        by_text.setdefault(_words(block), block)
    anchor: HtmlElement | None = None
    blocks = list(pictured)
    for index, block in enumerate(blocks):
        words = _words(block)
        if words and words in by_text:
            anchor = by_text[words]
            continue
        images = [block] if block.tag == "img" else block.xpath(".//img[@src]")
        if not images or (words and block.tag != "figure"):
            continue  # text the first pass left out, or a picture inside body text
        if _decorative(images[0].get("src", "")):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        caption = _caption(following, by_text) if block.tag != "figure" else _words(block)
        figure = _figure(images[0], caption, addresses)
        if anchor is None:
            plain.insert(0, figure)
        else:
            anchor.addnext(figure)
        anchor = figure


def _caption(block: HtmlElement | None, by_text: dict[str, HtmlElement]) -> str:
    if block is None or block.tag not in ("p", "figcaption", "div"):
        return ""
    words = _words(block)
    return words if words not in by_text and len(words) <= MAX_CAPTION else ""


def _figure(image: HtmlElement, caption: str, addresses: _Addresses) -> HtmlElement:
    figure = lxml.html.Element("figure")
    picture = lxml.html.Element("img")
    picture.set("src", addresses.of(image.get("src", "")))
    if image.get("alt"):
        picture.set("alt", image.get("alt", ""))
    figure.append(picture)
    if caption:
        text = lxml.html.Element("figcaption")
        text.text = caption
        figure.append(text)
    return figure


def _words(block: HtmlElement) -> str:
    return " ".join(block.text_content().split())


def _decorative(src: str) -> bool:
    """True for a logo, icon or tracking pixel (by its file name), or an inline image."""
    if src.startswith("data:"):
        return True
    return DECORATIVE.search(split_url(src).path.rsplit("/", 1)[-1]) is not None
