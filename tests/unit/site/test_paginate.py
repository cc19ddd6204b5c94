"""newsgen.site.paginate: stable numbering from the oldest end, links, page number windows."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from unit_helpers import BERLIN, make_article

from newsgen.site.paginate import (
    GAP,
    changed_by_adding,
    listing_page,
    numbered_pages,
    page_holding,
    page_items,
    page_numbers,
    paginate,
)

START = datetime(2024, 1, 1, 8, 0, tzinfo=BERLIN)
URL = "/world/"


def archive(count: int):
    """Return ``count`` articles, newest first; article i (0 = oldest) is named 'story-i'."""
    made = [
        make_article(f"Story {i}", START + timedelta(hours=i), slug=f"story-{i}")
        for i in range(count)
    ]
    return list(reversed(made))


def slugs(page):
    return [a.slug for a in page.items]


def numbered(pages):
    """Return the numbered pages by number."""
    return {p.number: p for p in pages[1:]}


CASES = [(n, per_page) for per_page in (3, 4, 5) for n in range(51)]


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_front_page_holds_newest(n, per_page):
    articles = archive(n)
    front = paginate("World", articles, per_page, URL, "/")[0]
    assert front.number is None
    assert slugs(front) == [a.slug for a in articles[: min(n, per_page)]]


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_every_article_exactly_once(n, per_page):
    articles = archive(n)
    pages = paginate("World", articles, per_page, URL, "/")
    shown = [slug for page in pages for slug in slugs(page)]
    assert sorted(shown) == sorted(a.slug for a in articles)
    assert len(shown) == len(set(shown))


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_pages_are_ordered_newest_first_throughout(n, per_page):
    articles = archive(n)
    pages = paginate("World", articles, per_page, URL, "/")
    walked = [slug for page in pages for slug in slugs(page)]
    assert walked == [a.slug for a in articles]


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_page_one_holds_the_oldest(n, per_page):
    articles = archive(n)
    pages = numbered(paginate("World", articles, per_page, URL, "/"))
    if n <= per_page:
        assert pages == {}
        return
    assert "story-0" in slugs(pages[1])
    assert slugs(pages[1])[-1] == "story-0"


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_only_the_highest_numbered_page_may_be_partial(n, per_page):
    pages = paginate("World", archive(n), per_page, URL, "/")
    by_number = numbered(pages)
    total = pages[0].total
    assert sorted(by_number) == list(range(1, total + 1))
    for number, page in by_number.items():
        assert page.total == total
        assert 1 <= len(page.items) <= per_page
        if number < total:
            assert len(page.items) == per_page


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_adding_a_newer_article_changes_no_full_page(n, per_page):
    before = numbered(paginate("World", archive(n), per_page, URL, "/"))
    after = numbered(paginate("World", archive(n + 1), per_page, URL, "/"))
    for number, page in before.items():
        if len(page.items) == per_page:
            assert slugs(after[number]) == slugs(page), number
            assert after[number].url == page.url


@pytest.mark.parametrize(("n", "per_page"), CASES)
def test_newer_older_links_chain_through_every_page(n, per_page):
    pages = paginate("World", archive(n), per_page, URL, "/")
    by_url = {p.url: p for p in pages}
    assert len(by_url) == len(pages)
    front = pages[0]
    assert front.newer_url is None
    # walk older from the front page
    walked = [front]
    while walked[-1].older_url is not None:
        walked.append(by_url[walked[-1].older_url])
    assert walked == list(pages)
    assert [p.number for p in walked] == [None, *range(front.total, 0, -1)]
    # and back newer from page 1
    back = [walked[-1]]
    while back[-1].newer_url is not None:
        back.append(by_url[back[-1].newer_url])
    assert back == list(reversed(walked))


def test_page_urls_and_output_paths():
    pages = paginate("World", archive(7), 3, "/world/", "/")
    assert [(p.number, p.url, p.output_path) for p in pages] == [
        (None, "/world/", "world/index.html"),
        (2, "/world/page/2/", "world/page/2/index.html"),
        (1, "/world/page/1/", "world/page/1/index.html"),
    ]
    assert all(p.title == "World" for p in pages)


def test_page_output_paths_under_base_path():
    pages = paginate("World", archive(4), 3, "/news/world/", "/news/")
    assert [(p.url, p.output_path) for p in pages] == [
        ("/news/world/", "world/index.html"),
        ("/news/world/page/1/", "world/page/1/index.html"),
    ]


def test_example_split_of_seven_by_three():
    pages = paginate("World", archive(7), 3, URL, "/")
    assert [slugs(p) for p in pages] == [
        ["story-6", "story-5", "story-4"],
        ["story-3"],
        ["story-2", "story-1", "story-0"],
    ]


def test_empty_listing_has_one_empty_front_page():
    [front] = paginate("World", [], 3, URL, "/")
    assert front.items == ()
    assert (front.total, front.newer_url, front.older_url) == (0, None, None)
    assert [(link.label, link.current) for link in front.links] == [("Latest", True)]


def test_links_mark_current_page():
    pages = paginate("World", archive(10), 3, URL, "/")
    for page in pages:
        current = [link for link in page.links if link.current]
        assert len(current) == 1
        assert current[0].url == page.url
        expected = "Latest" if page.number is None else str(page.number)
        assert current[0].label == expected


def test_links_start_with_latest_then_numbers_newest_first():
    pages = paginate("World", archive(10), 3, URL, "/")
    front = pages[0]
    assert [link.label for link in front.links] == ["Latest", "3", "2", "1"]
    assert [link.url for link in front.links] == [
        "/world/",
        "/world/page/3/",
        "/world/page/2/",
        "/world/page/1/",
    ]


def test_gap_links_have_no_url():
    pages = paginate("World", archive(40), 3, URL, "/")  # 12 numbered pages
    gaps = [link for link in pages[0].links if link.label == GAP]
    assert gaps
    assert all(link.url is None and not link.current for link in gaps)


# --- page_numbers -------------------------------------------------------------------------


def test_page_numbers_none():
    assert page_numbers(None, 0) == []


def test_page_numbers_few_pages_no_gap():
    assert page_numbers(None, 4) == [4, 3, 2, 1]
    assert page_numbers(3, 5) == [5, 4, 3, 2, 1]


def test_page_numbers_front_page_gap():
    assert page_numbers(None, 10) == [10, 9, None, 2, 1]


def test_page_numbers_middle_page_one_gap_and_not_the_newest():
    """A numbered page links its neighbours and the oldest pages, not the newest: as new
    pages are added it keeps its bytes (Latest leads to the newest)."""
    assert page_numbers(10, 20) == [12, 11, 10, 9, 8, None, 2, 1]
    assert page_numbers(2, 5) == [4, 3, 2, 1]


def test_page_numbers_near_oldest_end():
    assert page_numbers(1, 10) == [3, 2, 1]


def test_page_numbers_near_newest_end():
    assert page_numbers(10, 10) == [10, 9, 8, None, 2, 1]


@pytest.mark.parametrize("total", range(0, 30))
def test_page_numbers_properties(total):
    for current in [None, *range(1, total + 1)]:
        numbers = page_numbers(current, total)
        real = [n for n in numbers if n is not None]
        assert real == sorted(real, reverse=True)
        assert len(real) == len(set(real))
        if total:
            assert real[-1] == 1
            assert real[0] == (total if current is None else min(total, current + 2))
        if current is not None:
            assert current in real
        for left, right in itertools.pairwise(numbers):
            assert not (left is None and right is None)
            if left is not None and right is not None:
                assert left - right == 1  # consecutive unless a gap stands between


@pytest.mark.parametrize(("n", "per_page"), [(n, p) for p in (1, 2, 3, 5) for n in range(40)])
def test_page_holding_finds_the_page_paginate_puts_each_article_on(n, per_page):
    articles = archive(n)
    pages = paginate("World", articles, per_page, URL, "/")
    for index, article in enumerate(articles):
        number, total, indexes = page_holding(index, n, per_page)
        [page] = [p for p in pages if p.number == number]
        assert page.total == total
        assert list(page.items) == [articles[i] for i in indexes]
        assert article in page.items
        again = listing_page("World", page.items, number, total, URL, "/")
        assert again == page


def shown(page):
    """What a page shows (the count of pages, ``total``, it does not: see render/keys.py)."""
    return (page.items, page.links, page.newer_url, page.older_url, page.url, page.number)


@pytest.mark.parametrize(("count", "per_page"), [(c, p) for p in (1, 2, 3) for c in range(1, 40)])
def test_changed_by_adding_names_every_page_that_differs_and_no_other(count, per_page):
    """Adding the newest article to a listing of count - 1 changes exactly the pages
    changed_by_adding() names: items, page links or neighbours."""
    articles = archive(count)
    before = {p.number: shown(p) for p in paginate("T", articles[1:], per_page, URL, "/")}
    after = {p.number: shown(p) for p in paginate("T", articles, per_page, URL, "/")}
    differ = [n for n, page in after.items() if before.get(n) != page]
    assert sorted(differ, key=lambda n: -1 if n is None else n) == sorted(
        changed_by_adding(count, per_page), key=lambda n: -1 if n is None else n
    )


@pytest.mark.parametrize("count", [0, 1, 3, 4, 5, 7, 8, 9, 12, 13])
def test_page_items_and_numbered_pages_match_paginate(count: int) -> None:
    articles = archive(count)
    pages = paginate("T", articles, 4, URL, "/")
    assert numbered_pages(count, 4) == len(pages) - 1
    for page in pages:
        assert tuple(articles[i] for i in page_items(page.number, count, 4)) == page.items


def test_reading_numbers_count_from_the_newest():
    from newsgen.site.paginate import reading_number

    assert reading_number(None, 11) == 1  # the front page
    assert reading_number(11, 11) == 2  # the newest numbered page
    assert reading_number(1, 11) == 12  # the oldest: "Page 12 of 12"
    assert [reading_number(n, 3) for n in (None, 3, 2, 1)] == [1, 2, 3, 4]
