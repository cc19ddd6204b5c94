"""What a quick rebuild renders (quick_rebuild.py): the pages, feeds and JSON Feed that
show the edited articles' bodies and, for those whose card changed, the pages that
show their cards (quick_cards.py), with the articles they show loaded from the cache.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

import jinja2

from newsgen.build.quick_cards import CardPages, card_jobs, card_pages, card_site
from newsgen.build.quick_listings import LISTINGS_MEMO, Joined, QuickListings, with_joined
from newsgen.build.quick_sitemap import moved_sitemaps
from newsgen.cache.articles import ArticleCache
from newsgen.cache.codec import is_whole
from newsgen.content.load import SourceBytes, cached_loads
from newsgen.errors import BuildFailed, Problems
from newsgen.feeds.json_feed import FEED_PATH, feed_articles, render_json_feed
from newsgen.feeds.rss import Channel, FeedPlan, FeedRenderer
from newsgen.feeds.sitemaps import NEWS_SITEMAP_PATH, news_sitemap, page_entry
from newsgen.images.index import PictureIndex
from newsgen.models import Article, Output, Site
from newsgen.render.keys import InputKeys
from newsgen.render.pages import PageJob, article_page
from newsgen.render.templates import render_page
from newsgen.site.crossrefs import content_path
from newsgen.site.published import SiteNames, as_published
from newsgen.site.related import MEMO_NAME, Shown, stored_memo


class RenderFeed(Protocol):
    """What render_changes() reads of a feed of the QuickState (quick_rebuild.QuickFeed)."""

    @property
    def path(self) -> str: ...
    @property
    def channel(self) -> Channel: ...
    @property
    def items(self) -> tuple[str, ...]: ...
    @property
    def listing(self) -> str | None: ...


class RenderState(SiteNames, Protocol):
    """What render_changes() reads of the QuickState (quick_rebuild.QuickState): the
    site-wide names and URLs as_published() reads, and the following."""

    @property
    def site(self) -> Site: ...
    @property
    def base(self) -> str: ...
    @property
    def entry_keys(self) -> Mapping[str, str]: ...
    @property
    def related(self) -> str: ...
    @property
    def feeds(self) -> Sequence[RenderFeed]: ...
    @property
    def pictures(self) -> PictureIndex | None: ...
    @property
    def json_items(self) -> tuple[str, ...]: ...
    @property
    def listings(self) -> str | None: ...
    @property
    def live(self) -> Mapping[str, int]: ...
    @property
    def sitemap(self) -> Mapping[str, datetime | None]: ...
    @property
    def joined(self) -> Sequence[Joined]: ...
    @property
    def related_added(self) -> Sequence[Shown]: ...
    @property
    def related_answers(self) -> Mapping[str, tuple[str, ...]]: ...


@dataclass(frozen=True, slots=True)
class Rendered:
    """What render_changes() made."""

    outputs: list[Output]
    keys: dict[str, str]
    """The key of each output, by path (none for the news sitemap: always rendered)."""
    articles: list[Article]
    """The articles whose pages were rendered (for the search index's dates)."""
    moved: dict[str, str] = field(default_factory=dict)
    """The old page of each article page that moved, by its new path."""
    urls: dict[str, str] = field(default_factory=dict)
    """The new URL of each article that moved, by its source path."""
    sitemap: dict[str, datetime | None] = field(default_factory=dict)
    """The sitemap entries the moves changed (URL -> lastmod; None: gone)."""


def render_changes(
    state: RenderState,
    articles: list[Article],
    cards: Mapping[str, Article],
    cache: ArticleCache,
    sources: Sequence[SourceBytes],
    made: tuple[jinja2.Environment, str, Mapping[str, str], str],
) -> Rendered | None:
    """Render the pages, feeds and JSON Feed that show ``articles``' bodies and, for
    those in ``cards`` (their versions before, by source path), the pages that show
    their cards, and the sitemaps when their pages moved. Return None when the
    related articles or listings are not known, or a page cannot move quickly.
    ``made`` is the template environment, the generator's name for feeds, the
    article files' digests and the output folder's path (resolved)."""
    env, generator, digests, output = made
    if not articles:
        return Rendered([], {}, [])
    changed = {a.source_path: as_published(a, state) for a in articles}
    related = _related_answer(state, cache, changed, cards.keys())
    if related is None:
        return None
    shown_cards = {path: changed[path] for path in cards if path in changed}
    work = _card_work(state, cache, shown_cards, changed, related, output)
    if shown_cards and work is None:
        return None
    moved = {p: cards[p] for p, a in shown_cards.items() if a.output_path != cards[p].output_path}
    if moved and not _can_move(state, work, {p: changed[p] for p in moved}):
        return None
    loaded = _loaded(state, cache, sources, changed, related, work)
    if loaded is None:
        return None
    site = card_site(state.site, work[0], loaded) if work is not None else state.site
    keys = InputKeys(site, state.base, digests, env)
    problems = Problems()
    jobs = [
        article_page(site, article, tuple(loaded[p] for p in related.get(path, ())))
        for path, article in changed.items()
    ]
    if work is not None:
        jobs += card_jobs(work[1], work[0], site, shown_cards.values(), loaded, related)
    outputs, output_keys = rendered_jobs(jobs, env, keys, problems)
    feeds = [feed for feed in state.feeds if not changed.keys().isdisjoint(feed.items)]
    json_items = None if changed.keys().isdisjoint(state.json_items) else state.json_items
    outputs += feed_outputs(feeds, json_items, site, loaded, keys, generator, output_keys)
    if work is not None and work[1].news:
        news = [loaded[p] for p in work[0].news]
        outputs.append(Output(NEWS_SITEMAP_PATH, news_sitemap(site, news), "news sitemap"))
    if problems.has_errors():
        raise BuildFailed(problems)
    referrers = [loaded[p] for p in work[1].referrers] if work is not None else []
    rendered = Rendered(outputs, output_keys, [*changed.values(), *referrers])
    if not moved or work is None:
        return rendered
    moves = {path: (old, changed[path]) for path, old in moved.items()}
    return _with_moves(rendered, state, work[0], moves, keys)


def _loaded(
    state: RenderState,
    cache: ArticleCache,
    sources: Sequence[SourceBytes],
    changed: Mapping[str, Article],
    related: Mapping[str, tuple[str, ...]],
    work: tuple[QuickListings, CardPages] | None,
) -> dict[str, Article] | None:
    """Return every article the pages and feeds to render show, by source path: the
    ``changed`` ones as they are, the others from the cache (None: one is missing)."""
    feeds = [feed.items for feed in state.feeds if not changed.keys().isdisjoint(feed.items)]
    needed = set().union(*(related.get(path, ()) for path in changed), *feeds)
    if not changed.keys().isdisjoint(state.json_items):
        needed.update(state.json_items)
    if work is not None:
        needed |= work[1].needed(work[0], state.site, related)
    loaded = load_published(state, cache, sources, needed - changed.keys())
    if loaded is not None:
        loaded.update(changed)
    return loaded


def feed_outputs(
    feeds: Iterable[RenderFeed],
    json_items: tuple[str, ...] | None,
    site: Site,
    loaded: Mapping[str, Article],
    keys: InputKeys,
    generator: str,
    output_keys: dict[str, str],
) -> list[Output]:
    """Return ``feeds`` and, unless ``json_items`` is None, the JSON Feed of those items,
    rendered with the articles ``loaded`` (their keys put into ``output_keys``)."""
    outputs = []
    renderer = FeedRenderer(site, generator)
    for feed in feeds:
        plan = FeedPlan(feed.path, feed.channel, tuple(loaded[p] for p in feed.items))
        outputs.append(Output(feed.path, renderer.render(plan), feed.channel.source))
        output_keys[feed.path] = keys.of(None, plan)
    if json_items is not None:
        with_items = replace(site, articles=tuple(loaded[p] for p in json_items))
        outputs.append(render_json_feed(with_items, generator))
        output_keys[FEED_PATH] = keys.of(None, "json", feed_articles(with_items))
    return outputs


def _can_move(
    state: RenderState,
    work: tuple[QuickListings, CardPages] | None,
    moved: Mapping[str, Article],
) -> bool:
    """True when the pages of the ``moved`` articles (their new versions) can move in a
    quick rebuild: no article links to them (its body would change), none has files
    beside it (they move too), and each new page's path is free in the output."""
    if work is None:
        return False
    paths = [article.output_path for article in moved.values()]
    if len(set(paths)) != len(paths):
        return False
    return all(
        content_path(source) not in work[0].linked
        and not article.assets
        and path_free(article.output_path, state.live)
        for source, article in moved.items()
    )


def path_free(path: str, live: Mapping[str, int]) -> bool:
    """True when the output holds neither a file at ``path`` nor one where a folder
    above it goes."""
    parts = path.split("/")
    return all("/".join(parts[:end]) not in live for end in range(1, len(parts) + 1))


def _with_moves(
    rendered: Rendered,
    state: RenderState,
    listings: QuickListings,
    moves: Mapping[str, tuple[Article, Article]],
    keys: InputKeys,
) -> Rendered | None:
    """Return ``rendered`` with the sitemaps the ``moves`` (source path -> the article
    before and after) change, the old pages to remove and the new URLs; None when
    the sitemap files themselves would change."""
    config = state.site.config
    entries: dict[str, datetime | None] = {}
    for old, _ in moves.values():
        entries[page_entry(config, old.output_path, old.modified).loc] = None
    for _, new in moves.values():
        entry = page_entry(config, new.output_path, new.modified)
        entries[entry.loc] = entry.lastmod
    sitemaps = moved_sitemaps((listings.sitemap, state.sitemap), entries, config, keys)
    if sitemaps is None:
        return None
    return replace(
        rendered,
        outputs=[*rendered.outputs, *sitemaps[0]],
        keys={**rendered.keys, **sitemaps[1]},
        moved={new.output_path: old.output_path for old, new in moves.values()},
        urls={path: new.url for path, (_, new) in moves.items()},
        sitemap={**state.sitemap, **entries},
    )


def rendered_jobs(
    jobs: Sequence[PageJob], env: jinja2.Environment, keys: InputKeys, problems: Problems
) -> tuple[list[Output], dict[str, str]]:
    """Render ``jobs``; return their outputs (those whose render failed left out, with
    the problem recorded) and the key of each, by path."""
    outputs: list[Output] = []
    output_keys: dict[str, str] = {}
    for job in jobs:
        data = render_page(env, job, problems)
        if data is not None:
            outputs.append(Output(job.output_path, data, job.source, job.lastmod))
            values = job.context.values()
            output_keys[job.output_path] = keys.of(job.template, job.output_path, *values)
    return outputs, output_keys


def _related_answer(
    state: RenderState,
    cache: ArticleCache,
    changed: Mapping[str, Article],
    cards: Collection[str],
) -> dict[str, tuple[str, ...]] | None:
    """Return the related articles' paths of every article, as the last builds found
    them; None when the cache no longer holds that answer, or when an edited card's
    article shares its time with another (its headline then decides their order)."""
    remembered = stored_related(state, cache)
    if remembered is None:
        return None
    shown, related = remembered
    times = {path: changed[path].date.timestamp() for path in cards if path in changed}
    if times and not _times_unique(shown, times):
        return None
    return related


def stored_related(
    state: RenderState, cache: ArticleCache
) -> tuple[dict[str, Shown], dict[str, tuple[str, ...]]] | None:
    """Return what the related-articles memo the last full build left records, with what
    quick rebuilds changed since laid over it: what each article is shown as, newest
    first, and its related paths, by path (site.related.stored_memo()); None when the
    cache no longer holds that memo."""
    memo = cache.memo(MEMO_NAME)
    stored = stored_memo(memo[1]) if memo is not None and memo[0] == state.related else None
    if stored is None:
        return None
    shown, related = stored
    if state.related_answers:
        related = {**related, **state.related_answers}
    if state.related_added:
        shown = {item[0]: item for item in reversed(state.related_added)} | shown
    return shown, related


def _times_unique(shown: Mapping[str, Shown], times: Mapping[str, float]) -> bool:
    """True when no article but those of ``times`` (path -> its time) has one of their
    times, as ``shown`` records them (path -> path, time, section, tags)."""
    wanted = set(times.values())
    return not any(item[1] in wanted and path not in times for path, item in shown.items())


def _card_work(
    state: RenderState,
    cache: ArticleCache,
    cards: Mapping[str, Article],
    changed: Mapping[str, Article],
    related: Mapping[str, tuple[str, ...]],
    output: str,
) -> tuple[QuickListings, CardPages] | None:
    """Return the listings the last full build of ``output`` left and the pages that show
    the edited ``cards``; None when no card changed or those are not known."""
    if not cards:
        return None
    listings = stored_listings(state, cache, output)
    if listings is None:
        return None
    pages = card_pages(listings, state.site, cards, changed.keys(), related)
    return (listings, pages) if pages is not None else None


def stored_listings(state: RenderState, cache: ArticleCache, output: str) -> QuickListings | None:
    """Return the QuickListings the last full build of ``output`` (its resolved path)
    left, with the articles quick rebuilds published since; None when it left none or
    the cache no longer holds them."""
    if state.listings is None:
        return None
    memo = cache.memo(LISTINGS_MEMO + output)
    if memo is None or memo[0] != state.listings or not is_whole(memo[1], QuickListings):
        return None
    listings: QuickListings = memo[1]  # type: ignore[assignment]
    for added in state.joined:
        listings = with_joined(listings, added, state.site.config.home_latest)
    return listings


def load_published(
    state: RenderState, cache: ArticleCache, sources: Sequence[SourceBytes], paths: Iterable[str]
) -> dict[str, Article] | None:
    """Return the published articles at ``paths`` from the cache, as the site shows them
    (site-wide names, links between articles resolved); None when one is missing."""
    wanted = {state.entry_keys[path]: path for path in paths}
    found = cached_loads(cache, list(wanted), defer=True)
    articles = {}
    for key, path in wanted.items():
        article = found[key][0] if key in found else None
        if article is None:
            return None
        articles[path] = as_published(article, state)
    if state.pictures is not None:  # the cache holds articles as loaded: no Pictures
        pictured = state.pictures.attach(list(articles.values()))
        articles = {article.source_path: article for article in pictured}
    return articles
