"""The build's side of quick rebuilds (quick_rebuild.py): when to try one, and what to remember.

A full build leaves its QuickState under QUICK_MEMO; each quick rebuild after
it stores only what it changed (QuickChanges) under QUICK_CHANGES, and updates
the page keys and the last build's record like a full build.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from newsgen.build.fingerprint import LastBuild, QuickFound, output_manifest, valid_until
from newsgen.build.options import GENERATOR, BuildOptions, BuildReport
from newsgen.build.quick_rebuild import quick_rebuild
from newsgen.build.quick_state import (
    NO_CHANGES,
    QuickChanges,
    QuickState,
    files_after,
    with_changes,
)
from newsgen.cache.articles import ArticleCache
from newsgen.cache.codec import is_whole
from newsgen.content.load import LoadSettings, SourceBytes
from newsgen.models import SiteConfig
from newsgen.output.write import spare_listing
from newsgen.render.assets import asset_urls, find_assets
from newsgen.render.templates import make_environment

QUICK_MEMO, QUICK_CHANGES = "quick ", "quick changes "
"""The memos holding the QuickState of an output folder, and the QuickChanges of the
quick rebuilds since, are named these plus its path."""
COMPILED_TEMPLATES = "templates"
"""The folder of compiled templates in ``SITE/.newsgen/`` (see render.make_environment)."""


def quick_state(cache: ArticleCache, output: str) -> tuple[QuickState, QuickChanges] | None:
    """Return the QuickState the last full build left for ``output`` as the quick
    rebuilds since have changed it, and their changes; None when there is none."""
    memo = cache.memo(QUICK_MEMO + output)
    if memo is None or not is_whole(memo[1], QuickState):
        return None
    changes = cache.memo(QUICK_CHANGES + output)
    if changes is None:
        return memo[1], NO_CHANGES  # type: ignore[return-value]
    if not is_whole(changes[1], QuickChanges):
        return None
    return with_changes(memo[1], changes[1]), changes[1]  # type: ignore[arg-type,return-value]


def try_quick(
    options: BuildOptions,
    folders: list[Path],
    config: SiteConfig,
    reading: tuple[LoadSettings, list[SourceBytes], ArticleCache],
    now: datetime,
    found: QuickFound,
    last: LastBuild,
    known: tuple[QuickState, QuickChanges],
) -> BuildReport | None:
    """Rebuild quickly (quick_rebuild.py) when only article bodies changed and the output is as
    the ``last`` build left it; return its report, or None to build in full.

    ``folders`` are the template folders; ``last`` is the last build (whose
    report is a BuildReport).
    """
    settings, sources, cache = reading
    state, changes = known
    if (
        (config.compress and options.precompress)  # the copies are planned in full builds
        or found.manifest is None
        or not (last.manifest == state.manifest == found.manifest)
        or state.others != found.others
        or state.behind is None
        or (last.valid_until is not None and now >= last.valid_until)
    ):
        return None
    # The live preview keeps the index it has; a build brings it up to date.
    search = config.search and options.refresh_search
    if search and state.search is None:
        return None
    output = str(options.output_dir.resolve())
    compiled = cache.folder(COMPILED_TEMPLATES)
    static_roots = [options.source / "static", folders[-1].parent / "static"]
    assets = asset_urls(find_assets(static_roots))
    env = make_environment(folders, config, compiled, cache.note, now, assets)
    writing = (options.output_dir, GENERATOR, now, search)
    result = quick_rebuild(state, sources, settings, cache, env, *writing)
    if result is None:
        return None
    manifest = output_manifest(options.output_dir)
    changes = changes.then(replace(result.changes, manifest=manifest))
    cache.put_memo(QUICK_CHANGES + output, uuid.uuid4().hex, changes)
    files = files_after(state.live, result.changes.live)
    report: BuildReport = replace(
        last.report,  # type: ignore[type-var]
        articles=last.report.articles + len(result.added),  # type: ignore[attr-defined]
        pages=last.report.pages + result.new_pages,  # type: ignore[attr-defined]
        files=files,
        unchanged=files - len(result.inodes),
        cache_hits=len(sources) - result.parsed,
        quick=True,
        pictures_made=0,
        article_urls={**last.report.article_urls, **result.urls},  # type: ignore[attr-defined]
    )
    until = _earliest(last.valid_until, valid_until(result.added, now, config))
    cache.put_last_build(output, LastBuild(found.inputs, until, report, manifest))
    return report


def _earliest(first: datetime | None, second: datetime | None) -> datetime | None:
    """Return the earlier of two moments (None: never)."""
    return min((m for m in (first, second) if m is not None), default=None)


def likely_article_pages(
    sources: list[SourceBytes], found: QuickFound, known: tuple[QuickState, QuickChanges] | None
) -> int:
    """Return how many article pages this build is likely to render: those of the changed
    files when the last build's templates, config, options and static files are this
    one's, else all of them (a helper process is worth starting for many)."""
    if known is None or known[0].others != found.others:
        return len(sources)
    digests = known[0].digests
    return sum(digests.get(item.source.shown) != item.digest for item in sources)


def recorded_spare(
    output: Path, state: QuickState | None, found: QuickFound
) -> dict[str, int] | None:
    """Return the spare tree's files as the last builds recorded them (write.spare_listing),
    or None when they are not known or the output is not as they left it."""
    if state is None or state.behind is None or found.manifest is None:
        return None
    if state.manifest != found.manifest:
        return None
    return spare_listing(output, state.live, state.behind)
