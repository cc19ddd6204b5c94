"""Articles + config -> the Site model: sections, tags, authors, archives, listings.

No I/O. Whether the outputs of a Site can all be written is build/collisions.py's
question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from newsgen.gc_pause import collector_paused
from newsgen.models import (
    Article,
    Author,
    CorrectionEntry,
    ListingPage,
    SectionBlock,
    Site,
    SiteConfig,
)
from newsgen.site.archive import build_archive
from newsgen.site.front import front_page
from newsgen.site.paginate import paginate
from newsgen.site.related import RelatedFinder, related_articles
from newsgen.site.taxonomy import (
    canonical_authors,
    canonical_sections,
    canonical_tags,
    section_order,
    with_canonical_names,
)
from newsgen.urls import href


def build_site(
    config: SiteConfig,
    articles: Iterable[Article],
    build_time: datetime | None = None,
    author_profiles: Mapping[str, Author] | None = None,
    related: RelatedFinder = related_articles,
) -> Site:
    """Return the Site for ``articles`` (already filtered for drafts and future ones).

    ``related`` finds each article's related articles in the newest-first
    list (site/related.py; the build passes one that remembers its last answer).
    """
    with collector_paused():
        return _build_site(config, articles, build_time, author_profiles or {}, related)


def _build_site(
    config: SiteConfig,
    articles: Iterable[Article],
    build_time: datetime | None,
    author_profiles: Mapping[str, Author],
    related: RelatedFinder,
) -> Site:
    ordered = sorted(articles, key=_newest_first)
    sections = canonical_sections(config, ordered)
    tags = canonical_tags(ordered)
    authors = canonical_authors(ordered, author_profiles)
    ordered = [with_canonical_names(a, sections, tags, authors) for a in ordered]
    order = section_order(config, sections)
    by_section = _group(ordered, lambda a: [a.section.slug])
    by_tag = _group(ordered, lambda a: [t.slug for t in a.tags])
    by_author = _group(ordered, lambda a: [author.slug for author in a.authors])
    archive = build_archive(config, ordered)

    def pages(title: str, items: list[Article], url: str) -> tuple[ListingPage, ...]:
        return paginate(title, items, config.per_page, url, config.base_path)

    return Site(
        config=config,
        articles=tuple(ordered),
        sections=tuple(order),
        section_pages={s.slug: pages(s.title, by_section[s.slug], s.url) for s in order},
        latest=tuple(ordered[: config.home_latest]),
        home_blocks=tuple(
            SectionBlock(s, tuple(by_section[s.slug][: config.home_per_section])) for s in order
        ),
        feed_url=href(config.base_path, "/feed.xml"),
        json_feed_url=href(config.base_path, "/feed.json"),
        build_time=build_time,
        tags=tuple(sorted(tags.values(), key=lambda t: (t.name.casefold(), t.slug))),
        tag_counts={slug: len(items) for slug, items in by_tag.items()},
        section_counts={slug: len(items) for slug, items in by_section.items()},
        tag_pages={t.slug: pages(t.name, by_tag[t.slug], t.url) for t in tags.values()},
        authors=tuple(sorted(authors.values(), key=lambda a: (a.name.casefold(), a.slug))),
        author_pages={a.slug: pages(a.name, by_author[a.slug], a.url) for a in authors.values()},
        author_counts={slug: len(items) for slug, items in by_author.items()},
        years=archive.years,
        months=archive.months,
        period_pages={
            url: pages(archive.periods[url].title, items, url)
            for url, items in archive.articles.items()
        },
        related=related(ordered),
        corrections=_corrections(ordered),
        corrections_url=href(config.base_path, "/corrections/"),
        corrections_feed_url=href(config.base_path, "/corrections/feed.xml"),
        front=front_page(ordered, config.home, _aware(build_time, config), order)[0],
    )


def _group(
    articles: list[Article], keys: Callable[[Article], list[str]]
) -> dict[str, list[Article]]:
    """Return the articles (keeping their order) under each of their keys."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for key in keys(article):
            groups[key].append(article)
    return groups


def _corrections(articles: list[Article]) -> tuple[CorrectionEntry, ...]:
    """Every correction of every article, newest first."""
    entries = [CorrectionEntry(a, c) for a in articles for c in a.corrections]
    entries.sort(key=lambda e: (-e.correction.date.timestamp(), e.article.source_path))
    return tuple(entries)


def _aware(moment: datetime | None, config: SiteConfig) -> datetime | None:
    """Return ``moment`` (None: none), taken in the site's time zone when it is naive."""
    if moment is None or moment.utcoffset() is not None:
        return moment
    return moment.replace(tzinfo=config.timezone)


def _newest_first(article: Article) -> tuple[float, str, str]:
    return (-article.date.timestamp(), article.headline, article.source_path)
