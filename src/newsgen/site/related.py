"""Related articles: ranked by shared tags, then same section, then nearness in time.

No all-pairs comparison. Each tag's and each section's articles are kept
sorted by date; an article only looks at the ``WINDOW`` articles nearest in
time in each of its tags and in its section, so the work per article is
bounded by its tag count, not by the size of the archive. And so a change to
one article (added, removed, re-dated, re-tagged) can change the related
articles of those near it in its tags and section only: a build remembers the
last answer and ranks only those again (RememberedRelated).
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from newsgen.models import Article

LIMIT = 5
WINDOW = 12

Shown = tuple[str, float, str, tuple[str, ...]]
"""What related_articles() reads of an article: its path, time, section and tags."""

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

    def around(self, time: float, count: int) -> list[int]:
        """Return the articles up to ``count`` places before the first article of
        ``time`` and after the last, and every article of the same time as one of
        them: those whose own nearest(), with ``count`` one more than it is given,
        may reach an article at ``time``, wherever it stands among equal times."""
        low = max(0, bisect.bisect_left(self.times, time) - count)
        high = min(len(self.times), bisect.bisect_right(self.times, time) + count)
        if low >= high:
            return []
        low = bisect.bisect_left(self.times, self.times[low])
        high = bisect.bisect_right(self.times, self.times[high - 1])
        return self.articles[low:high]


def related_articles(articles: list[Article], limit: int = LIMIT) -> dict[str, tuple[Article, ...]]:
    """Return up to ``limit`` related articles for each article, by its ``source_path``.

    Candidates are the articles nearest in time in each of its tags (scored by
    the number of tags shared) and in its section (scored 0 unless they share
    a tag); the best ``limit`` by (most shared tags, same section, nearest in
    time, earliest in ``articles``) are related.
    """
    found = _Candidates([_shown(article) for article in articles])
    return {
        article.source_path: tuple(articles[j] for j in found.best(i, limit))
        for i, article in enumerate(articles)
    }


class _Candidates:
    """The articles of each tag and section, sorted by time: where an article's
    related articles are looked for. Articles are given as _shown() makes them."""

    def __init__(
        self, shown: Sequence[Shown], only: tuple[set[str], set[str]] | None = None
    ) -> None:
        """Index ``shown``; with ``only`` (tags, sections), just those tags and sections
        (best() and near() then serve only articles whose tags and section are in it)."""
        self.times = [item[1] for item in shown]
        self.sections = [item[2] for item in shown]
        self.tags = [item[3] for item in shown]
        self.by_tag: dict[str, _Index] = defaultdict(_Index)
        self.by_section: dict[str, _Index] = defaultdict(_Index)
        indexes: Iterable[int] = range(len(shown))
        if only is not None:
            tags, sections = only
            indexes = [
                i
                for i in indexes
                if self.sections[i] in sections or not tags.isdisjoint(self.tags[i])
            ]
        for i in sorted(indexes, key=self.times.__getitem__):
            for tag in self.tags[i]:
                if only is None or tag in only[0]:
                    self.by_tag[tag].add(self.times[i], i)
            if only is None or self.sections[i] in only[1]:
                self.by_section[self.sections[i]].add(self.times[i], i)

    def best(self, i: int, limit: int) -> list[int]:
        """Return the indexes of article ``i``'s related articles, best first."""
        when = self.times[i]
        near: list[int] = []
        for tag in self.tags[i]:
            near += self.by_tag[tag].nearest(when, WINDOW)
        shared = Counter(near)
        for j in self.by_section[self.sections[i]].nearest(when, limit + 1):
            if j not in shared:
                shared[j] = 0
        shared.pop(i, None)
        return _best(shared, limit, i, self.times, self.sections)

    def near(self, shown: Shown, limit: int) -> set[int]:
        """Return the articles whose candidates may include an article shown as
        ``shown`` (its time, section and tags, now or before a change): those near
        that time in its tags and section, one more on each side than searched."""
        _, when, section, tags = shown
        found = set(self.by_section[section].around(when, limit + 2))
        for tag in tags:
            found.update(self.by_tag[tag].around(when, WINDOW + 1))
        return found


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


CHANGED_AT_MOST = 0.05
"""The share of the articles that may have changed for related articles to be found
again only around the changes (more, and they are all found again)."""


class RememberedRelated:
    """A related_articles() that reuses the last build's answer from a MemoStore.

    When the articles' paths, order, times, sections and tags (all it reads) are
    the same, it returns the stored answer. When a few of them changed (articles
    added, removed, or given another date, section or tags), only the articles
    whose candidates include a changed one, before or after the change, are
    ranked again; the others keep their stored answer. ``signature`` is that of
    the articles it was last called with.
    """

    def __init__(self, store: MemoStore) -> None:
        self.store = store
        self.signature: str | None = None

    def __call__(self, articles: list[Article]) -> dict[str, tuple[Article, ...]]:
        """Return the related articles of each of ``articles`` (see related_articles)."""
        shown = [_shown(article) for article in articles]
        self.signature = signature = related_signature(articles)
        known = self.store.memo(MEMO_NAME)
        stored = _stored(known[1]) if known is not None else None
        by_path = {article.source_path: article for article in articles}
        if known is not None and known[0] == signature and stored is not None:
            try:
                return {path: tuple(by_path[p] for p in stored[1][path]) for path in by_path}
            except (KeyError, TypeError):  # not what was stored under this signature
                pass
        paths = _around_changes(articles, shown, stored) if stored else None
        if paths is None:
            found = related_articles(articles)
            paths = {path: tuple(a.source_path for a in items) for path, items in found.items()}
        self.store.put_memo(MEMO_NAME, signature, ({item[0]: item for item in shown}, paths))
        return {path: tuple(by_path[p] for p in paths[path]) for path in by_path}


def _shown(article: Article) -> Shown:
    return (
        article.source_path,
        article.date.timestamp(),
        article.section.slug,
        tuple(tag.slug for tag in article.tags),
    )


def stored_memo(value: object) -> tuple[dict[str, Shown], dict[str, tuple[str, ...]]] | None:
    """Return what RememberedRelated stored as the memo ``value``: what each article was
    shown as (its path, time, section and tags), newest first, and its related paths,
    both by path; None when ``value`` is not of that shape."""
    return _stored(value)


def stored_answer(value: object) -> dict[str, tuple[str, ...]] | None:
    """Return the related articles' paths, by article path, that RememberedRelated
    stored as the memo ``value``, or None when it is not of that shape."""
    stored = _stored(value)
    return stored[1] if stored is not None else None


def _stored(value: object) -> tuple[dict[str, Shown], dict[str, tuple[str, ...]]] | None:
    """Return the memo's value if it has the shape RememberedRelated stores."""
    if not (isinstance(value, tuple) and len(value) == 2):
        return None
    shown, paths = value
    return (shown, paths) if isinstance(shown, dict) and isinstance(paths, dict) else None


def _around_changes(
    articles: list[Article],
    shown: list[Shown],
    stored: tuple[dict[str, Shown], dict[str, tuple[str, ...]]],
) -> dict[str, tuple[str, ...]] | None:
    """Return every article's related paths: the stored ones, but for the articles
    near a change, found again; None when too many changed (or the memo lacks
    an answer): then all are found again."""
    before, answers = stored
    now = {item[0]: item for item in shown}
    changed = [item for item in shown if before.get(item[0]) != item]
    gone = [item for path, item in before.items() if now.get(path) != item]
    if len(changed) + len(gone) > CHANGED_AT_MOST * max(len(articles), 1):
        return None
    candidates = _Candidates(shown)
    index = {item[0]: i for i, item in enumerate(shown)}
    again = {index[item[0]] for item in changed}
    for item in (*changed, *gone):
        again |= candidates.near(item, LIMIT)
    paths: dict[str, tuple[str, ...]] = {}
    for i, item in enumerate(shown):
        if i in again:
            paths[item[0]] = tuple(articles[j].source_path for j in candidates.best(i, LIMIT))
        elif item[0] in answers and all(path in now for path in answers[item[0]]):
            paths[item[0]] = answers[item[0]]
        else:
            return None
    return paths


def remembered_related(store: MemoStore) -> RememberedRelated:
    """Return a RememberedRelated keeping its answers in ``store``."""
    return RememberedRelated(store)


MEMO_NAME = f"related-{LIMIT}-{WINDOW}-2"


def related_signature(articles: list[Article]) -> str:
    """Return a hash of everything related_articles() reads of ``articles``, in order."""
    return _signature(map(_shown, articles))


def _signature(shown: Iterable[Shown]) -> str:
    """Return related_signature() of the articles shown as ``shown``, in order."""
    digest = hashlib.sha256()
    for path, time, section, tags in shown:
        digest.update(repr((path, time, section, *tags)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class RelatedAfterAdding:
    """The related articles once one article, newer than all, joins a remembered answer."""

    shown: Shown
    """What related_articles() reads of the added article."""
    changed: dict[str, tuple[str, ...]]
    """The related paths of the added article and of each article whose own changed."""


def related_after_adding(
    remembered: tuple[Mapping[str, Shown], Mapping[str, tuple[str, ...]]], added: Article
) -> RelatedAfterAdding | None:
    """Return the related articles once ``added`` joins the articles whose answer is
    ``remembered`` (what each article is shown as, newest first, and its related
    paths: as stored_memo() returns them), first, being newer than every one of them;
    None when they already hold the article or one as new as it. Only the articles
    near it in its tags and section are ranked again, as RememberedRelated does after
    a change: the others keep their answer."""
    before, answers = remembered
    item = _shown(added)
    newest = next(iter(before.values()), None)
    if item[0] in before or (newest is not None and newest[1] >= item[1]):
        return None
    shown = [item, *before.values()]
    again = {0} | _Candidates(shown, (set(item[3]), {item[2]})).near(item, LIMIT)
    tags = set().union(*(shown[i][3] for i in again))
    candidates = _Candidates(shown, (tags, {shown[i][2] for i in again}))
    changed: dict[str, tuple[str, ...]] = {}
    for i in again:
        path = shown[i][0]
        found = tuple(shown[j][0] for j in candidates.best(i, LIMIT))
        if i == 0 or answers.get(path) != found:
            changed[path] = found
    return RelatedAfterAdding(item, changed)
