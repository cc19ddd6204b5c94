"""Front matter fields of the editorial workflow: tags, bylines, id, corrections, aliases.

Each reader takes the article's FieldReader, records problems with their
line, and returns clean values. No I/O.
"""

from __future__ import annotations

import posixpath
import uuid
from datetime import datetime

from newsgen.content.fields import MISSING, FieldReader, describe
from newsgen.models import Alias, Author, Correction, SiteConfig, Tag
from newsgen.sanitize import url_scheme
from newsgen.urls import NAME_BYTES, href, make_slug, name_key

CORRECTION_KEYS = ("date", "text")


def read_tags(reader: FieldReader, config: SiteConfig) -> list[Tag]:
    """Return the article's tags, each once: a tag given twice, in the same or
    another spelling (``Syria``, ``syria``), is kept once; different tags with
    one slug (``C++`` and ``C``) are an error."""
    tags: dict[str, tuple[int, Tag]] = {}
    for index, name in enumerate(reader.text_list("tags", reader.get("tags"))):
        slug = make_slug(name)
        if not slug:
            reader.error(f"tags[{index}]", f"'{name}' has no letters or digits to make a URL from")
        elif slug in tags:
            _same_or_clash(reader, f"tags[{index}]", name, "tags", *tags[slug], "tag")
        else:
            url = href(config.base_path, f"/tags/{slug}/")
            tags[slug] = (index, Tag(name=name, slug=slug, url=url, feed_url=url + "feed.xml"))
    return [tag for _, tag in tags.values()]


def read_authors(reader: FieldReader, config: SiteConfig) -> tuple[list[str], list[Author]]:
    """Return the byline names as written and as authors with their page URLs: each
    author once (see read_tags())."""
    names: list[str] = []
    authors: dict[str, tuple[int, Author]] = {}
    single = isinstance(reader.get("byline"), str)
    written = reader.text_list("byline", reader.get("byline"), allow_single=True)
    for index, name in enumerate(written):
        slug = make_slug(name)
        field = "byline" if single else f"byline[{index}]"
        if not slug:
            reader.error(field, f"'{name}' has no letters or digits to make a URL from")
        elif slug in authors:
            _same_or_clash(reader, field, name, "byline", *authors[slug], "author")
        else:
            names.append(name)
            author = Author(name, slug, href(config.base_path, f"/authors/{slug}/"))
            authors[slug] = (index, author)
    return names, [author for _, author in authors.values()]


def _same_or_clash(
    reader: FieldReader,
    field: str,
    name: str,
    list_field: str,
    first_index: int,
    first: Tag | Author,
    noun: str,
) -> None:
    """Record an error when ``name`` is another name than ``first``'s, with its slug."""
    if name_key(name) == name_key(first.name):
        return  # the same name again, perhaps spelt otherwise: kept once
    reader.error(
        field,
        f"'{name}' and '{first.name}' ({list_field}[{first_index}]) are different {noun}s "
        f"that would share one page, {first.url}; rename one so that their letters or "
        f"digits differ, or spell them alike if they are the same {noun}",
    )


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
        if any(len(part.encode("utf-8")) > NAME_BYTES for part in parts):
            reader.error(
                field,
                f"'{alias[:40]}...' has a part longer than {NAME_BYTES} bytes between "
                "slashes, more than a file system allows in a name",
            )
            continue
        path = "/" + "/".join(parts)
        path = path if "." in parts[-1] else path + "/"
        if path not in {alias.path for alias in aliases}:
            aliases.append(Alias(path, reader.line(field), field))
    return aliases


def article_folder(content_relative: str) -> str:
    """Return the folder of an article relative to ``content/`` (``world`` for ``world/a.md``)."""
    return posixpath.dirname(content_relative)
