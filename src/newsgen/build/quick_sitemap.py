"""The sitemaps in a quick rebuild that moves a page: an article whose new headline
gives it a new slug, and so a new URL.

The sitemaps list every page by URL, sorted, with its ``lastmod``. A full build
leaves that list in its QuickListings (quick_listings.py); quick rebuilds keep
what they changed of it beside (QuickState.sitemap, QuickChanges.sitemap). A
move takes the old URL out and puts the new one in: the sitemap files whose
entries differ are rendered again, the others keep their bytes. The entries
are a SitemapList (models.py) whose columns hold the objects the memo held, but
for the few changed, so that comparing a file's entries before and after is
mostly comparing an object with itself.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Mapping, Sequence
from datetime import datetime

from newsgen.feeds.sitemaps import SitemapEntry, sitemap_entry, sitemap_list, sitemap_parts
from newsgen.models import Output, SiteConfig, SitemapList
from newsgen.render.keys import InputKeys
from newsgen.render.outputs import sitemap_key


def moved_sitemaps(
    listed: tuple[Sequence[SitemapEntry], Mapping[str, datetime | None]],
    moves: Mapping[str, datetime | None],
    config: SiteConfig,
    keys: InputKeys,
) -> tuple[list[Output], dict[str, str]] | None:
    """Return the sitemap files that change when ``moves`` (URL -> lastmod; None: gone)
    are made to the entries ``listed`` (those of the last full build, sorted by URL,
    and what quick rebuilds changed of them since), with their keys; None when the
    files themselves would change (robots.txt names them: a full build)."""
    base, before = listed
    old_entries = with_changes(base, before)
    old_parts = sitemap_parts(config, old_entries)
    new_parts = sitemap_parts(config, with_changes(old_entries, moves))
    if [part.path for part in old_parts] != [part.path for part in new_parts]:
        return None
    outputs: list[Output] = []
    made: dict[str, str] = {}
    for old, new in zip(old_parts, new_parts, strict=True):
        if old.shows != new.shows:
            outputs.append(Output(new.path, new.render(), "sitemap"))
            made[new.path] = sitemap_key(keys, new)
    return outputs, made


def listed_lastmod(
    listed: tuple[Sequence[SitemapEntry], Mapping[str, datetime | None]], loc: str
) -> datetime | None:
    """Return the ``lastmod`` of the entry for ``loc`` in the entries ``listed`` (as for
    moved_sitemaps()), or None when there is none."""
    base, changes = listed
    if loc in changes:
        return changes[loc]
    columns = sitemap_list(base)
    at = bisect.bisect_left(columns.locs, loc)
    return columns.lastmods[at] if at < len(columns) and columns.locs[at] == loc else None


def with_changes(
    entries: Sequence[SitemapEntry], changes: Mapping[str, datetime | None]
) -> SitemapList:
    """Return ``entries`` (sorted by URL) with ``changes`` made (URL -> lastmod; None:
    removed), still sorted, as a SitemapList whose unchanged columns hold the same
    objects."""
    before = sitemap_list(entries)
    if not changes:
        return before
    locs, lastmods, xml = list(before.locs), list(before.lastmods), list(before.xml)
    stamps = array("d")
    stamps.frombytes(before.stamps)
    for loc in sorted(changes):
        lastmod = changes[loc]
        at = bisect.bisect_left(locs, loc)
        present = at < len(locs) and locs[at] == loc
        if lastmod is None:
            if present:
                del locs[at], lastmods[at], xml[at], stamps[at]
            continue
        entry = sitemap_entry(loc, lastmod)
        if present:
            lastmods[at], xml[at], stamps[at] = entry.lastmod, entry.xml, lastmod.timestamp()
        else:
            locs.insert(at, loc)
            lastmods.insert(at, entry.lastmod)
            xml.insert(at, entry.xml)
            stamps.insert(at, lastmod.timestamp())
    return SitemapList(tuple(locs), tuple(lastmods), tuple(xml), stamps.tobytes())
