"""The build pipeline, start to end: config -> discover -> load -> Site -> render -> write."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from . import __version__
from .authors import AUTHORS_FILE, load_author_profiles
from .cache import CACHE_DIR, ArticleCache, open_cache
from .clash_report import report_name_clashes
from .collector import (
    collector_paused,
    collector_reset,
    release_free_memory,
)
from .config import CONFIG_FILE, load_config
from .crossrefs import resolve_article_links
from .depends import InputKeys, base_key
from .discover import discover_content
from .errors import BuildFailed, Problem, Problems
from .feeds import feed_plans
from .file_hashes import file_hashes
from .loading import LoadSettings, body_reloader, default_jobs, load_articles, read_sources
from .locks import DEFAULT_WAIT, Waiting
from .models import Article, SiteConfig
from .outputs import PlannedFile, fresh_or_kept, plan_outputs
from .quick import QuickChanges, QuickFound, QuickState, make_quick_state
from .quickbuild import (
    COMPILED_TEMPLATES,
    GENERATOR,
    QUICK_CHANGES,
    QUICK_MEMO,
    likely_article_pages,
    quick_state,
    recorded_spare,
    try_quick,
)
from .quickwrite import make_spare
from .related import remembered_related
from .render import make_environment
from .renderpool import HELPER_PAGES, PageHelper, page_helper
from .search import INDEX_DIR, SearchIndexer, indexed_templates
from .site import Claim, NameLimits, build_site, find_collisions, find_unwritable
from .state import (
    LastBuild,
    inputs_fingerprint,
    output_manifest,
    still_valid,
    valid_until,
    with_articles,
)
from .taxonomy import name_clashes
from .theme import default_theme, static_copies, template_bytes, template_dirs
from .turn import SITE_LOCK, build_turn
from .write import Copy, check_output_dir, write_site


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and where; the CLI's flags."""

    source: Path
    """The site root, holding ``newsgen.yaml`` and ``content/``."""
    output: Path | None = None
    """The output directory; default ``SOURCE/public``."""
    base_url: str | None = None
    """Replaces ``base_url`` from ``newsgen.yaml`` (for previews and staging hosts)."""
    drafts: bool = False
    """Build drafts too."""
    future: bool = False
    """Build articles dated after the build time too."""
    now: datetime | None = None
    """The build time (default: the clock); decides scheduled articles and the news sitemap."""
    jobs: int | None = None
    """Processes to parse articles in (default: every core this process may use); above
    1, a build that renders many article pages has a helper process render them."""
    cache: bool = True
    """Use and update the article cache in ``SOURCE/.newsgen/``."""
    progress: Callable[[str, int, int], None] | None = None
    """Told ``(stage, done, total)`` as the build goes (the CLI's progress bar)."""
    refresh_search: bool = True
    """Index the site again when an indexed page changed; False keeps the output's
    index while it has one (the live preview, whose rebuilds must be quick)."""
    spare_ready: bool = False
    """After a build that left no spare tree (a new output folder), make one at once,
    so that the next rebuild can be quick (the live preview)."""
    wait: float = DEFAULT_WAIT
    """Seconds to wait for another build of the same output folder or site to finish
    before giving up (locks.py)."""
    waiting: Waiting | None = None
    """Told a line saying whom the build waits for, when it has to (the CLI prints it)."""

    @property
    def output_dir(self) -> Path:
        """The output directory to write."""
        return self.output if self.output is not None else self.source / "public"


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a successful build did."""

    articles: int
    """Articles published."""
    pages: int
    """HTML pages and feeds written."""
    files: int
    """All files written, copies included."""
    drafts_skipped: int
    """Drafts left out (0 with ``--drafts``)."""
    seconds: float
    """Wall time of the build."""
    warnings: tuple[Problem, ...] = field(default=())
    """Problems that did not fail the build."""
    future_skipped: int = 0
    """Articles dated after the build time left out (0 with ``--future``)."""
    unchanged: int = 0
    """Files whose bytes the previous output already had (kept, not rewritten)."""
    cache_hits: int = 0
    """Articles taken from the cache instead of being parsed and rendered."""
    article_urls: Mapping[str, str] = field(default_factory=dict)
    """The URL path of each published article by its source file (``content/world/a.md``)."""
    quick: bool = False
    """True when only article bodies changed and the build rendered just the files
    that show them (quick.py)."""


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
    """Read the inputs; return the last report when nothing changed, else build.
    ``static`` is what static_copies() found, with the problems found so far."""
    root, output = options.source, str(options.output_dir.resolve())
    now = options.now or datetime.now(UTC)
    copies, problems = static
    tree = discover_content(root, problems)
    theme = default_theme()
    settings = LoadSettings(
        config, root / "content", frozenset(copy.path for copy in copies), tree.assets
    )
    sources = read_sources(tree, settings, problems, cache)
    cache.reload = body_reloader(sources, settings)  # for a body the cache cannot give back
    templates = template_bytes(template_dirs(root, theme), problems)
    read_files = [(CONFIG_FILE, root / CONFIG_FILE), (AUTHORS_FILE, root / AUTHORS_FILE)]
    other_files = [(copy.path, copy.source) for copy in copies]
    other_files += [(f"content/{asset}", root / "content" / asset) for asset in tree.assets]
    hashed = file_hashes(other_files, cache if cache.stores else None)
    shown_options = [options.drafts, options.future, options.base_url]
    others = inputs_fingerprint((), [*read_files, *templates], hashed, shown_options)
    inputs = with_articles(others, [(i.source.content_relative, i.digest) for i in sources])
    last, manifest = _complete(cache.last_build(output)), output_manifest(options.output_dir)
    if not problems.has_errors() and still_valid(last, inputs, now, manifest):
        assert isinstance(last, LastBuild) and isinstance(last.report, BuildReport)
        return replace(
            last.report,
            unchanged=last.report.files,
            cache_hits=len(sources),
            seconds=time.perf_counter() - started,
        )
    digests = {item.source.shown: item.digest for item in sources}
    found = QuickFound(
        others,
        inputs,
        digests,
        {item.source.shown: item.key for item in sources},
        base_key(__version__, GENERATOR, config, (options.drafts, options.future), templates),
        manifest,
    )
    known = quick_state(cache, output)
    if not problems.has_errors() and known is not None and last is not None:
        folders = template_dirs(root, theme)
        reading = (settings, sources, cache)
        quick = try_quick(options, folders, config, reading, now, found, last, known)
        if quick is not None:
            return replace(quick, seconds=time.perf_counter() - started)
    # The page keys recorded name the output's files by inode, which holds only while the
    # output is as this site's last build left it: a build of another site into the same
    # folder makes new files, which may take the inode numbers of those it replaced.
    recorded = last is not None and last.manifest == manifest
    jobs = options.jobs or default_jobs()
    likely = likely_article_pages(sources, found, known)
    with page_helper(cache, jobs, likely) as helper:  # forked while this is small
        with collector_paused(keep=True):  # many long-lived objects, no cycles among them
            loaded = load_articles(
                sources, settings, cache, jobs, problems, options.progress, defer_bodies=True
            )
        release_free_memory()
        few = likely < HELPER_PAGES  # few pages to render, little garbage: no collector
        with collector_paused() if few else contextlib.nullcontext():
            report = _render_and_write(
                options,
                theme,
                config,
                now,
                loaded,
                _Inputs(copies, digests, templates, cache, found, known, recorded, helper),
                problems,
            )
    report = replace(report, cache_hits=cache.hits, seconds=time.perf_counter() - started)
    expiry, manifest = valid_until(loaded, now), output_manifest(options.output_dir)
    cache.put_last_build(output, LastBuild(inputs, expiry, report, manifest))
    return report


def _complete(last: object) -> LastBuild | None:
    """Return ``last`` when it is a LastBuild whose report has every field this newsgen's
    BuildReport has (one pickled by an older newsgen may lack some), else None."""
    if not isinstance(last, LastBuild) or not isinstance(last.report, BuildReport):
        return None
    report = last.report
    return last if all(hasattr(report, spec.name) for spec in fields(report)) else None


def _render_and_write(
    options: BuildOptions,
    theme: Path,
    config: SiteConfig,
    now: datetime,
    loaded: list[Article],
    inputs: _Inputs,
    problems: Problems,
) -> BuildReport:
    """Build the Site from the loaded articles, render the outputs whose inputs changed
    since the last build (all of them without a cache) and write the site."""
    root, copies = options.source, inputs.copies
    published = [a for a in loaded if _is_published(a, now, options)]
    published = resolve_article_links(published, loaded, problems)
    static_files = frozenset(copy.path for copy in copies)
    profiles = load_author_profiles(root, config, static_files, problems)
    report_name_clashes(root, name_clashes(config, loaded, profiles), problems)
    related = remembered_related(inputs.cache)
    with collector_paused(keep=True):
        site = build_site(config, published, now, profiles, related)
    folders = template_dirs(root, theme)
    compiled = inputs.cache.folder(COMPILED_TEMPLATES)
    env = make_environment(folders, config, compiled, inputs.cache.note)
    output = str(options.output_dir.resolve())
    previous = inputs.quick  # and the page keys quick rebuilds wrote:
    keys_before = {**inputs.cache.page_keys(output), **(previous[1].page_keys if previous else {})}
    if not inputs.recorded:  # the output is not as the last build left it: nothing is kept
        keys_before = {}
    hand_off = inputs.helper and inputs.helper.pages(
        site, env, folders, compiled, inputs.found.entry_keys, problems
    )
    if hand_off and not keys_before:  # nothing recorded: every article page is rendered
        hand_off.hand_early(site)  # so the helper starts now, while the build plans
    keys = InputKeys(site, inputs.found.base, inputs.digests, env)
    plans = feed_plans(site)
    with collector_paused(keep=True):
        planned = plan_outputs(site, env, keys, GENERATOR, problems, plans)
    if any(copy.path == ROBOTS for copy in copies):  # the site's own robots.txt wins
        planned = [item for item in planned if item.path != ROBOTS]
    copies = copies + [
        Copy(asset.source, asset.output_path, article.source_path)
        for article in published
        for asset in article.assets
    ]
    _check_outputs(planned, copies, problems, config.search, name_limits(options.output_dir))
    if problems.has_errors():
        raise BuildFailed(problems)
    indexer = _search_indexer(options, config, planned, copies, env, keys_before)
    fresh = fresh_or_kept(planned, keys_before, problems, options.progress, hand_off)
    spare_files = recorded_spare(options.output_dir, previous and previous[0], inputs.found)
    starting = hand_off.write_into if hand_off else None
    written = write_site(options.output_dir, fresh, copies, indexer, spare_files, starting)
    index = indexer.recorded() if indexer else {}
    inputs.cache.put_page_keys(output, {**_page_keys(planned, written.inodes), **index})
    pages = len(planned)
    del planned, fresh, keys  # every page's context and key: free them for what follows
    live = {**written.inodes, **{path: inode for path, (_, inode) in index.items()}}
    after = (live, output_manifest(options.output_dir))
    state = make_quick_state(
        site, env, inputs.found, plans, after, previous and previous[0], related.signature or ""
    )
    if state is not None and options.spare_ready and make_spare(options.output_dir):
        state = replace(state, behind=frozenset())  # the spare is the live output now
    inputs.cache.forget_memo(QUICK_CHANGES + output)  # first: a stale state is never used
    inputs.cache.put_memo(QUICK_MEMO + output, uuid.uuid4().hex, state)
    return BuildReport(
        articles=len(published),
        pages=pages,
        files=written.files + len(index),
        unchanged=written.unchanged + (len(index) if indexer and indexer.reused else 0),
        drafts_skipped=0 if options.drafts else sum(a.draft for a in loaded),
        seconds=0.0,
        warnings=tuple(problems.warnings),
        future_skipped=0 if options.future else sum(a.date > now for a in loaded),
        article_urls={a.source_path: a.url for a in published},
    )


ROBOTS = "robots.txt"


@dataclass(frozen=True, slots=True)
class _Inputs:
    """What the render stage needs of the read stage besides the articles."""

    copies: list[Copy]
    digests: dict[str, str]
    """Hash of each article file's bytes, by its path from the site root."""
    templates: list[tuple[str, bytes]]
    """Every template file by name, with its bytes (read once per build)."""
    cache: ArticleCache
    found: QuickFound
    """What the build found before loading (for the QuickState it leaves)."""
    quick: tuple[QuickState, QuickChanges] | None
    """The QuickState the last build left, with the quick rebuilds' changes since."""
    recorded: bool
    """True when the output is as the last build of this site left it (its manifest):
    only then do the page keys recorded name its files."""
    helper: PageHelper | None = None
    """A process to render article pages in meanwhile (renderpool.py)."""


def _search_indexer(
    options: BuildOptions,
    config: SiteConfig,
    planned: list[PlannedFile],
    copies: list[Copy],
    env: jinja2.Environment,
    previous: Mapping[str, tuple[str, int]],
) -> SearchIndexer | None:
    """Return the writer's finish step that puts the search index into the new tree,
    or None when search is off or no page is indexed (then there is no index).

    The index is made from the pages of the templates that mark what Pagefind
    indexes, and from HTML files copied from ``static/`` (which may mark some too).
    Raises SearchError when Pagefind is needed and missing.
    """
    if not config.search:
        return None
    templates = indexed_templates(env, env.list_templates(extensions=["html"]))
    pages = [item.path for item in planned if item.template in templates]
    if not pages:
        return None
    pages += [copy.path for copy in copies if copy.path.endswith((".html", ".htm"))]
    return SearchIndexer(
        pages, options.output_dir, previous, options.progress, options.refresh_search
    )


def _page_keys(planned: list[PlannedFile], inodes: Mapping[str, int]) -> dict[str, tuple[str, int]]:
    """Return what to remember of each keyed file written: its key and its inode."""
    return {
        item.path: (item.key, inodes[item.path])
        for item in planned
        if item.key is not None and item.path in inodes
    }


def name_limits(output: Path) -> NameLimits:
    """Return the longest name and path the file system of ``output`` allows below it
    (asked of the nearest folder that exists; the usual Linux limits when it cannot say)."""
    folder = output.absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    limits = NameLimits()
    try:
        name = os.pathconf(folder, "PC_NAME_MAX")
        path = os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError):
        return limits
    below = len(os.fsencode(output.absolute())) + 1
    name = name if name > 0 else limits.name
    path = path if path > 0 else limits.path
    return NameLimits(name, max(path - below - 1, 0), limits.depth)


def _is_published(article: Article, now: datetime, options: BuildOptions) -> bool:
    """Drafts need ``--drafts``; articles dated after the build time need ``--future``."""
    return (options.drafts or not article.draft) and (options.future or article.date <= now)


def _check_outputs(
    outputs: list[PlannedFile],
    copies: list[Copy],
    problems: Problems,
    search: bool,
    limits: NameLimits,
) -> None:
    """Record an error for each output path two sources claim, that newsgen keeps for
    itself or the file system cannot hold, and that lies in the search index's folder."""
    claims = [Claim(c.path, c.origin) for c in copies]
    claims += [Claim(o.path, o.source, o.line, o.field) for o in outputs]
    find_collisions(claims, problems)
    find_unwritable(claims, limits, problems)
    if search:  # the search index's folder is made whole by Pagefind
        for claim in claims:
            if claim.path.casefold().split("/", 1)[0] == INDEX_DIR:
                problems.error(
                    claim.origin,
                    claim.line,
                    claim.field,
                    f"would be written to {claim.path}, but {INDEX_DIR}/ holds the search "
                    "index; move it, or turn search off with 'search: false' in newsgen.yaml",
                )
