"""Related articles: ranked by shared tags, then same section, then nearness in time.

No all-pairs comparison. Each tag's and each section's articles are kept
sorted by date; an article only looks at the ``WINDOW`` articles nearest in
time in each of its tags and in its section, so the work per article is
bounded by its tag count, not by the size of the archive.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict

from .models import Article

LIMIT = 5
WINDOW = 12


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
    """Return up to ``limit`` related articles for each article, by its ``source_path``."""
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
        shared: dict[int, int] = defaultdict(int)
        for tag in article.tags:
            for j in by_tag[tag.slug].nearest(times[i], WINDOW):
                shared[j] += 1
        for j in by_section[sections[i]].nearest(times[i], limit + 1):
            shared.setdefault(j, 0)
        shared.pop(i, None)
        when, section = times[i], sections[i]
        best = heapq.nsmallest(
            limit,
            shared,
            key=lambda j: (-shared[j], sections[j] != section, abs(times[j] - when), j),
        )
        related[article.source_path] = tuple(articles[j] for j in best)
    return related
