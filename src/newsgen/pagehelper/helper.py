"""The helper process of pagehelper/pool.py: it renders the article pages it is handed.

Its life (run_helper): it waits for its pages, reads their articles from the cache
(read-only), gives them the site-wide names and resolved links exactly as a
quick rebuild does, renders them a chunk at a time (taking chunks from the
front of a list it shares with the build, which takes them from the back) and
sends back their bytes, or their inodes when it writes them into a new output
folder itself. Pages handed early, before the build knows the folder, are held
until it is told. It never writes anything else; whatever fails, the build
renders the page itself.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from newsgen.cache.articles import ArticleCache
from newsgen.cache.bodies import CachedBody
from newsgen.content.load import cached_loads
from newsgen.errors import Problem, Problems
from newsgen.images.index import PictureIndex
from newsgen.lifeline import die_with_parent
from newsgen.models import Article, Author, Section, Site, SiteConfig, Tag
from newsgen.output.staging import Tree
from newsgen.render.pages import article_page
from newsgen.render.templates import make_environment, render_page
from newsgen.site.published import as_published

CHUNK = 50
"""Pages the helper renders between two messages back (about 1 MB of HTML)."""
REMEMBERED = 3_000
"""Articles the helper keeps read between chunks (about 20 MB; see _Published)."""
HELD = 2_000
"""Pages a helper handed its pages early keeps before it is told where to write them
(about 30 MB): it waits then (see pool.ArticlePages.hand_early)."""
FOLDER_LATER = "folder to follow"
"""In place of the output folder: a ("folder", Path or None) message follows."""

Work = tuple[int, str, str, tuple[str, ...]]
"""One page for the helper: its number, its output path, the cache key of its article
and those of its related articles."""
Done = tuple[int, bytes | int | None, list[Problem], bool]
"""One page back: its number, its bytes or, written into the output folder, its
inode (None after a template error), the problems found, and False when the
helper could not try (the build renders it then)."""


@dataclass(frozen=True, slots=True)
class PageSettings:
    """What the helper needs besides the articles: picklable, sent once."""

    folders: list[Path]
    """The template folders, site first."""
    config: SiteConfig
    compiled: Path | None
    """The folder of compiled templates (render.make_environment)."""
    site: Site
    """The site as the article template sees it (render.pages.article_site)."""
    sections: dict[str, Section]
    tags: dict[str, Tag]
    authors: dict[str, Author]
    """The site-wide Sections, Tags and Authors by slug."""
    urls: dict[str, str]
    """The URL of each published article by source path (crossrefs.article_urls)."""
    pictures: PictureIndex | None = None
    """The pictures the build made, for the articles read from the cache (which hold
    none: images/index.py)."""
    assets: dict[str, str] = field(default_factory=dict)
    """The hashed names of stylesheets and scripts (render/assets.py)."""


class Chunks:
    """The chunks of the pages handed that nobody took yet, in memory shared by the
    build and its helper: the helper takes them from the front, the build (when it
    has rendered everything else) from the back, so that both finish together."""

    def __init__(self, bounds: Any, lock: Any) -> None:
        self._bounds = bounds  # [first chunk not taken, one past the last not taken]
        self._lock = lock

    def reset(self, count: int) -> None:
        """Make ``count`` chunks available (before the helper is told about them)."""
        with self._lock:
            self._bounds[0], self._bounds[1] = 0, count

    def first(self) -> int | None:
        """Take the first chunk left (the helper's side); None when none is."""
        with self._lock:
            first, end = self._bounds[0], self._bounds[1]
            if first >= end:
                return None
            self._bounds[0] = first + 1
            return first

    def last(self) -> int | None:
        """Take the last chunk left (the build's side); None when none is."""
        with self._lock:
            first, end = self._bounds[0], self._bounds[1]
            if first >= end:
                return None
            self._bounds[1] = end - 1
            return end - 1


def run_helper(connection: Connection, cache_path: Path, chunks: Chunks, build: int) -> None:
    """The helper's life: wait for its pages (or None), render them, send them back;
    pages handed early are held until it is told where to write them. It ends with
    the ``build`` process (its pid) if that ends first, and leaves Ctrl-C to it."""
    die_with_parent(build)
    try:
        message = connection.recv()
    except (EOFError, OSError):
        return
    if message is None:
        return
    settings, work, folder = message
    cache = ArticleCache(cache_path, read_only=True)  # checked as the build's cache is: a
    # page whose article or body fails the checks is left to the build (render_chunk)
    published = _Published(cache, settings)
    env = make_environment(
        settings.folders,
        settings.config,
        settings.compiled,
        now=settings.site.build_time,
        assets=settings.assets,
    )
    held: list[Done] | None = [] if folder == FOLDER_LATER else None
    writer = _writer(folder) if held is None else None  # a new, empty folder
    try:
        while (taken := chunks.first()) is not None:
            if held is not None and (len(held) >= HELD or connection.poll()):
                writer = _writer(_told_folder(connection))
                _send_held(connection, held, work, writer)
                held = None
            chunk = work[taken * CHUNK : (taken + 1) * CHUNK]
            try:
                done = render_chunk(chunk, published, settings, env, writer)
            except Exception:  # whatever it is, the build renders these pages itself
                done = [(number, None, [], False) for number, *_ in chunk]
            if held is not None:
                held += done
            else:
                connection.send(done)
        if held is not None:
            writer = _writer(_told_folder(connection))
            _send_held(connection, held, work, writer)
        connection.send(None)
    except (OSError, ValueError, EOFError):  # the build stopped listening
        return
    finally:
        cache.close()
        if writer is not None:
            writer.close()


def _writer(folder: object) -> Tree | None:
    return Tree(folder) if isinstance(folder, Path) else None


def _told_folder(connection: Connection) -> Path | None:
    """Wait for the folder to write into (None: none, hand the bytes back). Raises
    EOFError when the build stopped the helper instead."""
    message = connection.recv()
    if not (isinstance(message, tuple) and message[:1] == ("folder",)):
        raise EOFError("no folder")
    return message[1]


def _send_held(
    connection: Connection, held: list[Done], work: Sequence[Work], writer: Tree | None
) -> None:
    """Send the pages rendered before the folder was known, written into it first when
    there is one (a page that cannot be written is left to the build)."""
    for start in range(0, len(held), CHUNK):
        done: list[Done] = []
        for number, data, problems, tried in held[start : start + CHUNK]:
            if writer is not None and isinstance(data, bytes):
                done.append(_written(writer, number, work[number][1], data, problems))
            else:
                done.append((number, data, problems, tried))
        connection.send(done)


def _written(writer: Tree, number: int, path: str, data: bytes, problems: list[Problem]) -> Done:
    """Write page ``number`` to ``path``; return it as done, with its inode, or as not
    tried when it cannot be written (the build writes it, and says what is wrong)."""
    try:
        writer.write(path, data)
    except OSError:
        return (number, None, [], False)
    return (number, writer.placed[path], problems, True)


class _Published:
    """The articles the helper has read from the cache, as the site publishes them, by
    cache key. The REMEMBERED most recently shown are kept from chunk to chunk: pages
    near each other show many of the same related articles."""

    def __init__(self, cache: ArticleCache, settings: PageSettings) -> None:
        self._cache = cache
        self._settings = settings
        self._known: OrderedDict[str, Article | None] = OrderedDict()

    def read(self, keys: Iterable[str]) -> None:
        """Have the articles of ``keys`` at hand (None for those the cache lacks)."""
        wanted = dict.fromkeys(keys)
        missing = [key for key in wanted if key not in self._known]
        loads = cached_loads(self._cache, missing, defer=True) if missing else {}
        pictures = self._settings.pictures
        for key in missing:
            found = loads.get(key, (None, []))[0]
            published = found and as_published(found, self._settings)
            if published and pictures is not None:
                published = pictures.attach([published])[0]
            self._known[key] = published
        for key in wanted:
            self._known.move_to_end(key)
        while len(self._known) > max(REMEMBERED, len(wanted)):
            self._known.popitem(last=False)

    def get(self, key: str) -> Article | None:
        """Return the article of ``key`` read last (None when the cache lacks it)."""
        return self._known.get(key)


def render_chunk(
    chunk: Sequence[Work],
    published: _Published,
    settings: PageSettings,
    env: Any,
    writer: Tree | None,
) -> list[Done]:
    """Render the pages of ``chunk`` with their articles from ``published``; with a
    ``writer``, write them too."""
    published.read(key for _, _, own, related in chunk for key in (own, *related) if key)
    article = published.get
    shown = (article(own) for _, _, own, _ in chunk)
    CachedBody.prefetch(page.body_html for page in shown if page is not None)
    done: list[Done] = []
    for number, path, own, related in chunk:
        page_article = article(own)
        related_articles = [article(key) for key in related]
        if page_article is None or None in related_articles:
            done.append((number, None, [], False))  # not in the cache: the build renders it
            continue
        job = article_page(settings.site, page_article, tuple(related_articles))  # type: ignore[arg-type]
        if job.output_path != path:
            done.append((number, None, [], False))
            continue
        problems = Problems()
        data = render_page(env, job, problems)
        if data is not None and writer is not None:
            done.append(_written(writer, number, path, data, list(problems)))
        else:
            done.append((number, data, list(problems), True))
    return done
