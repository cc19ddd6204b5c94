"""newsgen.build.search_step: the shard of each article, by year or quarter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from unit_helpers import make_article

from newsgen.build import search_step
from newsgen.build.search_step import article_shards


def articles_of(year: int, count: int, first_month: int = 1) -> list:
    start = datetime(year, first_month, 1, 12, 0, tzinfo=UTC)
    return [
        make_article(f"Story {year} {n}", start + timedelta(days=n * 20)) for n in range(count)
    ]


def test_a_year_is_one_shard_with_each_articles_date():
    articles = articles_of(2024, 3)
    shards = article_shards(articles, UTC)
    assert {shard for shard, _ in shards.values()} == {"2024"}
    assert shards[articles[1].source_path] == ("2024", "2024-01-21T12:00:00+00:00")


def test_a_year_of_more_articles_than_a_shard_holds_goes_by_quarter(monkeypatch):
    monkeypatch.setattr(search_step, "SHARD_PAGES", 4)
    large, small = articles_of(2024, 18), articles_of(2023, 4)
    shards = article_shards([*large, *small], UTC)
    assert {shards[a.source_path][0] for a in small} == {"2023"}
    assert {shards[a.source_path][0] for a in large} == {f"2024-q{n}" for n in (1, 2, 3, 4)}
    may = next(a for a in large if a.date.month == 5)
    assert shards[may.source_path][0] == "2024-q2"


def test_the_year_and_quarter_are_those_of_the_sites_time_zone(monkeypatch):
    monkeypatch.setattr(search_step, "SHARD_PAGES", 0)
    late = make_article("New Year's Eve", datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
    shards = article_shards([late], ZoneInfo("Asia/Tokyo"))
    assert shards[late.source_path] == ("2025-q1", "2025-01-01T08:30:00+09:00")
