"""An article's rendered body left in the cache until a page or feed shows it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from newsgen import errors


class BodySource(Protocol):
    """Where a CachedBody's text is: the article cache (articles.ArticleCache)."""

    def body(self, key: str) -> str:
        """Return the body stored under ``key``; raise BodyUnavailable when it is lost."""
        ...

    def prefetch_bodies(self, keys: Iterable[str]) -> None:
        """Read the bodies of ``keys`` ahead, in one query."""
        ...


class BodyUnavailable(errors.NewsgenError):
    """A body left in the cache can be read neither from it nor from its article file."""


class CachedBody:
    """An article's rendered body left in the cache until a page or feed shows it.

    A large archive's bodies are most of a build's memory (100,000 articles:
    over a gigabyte as Python text), yet each is read once or twice: by its
    article page and the feeds that carry it. Once the articles are cached,
    the build swaps each body for one of these (load_articles(defer_bodies=)).
    It reads as the text it stands for: ``str()``, ``__html__`` (Jinja's
    ``safe``), ``==``, ``in`` and ``len``; pickled, it is that text.
    """

    __slots__ = ("_cache", "_key")

    def __init__(self, cache: BodySource, key: str) -> None:
        self._cache = cache
        self._key = key

    def __str__(self) -> str:
        return self._cache.body(self._key)

    def __html__(self) -> str:
        return str(self)

    @staticmethod
    def prefetch(values: Iterable[object]) -> None:
        """Have the bodies that the CachedBody objects among ``values`` stand for read
        ahead, one query per cache (ArticleCache.prefetch_bodies)."""
        keys: dict[int, tuple[BodySource, list[str]]] = {}
        for value in values:
            if isinstance(value, CachedBody):
                keys.setdefault(id(value._cache), (value._cache, []))[1].append(value._key)
        for cache, wanted in keys.values():
            cache.prefetch_bodies(wanted)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str | CachedBody):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)
