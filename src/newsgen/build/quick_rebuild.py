"""Quick rebuilds: when only article bodies changed, render just the files that show them.

An editor's most common save changes the words of one article and nothing
else about it: not its headline, date, tags, summary or anything else that
other pages list. Then no listing, archive, sitemap or other article's page
changes; only the article's own page, the feeds that carry its full text and
the JSON Feed do. A full rebuild would still load every article, build the
whole Site and work out every output's key (seconds at 10,000 articles)
only to find that.

So every full build leaves a QuickState in the cache: what it needs to
render those few files again without the rest of the site (the feeds'
channels and item lists, the site's parts that the article template reads,
related articles, the URLs that links between articles resolve to) and the
inode of every file it left in the output. A rebuild first checks, cheaply,
that nothing but a few article files changed and that each changed article
differs from its cached version in its body alone; only then does
quick_rebuild() render those files, bring the spare tree up to date on the
paths that differ (output/quick_write.py) and swap it in like any build. In every
other case it returns None and the full build runs. The output is the same
either way: the full build's byte-for-byte tests cover quick rebuilds too.

The next most common save changes what an article's card shows (its headline,
standfirst, pictures, sources) and not where it is listed: then the pages
that list it change too, one page a listing, and those are rendered as well
(quick_cards.py, with the listings the full build left: quick_listings.py).
quick_render.py renders all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import jinja2

from newsgen.build.fingerprint import QuickFound
from newsgen.build.quick_render import Rendered, render_changes
from newsgen.build.quick_search import QuickIndex, QuickSearch, index_changes
from newsgen.build.search_step import article_date, remembered_shards
from newsgen.cache.articles import ArticleCache
from newsgen.content.load import LoadSettings, SourceBytes, load_source, store_loads
from newsgen.feeds.json_feed import feed_articles
from newsgen.feeds.rss import Channel, FeedPlan
from newsgen.models import Article, Author, Output, Section, Site, Tag
from newsgen.output.quick_write import QuickWriteUnavailable, write_changes
from newsgen.render.keys import template_sources
from newsgen.render.pages import ARTICLE_TEMPLATE, article_site
from newsgen.site.crossrefs import article_urls, content_path

QUICK_LIMIT = 20
"""More changed article files than this always take a full rebuild."""
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
            QuickFeed(p.path, p.channel, tuple(a.source_path for a in p.items)) for p in plans
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
    )


@dataclass(frozen=True, slots=True)
class QuickResult:
    """What a quick rebuild wrote."""

    outputs: tuple[Output, ...]
    keys: dict[str, str]
    """The key of each output written, by path."""
    inodes: dict[str, int]
    changes: QuickChanges
    """What this rebuild changed of the state (its manifest still to be filled in)."""
    parsed: int
    """Article files parsed (the others came from the cache or were not needed)."""
    urls: dict[str, str] = field(default_factory=dict)
    """The new URL of each article whose page moved, by its source path."""


def quick_rebuild(
    state: QuickState,
    sources: Sequence[SourceBytes],
    settings: LoadSettings,
    cache: ArticleCache,
    env: jinja2.Environment,
    output: Path,
    generator: str,
    now: datetime,
    search: bool = False,
) -> QuickResult | None:
    """Rebuild quickly when only article bodies changed since ``state`` was left
    (see the module doc); return None, having written nothing, when that is not so.
    With ``search``, the pages written go to the search index's changes shard
    (quick_search.py).

    Raises BuildFailed when a page fails to render (nothing written), SearchError
    when Pagefind fails, and OSError when writing fails (the output is unchanged
    then).
    """
    changed = _changed(state, sources)
    if changed is None:
        return None
    edited = _changed_articles(state, changed, settings, cache)
    if edited is None:
        return None
    articles, cards = edited
    digests = {**state.digests, **{item.source.shown: item.digest for item in changed}}
    state = replace(state, site=replace(state.site, build_time=now))
    shown = [a for a in articles if a.source_path in state.published]
    made = (env, generator, digests, str(output.resolve()))
    rendered = render_changes(state, shown, cards, cache, sources, made)
    if rendered is None:
        return None
    index = _index(state, rendered, cache, output) if search else None
    if search and index is None:
        return None
    removed = rendered.moved.values()
    try:
        inodes = write_changes(
            output, rendered.outputs, state.behind or frozenset(), state.live,
            index and index.index, removed,
        )  # fmt: skip
    except QuickWriteUnavailable:
        return None
    page_keys = {path: (rendered.keys.get(path, ""), inode) for path, inode in inodes.items()}
    page_keys.update({path: ("", GONE) for path in removed})
    if index is not None:
        index_files = index.files()
        page_keys.update({**index_files, **{path: ("", GONE) for path in index.gone()}})
        inodes.update({path: inode for path, (_, inode) in index_files.items()})
    changes = QuickChanges(
        {item.source.shown: item.digest for item in changed},
        {item.source.shown: item.key for item in changed},
        {path: inode for path, (_, inode) in page_keys.items()},
        frozenset(page_keys),
        None,
        page_keys,
        index.after() if index is not None else None,
        {content_path(path): url for path, url in rendered.urls.items()},
        rendered.sitemap,
    )
    return QuickResult(
        tuple(rendered.outputs), rendered.keys, inodes, changes, len(changed), rendered.urls
    )


def _index(
    state: QuickState, rendered: Rendered, cache: ArticleCache, output: Path
) -> QuickIndex | None:
    """Return how the search index takes the pages ``rendered``, or None when it cannot
    quickly (see quick_search.index_changes())."""
    if state.search is None:
        return None
    zone = state.site.config.timezone
    dates = {article.source_path: article_date(article, zone) for article in rendered.articles}
    written = {item.path: dates.get(item.source, "") for item in rendered.outputs}
    remembered = remembered_shards(cache, output)
    live = state.live
    return index_changes(state.search, written, remembered, output, live, rendered.moved)


def _changed(state: QuickState, sources: Sequence[SourceBytes]) -> list[SourceBytes] | None:
    """Return the article files changed since ``state``, or None when the set of
    files changed, none or too many changed."""
    if len(sources) != len(state.digests):
        return None
    changed = []
    for item in sources:
        known = state.digests.get(item.source.shown)
        if known is None:
            return None
        if known != item.digest:
            changed.append(item)
            if len(changed) > QUICK_LIMIT:
                return None
    return changed or None


def _changed_articles(
    state: QuickState, changed: list[SourceBytes], settings: LoadSettings, cache: ArticleCache
) -> tuple[list[Article], dict[str, Article]] | None:
    """Load the changed files; return their articles when each one loads without a
    problem and differs from its cached version in the body alone or, when the state
    has listings, in what its card shows alone and perhaps its URL (quick_cards.py);
    with the versions before of those whose card changed, by source path. Else
    return None.

    The loads are cached either way: a full build that follows need not parse
    them again.
    """
    old_keys = [state.entry_keys[item.source.shown] for item in changed]
    previous = cache.get_many(old_keys)
    context = settings.context()
    loads = [(item, *load_source(item, context)) for item in changed]
    cards: dict[str, Article] | None = {}
    for (item, (article, problems), same), old_key in zip(loads, old_keys, strict=True):
        old = _loaded_article(previous.get(old_key))
        if cards is None or not same or problems or article is None or old is None:
            cards = None
        elif not _body_only(article, old):
            cards = cards if state.listings and _card_only(article, old) else None
            if cards is not None:
                cards[item.source.shown] = old
    fresh = [(item.key, loaded) for item, loaded, same in loads if same]
    store_loads(cache, fresh, forget=old_keys if cards is not None else ())
    if cards is None:
        return None
    return [article for _, (article, _), _ in loads], cards  # type: ignore[misc]


def _loaded_article(cached: object) -> Article | None:
    """Return the Article of ``cached``, a load from the cache, when it had no problem."""
    if not isinstance(cached, tuple) or cached[1] or not isinstance(cached[0], Article):
        return None
    return cached[0]


def _body_only(new: Article, old: Article) -> bool:
    """True when ``new`` equals ``old`` in every field but the body."""
    return replace(new, body_html="") == replace(old, body_html="")


_CARD = {"headline": "", "summary": "", "sources": (), "images": (), "extra": {}}
"""What an article's card (and page) may show differently after a quick rebuild."""
_PLACE = {"slug": "", "url": "", "permalink": "", "output_path": ""}
"""Where its page is: a new headline makes a new slug when the article has no ``slug:``."""


def _card_only(new: Article, old: Article) -> bool:
    """True when ``new`` differs from ``old`` in what its card and page show alone (see
    quick_cards.py) and perhaps its page's URL, not in where it is listed, its dates,
    its corrections or the articles it links to."""
    if old.corrections or new.corrections:  # the corrections page shows their headlines
        return False
    if [a.path for a in new.aliases] != [a.path for a in old.aliases]:
        return False
    if [ref.target for ref in new.link_refs] != [ref.target for ref in old.link_refs]:
        return False
    blank = {**_CARD, **_PLACE, "body_html": "", "aliases": (), "link_refs": ()}
    return replace(new, **blank) == replace(old, **blank)
