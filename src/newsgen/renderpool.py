"""Article pages rendered in a helper process while the build renders everything else.

Rendering and writing run in the build's own process; in a cold build of a
large archive that is most of the time, on one core. Article pages are most
of the pages, and each needs only its article, its related articles and the
few parts of the site its template reads. So a helper process renders them:

- it is forked before the articles are loaded, while the build's process is
  still small (a process forked later would count the whole archive's
  memory again);
- once the outputs are planned, the build sends it, in one message, the
  site as the article template sees it (quick.article_site), the site-wide
  Sections, Tags and Authors, the URLs of all articles, and for each page:
  the cache keys of its article and related articles. When nothing was
  recorded from an earlier build, every article page will be rendered, so
  the build sends them as soon as the Site is built (hand_early), and the
  helper works while the build plans (a second of one idle core at 10,000
  articles), holding what it renders until it is told where to write;
- it reads those articles from the cache itself (bodies left there until
  shown, each chunk's read in one query), gives them the site-wide names and
  resolved links exactly as a quick rebuild does, renders the pages a chunk
  at a time and sends the bytes back; the build writes them as they come,
  between its own pages. Into a new, empty output folder (a first build) it
  writes the files itself and sends their inodes, so that the disk work is
  shared too;
- the build, done with its own pages, takes chunks from the back of the
  helper's list (the helper takes them from the front; both under a lock in
  shared memory), so that the two finish together.

A page the helper cannot render (its article is not in the cache, the helper
died) is rendered by the build itself, so the output never depends on it.
The helper is started only for builds likely to render HELPER_PAGES article
pages or more (quickbuild.likely_article_pages), on more than one core.
"""

from __future__ import annotations

import contextlib
import signal
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import jinja2

from .cache import ArticleCache, CachedBody
from .crossrefs import article_urls
from .errors import Problem, Problems
from .loading import cached_loads
from .models import Article, Author, Section, Site, SiteConfig, Tag
from .outputs import PlannedFile
from .pages import ARTICLE_TEMPLATE, article_page
from .quick import article_site, as_published
from .render import make_environment, render_page
from .tree import Tree

HELPER_PAGES = 500
"""Fewer article pages to render than this are all rendered by the build itself."""
CHUNK = 50
"""Pages the helper renders between two messages back (about 1 MB of HTML)."""
REMEMBERED = 3_000
"""Articles the helper keeps read between chunks (about 20 MB; see _Published)."""
HELD = 2_000
"""Pages a helper handed its pages early keeps before it is told where to write them
(about 30 MB): it waits then (see ArticlePages.hand_early)."""
_FOLDER_LATER = "folder to follow"
"""In place of the output folder: a ("folder", Path or None) message follows."""

_Work = tuple[int, str, str, tuple[str, ...]]
"""One page for the helper: its number, its output path, the cache key of its article
and those of its related articles."""
_Done = tuple[int, bytes | int | None, list[Problem], bool]
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
    """The site as the article template sees it (quick.article_site)."""
    sections: dict[str, Section]
    tags: dict[str, Tag]
    authors: dict[str, Author]
    """The site-wide Sections, Tags and Authors by slug."""
    urls: dict[str, str]
    """The URL of each published article by source path (crossrefs.article_urls)."""


@contextmanager
def page_helper(cache: ArticleCache, jobs: int, likely: int) -> Iterator[PageHelper | None]:
    """Start a PageHelper for a build with ``jobs`` cores that is ``likely`` to render that
    many article pages (none for one core or fewer than HELPER_PAGES); stop it when the
    block ends."""
    helper = PageHelper.start(cache) if jobs > 1 and likely >= HELPER_PAGES else None
    try:
        yield helper
    finally:
        if helper is not None:
            helper.close()


class PageHelper:
    """A helper process, forked early, that renders article pages when asked (once)."""

    def __init__(self, process: Any, connection: Connection, chunks: _Chunks) -> None:
        self._process = process
        self._connection = connection
        self._asked = False
        self.chunks = chunks
        """Which chunks of the pages handed are left, shared with the helper."""

    @classmethod
    def start(cls, cache: ArticleCache) -> PageHelper | None:
        """Fork a helper that reads articles from ``cache``; None when the cache keeps
        nothing (the helper reads every article from it) or a process cannot be made."""
        if not cache.stores or cache.path is None:
            return None
        try:
            context = get_context("fork")
            ours, theirs = context.Pipe()
            chunks = _Chunks(context.RawArray("q", 2), context.Lock())
            args = (theirs, cache.path, chunks)
            process = context.Process(target=_serve, args=args, daemon=True)
            process.start()
        except (OSError, ValueError):  # no fork on this system, or no process to be had
            return None
        theirs.close()
        return cls(process, ours, chunks)

    def pages(
        self,
        site: Site,
        env: jinja2.Environment,
        folders: list[Path],
        compiled: Path | None,
        entry_keys: Mapping[str, str],
        problems: Problems,
    ) -> ArticlePages:
        """Return the hand-off of ``site``'s article pages to this helper (see
        outputs.fresh_or_kept). ``env`` is the build's template environment, made
        from ``folders`` and ``compiled`` (the helper makes its own alike);
        ``entry_keys`` the cache key of each article file by source path."""

        def settings() -> PageSettings:  # made only when pages are handed
            return PageSettings(
                folders,
                site.config,
                compiled,
                article_site(site, env),
                {section.slug: section for section in site.sections},
                {tag.slug: tag for tag in site.tags},
                {author.slug: author for author in site.authors},
                article_urls(site.articles),
            )

        return ArticlePages(self, settings, entry_keys, site.related, problems)

    def close(self) -> None:
        """Stop the helper (if it still runs) and wait for it; again, nothing happens."""
        if self._connection.closed:
            return
        with contextlib.suppress(OSError, ValueError):
            if not self._asked:
                self._connection.send(None)
        self._connection.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _ask(self, settings: PageSettings, work: list[_Work], folder: Path | str | None) -> bool:
        """Send the helper its pages (to write into ``folder`` too, when given); False
        when it is gone."""
        self._asked = True
        try:
            self._connection.send((settings, work, folder))
        except (OSError, ValueError):
            return False
        return True

    def _tell(self, message: object) -> bool:
        """Send the helper a further message; False when it is gone."""
        try:
            self._connection.send(message)
        except (OSError, ValueError):
            return False
        return True

    def _answers(self, wait: bool) -> Iterator[list[_Done] | None]:
        """Yield the chunks the helper has sent (None: it sent its last one, or it is
        gone); without ``wait``, only those already here."""
        while wait or self._connection.poll():
            try:
                chunk = self._connection.recv()
            except (EOFError, OSError):
                yield None
                return
            yield chunk
            if chunk is None:
                return


class ArticlePages:
    """Article pages handed to a PageHelper, and the answers as they come."""

    def __init__(
        self,
        helper: PageHelper,
        settings: Callable[[], PageSettings],
        entry_keys: Mapping[str, str],
        related: Mapping[str, Sequence[Article]],
        problems: Problems,
    ) -> None:
        self._helper = helper
        self._settings = settings
        self._entry_keys = entry_keys
        self._related = related
        self._problems = problems
        self._items: list[PlannedFile] = []
        self._left: set[int] = set()
        self._finished = False
        self._folder: Path | None = None
        self._early: list[str] | None = None
        """The paths of the pages handed by hand_early(), in order."""

    def write_into(self, folder: Path, empty: bool) -> Callable[[], None]:
        """Have the helper write its pages into ``folder`` too, when it is ``empty`` (a new
        output folder with no previous output: nothing there to replace or compare);
        return what stops the helper. For write.write_site(starting=)."""
        self._folder = folder if empty else None
        return self._helper.close

    def takes(self, item: PlannedFile) -> bool:
        """True for the page of a published article found in the cache."""
        return item.template == ARTICLE_TEMPLATE and item.source in self._entry_keys

    def hand(self, items: list[PlannedFile]) -> bool:
        """Send ``items`` (pages it takes) to the helper; False when there are too few
        to be worth it, or the helper is gone (then the build renders them). After
        hand_early(), ``items`` must be the pages handed then, and the helper is told
        where to write; when they are not, it is stopped and the build renders them."""
        if self._early is not None:
            if [item.path for item in items] != self._early:
                self._helper.close()
                return False
            if not self._helper._tell(("folder", self._folder)):
                return False
            self._items, self._left = items, set(range(len(items)))
            return True
        if len(items) < HELPER_PAGES:
            return False
        if not self._send([(item.path, item.source) for item in items], self._folder):
            return False
        self._items, self._left = items, set(range(len(items)))
        return True

    def hand_early(self, site: Site) -> bool:
        """Have the helper start on every article page of ``site`` it takes now, before
        the outputs are planned: for a build that renders them all (nothing recorded
        from an earlier one). It renders and holds them until hand() says where they
        go, while the build plans. False when there are too few or it is gone."""
        pages = [(a.output_path, a.source_path) for a in site.articles]
        pages = [(path, source) for path, source in pages if source in self._entry_keys]
        if len(pages) < HELPER_PAGES or not self._send(pages, _FOLDER_LATER):
            return False
        self._early = [path for path, _ in pages]
        return True

    def _send(self, pages: list[tuple[str, str]], folder: Path | str | None) -> bool:
        """Send the helper its pages, ``(output path, source path)`` each, to write into
        ``folder`` (or _FOLDER_LATER); False when it is gone."""
        keys = self._entry_keys
        work = [
            (number, path, keys[source], self._related_keys(source))
            for number, (path, source) in enumerate(pages)
        ]
        self._helper.chunks.reset(-(-len(work) // CHUNK))
        return self._helper._ask(self._settings(), work, folder)

    def _related_keys(self, source: str) -> tuple[str, ...]:
        keys = self._entry_keys
        return tuple(keys.get(a.source_path, "") for a in self._related.get(source, ()))

    def steal(self) -> list[PlannedFile]:
        """Take back the last chunk of pages the helper has not started, for the build
        to render itself; [] when none is left."""
        taken = self._helper.chunks.last()
        if taken is None:
            return []
        numbers = range(taken * CHUNK, min((taken + 1) * CHUNK, len(self._items)))
        self._left.difference_update(numbers)
        return [self._items[number] for number in numbers]

    def ready(self, wait: bool = False) -> Iterator[tuple[PlannedFile, bytes | int | None, bool]]:
        """Yield ``(item, bytes or inode, rendered)`` for the pages the helper has
        finished (an inode when it wrote the file); ``rendered`` False means it could
        not and the build must render the page. With ``wait``, every page handed is
        yielded before this ends."""
        if self._finished:
            return
        for chunk in self._helper._answers(wait):
            if chunk is None:  # done, or gone: what is left is the build's
                self._finished = True
                for number in sorted(self._left):
                    yield self._items[number], None, False
                self._left.clear()
                return
            for number, data, problems, tried in chunk:
                self._left.discard(number)
                self._problems.extend(problems)
                yield self._items[number], data, tried


class _Chunks:
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


def _serve(connection: Connection, cache_path: Path, chunks: _Chunks) -> None:
    """The helper's life: wait for its pages (or None), render them, send them back;
    pages handed early are held until it is told where to write them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops us
    try:
        message = connection.recv()
    except (EOFError, OSError):
        return
    if message is None:
        return
    settings, work, folder = message
    cache = ArticleCache(cache_path, read_only=True)
    published = _Published(cache, settings)
    env = make_environment(settings.folders, settings.config, settings.compiled)
    held: list[_Done] | None = [] if folder == _FOLDER_LATER else None
    writer = _writer(folder) if held is None else None  # a new, empty folder
    try:
        while (taken := chunks.first()) is not None:
            if held is not None and (len(held) >= HELD or connection.poll()):
                writer = _writer(_told_folder(connection))
                _send_held(connection, held, work, writer)
                held = None
            chunk = work[taken * CHUNK : (taken + 1) * CHUNK]
            try:
                done = _render_chunk(chunk, published, settings, env, writer)
            except Exception:  # whatever it is, the build renders these pages itself
                done = [(number, None, [], False) for number, *_ in chunk]
            if held is not None:
                held += done
            else:
                connection.send(done)
        if held is not None:
            _send_held(connection, held, work, _writer(_told_folder(connection)))
        connection.send(None)
    except (OSError, ValueError, EOFError):  # the build stopped listening
        return
    finally:
        cache.close()


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
    connection: Connection, held: list[_Done], work: Sequence[_Work], writer: Tree | None
) -> None:
    """Send the pages rendered before the folder was known, written into it first when
    there is one (a page that cannot be written is left to the build)."""
    for start in range(0, len(held), CHUNK):
        done: list[_Done] = []
        for number, data, problems, tried in held[start : start + CHUNK]:
            if writer is not None and isinstance(data, bytes):
                try:
                    path = work[number][1]
                    writer.write(path, data)
                    data = writer.placed[path]
                except OSError:
                    data, problems, tried = None, [], False
            done.append((number, data, problems, tried))
        connection.send(done)


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
        for key in missing:
            found = loads.get(key, (None, []))[0]
            self._known[key] = found and as_published(found, self._settings)
        for key in wanted:
            self._known.move_to_end(key)
        while len(self._known) > max(REMEMBERED, len(wanted)):
            self._known.popitem(last=False)

    def get(self, key: str) -> Article | None:
        """Return the article of ``key`` read last (None when the cache lacks it)."""
        return self._known.get(key)


def _render_chunk(
    chunk: Sequence[_Work],
    published: _Published,
    settings: PageSettings,
    env: Any,
    writer: Tree | None,
) -> list[_Done]:
    """Render the pages of ``chunk`` with their articles from ``published``; with a
    ``writer``, write them too."""
    published.read(key for _, _, own, related in chunk for key in (own, *related) if key)
    article = published.get
    shown = (article(own) for _, _, own, _ in chunk)
    CachedBody.prefetch(page.body_html for page in shown if page is not None)
    done: list[_Done] = []
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
            try:
                writer.write(path, data)
                done.append((number, writer.placed[path], list(problems), True))
            except OSError:  # the build writes it (and says what is wrong, if anything)
                done.append((number, None, [], False))
            continue
        done.append((number, data, list(problems), True))
    return done
