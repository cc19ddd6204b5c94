"""Articles + config -> the Site model: sections, their listings, the home page.

No I/O. find_collisions() is the check the build runs over every output
(pages, feeds, copied files) before anything is written.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace

from .errors import Problems
from .models import Article, Section, SectionBlock, Site, SiteConfig
from .paginate import paginate
from .urls import href, make_slug


def build_site(config: SiteConfig, articles: Iterable[Article]) -> Site:
    """Return the Site for ``articles`` (already filtered for drafts)."""
    ordered = sorted(articles, key=_newest_first)
    sections = _canonical_sections(config, ordered)
    ordered = [replace(a, section=sections[a.section.slug]) for a in ordered]
    section_order = _section_order(config, sections)
    by_section: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        by_section[article.section.slug].append(article)
    section_pages = {
        section.slug: paginate(
            section.title, by_section[section.slug], config.per_page, section.url, config.base_path
        )
        for section in section_order
    }
    blocks = tuple(
        SectionBlock(section, tuple(by_section[section.slug][: config.home_per_section]))
        for section in section_order
    )
    return Site(
        config=config,
        articles=tuple(ordered),
        sections=tuple(section_order),
        section_pages=section_pages,
        latest=tuple(ordered[: config.home_latest]),
        home_blocks=blocks,
        feed_url=href(config.base_path, "/feed.xml"),
    )


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


def _canonical_sections(config: SiteConfig, articles: list[Article]) -> dict[str, Section]:
    """One Section per slug, titled from config or the most used spelling."""
    configured = {make_slug(entry.name): entry.title for entry in config.sections}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, Section] = {}
    for article in articles:
        spellings[article.section.slug][article.section.title] += 1
        examples.setdefault(article.section.slug, article.section)
    sections: dict[str, Section] = {}
    for slug, example in examples.items():
        counts = spellings[slug]
        title = configured.get(slug) or min(counts, key=lambda name: (-counts[name], name))
        sections[slug] = replace(example, title=title)
    return sections


def _section_order(config: SiteConfig, sections: dict[str, Section]) -> list[Section]:
    order = [make_slug(entry.name) for entry in config.sections]
    first = [sections[slug] for slug in order if slug in sections]
    rest = sorted(
        (s for slug, s in sections.items() if slug not in order), key=lambda s: s.title.casefold()
    )
    return first + rest
