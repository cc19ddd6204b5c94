"""What former imports wrote: the sources of the site's imported articles.

read_site() reads the ``extra`` of each article an import wrote
(``extra.wordpress``: a post's ID, GUID and address; ``extra.feed``: an entry's
id and link; ``extra.page``: a saved page's address or checksum), so that a
second import skips what is already there and links to those articles can be
pointed at their files; and how the site spells each tag and byline, so that
an import spells them alike (importer/spellings.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsgen.content.discover import discover_content
from newsgen.content.frontmatter import FrontMatterError, split_front_matter
from newsgen.errors import Problems
from newsgen.importer.links import LinkMap
from newsgen.importer.wordpress import source_id
from newsgen.input_files import read_regular
from newsgen.urls import make_slug
from newsgen.yaml_source import YamlError, load_yaml_mapping

MAX_ARTICLE_BYTES = 4 << 20


@dataclass
class KnownSite:
    """What the site's articles tell an import."""

    ids: set[str] = field(default_factory=set)
    """The source_id() of each post, entry or page an import wrote."""
    links: LinkMap = field(default_factory=LinkMap)
    """Their old addresses, each with its article's file."""
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    """How the site spells each tag and byline: ``("tags", slug)`` -> name."""


def read_site(root: Path) -> KnownSite:
    """Return what the articles of the site at ``root`` tell an import: the sources of
    those an import wrote (``extra.wordpress``, ``extra.feed``, ``extra.page``), their
    old addresses, and the spelling of every tag and byline."""
    known = KnownSite()
    for source in discover_content(root, Problems()).articles:
        front = _front_matter(Path(source.path))
        if front is None:
            continue
        _add_names(front, known.names)
        extra = front.get("extra")
        if isinstance(extra, dict):
            _add_sources(extra, f"content/{source.content_relative}", known)
    return known


def _add_sources(extra: dict, file: str, known: KnownSite) -> None:
    origin, entry, page = (extra.get(k) for k in ("wordpress", "feed", "page"))
    if isinstance(origin, dict):
        guid = str(origin.get("guid") or origin.get("link") or "")
        known.ids.add(source_id(guid, str(origin.get("id") or "")))
        known.links.add(str(origin.get("link") or ""), file)
    if isinstance(entry, dict) and entry.get("id"):
        known.ids.add(source_id(str(entry["id"]), ""))
        known.links.add(str(entry.get("link") or ""), file)
    if isinstance(page, dict) and (page.get("url") or page.get("sha256")):
        url = str(page.get("url") or "")
        known.ids.add(source_id(url or f"sha256:{page.get('sha256')}", ""))
        known.links.add(url, file)


def _add_names(front: dict, names: dict[tuple[str, str], str]) -> None:
    for key in ("tags", "byline"):
        value = front.get(key)
        for name in value if isinstance(value, list) else [value]:
            if isinstance(name, str) and make_slug(name):
                names.setdefault((key, make_slug(name)), name.strip())


def _front_matter(file: Path) -> dict | None:
    """An article file's front matter, when it has tags, bylines or an ``extra``."""
    try:
        text = read_regular(file, MAX_ARTICLE_BYTES)[0].decode("utf-8", "replace")
    except OSError:
        return None
    end = text.find("\n---", 4)
    head = text[:end] if end > 0 else text
    if not any(key in head for key in ("tags:", "byline:", "extra:")):
        return None
    try:
        return load_yaml_mapping(split_front_matter(text).front_matter, 2).data
    except (YamlError, FrontMatterError):
        return None
