"""Links between imported articles, pointed at the new article files.

An archive's articles link to each other by their old addresses
(``https://example.com/2019/03/storm/``, ``/?p=1724``). LinkMap knows, for each
imported article (of this import, or of a former one, by the address recorded
in its ``extra``), the addresses it had and the file it is now; rewrite_links()
points every Markdown link of a body that goes to one of them at the file
(``../politics/storm.md#reaction``), which the build resolves to the article's
page whatever its address later becomes. No I/O.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from newsgen.sanitize import split_url

_LINK = re.compile(r"(?<!!)(\[(?:[^\]\\]|\\.)*\]\()(<[^>\n]*>|[^)\s]+)(\))")


@dataclass
class LinkMap:
    """Old addresses of imported articles, and the files they are now."""

    hosts: set[str] = field(default_factory=set)
    """The hosts of the old site (``example.com``; ``www.`` left off)."""
    files: dict[str, str] = field(default_factory=dict)
    """An old address's key (_key()) -> the article file, relative to the site's root."""

    def add(self, url: str, path: str) -> None:
        """Record that the article at old address ``url`` is now the file ``path``."""
        parts = split_url(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return
        self.hosts.add(_host(parts.netloc))
        self.files.setdefault(_key(parts.path, parts.query), path)

    def file_of(self, url: str) -> tuple[str, str] | None:
        """Return ``(file, fragment)`` when ``url`` is an old address of an imported
        article (absolute on the old site, or a site path), else None."""
        parts = split_url(url.strip())
        if parts.scheme not in ("", "http", "https"):
            return None
        if parts.netloc and _host(parts.netloc) not in self.hosts:
            return None
        if not parts.netloc and not parts.path.startswith("/"):
            return None  # relative: already a file of this site
        found = self.files.get(_key(parts.path, parts.query))
        return (found, parts.fragment) if found else None


def rewrite_links(text: str, path: str, links: LinkMap) -> tuple[str, int]:
    """Return the article ``text`` (front matter and body) of the file at ``path``
    (relative to the site's root) with its links to imported articles pointed at
    their files, and how many were."""
    split = text.find("\n---\n", 4) + 5 if text.startswith("---\n") else 0
    head, body = text[:split], text[split:]
    folder = posixpath.dirname(path)
    count = 0

    def repoint(match: re.Match[str]) -> str:
        nonlocal count
        target = match.group(2)
        found = links.file_of(target[1:-1] if target.startswith("<") else target)
        if found is None or found[0] == path:
            return match.group(0)
        count += 1
        relative = quote(posixpath.relpath(found[0], folder))
        return f"{match.group(1)}{relative}{'#' + found[1] if found[1] else ''}{match.group(3)}"

    return head + _LINK.sub(repoint, body), count


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    return host.removeprefix("www.")


def _key(path: str, query: str) -> str:
    """An address's path, without its trailing slash and ``index.html``, with only the
    ``p=``/``page_id=`` query WordPress's short links have."""
    path = unquote(path).rstrip("/")
    path = path.removesuffix("/index.html").removesuffix("/index.php") or "/"
    kept = [q for q in query.split("&") if q.startswith(("p=", "page_id="))]
    return path + ("?" + kept[0] if kept else "")
