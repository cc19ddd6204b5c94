"""Articles + config -> the Site model: sections, tags, authors, archives, listings.

No I/O. find_collisions() is the check the build runs over every output
(pages, feeds, copied files) before anything is written.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .archive import build_archive
from .collector import collector_paused
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
from .related import RelatedFinder, related_articles
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
    related: RelatedFinder = related_articles,
) -> Site:
    """Return the Site for ``articles`` (already filtered for drafts and future ones).

    ``related`` finds each article's related articles in the newest-first
    list (related.py; the build passes one that remembers its last answer).
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
        tag_pages={t.slug: pages(t.name, by_tag[t.slug], t.url) for t in tags.values()},
        authors=tuple(sorted(authors.values(), key=lambda a: (a.name.casefold(), a.slug))),
        author_pages={a.slug: pages(a.name, by_author[a.slug], a.url) for a in authors.values()},
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


@dataclass(frozen=True, slots=True)
class Claim:
    """A source's claim on an output path, with where in the source it comes from."""

    path: str
    """The output file, relative to the output directory."""
    origin: str
    """A source file (``content/a.md``, ``static/x.css``) or a generated page (``site feed``)."""
    line: int = 1
    """The line in ``origin`` that made the claim."""
    field: str | None = None
    """The front matter field that made the claim (``aliases[0]``), or None."""


def find_collisions(claims: Iterable[Claim], problems: Problems) -> None:
    """Record an error for each output path claimed twice, or needed as file and folder.

    Each error is reported where an editor can fix it: on the claim made by a
    front matter field (an alias) rather than on a page, and on a source
    file rather than on a generated page.
    """
    claimed: dict[str, Claim] = {}
    for claim in claims:
        key = output_key(claim.path)
        if key in claimed:
            other = claimed[key]
            how = (
                ""
                if other.path == claim.path
                else f" ({other.path} differs only in case or accents)"
            )
            _report(
                problems, claim, other, f"writes {claim.path}, which {{other}} also writes{how}"
            )
        else:
            claimed[key] = claim
    for key, claim in claimed.items():
        folder = key.rpartition("/")[0]
        while folder:
            if folder in claimed:
                file_claim = claimed[folder]
                message = f"{file_claim.path} is a file, but {{other}} needs a folder of that name"
                _report(problems, file_claim, claim, message + f" for {claim.path}")
                break
            folder = folder.rpartition("/")[0]


OWN_NAMES = ".newsgen-"
"""The start of the names newsgen keeps for itself: the marker ``.newsgen-output``, the
spare tree's ``.newsgen-dirty`` and the folders beside the output."""


@dataclass(frozen=True, slots=True)
class NameLimits:
    """What the file system of the output allows, in bytes of UTF-8."""

    name: int = 255
    """The longest file or folder name (NAME_MAX: 255 on ext4, XFS, Btrfs, APFS)."""
    path: int = 4096
    """The longest path from the output folder down (PATH_MAX less the output's own path)."""
    depth: int = 100
    """The most folders a path may go down: far more than any site needs, and few enough
    for every tool that walks folders one inside the other (Python's among them)."""


def find_unwritable(claims: Iterable[Claim], limits: NameLimits, problems: Problems) -> None:
    """Record an error for each output path that names one of newsgen's own files (a
    part starting with ``.newsgen-``) or that the file system cannot hold (a part or
    the whole path too long, or too many folders deep), on the claim's source file
    and line."""
    for claim in claims:
        path = claim.path
        if OWN_NAMES in path and any(part.startswith(OWN_NAMES) for part in path.split("/")):
            _refuse(
                problems,
                claim,
                f"names starting with '{OWN_NAMES}' are newsgen's own (the marker of its "
                "output, its spare and staging folders); choose another path",
            )
        if path.count("/") > limits.depth:
            deep = f"it is more than {limits.depth} folders deep"
            _refuse(problems, claim, f"{deep}; {_shorten(claim)}")
        if len(path) <= limits.name and path.isascii():
            continue  # no part can be too long: most paths stop here
        size = len(path.encode("utf-8"))
        long = [part for part in path.split("/") if len(part.encode("utf-8")) > limits.name]
        if long:
            length = len(long[0].encode("utf-8"))
            _refuse(
                problems,
                claim,
                f"its name '{long[0][:40]}…' is {length} bytes long, and the file system of "
                f"the output allows at most {limits.name}; {_shorten(claim)}",
            )
        elif size > limits.path:
            _refuse(
                problems,
                claim,
                f"the path is {size} bytes long, and the file system of the output allows "
                f"at most {limits.path} below it; {_shorten(claim)}",
            )


def _refuse(problems: Problems, claim: Claim, why: str) -> None:
    message = f"would be written to {claim.path}: {why}"
    problems.error(claim.origin, claim.line, claim.field, message)


def _shorten(claim: Claim) -> str:
    """Say what to shorten so that ``claim`` fits."""
    if claim.field:
        return "shorten it"
    if claim.origin.startswith("content/") and claim.path.endswith("index.html"):
        return "give the article a shorter 'slug:' (or a shorter permalink in newsgen.yaml)"
    return "rename the file"


def _report(problems: Problems, first: Claim, second: Claim, message: str) -> None:
    """Record ``message`` on the claim an editor can change, naming the other."""
    reporter, other = (
        (first, second) if _fixability(first) >= _fixability(second) else (second, first)
    )
    fix = (
        "; remove or change that alias"
        if reporter.field
        else "; rename one of them or give the article a different 'slug:'"
    )
    if reporter.origin == other.origin:
        fix = "; this file claims the same path twice"
    problems.error(
        reporter.origin, reporter.line, reporter.field, message.format(other=other.origin) + fix
    )


def _fixability(claim: Claim) -> int:
    """2 for a front matter field, 1 for a source file, 0 for a generated page."""
    if claim.field:
        return 2
    return 1 if claim.origin.startswith(("content/", "static/", "templates/")) else 0


def _newest_first(article: Article) -> tuple[float, str, str]:
    return (-article.date.timestamp(), article.headline, article.source_path)
