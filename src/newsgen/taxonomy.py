"""Sections, tags and authors as the whole site sees them.

Articles name them as written; two spellings with one slug (``World`` and
``world``) are one thing, shown with the title from config (sections), the
profile from ``authors.yaml`` (authors), or else the most used spelling.
No I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TypeVar

from .models import Article, Author, Section, SiteConfig, Tag
from .urls import make_slug

Named = TypeVar("Named", Section, Tag, Author)


def canonical(items: Iterable[Named], title: Callable[[Named], str]) -> dict[str, Named]:
    """Return one item per slug, named with the most used spelling (ties: alphabetical)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, Named] = {}
    for item in items:
        spellings[item.slug][title(item)] += 1
        examples.setdefault(item.slug, item)
    chosen: dict[str, Named] = {}
    for slug, example in examples.items():
        counts = spellings[slug]
        best = min(counts, key=lambda name: (-counts[name], name))
        if title(example) == best:  # kept as it is: articles may share this very object
            chosen[slug] = example
        elif isinstance(example, Section):
            chosen[slug] = replace(example, title=best)
        else:
            chosen[slug] = replace(example, name=best)
    return chosen


def canonical_sections(config: SiteConfig, articles: list[Article]) -> dict[str, Section]:
    """One Section per slug, titled from ``newsgen.yaml`` or the most used spelling."""
    configured = {make_slug(entry.name): entry.title for entry in config.sections}
    sections = canonical((a.section for a in articles), lambda s: s.title)
    return {
        slug: replace(section, title=configured[slug])
        if slug in configured and configured[slug] != section.title
        else section
        for slug, section in sections.items()
    }


def section_order(config: SiteConfig, sections: Mapping[str, Section]) -> list[Section]:
    """Return sections in config order, then the others alphabetically by title."""
    order = [make_slug(entry.name) for entry in config.sections]
    first = [sections[slug] for slug in order if slug in sections]
    rest = sorted(
        (s for slug, s in sections.items() if slug not in order), key=lambda s: s.title.casefold()
    )
    return first + rest


def canonical_tags(articles: list[Article]) -> dict[str, Tag]:
    """One Tag per slug, named with the most used spelling."""
    return canonical((tag for a in articles for tag in a.tags), lambda t: t.name)


def canonical_authors(articles: list[Article], profiles: Mapping[str, Author]) -> dict[str, Author]:
    """One Author per slug: the ``authors.yaml`` profile where there is one."""
    authors = canonical((author for a in articles for author in a.authors), lambda a: a.name)
    return {slug: profiles.get(slug, author) for slug, author in authors.items()}


def with_canonical_names(
    article: Article,
    sections: Mapping[str, Section],
    tags: Mapping[str, Tag],
    authors: Mapping[str, Author],
) -> Article:
    """Return ``article`` pointing at the site-wide Section, Tags and Authors.

    That is ``article`` itself when it already holds equal ones (most
    articles do), which saves copying it.
    """
    section = sections[article.section.slug]
    site_tags = tuple(tags[tag.slug] for tag in article.tags)
    site_authors = tuple(authors[author.slug] for author in article.authors)
    if section == article.section and site_tags == article.tags and site_authors == article.authors:
        return article
    return replace(article, section=section, tags=site_tags, authors=site_authors)
