"""Related articles: ranked by shared tags, then same section, then nearness in time.

No all-pairs comparison. Each tag's and each section's articles are kept
sorted by date; an article only looks at the ``WINDOW`` articles nearest in
time in each of its tags and in its section, so the work per article is
bounded by its tag count, not by the size of the archive.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Protocol

from newsgen.models import Article

LIMIT = 5
WINDOW = 12

RelatedFinder = Callable[[list[Article]], dict[str, tuple[Article, ...]]]
"""Newest-first articles -> each article's related articles, by ``source_path``."""


class _Index:
    """Articles of one tag or section, sorted by time, searchable by time."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.articles: list[int] = []

    def add(self, time: float, article: int) -> None:
        self.times.append(time)
        self.articles.append(article)

    def nearest(self, time: float, count: int) -> list[int]:
        """Return up to ``count`` articles on each side of ``time``."""
        middle = bisect.bisect_left(self.times, time)
        return self.articles[max(0, middle - count) : middle + count]


def related_articles(articles: list[Article], limit: int = LIMIT) -> dict[str, tuple[Article, ...]]:
    """Return up to ``limit`` related articles for each article, by its ``source_path``.

    Candidates are the articles nearest in time in each of its tags (scored by
    the number of tags shared) and in its section (scored 0 unless they share
    a tag); the best ``limit`` by (most shared tags, same section, nearest in
    time, earliest in ``articles``) are related.
    """
    times = [article.date.timestamp() for article in articles]
    sections = [article.section.slug for article in articles]
    by_tag: dict[str, _Index] = defaultdict(_Index)
    by_section: dict[str, _Index] = defaultdict(_Index)
    for i in sorted(range(len(articles)), key=times.__getitem__):
        for tag in articles[i].tags:
            by_tag[tag.slug].add(times[i], i)
        by_section[sections[i]].add(times[i], i)
    related: dict[str, tuple[Article, ...]] = {}
    for i, article in enumerate(articles):
        when = times[i]
        near: list[int] = []
        for tag in article.tags:
            near += by_tag[tag.slug].nearest(when, WINDOW)
        shared = Counter(near)
        for j in by_section[sections[i]].nearest(when, limit + 1):
            if j not in shared:
                shared[j] = 0
        shared.pop(i, None)
        best = _best(shared, limit, i, times, sections)
        related[article.source_path] = tuple(articles[j] for j in best)
    return related


def _best(
    shared: dict[int, int], limit: int, i: int, times: list[float], sections: list[str]
) -> list[int]:
    """Return the ``limit`` best candidates for article ``i``, best first.

    The order is by (most ``shared`` tags, same section as ``i``, nearest in
    time, lowest index). Most candidates tie on the tag count that decides
    the last places, so only those are ranked further, and the same-section
    ones among them first: building a full sort key for each of the ~90
    candidates of an article would cost more than everything else.
    """
    when, section = times[i], sections[i]

    def by_time(j: int) -> tuple[float, int]:
        return abs(times[j] - when), j

    counts = sorted(shared.values(), reverse=True)
    cutoff = counts[limit - 1] if len(counts) > limit else -1
    above, same, other = [], [], []
    for j, count in shared.items():
        if count > cutoff:
            above.append(j)
        elif count == cutoff:
            (same if sections[j] == section else other).append(j)
    above.sort(key=lambda j: (-shared[j], sections[j] != section, *by_time(j)))
    wanted = limit - len(above)
    if wanted <= 0:
        return above[:limit]
    if len(same) >= wanted:
        return above + heapq.nsmallest(wanted, same, key=by_time)
    return (
        above + sorted(same, key=by_time) + heapq.nsmallest(wanted - len(same), other, key=by_time)
    )


class MemoStore(Protocol):
    """Where remembered answers are kept between builds (the article cache)."""

    def memo(self, name: str) -> tuple[str, object] | None:
        """Return the signature and value last stored under ``name``, or None."""

    def put_memo(self, name: str, signature: str, value: object) -> None:
        """Store ``value`` with its ``signature`` under ``name``."""


class RememberedRelated:
    """A related_articles() that reuses the last build's answer from a MemoStore when
    the articles' paths, order, times, sections and tags (all it reads) are the
    same; otherwise it finds them again and stores the answer. ``signature`` is
    that of the articles it was last called with."""

    def __init__(self, store: MemoStore) -> None:
        self.store = store
        self.signature: str | None = None

    def __call__(self, articles: list[Article]) -> dict[str, tuple[Article, ...]]:
        """Return the related articles of each of ``articles`` (see related_articles)."""
        self.signature = signature = related_signature(articles)
        known = self.store.memo(MEMO_NAME)
        if known is not None and known[0] == signature and isinstance(known[1], dict):
            by_path = {article.source_path: article for article in articles}
            try:
                return {path: tuple(by_path[p] for p in paths) for path, paths in known[1].items()}
            except (KeyError, TypeError):  # not what was stored under this signature
                pass
        found = related_articles(articles)
        paths = {path: tuple(a.source_path for a in items) for path, items in found.items()}
        self.store.put_memo(MEMO_NAME, signature, paths)
        return found


def remembered_related(store: MemoStore) -> RememberedRelated:
    """Return a RememberedRelated keeping its answers in ``store``."""
    return RememberedRelated(store)


MEMO_NAME = f"related-{LIMIT}-{WINDOW}"


def related_signature(articles: list[Article]) -> str:
    """Return a hash of everything related_articles() reads of ``articles``, in order."""
    digest = hashlib.sha256()
    for a in articles:
        shown = (a.source_path, a.date.timestamp(), a.section.slug, *(t.slug for t in a.tags))
        digest.update(repr(shown).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
