"""Articles + config -> the Site model: sections, tags, authors, archives, listings.

No I/O. find_collisions() is the check the build runs over every output
(pages, feeds, copied files) before anything is written.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from .archive import build_archive
from .errors import Problems
from .models import (
    Article,
    Author,
    CorrectionEntry,
    ListingPage,
    SectionBlock,
    Site,
    SiteConfig,
)
from .paginate import paginate
from .related import related_articles
from .taxonomy import (
    canonical_authors,
    canonical_sections,
    canonical_tags,
    section_order,
    with_canonical_names,
)
from .urls import href


def build_site(
    config: SiteConfig,
    articles: Iterable[Article],
    build_time: datetime | None = None,
    author_profiles: Mapping[str, Author] | None = None,
) -> Site:
    """Return the Site for ``articles`` (already filtered for drafts and future ones)."""
    ordered = sorted(articles, key=_newest_first)
    sections = canonical_sections(config, ordered)
    tags = canonical_tags(ordered)
    authors = canonical_authors(ordered, author_profiles or {})
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
        tag_pages={t.slug: pages(t.name, by_tag[t.slug], t.url) for t in tags.values()},
        authors=tuple(sorted(authors.values(), key=lambda a: (a.name.casefold(), a.slug))),
        author_pages={a.slug: pages(a.name, by_author[a.slug], a.url) for a in authors.values()},
        years=archive.years,
        months=archive.months,
        period_pages={
            url: pages(archive.periods[url].title, items, url)
            for url, items in archive.articles.items()
        },
        related=related_articles(ordered),
        corrections=_corrections(ordered),
        corrections_url=href(config.base_path, "/corrections/"),
        corrections_feed_url=href(config.base_path, "/corrections/feed.xml"),
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


def output_key(path: str) -> str:
    """Return the form of an output path under which two paths collide on some disk.

    Case-insensitive file systems (macOS, Windows) and Unicode normalisation
    (NFC vs NFD) both make different strings name the same file.
    """
    return unicodedata.normalize("NFC", path).casefold()


def find_collisions(outputs: Iterable[tuple[str, str]], problems: Problems) -> None:
    """Record an error for each output path claimed twice, or needed as file and folder.

    ``outputs`` yields ``(output_path, origin)`` pairs; an origin is a source
    file (``content/a.md``, ``static/x.css``) or a generated page (``site
    feed``). Each error is reported on a source file where there is one,
    since that is what an editor can change.
    """
    claimed: dict[str, tuple[str, str]] = {}
    for path, origin in outputs:
        key = output_key(path)
        if key in claimed:
            other_path, other_origin = claimed[key]
            how = "" if other_path == path else f" ({other_path} differs only in case or accents)"
            reporter, other = _reporter(origin, other_origin)
            problems.error(
                reporter,
                1,
                None,
                f"writes {path}, which {other} also writes{how}; "
                "rename one of them or give the article a different 'slug:'",
            )
        else:
            claimed[key] = (path, origin)
    for key, (path, origin) in claimed.items():
        folder = key.rpartition("/")[0]
        while folder:
            if folder in claimed:
                file_path, file_origin = claimed[folder]
                reporter, other = _reporter(file_origin, origin)
                problems.error(
                    reporter,
                    1,
                    None,
                    f"{file_path} is a file, but {other} needs a folder of that name for {path}",
                )
                break
            folder = folder.rpartition("/")[0]


def _reporter(first: str, second: str) -> tuple[str, str]:
    """Return ``(origin to report on, the other)``, preferring a file an editor can change."""
    if _is_source_file(first) or not _is_source_file(second):
        return first, second
    return second, first


def _is_source_file(origin: str) -> bool:
    return origin.startswith(("content/", "static/", "templates/"))


def _newest_first(article: Article) -> tuple[float, str, str]:
    return (-article.date.timestamp(), article.headline, article.source_path)
