"""The build's search step: which pages go to which shard of the search index, and
what the build remembers of the shards for the next one (output/pagefind.py makes
the index, output/search_changes.py says what changed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from pathlib import Path

import jinja2

from newsgen.build.options import BuildOptions
from newsgen.cache.articles import ArticleCache
from newsgen.cache.codec import is_whole
from newsgen.models import Article
from newsgen.output.pagefind import OTHER_SHARD, SearchIndexer, indexed_templates
from newsgen.output.search_changes import IndexedShard
from newsgen.output.write import Copy
from newsgen.render.outputs import PlannedFile

SHARD_PAGES = 2500
"""Most articles a year's shard holds: a year with more is indexed by quarter, so that
a search for a word fetches a few files a shard, and a shard written again after many
changes costs about two seconds."""
SEARCH_MEMO = "search shards "
"""The memo, per output folder, of what the last build knew of its search shards'
pages (output/search_changes.py)."""


def article_shards(articles: Iterable[Article], zone: tzinfo) -> dict[str, tuple[str, str]]:
    """Return the search shard of each article, by its source path, with its date
    (ISO 8601) as the search page sorts it: its year in the site's time zone
    ``zone`` (``2024``), or the quarter of it (``2024-q3``) when the year holds more
    than SHARD_PAGES articles."""
    dates = {article.source_path: article.date.astimezone(zone) for article in articles}
    per_year = Counter(date.year for date in dates.values())
    shards = {}
    for path, date in dates.items():
        name = str(date.year)
        if per_year[date.year] > SHARD_PAGES:
            name += f"-q{(date.month - 1) // 3 + 1}"
        shards[path] = (name, date.isoformat())
    return shards


def article_date(article: Article, zone: tzinfo) -> str:
    """Return the date of ``article`` as the search page sorts it (as article_shards())."""
    return article.date.astimezone(zone).isoformat()


def search_indexer(
    options: BuildOptions,
    env: jinja2.Environment,
    planned: Iterable[PlannedFile],
    copies: Iterable[Copy],
    shards: Mapping[str, tuple[str, str]],
    keys_before: Mapping[str, tuple[str, int]],
    cache: ArticleCache,
    language: str = "en",
) -> SearchIndexer | None:
    """Return the writer's finish step that puts the search index into the new tree,
    or None when no page is indexed (then there is no index).

    The index is made from the pages of the templates that mark what the index
    indexes, and from HTML files copied from ``static/`` (which may mark some too):
    an article's pages go to the shard of its year (``shards``, by source path), the
    others to OTHER_SHARD. ``keys_before`` is what the last build recorded of the
    output's files (empty when the output is not as it left it); what it knew of
    its shards' pages is taken from ``cache``; the site's ``language`` stems its words.
    """
    templates = indexed_templates(env, env.list_templates(extensions=["html"]))
    pages, dates = {}, {}
    for item in planned:
        if item.template in templates:
            pages[item.path], date = shards.get(item.source, (OTHER_SHARD, ""))
            if date:
                dates[item.path] = date
    if not pages:
        return None
    for copy in copies:
        if copy.path.endswith((".html", ".htm")):
            pages[copy.path] = OTHER_SHARD
    output = options.output_dir
    return SearchIndexer(
        pages,
        output,
        keys_before,
        options.progress,
        options.refresh_search,
        dates,
        remembered_shards(cache, output) if keys_before else {},
        language,
    )


def remember_shards(cache: ArticleCache, output: Path, indexer: SearchIndexer) -> None:
    """Remember what ``indexer`` knows of the shards it put into ``output``."""
    cache.put_memo(SEARCH_MEMO + str(output.resolve()), _signature(indexer), indexer.indexed)


def remembered_shards(cache: ArticleCache, output: Path) -> dict[str, IndexedShard]:
    """Return what the last build into ``output`` remembered of its shards' pages."""
    memo = cache.memo(SEARCH_MEMO + str(output.resolve()))
    value = memo[1] if memo else None
    if not isinstance(value, dict):
        return {}
    return {shard: one for shard, one in value.items() if is_whole(one, IndexedShard)}


def _signature(indexer: SearchIndexer) -> str:
    """Return the memo's signature: the keys of the shards it describes."""
    return " ".join(f"{shard}={one.key}" for shard, one in sorted(indexer.indexed.items()))
