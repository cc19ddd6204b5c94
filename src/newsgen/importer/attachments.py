"""WordPress attachments: the pictures of an export, with their alt text, caption and
credit, and which post each belongs to.

read_attachments() reads them from an export (wxr.py) before its posts.
A picture's caption is its attachment's caption (the excerpt), split into
caption and credit when it ends with one ("… Photo: Kim Lee/AP"); its credit
is, else, what its description says when that is a credit ("Photo by …",
"Credit: …", "© …", "Courtesy of …", "Public domain via …"), else the credit
or copyright the camera wrote, which WordPress keeps in the attachment's
metadata. post_images() gives a post its ``images``: the featured picture
first, then the other pictures attached to it that its body does not show
(a ``[gallery]`` shortcode, which is removed, showed them). No I/O but reading
the export.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.importer.html_markdown import html_to_markdown
from newsgen.importer.media import is_picture, picture_stem
from newsgen.importer.text_parts import caption as split_caption
from newsgen.importer.wxr import WxrItem, read_wxr

MAX_ATTACHED = 30
"""At most this many attached pictures join a post's ``images`` (a gallery's worth)."""
_CREDIT_LINE = re.compile(
    r"^(?:(?:photo(?:graph)?s?|image|picture|credit|foto)\s*(?:by\b|:)\s*(?P<named>.+)"
    r"|(?P<whole>(?:©|\(c\)|copyright\b|courtesy\b|public domain\b|cc[ -]by\b"
    r"|creative commons\b).+))$",
    re.IGNORECASE,
)
_META_CREDIT = re.compile(r's:(?:6:"credit"|9:"copyright");s:\d+:"([^"]{1,200})"')


@dataclass(frozen=True, slots=True)
class Attachment:
    """A picture of the export."""

    url: str
    alt: str
    caption: str
    credit: str


@dataclass
class Attachments:
    """The export's pictures, by attachment ID and by the post they are attached to."""

    by_id: dict[str, Attachment] = field(default_factory=dict)
    by_parent: dict[str, list[Attachment]] = field(default_factory=dict)


def read_attachments(path: Path) -> Attachments:
    """Return the pictures of the export at ``path``. Raises WxrError (wxr.py)."""
    found = Attachments()
    for item in read_wxr(path):
        if item.post_type != "attachment" or not is_picture(item.attachment_url):
            continue
        attachment = attachment_of(item)
        found.by_id[item.post_id] = attachment
        if item.post_parent not in ("", "0"):
            found.by_parent.setdefault(item.post_parent, []).append(attachment)
    return found


def attachment_of(item: WxrItem) -> Attachment:
    """Return the picture an attachment item describes."""
    alt = meta_value(item, "_wp_attachment_image_alt")
    caption, credit = plain_text(item.excerpt), ""
    split = split_caption(caption) if caption else None
    if split is not None:
        caption, credit = split.caption, split.credit
    credit = credit or credit_of(plain_text(item.content))
    if not credit:
        found = _META_CREDIT.search(meta_value(item, "_wp_attachment_metadata"))
        credit = " ".join(html.unescape(found.group(1)).split()) if found else ""
    return Attachment(item.attachment_url, alt, caption, credit)


def credit_of(description: str) -> str:
    """The credit an attachment's description gives, or "" when it is no credit."""
    if not description or len(description) > 200 or "\n" in description.strip():
        return ""
    found = _CREDIT_LINE.match(description.strip())
    if found is None:
        return ""
    return (found.group("named") or found.group("whole")).strip().rstrip(".")


def post_images(
    item: WxrItem, attachments: Attachments, shown: Iterable[str]
) -> list[dict[str, str]]:
    """The ``images`` of the post ``item``: its featured picture, then its attached
    pictures its body does not show (``shown``: the body's image addresses)."""
    pictures: list[Attachment] = []
    featured = attachments.by_id.get(meta_value(item, "_thumbnail_id"))
    if featured is not None:
        pictures.append(featured)
    seen = {picture_stem(url) for url in shown} | {picture_stem(p.url) for p in pictures}
    for attached in attachments.by_parent.get(item.post_id, []):
        if picture_stem(attached.url) not in seen and len(pictures) < MAX_ATTACHED:
            seen.add(picture_stem(attached.url))
            pictures.append(attached)
    return [_entry(picture) for picture in pictures]


def _entry(picture: Attachment) -> dict[str, str]:
    pairs = (("src", picture.url), ("alt", picture.alt), ("caption", picture.caption),
             ("credit", picture.credit))  # fmt: skip
    return {key: value for key, value in pairs if value}


def meta_value(item: WxrItem, key: str) -> str:
    """The value of the item's ``wp:postmeta`` ``key``, "" when absent."""
    return next((value for name, value in item.meta if name == key), "")


def plain_text(text: str) -> str:
    """HTML (an excerpt, a caption) as one line of plain text."""
    converted = html_to_markdown(text).markdown if "<" in text else html.unescape(text)
    return " ".join(converted.replace("\\", "").split())
