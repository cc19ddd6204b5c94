"""Load every article of a content tree: from the cache where possible, in parallel otherwise.

The parent process reads each file's bytes (cheap I/O) and looks its key up
in the cache; only the misses are parsed and rendered, in chunks spread over
a process pool when there are enough of them to repay starting it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from . import __version__
from .cache import ArticleCache, entry_key, fingerprint
from .discover import ContentTree, SourceFile
from .errors import Problem, Problems
from .loader import LoadContext, load_article
from .markdown import make_markdown
from .models import Article, SiteConfig

PARALLEL_THRESHOLD = 200
"""Fewer articles to parse than this are parsed in the parent: a pool costs ~0.1 s to start."""
CHUNKS_PER_WORKER = 8

_Loaded = tuple[Article | None, list[Problem]]


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """Everything loading depends on besides the file itself; picklable for workers."""

    config: SiteConfig
    content_root: Path
    static_files: frozenset[str]
    content_assets: frozenset[str]

    def context(self) -> LoadContext:
        """Return the LoadContext (with its Markdown parser) for these settings."""
        return LoadContext(
            config=self.config,
            markdown=make_markdown(self.config.unsafe_html),
            content_root=self.content_root,
            static_files=self.static_files,
            content_assets=self.content_assets,
        )

    def fingerprint(self) -> str:
        """Return the hash that, with a file's bytes and path, keys its cache entry."""
        return fingerprint(
            __version__,
            self.config,
            str(self.content_root),
            sorted(self.static_files),
            sorted(self.content_assets),
        )


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class SourceBytes:
    """An article file read from disk, with its cache key."""

    source: SourceFile
    data: bytes
    digest: str
    """Hash of the bytes alone."""
    key: str
    """Hash of the bytes, the path and everything loading depends on."""


def read_sources(
    tree: ContentTree, settings: LoadSettings, problems: Problems
) -> list[SourceBytes]:
    """Read every article file of ``tree``; an unreadable one is a problem and left out."""
    prints = settings.fingerprint()
    read = []
    for source in tree.articles:
        data = _read(source, problems)
        if data is not None:
            digest = hashlib.sha256(data).hexdigest()
            key = entry_key(prints, source.content_relative, digest)
            read.append(SourceBytes(source, data, digest, key))
    return read


def load_articles(
    sources: Sequence[SourceBytes],
    settings: LoadSettings,
    cache: ArticleCache,
    jobs: int,
    problems: Problems,
) -> list[Article]:
    """Return the valid articles of ``sources`` in order; every problem goes to ``problems``."""
    keys = [item.key for item in sources]
    readable = [(item.source, item.data) for item in sources]
    cached = cache.get_many(keys)
    missing = [(key, item) for key, item in zip(keys, readable, strict=True) if key not in cached]
    fresh = _load_all([item for _, item in missing], settings, jobs)
    cache.put_many(zip((key for key, _ in missing), fresh, strict=True), keep=keys)
    results = dict(cached)
    results.update(zip((key for key, _ in missing), fresh, strict=True))
    articles = []
    for key in keys:
        article, found = results[key]  # type: ignore[misc]
        problems.extend(found)
        if article is not None:
            articles.append(article)
    return articles


def _read(source: SourceFile, problems: Problems) -> bytes | None:
    try:
        return source.path.read_bytes()
    except OSError as error:
        problems.error(source.shown, 1, None, f"cannot be read: {error.strerror or error}")
        return None


def _load_all(
    items: Sequence[tuple[SourceFile, bytes]], settings: LoadSettings, jobs: int
) -> list[_Loaded]:
    """Load ``items``, in a process pool when there are many and several cores."""
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        context = settings.context()
        return [load_bytes(source, data, context) for source, data in items]
    size = max(1, len(items) // (jobs * CHUNKS_PER_WORKER))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=get_context("fork"),
        initializer=_start_worker,
        initargs=(settings,),
    ) as pool:
        return [loaded for chunk in pool.map(_load_chunk, chunks) for loaded in chunk]


def load_bytes(source: SourceFile, data: bytes, context: LoadContext) -> _Loaded:
    """Decode and load one article file; return the Article (or None) and its problems."""
    problems = Problems()
    text = decode(data, source.shown, problems)
    article = load_article(source, text, context, problems) if text is not None else None
    return article, list(problems)


def decode(data: bytes, shown: str, problems: Problems) -> str | None:
    """Return ``data`` as UTF-8 text, or None after recording where it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.error(
            shown,
            line,
            None,
            f"is not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}; "
            "save the file as UTF-8",
        )
        return None


# Each worker process builds its LoadContext (with its own Markdown parser) once.
_worker_context: LoadContext | None = None


def _start_worker(settings: LoadSettings) -> None:
    global _worker_context
    _worker_context = settings.context()


def _load_chunk(chunk: Sequence[tuple[SourceFile, bytes]]) -> list[_Loaded]:
    assert _worker_context is not None
    return [load_bytes(source, data, _worker_context) for source, data in chunk]
