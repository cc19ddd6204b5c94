"""Stable pagination for listings (sections now; tags, authors and archives later).

The front page shows the newest ``per_page`` articles. The older ones are cut
into numbered pages counted from the oldest end: page 1 holds the oldest
articles, and only the newest numbered page may be partly filled. A full page
therefore keeps its articles when new ones arrive; and as a numbered page
links to page numbers near its own and to the oldest ones, never to the
newest (the front page does, and every page links to it), it keeps its bytes
too, but for the few pages next to a new numbered page (changed_by_adding()).
That keeps old archive pages stable for readers, caches and incremental builds.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsgen.models import Article, ListingPage, PageLink
from newsgen.urls import listing_path, output_file

GAP = "…"
_EDGE = 2
_AROUND = 2


def paginate(
    title: str, articles: Sequence[Article], per_page: int, url: str, base_path: str
) -> tuple[ListingPage, ...]:
    """Return the pages of a listing, front page first, then pages ``total`` … 1.

    ``articles`` must be newest first; ``url`` is the listing's root-relative
    URL (``/news/world/``) and ``base_path`` the site's (``/news/``), so that
    output paths come out relative to the output directory.
    """
    front_items = tuple(articles[:per_page])
    oldest_first = list(reversed(articles[per_page:]))
    chunks = [oldest_first[i : i + per_page] for i in range(0, len(oldest_first), per_page)]
    total = len(chunks)
    pages = [_page(title, front_items, None, total, url, base_path)]
    for number in range(total, 0, -1):
        items = tuple(reversed(chunks[number - 1]))
        pages.append(_page(title, items, number, total, url, base_path))
    return tuple(pages)


def page_holding(index: int, count: int, per_page: int) -> tuple[int | None, int, range]:
    """Return where paginate() puts the item at ``index`` of a listing of ``count``
    items (newest first): its page's number (None: the front page), how many
    numbered pages the listing has, and the indexes of that page's items, newest
    first."""
    total = numbered_pages(count, per_page)
    if index < per_page:
        return None, total, range(0, min(per_page, count))
    number = (count - 1 - index) // per_page + 1  # counted from the oldest end
    return number, total, page_items(number, count, per_page)


def numbered_pages(count: int, per_page: int) -> int:
    """Return how many numbered pages paginate() makes of a listing of ``count`` items."""
    return -(-max(count - per_page, 0) // per_page)


def changed_by_adding(count: int, per_page: int) -> list[int | None]:
    """Return the pages (None: the front page) of a listing of ``count`` items that
    differ from those of the listing without its newest item: the front page and the
    newest numbered page, which takes the front page's oldest item; when that page is
    new, the pages whose numbers link to it too (and the one whose "newer" link it
    takes over from the front page)."""
    total = numbered_pages(count, per_page)
    if total == numbered_pages(count - 1, per_page):
        return [None, total] if total else [None]
    return [None, *range(total, max(total - _AROUND - 1, 0), -1)]


def page_items(number: int | None, count: int, per_page: int) -> range:
    """Return the indexes (newest first) of the items of page ``number`` (None: the
    front page) of a listing of ``count`` items, as paginate() cuts it."""
    if number is None:
        return range(0, min(per_page, count))
    first = (number - 1) * per_page  # the page's oldest item, counted from the oldest
    last = min(first + per_page, max(count - per_page, 0))
    return range(count - last, count - first)


def listing_page(
    title: str, items: tuple[Article, ...], number: int | None, total: int, url: str, base_path: str
) -> ListingPage:
    """Return page ``number`` (None: the front page) of ``total`` numbered pages of the
    listing at ``url``, showing ``items``, as paginate() makes it."""
    return _page(title, items, number, total, url, base_path)


def reading_number(number: int | None, total: int) -> int:
    """Return where page ``number`` (None: the front page) of a listing of ``total``
    numbered pages is, counted from the newest as readers count: the front page is 1,
    numbered page N is ``total - N + 2`` (its URL keeps N)."""
    return 1 if number is None else total + 2 - number


def page_numbers(current: int | None, total: int) -> list[int | None]:
    """Return the page numbers to link from page ``current`` (None: the front page) of
    ``total`` numbered pages, newest first, with None for each gap: the oldest two, the
    two on each side of ``current`` and, from the front page, the newest two."""
    near = total + 1 if current is None else current
    wanted = set(range(1, min(total, _EDGE) + 1))
    if current is None:
        wanted |= set(range(max(1, total - _EDGE + 1), total + 1))
    wanted |= {n for n in range(near - _AROUND, near + _AROUND + 1) if 1 <= n <= total}
    numbers: list[int | None] = []
    previous: int | None = None
    for number in sorted(wanted, reverse=True):
        if previous is not None and previous - number > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def _page(
    title: str, items: tuple[Article, ...], number: int | None, total: int, url: str, base_path: str
) -> ListingPage:
    def link(n: int | None) -> str:
        return listing_path(url, n)

    if number is None:
        newer, older = None, (link(total) if total else None)
    else:
        newer = link(number + 1) if number < total else link(None)
        older = link(number - 1) if number > 1 else None
    links = [PageLink("Latest", link(None), current=number is None)]
    for n in page_numbers(number, total):
        if n is None:
            links.append(PageLink(GAP, None))
        else:
            links.append(PageLink(str(n), link(n), current=n == number))
    own = link(number)
    return ListingPage(
        title=title,
        items=items,
        number=number,
        total=total,
        url=own,
        output_path=output_file(own[len(base_path.rstrip("/")) :]),
        newer_url=newer,
        older_url=older,
        links=tuple(links),
    )
