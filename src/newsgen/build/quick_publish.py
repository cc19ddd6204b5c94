"""Quick rebuilds of a new article: the publish loop, one story in and the site live.

A newsroom's most common build after an edit adds one article, the newest of
the archive. Stable pagination (site/paginate.py) keeps what that changes
small and known: the article's own page; the front page and the newest
numbered page of each listing it joins (its section, tags, authors, year and
month), and the pages next to a numbered page it adds;
the pages of the whole site that show counts or the newest articles (home,
tags, authors, archive and search pages, as their templates read them); the
pages whose related list now names it; the feeds that carry it, the JSON
Feed, the sitemaps whose entries change and the news sitemap. Everything
else keeps its bytes, so this module renders only those, from the listings
the last build left (quick_listings.py) and the articles they show, loaded
from the cache.

It is not quick, and the full build runs, when the article is not the newest
of the site (a backdated story moves others between pages), joins a listing
the site does not have yet (a new tag, author, month or year: new pages and
index entries), spells a name otherwise than the site shows it, has aliases,
files beside it or corrections, is linked to by another article, links to one
the site does not publish, takes a path the output already holds, or when a
template other than those pages reads what an addition changes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import jinja2

from newsgen.build.quick_cards import ListedPage, card_site
from newsgen.build.quick_listings import (
    Joined,
    QuickListings,
    home_paths,
    joined,
    listings_of,
    with_joined,
)
from newsgen.build.quick_render import (
    Rendered,
    RenderFeed,
    RenderState,
    feed_outputs,
    load_published,
    path_free,
    rendered_jobs,
)
from newsgen.build.quick_sitemap import listed_lastmod, moved_sitemaps
from newsgen.build.search_step import SHARD_PAGES
from newsgen.cache.articles import ArticleCache
from newsgen.content.load import SourceBytes
from newsgen.errors import BuildFailed, Problems
from newsgen.feeds.dates import aware
from newsgen.feeds.rss import Channel
from newsgen.feeds.sitemaps import (
    NEWS_SITEMAP_PATH,
    NEWS_WINDOW,
    SitemapEntry,
    news_sitemap,
    page_entry,
)
from newsgen.models import Article, Output, Site
from newsgen.render.keys import InputKeys, reads_total, site_parts, template_sources
from newsgen.render.pages import (
    ARTICLE_TEMPLATE,
    SITE_PAGES,
    PageJob,
    article_page,
    listing_jobs,
    listing_title,
    single_job,
)
from newsgen.site.crossrefs import content_path
from newsgen.site.paginate import changed_by_adding, listing_page, numbered_pages, page_items
from newsgen.site.published import as_published
from newsgen.site.related import RelatedAfterAdding, Shown, related_after_adding
from newsgen.urls import make_slug

ADDED_PARTS = frozenset(
    {"latest", "home_blocks", "front", "tag_counts", "author_counts", "section_counts"}
    | {"years", "months"}
)
"""The parts of the Site that change when an article joins listings the site has."""
_SITE_WIDE = ADDED_PARTS | {
    "config",
    "sections",
    "tags",
    "authors",
    "feed_url",
    "json_feed_url",
    "build_time",
    "corrections_url",
    "corrections_feed_url",
    "default_picture",
}
"""The parts of the Site a quick rebuild holds for rendering a page of the whole site."""
_OTHER_PAGES = (
    ARTICLE_TEMPLATE,
    "redirect.html",
    "section.html",
    "tag.html",
    "author.html",
    "period.html",
    "corrections.html",
)
"""Templates of pages a quick rebuild renders again only when they show the article."""
SEARCH_TEMPLATE = "search.html"
LISTING_TEMPLATES = ("section.html", "tag.html", "author.html", "period.html")


@dataclass(frozen=True, slots=True)
class Publication:
    """What adding one article changes beside its own page (publication())."""

    article: Article
    """The article added, as published."""
    listings: QuickListings
    """The listings with the article in them."""
    pages: tuple[ListedPage, ...]
    """The listing pages to render again."""
    related: RelatedAfterAdding
    """Its related articles, and those of the articles whose related list changed."""
    singles: tuple[str, ...]
    """The templates of the pages of the whole site to render again (SITE_PAGES)."""
    feeds: dict[str, tuple[str, ...]]
    """The items of each feed that carries the article, by the feed's path."""
    json_items: tuple[str, ...]
    """The JSON Feed's items."""
    news: bool
    """True when the news sitemap lists the article (rendered again)."""
    new_pages: int
    """How many numbered pages the listings gained."""
    joined: Joined
    """What the listings took of the article (for the next quick rebuild)."""

    def needed(self, site: Site) -> set[str]:
        """Return the source paths of every article the pages and feeds to render show."""
        paths = {p for page in self.pages for p in page.items}
        for path, shown in self.related.changed.items():
            paths.add(path)
            paths.update(shown)
        paths.update(*self.feeds.values(), self.json_items)
        if "home.html" in self.singles:
            for shown in home_paths(self.listings, site).values():
                paths.update(shown)
        if self.news:
            paths.update(self.listings.news)
        return paths


def publication(
    state: RenderState,
    listings: QuickListings,
    related: tuple[Mapping[str, Shown], Mapping[str, tuple[str, ...]]],
    article: Article,
    env: jinja2.Environment,
) -> Publication | None:
    """Return what adding ``article`` (as loaded) to the site of ``state`` changes,
    given the site's ``listings`` and its ``related`` articles (quick_render's
    stored_related()); None when that cannot be rendered quickly (see the module
    doc)."""
    site = state.site
    if not _can_join(state, listings, article):
        return None
    article = as_published(article, state)
    keys = listings_of(listings, site.config, article)
    if keys is None:
        return None
    after_related = related_after_adding(related, article)
    singles = _site_pages_to_render(env, site.config.search)
    if after_related is None or singles is None:
        return None
    now = aware(site.build_time, site.config.timezone) if site.build_time else None
    news = now is not None and now - NEWS_WINDOW <= article.date <= now  # as news_articles()
    if news and not listings.news:
        return None  # the news sitemap would appear: robots.txt names it
    added = joined(article, keys, news)
    after = with_joined(listings, added, site.config.home_latest)
    show_total = any(reads_total(env, name) for name in LISTING_TEMPLATES)
    pages, gained = _listing_pages(after, keys, site.config.per_page, show_total)
    feeds = _feed_items(state.feeds, keys, article.source_path, site.config.feed_items)
    if feeds is None:
        return None
    json_items = (article.source_path, *state.json_items)[: site.config.feed_items]
    return Publication(
        article, after, pages, after_related, singles, feeds, json_items, news, gained, added
    )


def _can_join(state: RenderState, listings: QuickListings, article: Article) -> bool:
    """True when ``article`` (as loaded) adds no page but its own and names only what
    the site has, as the site spells it (a new spelling may win the name: see
    taxonomy.py)."""
    if article.aliases or article.assets or article.corrections:
        return False
    if content_path(article.source_path) in listings.linked:
        return False
    if any(ref.target not in state.urls for ref in article.link_refs):
        return False
    configured = {make_slug(entry.name) for entry in state.site.config.sections}
    section = state.sections.get(article.section.slug)
    if section is None or (
        section.title != article.section.title and section.slug not in configured
    ):
        return False
    for names, site_names in ((article.tags, state.tags), (article.authors, state.authors)):
        if any(getattr(site_names.get(n.slug), "name", None) != n.name for n in names):
            return False
    return path_free(article.output_path, state.live)


def _site_pages_to_render(env: jinja2.Environment, search: bool) -> tuple[str, ...] | None:
    """Return the templates of SITE_PAGES that read a part of the Site an addition
    changes (of those the site has: the search page with ``search`` on); None when
    another page's template does, or one of those reads a part a quick rebuild does not
    hold (every article: a full build)."""
    names = set(env.list_templates())
    if not search:
        names.discard(SEARCH_TEMPLATE)

    def parts(name: str) -> set[str]:
        return {part for text in template_sources(env, name) for part in site_parts(text)}

    if any(parts(name) & ADDED_PARTS for name in _OTHER_PAGES if name in names):
        return None
    singles = [name for name in SITE_PAGES if name in names and parts(name) & ADDED_PARTS]
    if any(parts(name) - _SITE_WIDE for name in singles):
        return None
    return tuple(singles)


def _listing_pages(
    listings: QuickListings, keys: Sequence[str], per_page: int, show_total: bool
) -> tuple[tuple[ListedPage, ...], int]:
    """Return the pages of the listings of ``keys`` that change when their first article
    is added (paginate.changed_by_adding(); every page of a listing that gains one when
    ``show_total``: its pages show how many it has), and how many numbered pages they
    gained."""
    pages = []
    gained = 0
    for key in keys:
        items = listings.items(key)
        count = len(items)
        total, before = numbered_pages(count, per_page), numbered_pages(count - 1, per_page)
        gained += total - before
        numbers = changed_by_adding(count, per_page)
        if show_total and total != before:
            numbers = [None, *range(total, 0, -1)]
        for number in numbers:
            shown = tuple(items[i] for i in page_items(number, count, per_page))
            pages.append(ListedPage(key, number, total, shown))
    return tuple(pages), gained


def _feed_items(
    feeds: Sequence[RenderFeed], keys: Collection[str], path: str, limit: int
) -> dict[str, tuple[str, ...]] | None:
    """Return the items of each feed that carries the article at ``path`` once added to
    the listings of ``keys``, by the feed's path; None when a feed's listing is not
    known."""
    items = {}
    for feed in feeds:
        if feed.listing is None:
            return None
        if feed.listing == "" or feed.listing in keys:
            items[feed.path] = (path, *feed.items)[:limit]
    return items


def search_shard(publication: Publication, order: Sequence[str], zone: object) -> str | None:
    """Return the search shard the added article's page goes to (as search_step's
    article_shards() names them), or None when the index has no such shard or the
    article makes its year one of quarters."""
    local = publication.article.date.astimezone(zone)
    year = next((p for p in publication.listings.years if p.year == local.year), None)
    if year is None or (year.count > SHARD_PAGES) != (year.count - 1 > SHARD_PAGES):
        return None
    name = str(local.year)
    if year.count > SHARD_PAGES:
        name += f"-q{(local.month - 1) // 3 + 1}"
    return name if name in order else None


def render_publication(
    state: RenderState,
    added: Publication,
    cache: ArticleCache,
    sources: Sequence[SourceBytes],
    made: tuple[jinja2.Environment, str, Mapping[str, str], str],
    sitemap: Sequence[SitemapEntry],
) -> Rendered | None:
    """Render what ``added`` changes; None when an article it shows is missing from the
    cache or the sitemap files themselves would change. ``made`` is as for
    render_changes(); ``sitemap`` the sitemap's entries of the last full build.

    Raises BuildFailed when a page fails to render (nothing written)."""
    env, generator, digests, _ = made
    article, path = added.article, added.article.source_path
    loaded = load_published(state, cache, sources, added.needed(state.site) - {path})
    if loaded is None:
        return None
    loaded[path] = article
    site = _publish_site(state, added.listings, loaded)
    newest = _newest(state, sitemap, article)
    keys = InputKeys(site, state.base, digests, env)
    problems = Problems()
    jobs = _jobs(site, added, loaded, newest)
    outputs, output_keys = rendered_jobs(jobs, env, keys, problems)
    feeds = [_FeedItems(f.path, f.channel, added.feeds[f.path]) for f in state.feeds
             if f.path in added.feeds]  # fmt: skip
    outputs += feed_outputs(feeds, added.json_items, site, loaded, keys, generator, output_keys)
    if added.news:
        news = [loaded[p] for p in added.listings.news]
        outputs.append(Output(NEWS_SITEMAP_PATH, news_sitemap(site, news), "news sitemap"))
    if problems.has_errors():
        raise BuildFailed(problems)
    entries = _sitemap_entries(site, jobs, newest)
    made_sitemaps = moved_sitemaps((sitemap, state.sitemap), entries, site.config, keys)
    if made_sitemaps is None:
        return None
    referrers = [loaded[p] for p in added.related.changed if p != path]
    return Rendered(
        [*outputs, *made_sitemaps[0]],
        {**output_keys, **made_sitemaps[1]},
        [article, *referrers],
        urls={path: article.url},
        sitemap={**state.sitemap, **entries},
    )


@dataclass(frozen=True, slots=True)
class _FeedItems:
    """A feed of the state with the items it has once the article is added."""

    path: str
    channel: Channel
    items: tuple[str, ...]
    listing: str | None = None


def _publish_site(
    state: RenderState, listings: QuickListings, loaded: Mapping[str, Article]
) -> Site:
    """Return the Site the pages to render read: the state's, with the counts, periods
    and newest articles of ``listings`` and the site-wide tags and authors."""
    site = card_site(state.site, listings, loaded)
    return replace(site, tags=tuple(state.tags.values()), authors=tuple(state.authors.values()))


def _newest(state: RenderState, sitemap: Sequence[SitemapEntry], article: Article) -> datetime:
    """Return the latest ``modified`` of the site's articles with ``article`` added (the
    ``lastmod`` of the home page, in the sitemap)."""
    home = page_entry(state.site.config, "index.html", article.modified).loc
    known = listed_lastmod((sitemap, state.sitemap), home)
    return max(known, article.modified) if known is not None else article.modified


def _jobs(
    site: Site, added: Publication, loaded: Mapping[str, Article], newest: datetime
) -> list[PageJob]:
    """Return the jobs of the pages ``added`` changes; ``site`` is _publish_site()'s."""
    jobs = []
    for path, shown in added.related.changed.items():
        jobs.append(article_page(site, loaded[path], tuple(loaded[p] for p in shown)))
    listings = added.listings
    for page in added.pages:
        kind, subject = page.listing.split(" ", 1)[0], listings.subjects[page.listing]
        items = tuple(loaded[p] for p in page.items)
        made = listing_page(
            listing_title(subject), items, page.number, page.total, subject.url,
            site.config.base_path,
        )  # fmt: skip
        jobs += listing_jobs(site, kind, subject, [made])
    jobs += [single_job(site, template, newest) for template in added.singles]
    return jobs


def _sitemap_entries(
    site: Site, jobs: Sequence[PageJob], newest: datetime
) -> dict[str, datetime | None]:
    """Return the sitemap entries (URL -> lastmod) of the pages ``jobs`` render and of the
    pages of the whole site dated by the newest article, rendered or not."""
    config = site.config
    entries: dict[str, datetime | None] = {}
    dated = [(job.output_path, job.lastmod) for job in jobs if job.lastmod is not None]
    dated += [(path, newest) for path, _, by_newest in SITE_PAGES.values() if by_newest]
    for path, lastmod in dated:
        entry = page_entry(config, path, lastmod)
        entries[entry.loc] = entry.lastmod
    return entries
