"""What former imports wrote: the sources of the site's imported articles.

imported_sources() reads the ``extra`` of each article an import wrote
(``extra.wordpress``: a post's ID, GUID and address; ``extra.feed``: an entry's
id and link; ``extra.page``: a saved page's address or checksum), so that a
second import skips what is already there and links to those articles can be
pointed at their files.
"""

from __future__ import annotations

from pathlib import Path

from newsgen.content.discover import discover_content
from newsgen.content.frontmatter import FrontMatterError, split_front_matter
from newsgen.errors import Problems
from newsgen.importer.links import LinkMap
from newsgen.importer.wordpress import source_id
from newsgen.input_files import read_regular
from newsgen.yaml_source import YamlError, load_yaml_mapping

MAX_ARTICLE_BYTES = 4 << 20


def imported_sources(root: Path) -> tuple[set[str], LinkMap]:
    """Return the source_id() of each post, entry or page the site's articles came from
    (their ``extra.wordpress``, ``extra.feed`` or ``extra.page``), and the old addresses
    recorded there, each with its article's file."""
    found: set[str] = set()
    links = LinkMap()
    for source in discover_content(root, Problems()).articles:
        extra = _extra(Path(source.path))
        if extra is None:
            continue
        origin, entry, page = (extra.get(k) for k in ("wordpress", "feed", "page"))
        file = f"content/{source.content_relative}"
        if isinstance(origin, dict):
            guid = str(origin.get("guid") or origin.get("link") or "")
            found.add(source_id(guid, str(origin.get("id") or "")))
            links.add(str(origin.get("link") or ""), file)
        if isinstance(entry, dict) and entry.get("id"):
            found.add(source_id(str(entry["id"]), ""))
            links.add(str(entry.get("link") or ""), file)
        if isinstance(page, dict) and (page.get("url") or page.get("sha256")):
            url = str(page.get("url") or "")
            found.add(source_id(url or f"sha256:{page.get('sha256')}", ""))
            links.add(url, file)
    return found, links


def _extra(file: Path) -> dict | None:
    """The ``extra`` mapping of an article file that an import wrote, else None."""
    try:
        text = read_regular(file, MAX_ARTICLE_BYTES)[0].decode("utf-8", "replace")
    except OSError:
        return None
    if "wordpress:" not in text and "feed:" not in text and "page:" not in text:
        return None
    try:
        front = load_yaml_mapping(split_front_matter(text).front_matter, 2).data
    except (YamlError, FrontMatterError):
        return None
    extra = front.get("extra")
    return extra if isinstance(extra, dict) else None
