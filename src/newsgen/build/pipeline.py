"""The build pipeline, start to end: config -> discover -> load -> Site -> render -> write.

This module holds the build's start: its turn (locks), config and cache, the read
stage (build/read_stage.py: every input found and fingerprinted, nothing parsed)
and the choice between the last build's report (nothing changed), a quick rebuild
(build/quick_attempt.py) and a full build (build/full_build.py), which load,
render and write. Those two are imported only when a build needs them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

from newsgen.build.fingerprint import LastBuild, output_manifest, still_valid, valid_until
from newsgen.build.inputs import default_theme, static_copies, template_dirs
from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.read_stage import read_inputs
from newsgen.build.turn import SITE_LOCK, build_turn
from newsgen.cache.articles import CACHE_DIR, ArticleCache, open_cache
from newsgen.config import load_config
from newsgen.errors import BuildFailed, Problems
from newsgen.gc_pause import collector_paused, collector_reset
from newsgen.models import SiteConfig
from newsgen.output.write import Copy, check_output_dir


def build(options: BuildOptions) -> BuildReport:
    """Build the site described by ``options`` and return a report.

    One build at a time writes an output folder, and one at a time uses a
    site's cache: a build waits up to ``options.wait`` seconds for another.
    Raises BuildFailed with every problem found (nothing is written then),
    OutputError when the output directory is unsafe to replace, LockBusy when
    another build held on longer than the wait, and KeyboardInterrupt (Ctrl-C,
    or SIGTERM through the CLI) with a message saying what the output folder
    holds now.
    """
    started = time.perf_counter()
    check_output_dir(options.output_dir, options.source)
    turn = build_turn(options.source, options.output_dir, options.wait, options.waiting)
    with turn as lock_note, collector_reset():
        return _build(options, started, lock_note)


def _build(options: BuildOptions, started: float, lock_note: str | None) -> BuildReport:
    """Build while holding the build locks (see build()). What was wrong with the
    site's lock file (``lock_note``) is one more warning of the cache's, never stored
    with the report (the next build would repeat it)."""
    problems = Problems()
    with collector_paused():  # 100,000s of paths and stats, all kept: nothing to collect
        copies = static_copies(options.source, default_theme(), problems)  # the config names some
    static = frozenset(copy.path for copy in copies)
    config = load_config(options.source, options.base_url, static)
    cache = open_cache(options.source, options.cache)
    if lock_note is not None:
        cache.note(f"{CACHE_DIR}/{SITE_LOCK}", lock_note)
    try:
        report = _build_with(options, started, config, cache, (copies, problems))
    except BuildFailed as failure:
        warning = cache.warning()
        if warning is None:
            raise
        raise BuildFailed([*failure.problems, warning]) from None
    finally:
        cache.close()
    warning = cache.warning()
    return replace(report, warnings=(*report.warnings, warning)) if warning else report


def _build_with(
    options: BuildOptions,
    started: float,
    config: SiteConfig,
    cache: ArticleCache,
    static: tuple[list[Copy], Problems],
) -> BuildReport:
    """Read the inputs; return the last report when nothing changed, a quick rebuild's
    when only article bodies did, else build in full. ``static`` is what
    static_copies() found, with the problems found so far."""
    output = str(options.output_dir.resolve())
    now = options.now or datetime.now(UTC)
    with collector_paused(keep=True):
        read = read_inputs(options, config, cache, static)
    last, found, problems = read.last, read.found, read.problems
    if not problems.has_errors() and still_valid(last, found.inputs, now, found.manifest):
        assert last is not None and isinstance(last.report, BuildReport)
        return replace(
            last.report,
            unchanged=last.report.files,
            cache_hits=len(read.sources),
            seconds=time.perf_counter() - started,
            pictures_made=0,
        )
    # Only now the modules that render and write: a build that finds nothing changed
    # (the most frequent) does not pay for importing them (about a tenth of a second).
    from newsgen.build.full_build import full_build
    from newsgen.build.image_step import picture_index
    from newsgen.build.quick_attempt import quick_state, try_quick

    known = quick_state(cache, output)
    if not problems.has_errors() and known is not None and last is not None:
        folders = template_dirs(options.source, default_theme())
        reading = (read.settings, read.sources, cache)
        pictures = picture_index(config, read.file_digests, cache)
        known = (replace(known[0], pictures=pictures), known[1])
        quick = try_quick(options, folders, config, reading, now, found, last, known)
        if quick is not None:
            return replace(quick, seconds=time.perf_counter() - started)
    hits = cache.hits  # a quick attempt's reads are not the full build's
    report, loaded = full_build(options, config, cache, read, known, now)
    report = replace(report, cache_hits=cache.hits - hits, seconds=time.perf_counter() - started)
    expiry, manifest = valid_until(loaded, now, config), output_manifest(options.output_dir)
    cache.put_last_build(output, LastBuild(found.inputs, expiry, report, manifest))
    return report
