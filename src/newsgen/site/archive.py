"""The date archive: years and months with articles, each linked to its neighbours.

Dates are taken in the site's time zone, like permalinks. No I/O.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, replace

from newsgen.models import Article, Link, Period, SiteConfig
from newsgen.urls import href


@dataclass(frozen=True, slots=True)
class Archive:
    """Every period of the archive and the articles in it."""

    years: tuple[Period, ...]
    """Years with articles, newest first."""
    months: dict[int, tuple[Period, ...]]
    """Each year's months with articles, newest first."""
    articles: dict[str, list[Article]]
    """Articles of each period (newest first), by the period's URL."""
    periods: dict[str, Period]
    """Every year and month, by its URL."""


def build_archive(config: SiteConfig, articles: list[Article]) -> Archive:
    """Group ``articles`` (newest first) into years and months."""
    by_year: dict[int, list[Article]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in articles:
        local = article.date.astimezone(config.timezone)
        by_year[local.year].append(article)
        by_month[(local.year, local.month)].append(article)
    years = _linked(
        [
            Period(year, None, str(year), _year_url(config, year), len(items))
            for year, items in sorted(by_year.items(), reverse=True)
        ]
    )
    all_months = _linked(
        [
            Period(
                year,
                month,
                f"{calendar.month_name[month]} {year}",
                _month_url(config, year, month),
                len(items),
            )
            for (year, month), items in sorted(by_month.items(), reverse=True)
        ]
    )
    months: dict[int, tuple[Period, ...]] = defaultdict(tuple)
    for period in all_months:
        months[period.year] += (period,)
    grouped = {p.url: by_year[p.year] for p in years}
    grouped.update({p.url: by_month[(p.year, p.month or 0)] for p in all_months})
    periods = {p.url: p for p in [*years, *all_months]}
    return Archive(tuple(years), dict(months), grouped, periods)


def period_urls(config: SiteConfig, article: Article) -> tuple[str, str]:
    """Return the URLs of the year's and the month's listing that hold ``article``."""
    local = article.date.astimezone(config.timezone)
    return _year_url(config, local.year), _month_url(config, local.year, local.month)


def _year_url(config: SiteConfig, year: int) -> str:
    return href(config.base_path, f"/{year}/")


def _month_url(config: SiteConfig, year: int, month: int) -> str:
    return href(config.base_path, f"/{year}/{month:02d}/")


def _linked(periods: list[Period]) -> list[Period]:
    """Return ``periods`` (newest first), each linked to the next newer and older one."""
    linked = []
    for index, period in enumerate(periods):
        newer = periods[index - 1] if index > 0 else None
        older = periods[index + 1] if index + 1 < len(periods) else None
        linked.append(
            replace(
                period,
                newer=Link(newer.title, newer.url) if newer else None,
                older=Link(older.title, older.url) if older else None,
            )
        )
    return linked
