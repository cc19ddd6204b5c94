"""The sitemaps in a quick rebuild that moves a page: an article whose new headline
gives it a new slug, and so a new URL.

The sitemaps list every page by URL, sorted, with its ``lastmod``. A full build
leaves that list in its QuickListings (quick_listings.py); quick rebuilds keep
what they changed of it beside (QuickState.sitemap, QuickChanges.sitemap). A
move takes the old URL out and puts the new one in: the sitemap files whose
entries differ are rendered again, the others keep their bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from newsgen.feeds.sitemaps import SitemapEntry, sitemap_parts
from newsgen.models import Output, SiteConfig
from newsgen.render.keys import InputKeys
from newsgen.render.outputs import sitemap_key


def moved_sitemaps(
    listed: tuple[Mapping[str, datetime], Mapping[str, datetime | None]],
    moves: Mapping[str, datetime | None],
    config: SiteConfig,
    keys: InputKeys,
) -> tuple[list[Output], dict[str, str]] | None:
    """Return the sitemap files that change when ``moves`` (URL -> lastmod; None: gone)
    are made to the entries ``listed`` (those of the last full build and what quick
    rebuilds changed of them since), with their keys; None when the files themselves
    would change (robots.txt names them: a full build)."""
    base, before = listed
    old_parts = sitemap_parts(config, _entries(base, before))
    new_parts = sitemap_parts(config, _entries(base, {**before, **moves}))
    if [part.path for part in old_parts] != [part.path for part in new_parts]:
        return None
    outputs: list[Output] = []
    made: dict[str, str] = {}
    for old, new in zip(old_parts, new_parts, strict=True):
        if old.shows != new.shows:
            outputs.append(Output(new.path, new.render(), "sitemap"))
            made[new.path] = sitemap_key(keys, new)
    return outputs, made


def _entries(
    base: Mapping[str, datetime], changes: Mapping[str, datetime | None]
) -> list[SitemapEntry]:
    """Return the entries of ``base`` (URL -> lastmod) with ``changes`` made, by URL."""
    merged = {**base, **changes}
    return [SitemapEntry(loc, merged[loc]) for loc in sorted(merged) if merged[loc] is not None]  # type: ignore[arg-type]
