"""The listings a full build leaves for quick rebuilds of edited headlines and cards.

An edit to an article's headline, standfirst, pictures or sources (anything
its card shows, but not its date, section, tags, authors or address) changes
the pages that list it, not which pages list it. A quick rebuild
(quick_cards.py) renders those pages again without the rest of the site: it
needs to know which articles each listing holds, in order, and the few parts
of the Site its listing pages read beside them. A full build leaves that here
(QuickListings, a memo of its own: a body edit never reads it).

A site whose templates read a part of the Site that holds every article
(``site.articles``, ``site.tag_pages``, ...) has pages that may show any card:
it gets no QuickListings, so every card edit is a full build.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import jinja2

from newsgen.feeds.dates import aware
from newsgen.feeds.sitemaps import NEWS_MAX_URLS, SitemapEntry, news_articles, sitemap_list
from newsgen.models import Article, Period, Site, SiteConfig, SitemapList
from newsgen.render.keys import site_parts, template_sources
from newsgen.site.archive import period_urls
from newsgen.site.front import Choice, Facts, choose, facts_of, pool

FRONT = " front"
"""home_paths()' key of the front page's articles (no section slug has a space)."""
LISTINGS_MEMO = "quick listings "
"""The memo holding the QuickListings of an output folder is named this plus its path."""
HOME_TEMPLATE = "home.html"
_EVERY_ARTICLE = frozenset(
    {"articles", "section_pages", "tag_pages", "author_pages", "period_pages", "related"}
)
"""Parts of the Site that hold (nearly) every article: a template reading one shows any card."""
_HOME_PARTS = frozenset({"latest", "home_blocks", "front"})
"""Parts of the Site that hold the newest articles: only the home page may read them."""


@dataclass(frozen=True, slots=True)
class QuickListings:
    """Which articles each listing of a site holds, and what its pages read besides."""

    order: tuple[str, ...]
    """The source path of every article the site lists (newest first, as the full build
    left them; an article a quick rebuild added comes last)."""
    listings: dict[str, bytes]
    """Each listing's articles, newest first, by listing_key(): their places in ``order``
    as an ``array("I")`` in bytes (a tuple of paths per listing, 700,000 of them at
    100,000 articles, would make the memo slow to read)."""
    subjects: dict[str, Any]
    """The Section, Tag, Author or Period of each listing, by listing_key()."""
    latest: tuple[str, ...]
    """The home page's newest articles (``site.latest``)."""
    news: tuple[str, ...]
    """The articles of the news sitemap, newest first."""
    tag_counts: dict[str, int]
    author_counts: dict[str, int]
    years: tuple[Period, ...]
    months: dict[int, tuple[Period, ...]]
    linked: frozenset[str] = frozenset()
    """The articles other articles link to, by their paths in ``content/`` (``world/a.md``):
    their pages cannot move without those links changing."""
    sitemap: SitemapList = field(default_factory=SitemapList)
    """The sitemap's entries, sorted by URL."""
    section_counts: dict[str, int] = field(default_factory=dict)
    front: tuple[Facts, ...] = ()
    """The articles the front page could show (site/front.py's pool()), newest first."""

    def items(self, key: str) -> list[str]:
        """Return the source paths of the articles of listing ``key``, newest first ([]
        when there is no such listing)."""
        places = array("I")
        places.frombytes(self.listings.get(key, b""))
        order = self.order
        return [order[place] for place in places]


Joined = tuple[str, tuple[str, ...], bool, frozenset[str], Facts]
"""An article a quick rebuild added to the listings: its source path, the keys of the
listings it joined (listings_of()), whether the news sitemap lists it, the
articles it links to (their paths in ``content/``) and what the front page's
choice reads of it."""


def joined(article: Article, keys: Sequence[str], news: bool) -> Joined:
    """Return the Joined of ``article`` (as published, newer than every other), added to
    the listings of ``keys`` and, when ``news``, to the news sitemap."""
    targets = frozenset(r.target for r in article.link_refs)
    return article.source_path, tuple(keys), news, targets, facts_of(article)


def with_joined(listings: QuickListings, added: Joined, home_latest: int) -> QuickListings:
    """Return ``listings`` with the article ``added`` put first in the listings it joined
    (they all exist), the home page's ``home_latest`` newest articles and, when it is
    news, the news sitemap's; with the counts and the periods' counts it changes and
    the articles it links to. The sitemap's entries are left as they were (the state
    keeps what changed of them: QuickState.sitemap)."""
    path, keys, news, targets, facts = added
    place = array("I", [len(listings.order)])
    firsts, periods = {}, {}
    counts = {
        "tag": dict(listings.tag_counts),
        "author": dict(listings.author_counts),
        "section": dict(listings.section_counts),
    }
    for key in keys:
        places = array("I", place)
        places.frombytes(listings.listings[key])
        firsts[key] = places.tobytes()
        kind, name = key.split(" ", 1)
        if kind in counts:
            counts[kind][name] = counts[kind].get(name, 0) + 1
        elif kind == "period":
            periods[key] = replace(listings.subjects[key], count=listings.subjects[key].count + 1)
    by_url = {period.url: period for period in periods.values()}
    return replace(
        listings,
        order=(*listings.order, path),
        listings={**listings.listings, **firsts},
        subjects={**listings.subjects, **periods},
        latest=(path, *listings.latest)[:home_latest],
        news=(path, *listings.news)[:NEWS_MAX_URLS] if news else listings.news,
        tag_counts=counts["tag"],
        author_counts=counts["author"],
        section_counts=counts["section"],
        years=tuple(by_url.get(year.url, year) for year in listings.years),
        months={
            year: tuple(by_url.get(month.url, month) for month in months)
            for year, months in listings.months.items()
        },
        linked=listings.linked | targets,
        front=(facts, *listings.front),
    )


def listing_key(kind: str, subject: Any) -> str:
    """Return the key of the listing of ``subject`` (kind of pages.LISTING_KINDS):
    ``section world``, ``tag syria``, ``author lena-brandt``, ``period /2024/05/``."""
    return f"{kind} {subject.url if kind == 'period' else subject.slug}"


def quick_listings(
    site: Site, env: jinja2.Environment, sitemap: Sequence[SitemapEntry] = ()
) -> QuickListings | None:
    """Return the QuickListings of ``site`` (whose sitemap lists ``sitemap``, sorted by
    URL), or None when
    a template reads a part of the site that holds every article, or the newest ones
    outside the home page."""
    if not cards_can_change_alone(env):
        return None
    order = tuple(a.source_path for a in site.articles)
    place = {path: number for number, path in enumerate(order)}
    listings: dict[str, bytes] = {}
    subjects: dict[str, Any] = {}
    for kind, subject, pages in _listings(site):
        key = listing_key(kind, subject)
        places = array("I", [place[a.source_path] for page in pages for a in page.items])
        listings[key] = places.tobytes()
        subjects[key] = subject
    return QuickListings(
        order,
        listings,
        subjects,
        tuple(a.source_path for a in site.latest),
        tuple(a.source_path for a in news_articles(site)),
        dict(site.tag_counts),
        dict(site.author_counts),
        site.years,
        dict(site.months),
        frozenset(ref.target for article in site.articles for ref in article.link_refs),
        sitemap_list(sitemap),
        dict(site.section_counts),
        _front_pool(site),
    )


def _front_pool(site: Site) -> tuple[Facts, ...]:
    """Return the articles of ``site`` its front page could show (site/front.py's pool())."""
    facts = [facts_of(article) for article in site.articles]
    if not facts:
        return ()
    slugs = [section.slug for section in site.sections]
    return pool(facts, site.config.home, front_moment(site), slugs)


def front_moment(site: Site) -> datetime:
    """Return the moment the front page of ``site`` is made for: its build time (in the
    site's time zone when naive), or its newest article's date."""
    if site.build_time is not None:
        return aware(site.build_time, site.config.timezone)
    return site.articles[0].date if site.articles else datetime.min


def front_choice(listings: QuickListings, site: Site) -> Choice:
    """Return the front page's Choice from the pool of ``listings``, as of ``site``'s
    build time, for ``site``'s sections."""
    slugs = [section.slug for section in site.sections]
    return choose(listings.front, site.config.home, front_moment(site), slugs)


def cards_can_change_alone(env: jinja2.Environment) -> bool:
    """True when no template of ``env`` reads a part of the site holding every article,
    and only the home page reads the newest ones: then an edited card shows on its
    listings' pages, the home page and its related articles' pages alone."""
    for name in env.list_templates():
        if not name.endswith(".html"):
            continue
        parts = {part for text in template_sources(env, name) for part in site_parts(text)}
        if parts & _EVERY_ARTICLE or (name != HOME_TEMPLATE and parts & _HOME_PARTS):
            return False
    return True


def _listings(site: Site) -> Iterator[tuple[str, Any, Sequence[Any]]]:
    """Yield the kind, subject and pages of each listing of ``site``."""
    for section in site.sections:
        yield "section", section, site.section_pages[section.slug]
    for tag in site.tags:
        yield "tag", tag, site.tag_pages[tag.slug]
    for author in site.authors:
        yield "author", author, site.author_pages[author.slug]
    for year in site.years:
        for period in (year, *site.months.get(year.year, ())):
            yield "period", period, site.period_pages[period.url]


def listings_of(
    listings: QuickListings, config: SiteConfig, article: Article
) -> list[str] | None:
    """Return the keys of the listings that hold ``article`` (as published: site-wide
    names), or None when one of them is not in ``listings``."""
    keys = [f"section {article.section.slug}"]
    keys += [f"tag {tag.slug}" for tag in article.tags]
    keys += [f"author {author.slug}" for author in article.authors]
    keys += [f"period {url}" for url in period_urls(config, article)]
    return keys if all(key in listings.listings for key in keys) else None


def home_paths(listings: QuickListings, site: Site) -> Mapping[str, tuple[str, ...]]:
    """Return the source paths the home page may show: ``latest`` and each section's block,
    by section slug (as site.assemble makes ``home_blocks``), and the front page's
    (``site.front``), under FRONT."""
    per_section = site.config.home_per_section
    shown = {"": listings.latest, FRONT: tuple(front_choice(listings, site).paths())}
    for section in site.sections:
        shown[section.slug] = tuple(listings.items(f"section {section.slug}")[:per_section])
    return shown
