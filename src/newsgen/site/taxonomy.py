"""Sections, tags and authors as the whole site sees them.

Articles name them as written; two spellings with one slug (``World`` and
``world``) are one thing, shown with the title from config (sections), the
profile from ``authors.yaml`` (authors), or else the most used spelling.
Different names with one slug (``C++`` and ``C``, see urls.name_key) are
found by name_clashes(), for the build to report. No I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TypeVar

from newsgen.models import Article, Author, Section, SectionConfig, SiteConfig, Tag
from newsgen.urls import make_slug, name_key

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
    """One Section per slug, titled and described from ``newsgen.yaml`` or titled with
    the most used spelling."""
    configured = {make_slug(entry.name): entry for entry in config.sections}
    sections = canonical((a.section for a in articles), lambda s: s.title)
    return {
        slug: _as_configured(section, configured[slug]) if slug in configured else section
        for slug, section in sections.items()
    }


def _as_configured(section: Section, entry: SectionConfig) -> Section:
    """Return ``section`` with the title and description ``newsgen.yaml`` gives it."""
    if (section.title, section.description) == (entry.title, entry.description):
        return section
    return replace(section, title=entry.title, description=entry.description)


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


@dataclass(frozen=True, slots=True)
class Spelling:
    """One name (in one or more spellings that are the same name) and where it is written."""

    name: str
    """The spelling in the first of ``paths``."""
    paths: tuple[str, ...]
    """The files that write the name: ``content/...`` articles, ``authors.yaml`` (a
    profile), ``newsgen.yaml`` (a configured section); sorted, each once."""


@dataclass(frozen=True, slots=True)
class NameClash:
    """Different names that would share one page, because their slugs are equal."""

    field: str
    """Where articles write them: ``tags``, ``byline`` or ``section``."""
    url: str
    """The page they would share (``/tags/c/``)."""
    names: tuple[Spelling, ...]
    """The different names, in the order of their first files."""


def name_clashes(
    config: SiteConfig, articles: list[Article], profiles: Mapping[str, Author]
) -> list[NameClash]:
    """Return every set of different tags, bylines or sections (with ``newsgen.yaml``'s
    sections and ``authors.yaml``'s profiles) that share a slug, and so a page.

    ``articles`` are in path order. One pass over them finds the slugs written
    in more than one way; only for those are names compared and files listed.
    """
    configured = {make_slug(entry.name): (entry.name, "newsgen.yaml") for entry in config.sections}
    named = {slug: (author.name, "authors.yaml") for slug, author in profiles.items()}
    sections = attrgetter("section")
    return [
        *_clashes("section", articles, lambda a: (sections(a),), attrgetter("title"), configured),
        *_clashes("tags", articles, attrgetter("tags"), attrgetter("name"), {}),
        *_clashes("byline", articles, attrgetter("authors"), attrgetter("name"), named),
    ]


def _clashes(
    field: str,
    articles: list[Article],
    items: Callable[[Article], Iterable[Named]],
    title: Callable[[Named], str],
    elsewhere: Mapping[str, tuple[str, str]],
) -> list[NameClash]:
    """Return the clashes among the ``items`` of ``articles`` and the names ``elsewhere``
    (``(name, file)`` by slug) that share a slug with one of them."""
    first: dict[str, Named] = {}
    spelt: dict[str, set[str]] = {}  # the slugs written in more than one way, and how
    for article in articles:
        for item in items(article):
            seen = first.setdefault(item.slug, item)
            if seen is not item and title(seen) != title(item):
                spelt.setdefault(item.slug, {title(seen)}).add(title(item))
    for slug, (name, _) in elsewhere.items():
        if slug in first and name != title(first[slug]):
            spelt.setdefault(slug, {title(first[slug])}).add(name)
    clashing = sorted(slug for slug, names in spelt.items() if len(set(map(name_key, names))) > 1)
    if not clashing:  # most sites: every name has one spelling, or several of one name
        return []
    wanted = set(clashing)
    places: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for article in articles:
        for item in items(article):
            if item.slug in wanted:
                places[item.slug][name_key(title(item))].append((article.source_path, title(item)))
    for slug in clashing:
        name, path = elsewhere.get(slug, ("", ""))
        if name:
            places[slug][name_key(name)].append((path, name))
    return [NameClash(field, first[slug].url, _spellings(places[slug])) for slug in clashing]


def _spellings(by_key: Mapping[str, list[tuple[str, str]]]) -> tuple[Spelling, ...]:
    """Return one Spelling per name from its ``(file, spelling)`` places, in file order."""
    names = []
    for found in by_key.values():
        found.sort()
        paths = tuple(dict.fromkeys(path for path, _ in found))
        names.append(Spelling(found[0][1], paths))
    return tuple(sorted(names, key=lambda spelling: spelling.paths[0]))
