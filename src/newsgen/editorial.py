"""Front matter fields of the editorial workflow: tags, bylines, id, corrections, aliases.

Each reader takes the article's FieldReader, records problems with their
line, and returns clean values. No I/O.
"""

from __future__ import annotations

import posixpath
import uuid
from datetime import datetime

from .fields import MISSING, FieldReader, describe
from .links import url_scheme
from .models import Alias, Author, Correction, SiteConfig, Tag
from .urls import href, make_slug

CORRECTION_KEYS = ("date", "text")


def read_tags(reader: FieldReader, config: SiteConfig) -> list[Tag]:
    """Return the article's tags, duplicates (by slug) removed."""
    tags: dict[str, Tag] = {}
    for index, name in enumerate(reader.text_list("tags", reader.get("tags"))):
        slug = make_slug(name)
        if not slug:
            reader.error(f"tags[{index}]", f"'{name}' has no letters or digits to make a URL from")
        elif slug not in tags:
            url = href(config.base_path, f"/tags/{slug}/")
            tags[slug] = Tag(name=name, slug=slug, url=url, feed_url=url + "feed.xml")
    return list(tags.values())


def read_authors(reader: FieldReader, config: SiteConfig) -> tuple[list[str], list[Author]]:
    """Return the byline names as written and as authors with their page URLs."""
    names: list[str] = []
    authors: list[Author] = []
    written = reader.text_list("byline", reader.get("byline"), allow_single=True)
    for index, name in enumerate(written):
        slug = make_slug(name)
        field = "byline" if isinstance(reader.get("byline"), str) else f"byline[{index}]"
        if not slug:
            reader.error(field, f"'{name}' has no letters or digits to make a URL from")
        elif slug not in {author.slug for author in authors}:  # one name, twice: kept once
            names.append(name)
            authors.append(Author(name, slug, href(config.base_path, f"/authors/{slug}/")))
    return names, authors


def read_id(reader: FieldReader) -> str | None:
    """Return the article's ``id`` as a lowercase UUID, or None when it has none."""
    value = reader.get("id")
    if value is MISSING or value is None:
        return None
    text = reader.text("id", value)
    if text is None:
        return None
    try:
        return str(uuid.UUID(str(text)))
    except ValueError:
        reader.error(
            "id", f"{describe(value)} is not a UUID; 'newsgen new' writes one, or leave 'id' out"
        )
        return None


def read_corrections(
    reader: FieldReader, config: SiteConfig, published: datetime | None = None
) -> list[Correction]:
    """Return the article's corrections, oldest first; none may predate ``published``."""
    corrections: list[Correction] = []
    for path, item in reader.mapping_list(
        "corrections", reader.get("corrections"), CORRECTION_KEYS
    ):
        moment = reader.moment(f"{path}.date", item.get("date"), config.timezone, required=True)
        text = reader.text(f"{path}.text", item.get("text", MISSING), required=True)
        if moment and published and moment < published:
            reader.error(
                f"{path}.date",
                f"{moment.isoformat()} is earlier than the article's date {published.isoformat()}",
            )
        elif moment and text:
            corrections.append(Correction(date=moment, text=text))
    return sorted(corrections, key=lambda correction: correction.date)


def read_aliases(reader: FieldReader) -> list[Alias]:
    """Return the article's old site paths (``/world/old-slug/``) that should redirect to it.

    ``old/path`` and ``/old/path/`` both mean the folder ``/old/path/``; a
    last segment with a dot (``/2019/story.html``) is a file. Other schemes
    are removed with a warning; ``..``, backslashes, queries and fragments
    are errors.
    """
    aliases: list[Alias] = []
    for index, alias in enumerate(reader.text_list("aliases", reader.get("aliases"))):
        field = f"aliases[{index}]"
        if url_scheme(alias) or alias.startswith("//"):
            reader.warning(field, f"'{alias[:60]}' is not a path on this site; it was left out")
            continue
        parts = alias.strip("/").split("/")
        if any(part in ("", ".", "..") for part in parts) or any(c in alias for c in "\\?#"):
            reader.error(field, f"'{alias}' must be a plain path like old/section/story/")
            continue
        path = "/" + "/".join(parts)
        path = path if "." in parts[-1] else path + "/"
        if path not in {alias.path for alias in aliases}:
            aliases.append(Alias(path, reader.line(field), field))
    return aliases


def article_folder(content_relative: str) -> str:
    """Return the folder of an article relative to ``content/`` (``world`` for ``world/a.md``)."""
    return posixpath.dirname(content_relative)
