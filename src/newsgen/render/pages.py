"""Every HTML page a Site has: which template renders it, with what, and where it goes.

No I/O and no rendering: templates.py turns these jobs into files. ``lastmod``
is set for the pages listed in the sitemap.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import jinja2

from newsgen.models import Article, FrontPage, Link, ListingPage, Site
from newsgen.render.keys import site_parts, template_sources
from newsgen.urls import output_file

ARTICLE_TEMPLATE = "article.html"
SEARCH_PAGE = output_file("/search/")
"""Where the search page goes (``search/index.html``), when ``search`` is on."""


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render."""

    template: str
    """Template name (``article.html``)."""
    output_path: str
    """File relative to the output directory."""
    source: str
    """What the page is made from, for messages (``content/world/a.md``, ``tag Syria``)."""
    context: Mapping[str, Any]
    """The template's variables: models, never raw dicts."""
    lastmod: datetime | None = None
    """When the page's content last changed; None keeps it out of the sitemap."""
    line: int = 1
    """The line of ``source`` that asked for the page (an alias's line)."""
    field: str | None = None
    """The front matter field that asked for the page (``aliases[0]``), or None."""


def page_jobs(site: Site) -> Iterator[PageJob]:
    """Yield every page of ``site``, in a stable order."""
    newest = _newest(site.articles)
    yield home_job(site, newest)
    yield single_job(site, "404.html", newest)
    yield from _article_pages(site)
    for section in site.sections:
        yield from listing_jobs(site, "section", section, site.section_pages[section.slug])
    yield single_job(site, "tags.html", newest)
    for tag in site.tags:
        yield from listing_jobs(site, "tag", tag, site.tag_pages[tag.slug])
    yield single_job(site, "authors.html", newest)
    for author in site.authors:
        yield from listing_jobs(site, "author", author, site.author_pages[author.slug])
    yield single_job(site, "archive.html", newest)
    for year in site.years:
        for period in (year, *site.months.get(year.year, ())):
            yield from listing_jobs(site, "period", period, site.period_pages[period.url])
    if site.config.search:
        yield single_job(site, "search.html", newest)
    latest_correction = site.corrections[0].correction.date if site.corrections else None
    yield PageJob(
        "corrections.html",
        output_file("/corrections/"),
        "corrections page",
        {"site": site},
        latest_correction,
    )


SITE_PAGES: dict[str, tuple[str, str, bool]] = {
    "home.html": ("index.html", "home page", True),
    "404.html": ("404.html", "404 page", False),
    "tags.html": (output_file("/tags/"), "tags index", True),
    "authors.html": (output_file("/authors/"), "authors index", True),
    "archive.html": (output_file("/archive/"), "archive", True),
    "search.html": (SEARCH_PAGE, "search page", False),
}
"""The pages of the whole site that show no one listing or article, by template: where
each goes, what it is called in messages, and whether its ``lastmod`` is that of the
newest article (the corrections page is dated by its newest correction)."""


def home_job(site: Site, newest: datetime | None) -> PageJob:
    """Return the job of the home page (``newest``: the latest ``modified`` of the site's
    articles, for the sitemap)."""
    return single_job(site, "home.html", newest)


def single_job(site: Site, template: str, newest: datetime | None) -> PageJob:
    """Return the job of the page of SITE_PAGES that ``template`` renders (``newest``: the
    latest ``modified`` of the site's articles, the ``lastmod`` of those dated by it)."""
    path, source, dated = SITE_PAGES[template]
    return PageJob(template, path, source, {"site": site}, newest if dated else None)


def _article_pages(site: Site) -> Iterator[PageJob]:
    base = site.config.base_path.rstrip("/")
    for article in site.articles:
        yield article_page(site, article, site.related.get(article.source_path, ()))
        if article.aliases:
            yield from redirect_jobs(site, article, base)


def redirect_jobs(site: Site, article: Article, base: str | None = None) -> Iterator[PageJob]:
    """Yield the jobs of the pages that redirect ``article``'s aliases to it (``base``:
    the site's base path without its last slash)."""
    if base is None:
        base = site.config.base_path.rstrip("/")
    for alias in article.aliases:
        yield PageJob(
            "redirect.html",
            output_file(alias.path),
            article.source_path,
            {"site": site, "article": article, "alias": base + alias.path},
            line=alias.line,
            field=alias.field,
        )


def article_page(site: Site, article: Article, related: tuple[Article, ...]) -> PageJob:
    """Return the job of ``article``'s own page, showing ``related`` beside it."""
    scheduled = site.build_time is not None and article.date > site.build_time
    context = {"site": site, "article": article, "related": related, "scheduled": scheduled}
    return PageJob(
        ARTICLE_TEMPLATE, article.output_path, article.source_path, context, article.modified
    )


LISTING_KINDS = ("section", "tag", "author", "period")
"""The kinds of listing a site has, as listing_jobs() names them."""


def listing_jobs(
    site: Site, kind: str, subject: Any, pages: Sequence[ListingPage]
) -> Iterator[PageJob]:
    """Yield the jobs of ``pages``, pages of the listing of ``subject`` (a Section,
    Tag, Author or Period, as ``kind`` of LISTING_KINDS says); ``site`` gives the
    counts and months the listing pages show (``tag_counts``, ``years``, ``months``);
    a count goes to the listing's front page alone."""
    if kind == "tag":
        count = site.tag_counts.get(subject.slug, 0)
        front = {"count": count}  # the numbered pages keep their bytes as articles arrive
        yield from _listing(site, "tag.html", kind, subject, pages, {"count": None}, front)
    elif kind in ("section", "author"):
        counts = site.section_counts if kind == "section" else site.author_counts
        front = {"count": counts.get(subject.slug, 0)}
        yield from _listing(site, f"{kind}.html", kind, subject, pages, {"count": None}, front)
    elif kind == "period":
        year = subject
        if subject.month is not None:
            year = next(y for y in site.years if y.year == subject.year)
        months = site.months.get(year.year, ()) if subject is year else ()
        extra = {"months": months, "year": Link(year.title, year.url)}
        yield from _listing(site, "period.html", kind, subject, pages, extra)
    else:
        raise ValueError(f"no listing of kind {kind!r}")


def listing_title(subject: Any) -> str:
    """Return the title of the listing of ``subject``: a section's or period's title,
    a tag's or author's name."""
    return getattr(subject, "title", None) or getattr(subject, "name", "")


def _listing(
    site: Site,
    template: str,
    name: str,
    subject: Any,
    pages: Sequence[ListingPage],
    extra: Mapping[str, Any] | None = None,
    front: Mapping[str, Any] | None = None,
) -> Iterator[PageJob]:
    """Yield the jobs of a listing's pages; ``extra`` goes to every page's context,
    ``front`` to the front page's only (what changes with every article added, such as
    a count: the numbered pages, which keep their articles, keep their bytes)."""
    title = listing_title(subject)
    for page in pages:
        own = front if page.number is None and front else {}
        yield PageJob(
            template,
            page.output_path,
            f"{name} {title}",
            {"site": site, name: subject, "page": page, **(extra or {}), **own},
            _newest(page.items),
        )


def _newest(articles: Sequence[Article]) -> datetime | None:
    """Return the latest ``modified`` of ``articles`` (None for none)."""
    return max(map(_MODIFIED, articles), default=None)


_MODIFIED = Article.modified.fget  # the property's function: one call less per article


def article_site(site: Site, env: jinja2.Environment) -> Site:
    """Return ``site`` with only the parts the article template (and those it uses)
    reads: enough to render any article page, small enough to pickle."""
    texts = template_sources(env, ARTICLE_TEMPLATE)
    parts = {name for text in texts for name in site_parts(text)}
    return replace(
        site,
        articles=(),
        section_pages={},
        latest=(),
        home_blocks=(),
        front=FrontPage(),
        tags=(),
        tag_counts={},
        section_counts={},
        tag_pages={},
        authors=(),
        author_pages={},
        author_counts={},
        years=(),
        months={},
        period_pages={},
        related={},
        corrections=(),
        **{name: getattr(site, name) for name in parts if hasattr(site, name)},
    )
