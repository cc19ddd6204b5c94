"""Article pages rendered in a helper process while the build renders everything else.

Rendering and writing run in the build's own process; in a cold build of a
large archive that is most of the time, on one core. Article pages are most
of the pages, and each needs only its article, its related articles and the
few parts of the site its template reads. So a helper process renders them:

- it is forked before the articles are loaded, while the build's process is
  still small (a process forked later would count the whole archive's
  memory again);
- once the outputs are planned, the build sends it, in one message, the
  site as the article template sees it (render.pages.article_site), the site-wide
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
This module is the build's side; pagehelper/helper.py is the helper's.
The helper is started only for builds likely to render HELPER_PAGES article
pages or more (build.quick_attempt.likely_article_pages), on more than one core.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import jinja2

from newsgen.cache.articles import ArticleCache
from newsgen.errors import Problems
from newsgen.images.index import PictureIndex
from newsgen.models import Article, Site
from newsgen.pagehelper import helper as helper_side
from newsgen.render.outputs import PlannedFile
from newsgen.render.pages import ARTICLE_TEMPLATE, article_site
from newsgen.site.crossrefs import article_urls

HELPER_PAGES = 500
"""Fewer article pages to render than this are all rendered by the build itself."""


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

    def __init__(self, process: Any, connection: Connection, chunks: helper_side.Chunks) -> None:
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
            chunks = helper_side.Chunks(context.RawArray("q", 2), context.Lock())
            args = (theirs, cache.path, chunks, os.getpid())
            process = context.Process(target=helper_side.run_helper, args=args, daemon=True)
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
        pictures: PictureIndex | None = None,
    ) -> ArticlePages:
        """Return the hand-off of ``site``'s article pages to this helper (see
        outputs.fresh_or_kept). ``env`` is the build's template environment, made
        from ``folders`` and ``compiled`` (the helper makes its own alike);
        ``entry_keys`` the cache key of each article file by source path; ``pictures``
        finds the Pictures of the articles the helper reads from the cache."""

        def settings() -> helper_side.PageSettings:  # made only when pages are handed
            return helper_side.PageSettings(
                folders,
                site.config,
                compiled,
                article_site(site, env),
                {section.slug: section for section in site.sections},
                {tag.slug: tag for tag in site.tags},
                {author.slug: author for author in site.authors},
                article_urls(site.articles),
                pictures,
                dict(env.globals.get("asset_names", {})),
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

    def _ask(
        self,
        settings: helper_side.PageSettings,
        work: list[helper_side.Work],
        folder: Path | str | None,
    ) -> bool:
        """Send the helper its pages (to write into ``folder`` too, when given); False
        when it is gone."""
        self._asked = True
        return self._tell((settings, work, folder))

    def _tell(self, message: object) -> bool:
        """Send the helper a further message; False when it is gone."""
        try:
            self._connection.send(message)
        except (OSError, ValueError):
            return False
        return True

    def _answers(self, wait: bool) -> Iterator[list[helper_side.Done] | None]:
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
        settings: Callable[[], helper_side.PageSettings],
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
            handed = self._helper._tell(("folder", self._folder))
        else:
            pages = [(item.path, item.source) for item in items]
            handed = len(items) >= HELPER_PAGES and self._send(pages, self._folder)
        if handed:
            self._items, self._left = items, set(range(len(items)))
        return handed

    def hand_early(self, site: Site) -> bool:
        """Have the helper start on every article page of ``site`` it takes now, before
        the outputs are planned: for a build that renders them all (nothing recorded
        from an earlier one). It renders and holds them until hand() says where they
        go, while the build plans. False when there are too few or it is gone."""
        pages = [(a.output_path, a.source_path) for a in site.articles]
        pages = [(path, source) for path, source in pages if source in self._entry_keys]
        if len(pages) < HELPER_PAGES or not self._send(pages, helper_side.FOLDER_LATER):
            return False
        self._early = [path for path, _ in pages]
        return True

    def _send(self, pages: list[tuple[str, str]], folder: Path | str | None) -> bool:
        """Send the helper its pages, ``(output path, source path)`` each, to write into
        ``folder`` (or helper_side.FOLDER_LATER); False when it is gone."""
        keys = self._entry_keys
        work = [
            (number, path, keys[source], self._related_keys(source))
            for number, (path, source) in enumerate(pages)
        ]
        self._helper.chunks.reset(-(-len(work) // helper_side.CHUNK))
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
        numbers = range(
            taken * helper_side.CHUNK, min((taken + 1) * helper_side.CHUNK, len(self._items))
        )
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
