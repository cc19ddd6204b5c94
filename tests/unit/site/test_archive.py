"""newsgen.site.archive: years and months in the site's time zone, newest first, linked in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from unit_helpers import BERLIN, make_article, make_config

from newsgen.models import Link
from newsgen.site.archive import build_archive

NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def at(year, month, day, hour=12, tz=BERLIN, n=0):
    """An article dated at the given local time (distinct headline per call)."""
    moment = datetime(year, month, day, hour, 0, tzinfo=tz)
    return make_article(f"Story {year}-{month}-{day}-{hour}-{n}", moment)


def newest_first(articles):
    return sorted(articles, key=lambda a: a.date, reverse=True)


def test_date_taken_in_site_time_zone_not_the_articles_offset():
    # 23:30 in New York on New Year's Eve is 05:30 on 1 January in Berlin
    late = make_article("Late", datetime(2024, 12, 31, 23, 30, tzinfo=NEW_YORK_WINTER))
    archive = build_archive(make_config(timezone=BERLIN), [late])
    assert [p.title for p in archive.years] == ["2025"]
    assert [p.title for p in archive.months[2025]] == ["January 2025"]
    assert 2024 not in archive.months
    assert archive.articles["/2025/01/"] == [late]
    assert archive.articles["/2025/"] == [late]


def test_same_article_in_a_western_site_zone_stays_in_december():
    late = make_article("Late", datetime(2024, 12, 31, 23, 30, tzinfo=NEW_YORK_WINTER))
    archive = build_archive(make_config(timezone=ZoneInfo("America/New_York")), [late])
    assert [p.url for p in archive.years] == ["/2024/"]
    assert [p.title for p in archive.months[2024]] == ["December 2024"]


def test_counts_per_year_and_month():
    articles = newest_first(
        [
            at(2024, 12, 1),
            at(2024, 12, 2),
            at(2024, 12, 3),
            at(2024, 10, 5),
            at(2023, 6, 1),
        ]
    )
    archive = build_archive(make_config(), articles)
    assert [(p.year, p.month, p.count) for p in archive.years] == [(2024, None, 4), (2023, None, 1)]
    assert [(p.month, p.count) for p in archive.months[2024]] == [(12, 3), (10, 1)]
    assert [(p.month, p.count) for p in archive.months[2023]] == [(6, 1)]
    assert len(archive.articles["/2024/12/"]) == 3
    assert len(archive.articles["/2024/"]) == 4


def test_years_and_months_newest_first_whatever_the_input_order():
    articles = [at(2022, 3, 1), at(2024, 1, 1), at(2024, 11, 1), at(2023, 7, 1), at(2024, 5, 1)]
    archive = build_archive(make_config(), articles)
    assert [p.year for p in archive.years] == [2024, 2023, 2022]
    assert [p.month for p in archive.months[2024]] == [11, 5, 1]
    assert list(archive.months) == [2024, 2023, 2022]


def test_articles_of_a_period_keep_the_given_order():
    articles = newest_first([at(2024, 12, d) for d in (1, 15, 9)])
    archive = build_archive(make_config(), articles)
    assert archive.articles["/2024/12/"] == articles
    assert archive.articles["/2024/"] == articles


def test_month_titles_and_urls():
    archive = build_archive(make_config(), [at(2024, 12, 1), at(2024, 2, 29), at(2024, 9, 9)])
    assert [(p.title, p.url) for p in archive.months[2024]] == [
        ("December 2024", "/2024/12/"),
        ("September 2024", "/2024/09/"),
        ("February 2024", "/2024/02/"),
    ]
    assert [(p.title, p.url) for p in archive.years] == [("2024", "/2024/")]


def test_urls_under_a_base_path():
    config = make_config(base_url="https://example.com/news/")
    archive = build_archive(config, [at(2024, 12, 1)])
    assert archive.years[0].url == "/news/2024/"
    assert archive.months[2024][0].url == "/news/2024/12/"
    assert set(archive.articles) == {"/news/2024/", "/news/2024/12/"}
    assert set(archive.periods) == {"/news/2024/", "/news/2024/12/"}


def test_periods_by_url_hold_every_year_and_month():
    archive = build_archive(make_config(), [at(2024, 12, 1), at(2023, 1, 1)])
    assert set(archive.periods) == {"/2024/", "/2024/12/", "/2023/", "/2023/01/"}
    assert archive.periods["/2024/12/"] == archive.months[2024][0]
    assert archive.periods["/2023/"] == archive.years[1]


def test_year_links_skip_years_without_articles():
    archive = build_archive(make_config(), newest_first([at(2024, 5, 1), at(2021, 5, 1)]))
    newer, older = archive.years
    assert newer.newer is None
    assert newer.older == Link("2021", "/2021/")
    assert older.newer == Link("2024", "/2024/")
    assert older.older is None


def test_month_links_skip_empty_months_and_cross_years():
    articles = newest_first([at(2025, 2, 1), at(2024, 12, 1), at(2024, 9, 1), at(2023, 1, 1)])
    archive = build_archive(make_config(), articles)
    feb25 = archive.months[2025][0]
    dec24, sep24 = archive.months[2024]
    jan23 = archive.months[2023][0]
    assert feb25.newer is None
    assert feb25.older == Link("December 2024", "/2024/12/")  # January 2025 is empty
    assert dec24.newer == Link("February 2025", "/2025/02/")
    assert dec24.older == Link("September 2024", "/2024/09/")
    assert sep24.newer == Link("December 2024", "/2024/12/")
    assert sep24.older == Link("January 2023", "/2023/01/")
    assert jan23.newer == Link("September 2024", "/2024/09/")
    assert jan23.older is None


def test_links_carry_the_base_path():
    config = make_config(base_url="https://example.com/news/")
    archive = build_archive(config, newest_first([at(2024, 12, 1), at(2024, 11, 1)]))
    assert archive.months[2024][0].older == Link("November 2024", "/news/2024/11/")


def test_summer_time_boundary_uses_site_zone():
    # 22:30 UTC on 30 June is 00:30 on 1 July in Berlin (summer time, UTC+2)
    article = make_article("Midnight", datetime(2024, 6, 30, 22, 30, tzinfo=UTC))
    archive = build_archive(make_config(), [article])
    assert [p.url for p in archive.months[2024]] == ["/2024/07/"]


def test_no_articles_no_periods():
    archive = build_archive(make_config(), [])
    assert archive.years == ()
    assert archive.months == {}
    assert archive.articles == {}
    assert archive.periods == {}
