"""Quick rebuilds of an edited card: the pages that list an article whose headline,
standfirst, pictures or sources changed.

When an edit changes what an article's card shows but not where the article
is listed (its date, section, tags, authors and address are as they were), the
pages that change are few and known: the article's own page and redirects,
the one page of each of its listings that holds it (its section, tags,
authors, year and month), the home page when it shows the article, the
pages whose related list names it, and the news sitemap when it is recent.
The rest of the site keeps its bytes. quick_rebuild.py renders these pages
with the articles they show, loaded from the cache; the listings come from
the QuickListings the last full build left (quick_listings.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace

from newsgen.build.quick_listings import QuickListings, front_choice, home_paths, listings_of
from newsgen.models import Article, FrontPage, SectionBlock, Site
from newsgen.render.pages import (
    PageJob,
    article_page,
    home_job,
    listing_jobs,
    listing_title,
    redirect_jobs,
)
from newsgen.site.front import shown_page
from newsgen.site.paginate import listing_page, page_holding


@dataclass(frozen=True, slots=True)
class ListedPage:
    """One page of a listing, by the source paths of the articles it shows."""

    listing: str
    """The listing's key (quick_listings.listing_key())."""
    number: int | None
    """The page's number (None: the front page)."""
    total: int
    """How many numbered pages the listing has."""
    items: tuple[str, ...]
    """The source paths of its articles, newest first."""


@dataclass(frozen=True, slots=True)
class CardPages:
    """The pages an edit to some articles' cards changes beside the articles' own."""

    referrers: tuple[str, ...]
    """The articles whose related lists show an edited card."""
    listed: tuple[ListedPage, ...]
    """The listing pages that show an edited card."""
    home: bool
    """True when the home page shows an edited card."""
    news: bool
    """True when the news sitemap lists an edited article (it shows headlines)."""

    def needed(
        self, listings: QuickListings, site: Site, related: Mapping[str, tuple[str, ...]]
    ) -> set[str]:
        """Return the source paths of every article these pages show."""
        paths = set(self.referrers)
        for referrer in self.referrers:
            paths.update(related.get(referrer, ()))
        for page in self.listed:
            paths.update(page.items)
        if self.home:
            for shown in home_paths(listings, site).values():
                paths.update(shown)
        if self.news:
            paths.update(listings.news)
        return paths


def card_pages(
    listings: QuickListings,
    site: Site,
    cards: Mapping[str, Article],
    changed: Collection[str],
    related: Mapping[str, tuple[str, ...]],
) -> CardPages | None:
    """Return the pages that show the edited ``cards`` (published articles by source path),
    those of the ``changed`` articles (rendered anyway) left out; None when a listing
    that should hold one does not (the listings are not this site's)."""
    per_page = site.config.per_page
    listed: dict[tuple[str, int | None], ListedPage] = {}
    for path, article in cards.items():
        keys = listings_of(listings, site.config, article)
        if keys is None:
            return None
        for key in keys:
            items = listings.items(key)
            if path not in items:
                return None
            number, total, indexes = page_holding(items.index(path), len(items), per_page)
            listed[(key, number)] = ListedPage(key, number, total, tuple(items[i] for i in indexes))
    home = any(not cards.keys().isdisjoint(shown) for shown in home_paths(listings, site).values())
    referrers = [
        path
        for path, shown in related.items()
        if path not in changed and not cards.keys().isdisjoint(shown)
    ]
    news = not cards.keys().isdisjoint(listings.news)
    return CardPages(tuple(sorted(referrers)), tuple(listed.values()), home, news)


def card_site(site: Site, listings: QuickListings, loaded: Mapping[str, Article]) -> Site:
    """Return ``site`` with the parts listing pages and the home page read: the counts
    and periods of ``listings`` and the newest articles (from ``loaded``, when the home
    page is rendered)."""
    shown = home_paths(listings, site)
    home = all(path in loaded for paths in shown.values() for path in paths)
    front = shown_page(front_choice(listings, site), loaded, site.sections) if home else None
    return replace(
        site,
        tag_counts=listings.tag_counts,
        author_counts=listings.author_counts,
        section_counts=listings.section_counts,
        years=listings.years,
        months=listings.months,
        latest=tuple(loaded[p] for p in shown[""]) if home else (),
        home_blocks=tuple(
            SectionBlock(section, tuple(loaded[p] for p in shown[section.slug]))
            for section in site.sections
        )
        if home
        else (),
        front=front or FrontPage(),
    )


def card_jobs(
    pages: CardPages,
    listings: QuickListings,
    site: Site,
    cards: Collection[Article],
    loaded: Mapping[str, Article],
    related: Mapping[str, tuple[str, ...]],
) -> Iterator[PageJob]:
    """Yield the jobs of ``pages`` and of the redirects of the edited ``cards``; ``site``
    is card_site()'s, ``loaded`` holds every article the pages show, as published."""
    for path in pages.referrers:
        shown = tuple(loaded[p] for p in related.get(path, ()))
        yield article_page(site, loaded[path], shown)
    for page in pages.listed:
        kind, subject = page.listing.split(" ", 1)[0], listings.subjects[page.listing]
        items = tuple(loaded[p] for p in page.items)
        title, base = listing_title(subject), site.config.base_path
        made = listing_page(title, items, page.number, page.total, subject.url, base)
        yield from listing_jobs(site, kind, subject, [made])
    if pages.home:
        yield home_job(site, None)
    for article in cards:
        yield from redirect_jobs(site, article)
