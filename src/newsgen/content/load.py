"""Load every article of a content tree: from the cache where possible, in parallel otherwise.

The parent process finds each file's hash and looks its key up in the cache;
only the misses are parsed and rendered, in chunks spread over a process pool
when there are enough of them to repay starting it.

A file's hash is taken from the cache when its ``stat`` (size, mtime, inode,
ctime) is the one recorded with that hash, and it was not "racy" when hashed
(cache/file_hashes.py); such a file is read only if its article has to be loaded again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen import __version__
from newsgen.cache.articles import ArticleCache, SealedRow, entry_key, sealed_row
from newsgen.cache.bodies import CachedBody
from newsgen.cache.codec import cache_format, dumps, fingerprint, loads
from newsgen.cache.file_hashes import racy, read_file, recorded_digest, stat_key
from newsgen.content.discover import ContentTree, SourceFile
from newsgen.errors import Problem, Problems
from newsgen.input_files import unreadable_message, utf8_problem
from newsgen.lifeline import die_with_parent
from newsgen.models import Article, SiteConfig

if TYPE_CHECKING:  # parsing modules are imported when an article is parsed, not before
    from newsgen.content.context import LoadContext

PARALLEL_THRESHOLD = 200
"""Fewer articles to parse than this are parsed in the parent: a pool costs ~0.1 s to start."""
CHUNKS_PER_WORKER = 8
SERIAL_CHUNK = 100
"""Articles parsed in the parent between two progress reports and cache writes."""

_Loaded = tuple[Article | None, list[Problem]]
_Row = tuple[SealedRow, bool]
"""A load as the cache keeps it (see load_row): the pickled Article without its body
(or None) and problems, and the body, with their checksums; and whether the file
still had the hash read_sources() found, without which it is not cached."""
Progress = Callable[[str, int, int], None]
"""Told ``(stage, done, total)``."""


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """Everything loading depends on besides the file itself; picklable for workers."""

    config: SiteConfig
    content_root: Path
    static_files: frozenset[str]
    content_assets: frozenset[str]

    def context(self) -> LoadContext:
        """Return the LoadContext (with its Markdown parser) for these settings; made
        once per settings and process (a live preview parses with it after every save)."""
        return _context(self)

    def fingerprint(self) -> str:
        """Return the hash that, with a file's bytes and path, keys its cache entry."""
        from newsgen.markdown.renderer import (
            ENGINE,  # the parser and its version: parses may differ
        )

        return fingerprint(
            __version__,
            ENGINE,
            cache_format(),
            self.config,
            str(self.content_root),
            sorted(self.static_files),
            sorted(self.content_assets),
        )


@functools.lru_cache(maxsize=2)
def _context(settings: LoadSettings) -> LoadContext:
    from newsgen.content.context import LoadContext
    from newsgen.markdown.renderer import make_markdown

    return LoadContext(
        config=settings.config,
        markdown=make_markdown(settings.config.unsafe_html),
        content_root=settings.content_root,
        static_files=settings.static_files,
        content_assets=settings.content_assets,
    )


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class SourceBytes:
    """An article file on disk, with the hash of its bytes and its cache key."""

    source: SourceFile
    digest: str
    """Hash of the bytes alone."""
    key: str
    """Hash of the bytes, the path and everything loading depends on."""
    held: bytes | None = field(default=None, repr=False)
    """The bytes, when read_sources() read and kept them (it keeps those of the first
    PARALLEL_THRESHOLD files it reads); None when the hash came from the cache."""

    @property
    def data(self) -> bytes:
        """The file's bytes: those read_sources() read, else read now. Raises OSError."""
        return self.held if self.held is not None else read_file(self.source.path)[0]


def read_sources(
    tree: ContentTree,
    settings: LoadSettings,
    problems: Problems,
    cache: ArticleCache | None = None,
) -> list[SourceBytes]:
    """Return every article file of ``tree`` with its hash and cache key; an
    unreadable file is a problem and left out.

    With a ``cache``, a file whose stat matches the one recorded there keeps
    its recorded hash and is not read; every other file is read and hashed,
    and its stat and hash are recorded unless it is racy. That takes one read
    of the cache and at most one write. Without a cache every file is read.
    """
    prints = settings.fingerprint()
    known = cache.file_digests() if cache is not None else {}
    started = time.time_ns()
    found: list[SourceBytes] = []
    recorded: list[tuple[str, str, str]] = []
    stale: list[str] = []
    reads = 0
    for source in tree.articles:
        path = source.content_relative
        row = known.get(path)
        digest = recorded_digest(source.path, row) if row is not None else None
        if digest is not None:
            found.append(SourceBytes(source, digest, entry_key(prints, path, digest)))
            continue
        if row is not None:
            stale.append(path)
        read = _read(source, problems)
        if read is None:
            continue
        data, stat = read
        digest = hashlib.sha256(data).hexdigest()
        reads += 1  # the bytes of a few files are kept for parsing; many are parsed in
        held = data if reads <= PARALLEL_THRESHOLD else None  # workers that read them
        found.append(SourceBytes(source, digest, entry_key(prints, path, digest), held))
        if not racy(stat, started):
            recorded.append((path, stat_key(stat), digest))
    if cache is not None:
        present = {source.content_relative for source in tree.articles}
        cache.put_file_digests(recorded, stale + [path for path in known if path not in present])
    return found


def load_articles(
    sources: Sequence[SourceBytes],
    settings: LoadSettings,
    cache: ArticleCache,
    jobs: int,
    problems: Problems,
    progress: Progress | None = None,
    defer_bodies: bool = False,
) -> list[Article]:
    """Return the valid articles of ``sources`` in order; every problem goes to ``problems``.

    With ``defer_bodies``, the body of each article the cache holds is left
    there: the article's ``body_html`` is a CachedBody that reads it when shown.

    Articles missing from the cache are read (unless read_sources() already
    read them), parsed and stored in it. A file that cannot be read now is a
    problem and left out; one whose bytes no longer have the hash read_sources()
    found (it changed meanwhile) is loaded from its new bytes but not cached
    under the old hash. ``progress`` is told how many of the parsed ones are done.
    """
    keys = [item.key for item in sources]
    defer = defer_bodies and cache.stores
    results = cached_loads(cache, keys, defer)
    for item in sources:  # a sound row of another file's article would be no hit either
        loaded = results.get(item.key)
        if loaded and loaded[0] is not None and loaded[0].source_path != item.source.shown:
            del results[item.key]
            cache.reject(item.key)
    missing = [item for item in sources if item.key not in results]
    done, changed = 0, []
    for chunk in _load_chunks(missing, settings, jobs, progress):
        # Each chunk is cached (and its bodies left there) as it comes, so that
        # the bodies of the whole archive are never all held at once.
        stored, bodies = [], []
        for item, (row, same) in zip(missing[done : done + len(chunk)], chunk, strict=True):
            loaded = results[item.key] = loads(row[1])
            body = row[3]
            if same:
                stored.append(row)
            else:  # changed since it was hashed: its recorded hash is no more
                changed.append(item.source.content_relative)
            if loaded[0] is not None:
                left = defer and same and not loaded[0].link_refs
                bodies.append((loaded[0], CachedBody(cache, item.key) if left else body))
        done += len(chunk)
        cache.put_sealed(stored)
        for article, body in bodies:
            _attach_body(article, body)
    cache.put_rows((), keep=keys)  # and forget the entries of files that are gone
    cache.put_file_digests([], forget=changed)
    articles = []
    for key in keys:
        article, found = results[key]
        problems.extend(found)
        if article is not None:
            articles.append(article)
    _share_names(articles)
    return articles


def _share_names(articles: list[Article]) -> None:
    """Make equal Sections, Tags and Authors of ``articles`` one object each.

    Each article comes from its own pickle, with its own copies of them: at
    100,000 articles, most of a million objects where a few thousand would
    do, and every later comparison of them (the site-wide names, the output
    keys) goes by value. The articles are fresh from their pickles, not
    shared yet: their fields are set in place (they are frozen).
    """
    shared: dict[object, object] = {}
    share = shared.setdefault
    for article in articles:
        object.__setattr__(article, "section", share(article.section, article.section))
        object.__setattr__(article, "tags", tuple([share(tag, tag) for tag in article.tags]))
        authors = tuple([share(author, author) for author in article.authors])
        object.__setattr__(article, "authors", authors)


def cached_loads(cache: ArticleCache, keys: Sequence[str], defer: bool) -> dict[str, _Loaded]:
    """Return the cached loads of those ``keys`` that the cache holds, each article
    with its body. With ``defer`` a body is left in the cache (a CachedBody that
    reads it when shown), except for articles that link to others: the build
    reads all of those at once, to resolve the links, and keeps the resolved
    copies. Other bodies are read now; an entry whose body is gone counts as missing.
    """
    loads = {key: value for key, value in cache.get_many(keys).items() if _is_load(value)}
    articles = {key: loaded[0] for key, loaded in loads.items() if loaded[0] is not None}
    bodies = cache.bodies(
        [key for key, article in articles.items() if not defer or article.link_refs]
    )
    for key, article in articles.items():
        if key in bodies:
            _attach_body(article, bodies[key])
        elif defer and not article.link_refs:
            _attach_body(article, CachedBody(cache, key))
        else:
            del loads[key]
    return loads


def store_loads(
    cache: ArticleCache, loads: Iterable[tuple[str, _Loaded]], forget: Iterable[str] = ()
) -> None:
    """Cache ``(key, load)`` pairs as load_row() lays them out; forget the keys in ``forget``."""
    cache.put_rows(((key, *_as_row(loaded)) for key, loaded in loads), forget=forget)


def _as_row(loaded: _Loaded) -> tuple[bytes, str | None]:
    """Return a load as the cache keeps it: pickled without the article's body, and the body."""
    article, problems = loaded
    body = None
    if article is not None:
        body = str(article.body_html)
        article = replace(article, body_html="")
    return dumps((article, problems)), body


def _is_load(value: object) -> bool:
    """True when ``value`` has the shape of a load: (Article or None, problems)."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and (value[0] is None or isinstance(value[0], Article))
    )


def _attach_body(article: Article, body: str | CachedBody) -> None:
    """Give ``article``, fresh from a pickle and not shared yet, its body (it is frozen)."""
    object.__setattr__(article, "body_html", body)


def body_reloader(
    sources: Sequence[SourceBytes], settings: LoadSettings
) -> Callable[[str], str | None]:
    """Return a function that loads again the article file of a cache key among
    ``sources`` and returns its body (None when it cannot): how a build shows an
    article whose body it left in the cache when the cache cannot give it back."""
    by_key: dict[str, SourceBytes] = {}

    def reload(key: str) -> str | None:
        if not by_key:
            by_key.update((item.key, item) for item in sources)
        item = by_key.get(key)
        if item is None:
            return None
        (article, _), _same = load_source(item, settings.context())
        return None if article is None else str(article.body_html)

    return reload


def _read(source: SourceFile, problems: Problems) -> tuple[bytes, os.stat_result] | None:
    """Return the bytes of ``source`` and its stat before reading, or None after
    recording why it cannot be read."""
    try:
        return read_file(source.path)
    except OSError as error:
        _unreadable(source, error, problems)
        return None


def load_source(item: SourceBytes, context: LoadContext) -> tuple[_Loaded, bool]:
    """Read and load one article file; return its load and whether its bytes still have
    the hash read_sources() found (only then may the load be cached under that hash).

    A file that cannot be read now gives no article and a problem saying why.
    """
    if item.held is not None:
        return load_bytes(item.source, item.held, context), True
    try:
        data = item.data
    except OSError as error:
        problems = Problems()
        _unreadable(item.source, error, problems)
        return (None, list(problems)), False
    same = hashlib.sha256(data).hexdigest() == item.digest
    return load_bytes(item.source, data, context), same


def load_row(item: SourceBytes, context: LoadContext) -> _Row:
    """Load one article file (see load_source) and return it as the cache keeps it
    (checksummed here: in a worker process, not in the build's)."""
    loaded, same = load_source(item, context)
    return sealed_row(item.key, *_as_row(loaded)), same


def _unreadable(source: SourceFile, error: OSError, problems: Problems) -> None:
    problems.error(source.shown, 1, None, unreadable_message(error))


def _load_chunks(
    items: Sequence[SourceBytes],
    settings: LoadSettings,
    jobs: int,
    progress: Progress | None = None,
) -> Iterator[list[_Row]]:
    """Load ``items`` (see load_row) and yield the results in order, a chunk at a
    time; in a process pool when there are many and several cores. Workers read
    their files themselves, so the parent never holds the bytes of the whole
    archive (which every forked worker would count too)."""
    if not items:  # everything came from the cache: no parser to make
        return
    told = progress or (lambda stage, done, total: None)
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        context = settings.context()
        for start in range(0, len(items), SERIAL_CHUNK):
            chunk = [load_row(item, context) for item in items[start : start + SERIAL_CHUNK]]
            told("parsing", start + len(chunk), len(items))
            yield chunk
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    size = max(1, len(items) // (jobs * CHUNKS_PER_WORKER))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=get_context("fork"),
        initializer=_start_worker,
        initargs=(settings, os.getpid()),
    ) as pool:
        done = 0
        try:
            for chunk in pool.map(_load_chunk, chunks):
                done += len(chunk)
                told("parsing", done, len(items))
                yield chunk
        except BaseException:  # interrupted, or a chunk failed: start no further chunk
            pool.shutdown(cancel_futures=True)
            raise


def load_bytes(source: SourceFile, data: bytes, context: LoadContext) -> _Loaded:
    """Decode and load one article file; return the Article (or None) and its problems."""
    from newsgen.content.parse import load_article

    problems = Problems()
    text = decode(data, source.shown, problems)
    article = load_article(source, text, context, problems) if text is not None else None
    return article, list(problems)


def decode(data: bytes, shown: str, problems: Problems) -> str | None:
    """Return ``data`` as UTF-8 text, or None after recording where it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, message = utf8_problem(data, error)
        problems.error(shown, line, None, message)
        return None


# Each worker process builds its LoadContext (with its own Markdown parser) once.
_worker_context: LoadContext | None = None


def _start_worker(settings: LoadSettings, build: int) -> None:
    """Make the worker's LoadContext; the worker ends with the ``build`` process (its
    pid) if that ends first, and leaves Ctrl-C to it (lifeline.py)."""
    global _worker_context
    die_with_parent(build)
    _worker_context = settings.context()


def _load_chunk(chunk: Sequence[SourceBytes]) -> list[_Row]:
    assert _worker_context is not None
    return [load_row(item, _worker_context) for item in chunk]
