"""What a full build leaves for quick rebuilds of the same output (QuickState), and what
the quick rebuilds since have changed of it (QuickChanges): quick_rebuild.py reads
the one with the other laid over it (with_changes()).

The state is stored once by the full build (a memo of its own: at 100,000 articles
it holds every article's path, digest and URL and every output file's inode); each
quick rebuild stores only the QuickChanges of all quick rebuilds since, a few
entries each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import jinja2

from newsgen.build.fingerprint import QuickFound
from newsgen.build.quick_listings import Joined
from newsgen.build.quick_search import QuickSearch
from newsgen.feeds.json_feed import feed_articles
from newsgen.feeds.rss import Channel, FeedPlan
from newsgen.images.index import PictureIndex
from newsgen.models import Author, Section, Site, Tag
from newsgen.render.keys import template_sources
from newsgen.render.pages import ARTICLE_TEMPLATE, article_site
from newsgen.site.crossrefs import article_urls
from newsgen.site.related import Shown

_BODY = "body_html"
_OTHER_BODIES = re.compile(r"(?<!\barticle\.)body_html")
"""A body the article template shows besides its own article's."""


@dataclass(frozen=True, slots=True)
class QuickFeed:
    """One article feed as the last full build planned it."""

    path: str
    channel: Channel
    items: tuple[str, ...]
    """The source paths of its items, newest first."""
    listing: str | None = None
    """The listing it follows: "" for the site's feed, ``section world``, ``tag syria``
    (quick_listings.listing_key()); None: not known."""


@dataclass(frozen=True, slots=True)
class QuickState:
    """What a full build leaves for quick rebuilds of the same output (see module doc)."""

    others: str
    """Fingerprint of every input but the article files (config, templates, options...)."""
    digests: dict[str, str]
    """Hash of each article file's bytes, by source path (``content/world/a.md``)."""
    entry_keys: dict[str, str]
    """The cache key of each article file, by source path."""
    published: frozenset[str]
    """Source paths of the articles the site publishes."""
    base: str
    """The key every output shares (render.keys.base_key)."""
    site: Site
    """The Site with only the parts article pages and feeds read (the rest empty)."""
    sections: dict[str, Section]
    tags: dict[str, Tag]
    authors: dict[str, Author]
    """The site-wide Sections, Tags and Authors by slug (as the Site gave them)."""
    urls: dict[str, str]
    """The URL of each published article by its path in content/ (for links between them)."""
    related: str
    """related_signature() of the site's articles: the related memo must be the same."""
    feeds: tuple[QuickFeed, ...]
    json_items: tuple[str, ...]
    """Source paths of the JSON Feed's items."""
    live: dict[str, int]
    """Every file of the output as the build left it: path -> inode."""
    behind: frozenset[str] | None
    """Paths where the spare tree differs from the output (None: not known)."""
    manifest: str | None
    """state.output_manifest() of the output as the build left it."""
    search: QuickSearch | None = None
    """The search index as the build left it (None: the site has search off)."""
    listings: str | None = None
    """The signature of the QuickListings memo the build left (None: it left none, and
    every edit to a card is a full build)."""
    sitemap: dict[str, datetime | None] = field(default_factory=dict)
    """The sitemap's entries quick rebuilds changed since (URL -> lastmod; None: gone),
    to overlay on those of the QuickListings."""
    joined: tuple[Joined, ...] = ()
    """The articles quick rebuilds published since, oldest first, to lay over the
    QuickListings (quick_listings.with_joined())."""
    related_added: tuple[Shown, ...] = ()
    """What related_articles() reads of each of those articles, oldest first, to lay
    over the related memo's record of every article."""
    related_answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The related paths quick rebuilds changed since, to lay over the memo's."""
    pictures: PictureIndex | None = None
    """The pictures made before, for the articles read back from the cache (never
    stored: try_quick() gives it, from this build's read stage)."""


def make_quick_state(
    site: Site,
    env: jinja2.Environment,
    found: QuickFound,
    plans: Sequence[FeedPlan],
    written: tuple[dict[str, int], str | None],
    previous: QuickState | None,
    related: str,
    search: QuickSearch | None = None,
) -> QuickState | None:
    """Return the QuickState of a full build, or None when quick rebuilds cannot
    work for this site: a template other than the article page's shows article
    bodies, or the article page shows another article's body.

    ``written`` is every file the build left in the output (path -> inode) and
    the output's manifest then; ``previous`` is the last build's state, whose
    files are those of the output this build replaced (now the spare) when its
    manifest is the one the output had before this build. ``related`` is the
    related_signature() of the site's articles (their related articles are
    remembered under it). ``search`` is the search index the build left (None:
    search is off).
    """
    used = {name for name in env.list_templates() if name.endswith(".html")} - {ARTICLE_TEMPLATE}
    if any(_BODY in text for name in used for text in template_sources(env, name)):
        return None
    article_sources = list(template_sources(env, ARTICLE_TEMPLATE))
    if any(_OTHER_BODIES.search(text) for text in article_sources):
        return None
    light = article_site(site, env)
    followed = {site.feed_url: ""}
    followed.update({s.feed_url: f"section {s.slug}" for s in site.sections})
    followed.update({t.feed_url: f"tag {t.slug}" for t in site.tags})
    live, manifest = written
    behind = None
    if previous is not None and previous.manifest is not None and previous.manifest == (
        found.manifest
    ):
        paths = previous.live.keys() | live.keys()
        behind = frozenset(p for p in paths if previous.live.get(p) != live.get(p))
    return QuickState(
        others=found.others,
        digests=dict(found.digests),
        entry_keys=dict(found.entry_keys),
        published=frozenset(a.source_path for a in site.articles),
        base=found.base,
        site=light,
        sections={s.slug: s for s in site.sections},
        tags={t.slug: t for t in site.tags},
        authors={a.slug: a for a in site.authors},
        urls=article_urls(site.articles),
        related=related,
        feeds=tuple(
            QuickFeed(
                p.path,
                p.channel,
                tuple(a.source_path for a in p.items),
                followed.get(p.channel.feed_url),
            )
            for p in plans
        ),
        json_items=tuple(a.source_path for a in feed_articles(site)),
        live=live,
        behind=behind,
        manifest=manifest,
        search=search,
    )


GONE = -1
"""The inode QuickChanges record for a file a quick rebuild removed from the output."""


@dataclass(frozen=True, slots=True)
class QuickChanges:
    """What quick rebuilds changed since the full build that left the QuickState: kept
    apart from it, so that a quick rebuild stores a few entries, not the whole state."""

    digests: dict[str, str]
    entry_keys: dict[str, str]
    live: dict[str, int]
    """The inode of each file the quick rebuilds wrote (GONE: removed), by path."""
    behind: frozenset[str]
    manifest: str | None
    page_keys: dict[str, tuple[str, int]]
    """The key and inode of each file the quick rebuilds wrote, to overlay on the page
    keys the full build stored (so that a quick rebuild need not store them all); a
    file removed has the inode GONE."""
    search: QuickSearch | None = None
    """The search index as the last quick rebuild left it (None: as the full build did)."""
    urls: dict[str, str] = field(default_factory=dict)
    """The new URL of each article a quick rebuild moved, by its path in ``content/``."""
    sitemap: dict[str, datetime | None] = field(default_factory=dict)
    """The sitemap entries that changed (URL -> lastmod; None: gone)."""
    added: tuple[str, ...] = ()
    """The source paths of the articles quick rebuilds published (quick_publish.py)."""
    feeds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The items of each article feed whose items changed, by the feed's path."""
    json_items: tuple[str, ...] | None = None
    """The JSON Feed's items (None: as the full build left them)."""
    joined: tuple[Joined, ...] = ()
    related_added: tuple[Shown, ...] = ()
    related_answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """What those articles changed of the listings and related articles (QuickState)."""

    def then(self, later: QuickChanges) -> QuickChanges:
        """Return these changes followed by ``later`` ones."""
        return QuickChanges(
            {**self.digests, **later.digests},
            {**self.entry_keys, **later.entry_keys},
            {**self.live, **later.live},
            later.behind,
            later.manifest,
            {**self.page_keys, **later.page_keys},
            later.search or self.search,
            {**self.urls, **later.urls},
            {**self.sitemap, **later.sitemap},
            (*self.added, *later.added),
            {**self.feeds, **later.feeds},
            later.json_items or self.json_items,
            (*self.joined, *later.joined),
            (*self.related_added, *later.related_added),
            {**self.related_answers, **later.related_answers},
        )


NO_CHANGES = QuickChanges({}, {}, {}, frozenset(), None, {})


def keys_overlaid(
    keys: Mapping[str, tuple[str, int]], changes: Mapping[str, tuple[str, int]]
) -> dict[str, tuple[str, int]]:
    """Return the page ``keys`` a full build stored (path -> (key, inode)) with the quick
    rebuilds' ``changes`` made (inode GONE: removed)."""
    merged = {**keys, **changes}
    for path in [path for path, (_, inode) in changes.items() if inode == GONE]:
        del merged[path]
    return merged


def _overlaid(live: Mapping[str, int], changes: Mapping[str, int]) -> dict[str, int]:
    """Return ``live`` (path -> inode) with ``changes`` made (GONE: removed); in time of
    the changes, not of the whole output."""
    merged = {**live, **changes}
    for path in [path for path, inode in changes.items() if inode == GONE]:
        del merged[path]
    return merged


def files_after(live: Mapping[str, int], changes: Mapping[str, int]) -> int:
    """Return how many files the output holding ``live`` has once ``changes`` are made."""
    added = sum(inode != GONE and path not in live for path, inode in changes.items())
    removed = sum(inode == GONE and path in live for path, inode in changes.items())
    return len(live) + added - removed


def with_changes(state: QuickState, changes: QuickChanges) -> QuickState:
    """Return ``state`` as the quick rebuilds that made ``changes`` left it."""
    return replace(
        state,
        digests={**state.digests, **changes.digests},
        entry_keys={**state.entry_keys, **changes.entry_keys},
        live=_overlaid(state.live, changes.live),
        behind=changes.behind,
        manifest=changes.manifest,
        search=changes.search or state.search,
        urls={**state.urls, **changes.urls},
        sitemap=changes.sitemap,
        published=state.published | set(changes.added) if changes.added else state.published,
        feeds=tuple(
            replace(feed, items=changes.feeds[feed.path]) if feed.path in changes.feeds else feed
            for feed in state.feeds
        ),
        json_items=changes.json_items or state.json_items,
        joined=changes.joined,
        related_added=changes.related_added,
        related_answers=changes.related_answers,
    )


