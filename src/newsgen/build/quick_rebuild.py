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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import jinja2

from newsgen.build.image_step import quick_pictures
from newsgen.build.inputs import default_theme
from newsgen.build.quick_publish import (
    Publication,
    publication,
    render_publication,
    search_shard,
)
from newsgen.build.quick_render import Rendered, render_changes, stored_listings, stored_related
from newsgen.build.quick_search import QuickIndex, index_changes
from newsgen.build.quick_state import GONE, QuickChanges, QuickState
from newsgen.build.search_step import article_date, remembered_shards
from newsgen.cache.articles import ArticleCache
from newsgen.content.load import LoadSettings, SourceBytes, load_source, store_loads
from newsgen.models import Article, Output
from newsgen.output.quick_write import QuickWriteUnavailable, write_changes
from newsgen.site.crossrefs import content_path

QUICK_LIMIT = 20
"""More changed article files than this always take a full rebuild."""


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
    """The new URL of each article whose page moved or was added, by its source path."""
    added: tuple[Article, ...] = ()
    """The articles it published (quick_publish.py)."""
    new_pages: int = 0
    """How many HTML pages the site gained."""


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
    """Rebuild quickly when only article bodies or cards changed since ``state`` was
    left, or one article was added, the newest (see the module doc); return None,
    having written nothing, when that is not so. With ``search``, the pages written
    go to the search index's changes shard (quick_search.py).

    Raises BuildFailed when a page fails to render (nothing written), SearchError
    when Pagefind fails, and OSError when writing fails (the output is unchanged
    then).
    """
    found = _changed(state, sources)
    if found is None:
        return None
    changed = found[0]
    digests = {**state.digests, **{item.source.shown: item.digest for item in changed}}
    state = replace(state, site=replace(state.site, build_time=now))
    made = (env, generator, digests, str(output.resolve()))
    work = _rendered(state, found, settings, cache, sources, made)
    if work is None:
        return None
    rendered, published = work
    index = None
    if search:
        shards = _new_shards(state, published)
        index = _index(state, rendered, cache, output, shards) if shards is not None else None
        if index is None:
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
    changes = _changes(changed, rendered, page_keys, index, published)
    return QuickResult(
        tuple(rendered.outputs),
        rendered.keys,
        inodes,
        changes,
        len(changed),
        rendered.urls,
        (published.article,) if published is not None else (),
        1 + published.new_pages if published is not None else 0,
    )


def _rendered(
    state: QuickState,
    found: tuple[list[SourceBytes], list[SourceBytes]],
    settings: LoadSettings,
    cache: ArticleCache,
    sources: Sequence[SourceBytes],
    made: tuple[jinja2.Environment, str, dict[str, str], str],
) -> tuple[Rendered, Publication | None] | None:
    """Return what the ``found`` changes (the files changed, and those new) render, and
    the article published when one was added; None when they cannot be quick."""
    changed, added = found
    if added:
        work = _published(state, changed, added, settings, cache, sources, made)
        return (work[0], work[1]) if work is not None and work[0] is not None else None
    edited = _changed_articles(state, changed, settings, cache)
    if edited is None:
        return None
    pictured = _with_pictures(edited[0], state, settings, edited[1])
    if pictured is None:
        return None
    (articles, pictures), cards = pictured, edited[1]
    shown = [a for a in articles if a.source_path in state.published]
    rendered = render_changes(state, shown, cards, cache, sources, made)
    if rendered is None:
        return None
    rendered.outputs.extend(pictures)
    return rendered, None


def _new_shards(state: QuickState, published: Publication | None) -> dict[str, str] | None:
    """Return the search shard of the page ``published`` adds, by its path ({} for none);
    None when the index cannot take it quickly."""
    if published is None or state.search is None:
        return {}
    shard = search_shard(published, state.search.order, state.site.config.timezone)
    return {published.article.output_path: shard} if shard is not None else None


def _changes(
    changed: list[SourceBytes],
    rendered: Rendered,
    page_keys: dict[str, tuple[str, int]],
    index: QuickIndex | None,
    published: Publication | None,
) -> QuickChanges:
    """Return what a quick rebuild of the ``changed`` files that wrote ``rendered`` (with
    ``page_keys``: path -> key, inode) changed of the state."""
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
    return _publication_changes(changes, published) if published is not None else changes


def _published(
    state: QuickState,
    changed: list[SourceBytes],
    added: list[SourceBytes],
    settings: LoadSettings,
    cache: ArticleCache,
    sources: Sequence[SourceBytes],
    made: tuple[jinja2.Environment, str, dict[str, str], str],
) -> tuple[Rendered | None, Publication] | None:
    """Return what publishing the one article ``added`` renders (quick_publish.py), when
    no other file ``changed``, the article loads without a problem, is published (no
    draft, not scheduled) and can join the site quickly; else None."""
    if len(added) != 1 or len(changed) != 1 or state.listings is None:
        return None
    article = _load_added(added[0], settings, cache)
    now = state.site.build_time
    if article is None or article.draft or now is None or article.date > now:
        return None
    pictured = _with_pictures([article], state, settings, {})
    if pictured is None:
        return None
    article, pictures = pictured[0][0], pictured[1]
    listings = stored_listings(state, cache, made[3])
    related = stored_related(state, cache)
    if listings is None or related is None:
        return None
    added_article = publication(state, listings, related, article, made[0])
    if added_article is None:
        return None
    sitemap = listings.sitemap
    rendered = render_publication(state, added_article, cache, sources, made, sitemap)
    if rendered is not None:
        rendered.outputs.extend(pictures)
    return rendered, added_article


def _with_pictures(
    articles: list[Article],
    state: QuickState,
    settings: LoadSettings,
    before: Mapping[str, Article],
) -> tuple[list[Article], list[Output]] | None:
    """Return ``articles`` holding their Pictures, and the files of crops made for them
    now, when a quick rebuild can show them (build/image_step.quick_pictures(); the
    versions ``before`` of those edited, by source path); None when a full build must."""
    static = settings.content_root.parent / "static"
    roots = (static, default_theme() / "static", settings.content_root)
    return quick_pictures(articles, state.pictures, state.live, before, roots)


def _load_added(item: SourceBytes, settings: LoadSettings, cache: ArticleCache) -> Article | None:
    """Load the new article file ``item`` (cached for the full build that may follow);
    return its article, or None when it has a problem."""
    (article, problems), same = load_source(item, settings.context())
    if same:
        store_loads(cache, [(item.key, (article, problems))])
    return None if problems else article


def _publication_changes(changes: QuickChanges, published: Publication) -> QuickChanges:
    """Return ``changes`` with what publishing ``published`` changed of the state beside
    the files: the article, its place in the feeds and the listings, and the related
    articles it changed (laid over the memos by the next quick rebuild, so that none
    of those, which hold every article, is stored again)."""
    return replace(
        changes,
        added=(published.article.source_path,),
        feeds=published.feeds,
        json_items=published.json_items,
        joined=(published.joined,),
        related_added=(published.related.shown,),
        related_answers=published.related.changed,
    )


def _index(
    state: QuickState,
    rendered: Rendered,
    cache: ArticleCache,
    output: Path,
    added: dict[str, str],
) -> QuickIndex | None:
    """Return how the search index takes the pages ``rendered`` (``added``: the shard of
    each new page), or None when it cannot quickly (see quick_search.index_changes())."""
    if state.search is None:
        return None
    zone = state.site.config.timezone
    dates = {article.source_path: article_date(article, zone) for article in rendered.articles}
    written = {item.path: dates.get(item.source, "") for item in rendered.outputs}
    remembered = remembered_shards(cache, output)
    live = state.live
    search = state.search
    language = state.site.config.language
    return index_changes(search, written, remembered, output, live, rendered.moved, added, language)


def _changed(
    state: QuickState, sources: Sequence[SourceBytes]
) -> tuple[list[SourceBytes], list[SourceBytes]] | None:
    """Return the article files changed since ``state`` (new ones included) and the new
    ones; None when a file is gone, none changed or too many did."""
    changed, added = [], []
    for item in sources:
        known = state.digests.get(item.source.shown)
        if known is None:
            added.append(item)
        if known != item.digest:
            changed.append(item)
            if len(changed) > QUICK_LIMIT:
                return None
    if len(sources) - len(added) != len(state.digests):
        return None
    return (changed, added) if changed else None


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


_CARD = {
    **{"headline": "", "summary": "", "standfirst": "", "label": ""},
    **{"sources": (), "images": (), "extra": {}},
}
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
    if (new.lead_image is None) != (old.lead_image is None):  # the front page's choice
        return False
    blank = {**_CARD, **_PLACE, "body_html": "", "aliases": (), "link_refs": ()}
    return replace(new, **blank) == replace(old, **blank)
