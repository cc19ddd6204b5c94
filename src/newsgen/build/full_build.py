"""The full build: load every article, make the Site, plan, render and write every
output that changed, and remember what the next build needs (build/pipeline.py reads
the inputs and decides that a full build is needed)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import jinja2

from newsgen.build.collisions import check_outputs, name_limits
from newsgen.build.copy_keys import copy_keys, known_copies, source_keys
from newsgen.build.fingerprint import QuickFound, output_manifest
from newsgen.build.image_step import (
    default_picture,
    image_copies,
    images_folder,
    make_pictures,
    picture_index,
    pictured,
    published_files,
)
from newsgen.build.inputs import default_theme, template_dirs
from newsgen.build.name_clashes import report_name_clashes
from newsgen.build.options import GENERATOR, BuildOptions, BuildReport
from newsgen.build.quick_attempt import (
    COMPILED_TEMPLATES,
    QUICK_CHANGES,
    QUICK_MEMO,
    likely_article_pages,
    recorded_spare,
)
from newsgen.build.quick_listings import LISTINGS_MEMO, quick_listings
from newsgen.build.quick_search import QuickSearch, search_left
from newsgen.build.quick_state import (
    QuickChanges,
    QuickState,
    keys_overlaid,
    make_quick_state,
)
from newsgen.build.read_stage import ReadInputs
from newsgen.build.search_step import article_shards, remember_shards, search_indexer
from newsgen.cache.articles import ArticleCache
from newsgen.content.authors import load_author_profiles
from newsgen.content.load import default_jobs, load_articles
from newsgen.errors import BuildFailed, Problems
from newsgen.feeds.rss import FeedPlan, feed_plans
from newsgen.feeds.sitemaps import ROBOTS_PATH
from newsgen.gc_pause import collector_paused, release_free_memory
from newsgen.images.stage import Processed
from newsgen.models import Article, Site, SiteConfig, SitemapList
from newsgen.output.quick_write import make_spare
from newsgen.output.write import Copy, write_site
from newsgen.pagehelper.pool import HELPER_PAGES, ArticlePages, PageHelper, page_helper
from newsgen.render.assets import asset_urls, find_assets
from newsgen.render.compressed import COPY_SUFFIXES, with_compressed
from newsgen.render.keys import InputKeys
from newsgen.render.outputs import (
    THEME_SOURCE,
    PlannedFile,
    fresh_or_kept,
    plan_outputs,
    theme_outputs,
)
from newsgen.render.templates import make_environment
from newsgen.site.assemble import build_site
from newsgen.site.crossrefs import resolve_article_links
from newsgen.site.related import remembered_related
from newsgen.site.taxonomy import name_clashes


def full_build(
    options: BuildOptions,
    config: SiteConfig,
    cache: ArticleCache,
    read: ReadInputs,
    known: tuple[QuickState, QuickChanges] | None,
    now: datetime,
) -> tuple[BuildReport, list[Article]]:
    """Load every article (from the cache where it can), then render and write the
    site; return the report and the loaded articles."""
    # The page keys recorded name the output's files by inode, which holds only while the
    # output is as this site's last build left it: a build of another site into the same
    # folder makes new files, which may take the inode numbers of those it replaced.
    recorded = read.last is not None and read.last.manifest == read.found.manifest
    jobs = options.jobs or default_jobs()
    likely = likely_article_pages(read.sources, read.found, known)
    with page_helper(cache, jobs, likely) as helper:  # forked while this is small
        with collector_paused(keep=True):  # many long-lived objects, no cycles among them
            loaded = load_articles(
                read.sources,
                read.settings,
                cache,
                jobs,
                read.problems,
                options.progress,
                defer_bodies=True,
            )
        release_free_memory()
        few = likely < HELPER_PAGES  # few pages to render, little garbage: no collector
        with collector_paused() if few else contextlib.nullcontext(), images_folder(cache) as made:
            found = read.found
            inputs = _Inputs(
                read.copies, found.digests, read.templates, cache, found, known, recorded, helper
            )
            inputs = replace(inputs, file_digests=read.file_digests)
            pictures = (read.file_digests, made, jobs)
            report = _render_and_write(
                options, default_theme(), config, now, loaded, inputs, read.problems, pictures
            )
    return report, loaded


def _render_and_write(
    options: BuildOptions,
    theme: Path,
    config: SiteConfig,
    now: datetime,
    loaded: list[Article],
    inputs: _Inputs,
    problems: Problems,
    pictures: tuple[dict[str, str], Path, int],
) -> BuildReport:
    """Build the Site from the loaded articles, make their pictures, render the outputs
    whose inputs changed since the last build (all of them without a cache), write the
    site and remember what a quick rebuild needs. ``pictures`` holds the hash of each
    other input file, the folder of made pictures and how many workers may make them."""
    published = [a for a in loaded if _is_published(a, now, options)]
    published = resolve_article_links(published, loaded, problems, inputs.digests.keys())
    profiles = load_author_profiles(
        options.source, config, frozenset(copy.path for copy in inputs.copies), problems
    )
    report_name_clashes(options.source, name_clashes(config, loaded, profiles), problems)
    digests, folder, jobs = pictures
    content_root = (options.source / "content").absolute()
    files = published_files(inputs.copies, digests, published, content_root)
    processed = make_pictures(config, published, profiles, files, folder, jobs, problems)
    published, profiles = pictured(published, profiles, processed, config.base_path)
    related = remembered_related(inputs.cache)
    with collector_paused(keep=True):
        site = build_site(config, published, now, profiles, related)
    site = replace(site, default_picture=default_picture(config, processed))
    plan = _plan(options, theme, site, published, inputs, problems, processed)
    written = _write(options, config, plan, inputs, problems)
    env, feeds = plan.env, plan.feeds
    pages = sum(_is_page(item) for item in plan.planned)
    entries = plan.sitemap  # for quick rebuilds that move a page (quick_listings.py)
    del plan  # every page's context and key: free them for what follows
    _remember(options, site, (env, feeds, entries), written, inputs, related.signature or "")
    return BuildReport(
        pictures_made=processed.made,
        articles=len(published),
        pages=pages,
        files=written.files,
        unchanged=written.unchanged,
        drafts_skipped=0 if options.drafts else sum(a.draft for a in loaded),
        seconds=0.0,
        warnings=tuple(problems.warnings),
        future_skipped=0 if options.future else sum(a.date > now for a in loaded),
        article_urls={a.source_path: a.url for a in published},
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """Every output of a full build, planned: what to render and what to copy."""

    env: jinja2.Environment
    planned: list[PlannedFile]
    copies: list[Copy]
    """Static files and the articles' own files (images beside them)."""
    keys_before: dict[str, tuple[str, int]]
    """The key and inode of each output file as the output holds it (empty when the
    output is not as the last build left it)."""
    feeds: list[FeedPlan]
    hand_off: ArticlePages | None
    """The article pages the helper process renders, when it does."""
    shards: dict[str, tuple[str, str]]
    """The search index shard of each published article, by its source path: its year,
    with its date (ISO 8601) that the search page sorts by."""
    source_keys: dict[str, str]
    """The key of each copy's source file (build/copy_keys.py), by output path."""
    sitemap: SitemapList
    """The sitemap's entries, sorted by URL."""


def _plan(
    options: BuildOptions,
    theme: Path,
    site: Site,
    published: list[Article],
    inputs: _Inputs,
    problems: Problems,
    processed: Processed,
) -> _Plan:
    """Plan every output of ``site`` (whose articles are ``published``, in the order
    they were loaded) and check they can all be written; raise
    BuildFailed with every problem found so far when any is an error."""
    folders = template_dirs(options.source, theme)
    compiled = inputs.cache.folder(COMPILED_TEMPLATES)
    assets = find_assets([options.source / "static", theme / "static"])
    env = make_environment(
        folders, site.config, compiled, inputs.cache.note, site.build_time, asset_urls(assets)
    )
    output = str(options.output_dir.resolve())
    previous = inputs.quick  # and the page keys quick rebuilds wrote:
    keys_before = keys_overlaid(
        inputs.cache.page_keys(output), previous[1].page_keys if previous else {}
    )
    if not inputs.recorded:  # the output is not as the last build left it: nothing is kept
        keys_before = {}
    pictures = picture_index(site.config, inputs.file_digests, inputs.cache)
    hand_off = inputs.helper and inputs.helper.pages(
        site, env, folders, compiled, inputs.found.entry_keys, problems, pictures
    )
    if hand_off and not keys_before:  # nothing recorded: every article page is rendered
        hand_off.hand_early(site)  # so the helper starts now, while the build plans
    keys = InputKeys(site, inputs.found.base, inputs.digests, env)
    feeds = feed_plans(site)
    with collector_paused(keep=True):
        sitemap: list[SitemapList] = []
        planned = plan_outputs(site, env, keys, GENERATOR, problems, feeds, sitemap)
        planned += theme_outputs(site.config, assets, keys)
        if site.config.compress and options.precompress:
            planned = with_compressed(planned)
    if any(copy.path == ROBOTS_PATH for copy in inputs.copies):  # the site's own one wins
        planned = [item for item in planned if item.path != ROBOTS_PATH]
    copies = inputs.copies + [
        Copy(str(asset.source), asset.output_path, article.source_path)
        for article in published
        for asset in article.assets
    ]
    copies = image_copies(copies, processed)
    limits = name_limits(options.output_dir)
    check_outputs(planned, copies, problems, site.config.search, limits)
    if problems.has_errors():
        raise BuildFailed(problems)
    search = site.config.search  # the search index's shards; none without search
    shards = article_shards(published, site.config.timezone) if search else {}
    source_keys_now = source_keys(copies)
    copies = known_copies(copies, source_keys_now, keys_before)
    return _Plan(
        env, planned, copies, keys_before, feeds, hand_off or None, shards, source_keys_now,
        sitemap[0] if sitemap else SitemapList(),
    )


@dataclass(frozen=True, slots=True)
class _Written:
    """What writing the site did."""

    files: int
    """Files the output holds now, the search index's included."""
    unchanged: int
    """Of those, files whose bytes the previous output already had."""
    inodes: dict[str, int]
    """The inode of each file written or kept, by its output path."""
    search: QuickSearch | None
    """The search index it wrote, for quick rebuilds (None: search is off)."""


def _write(
    options: BuildOptions,
    config: SiteConfig,
    plan: _Plan,
    inputs: _Inputs,
    problems: Problems,
) -> _Written:
    """Render what changed, write the site (the search index with it) and record the
    key of each page written."""
    output = str(options.output_dir.resolve())
    indexer = None
    if config.search:
        made = (plan.env, plan.planned, plan.copies, plan.shards, plan.keys_before)
        indexer = search_indexer(options, *made, inputs.cache, config.language)
    hand_off = plan.hand_off
    fresh = fresh_or_kept(plan.planned, plan.keys_before, problems, options.progress, hand_off)
    previous = inputs.quick and inputs.quick[0]
    spare_files = recorded_spare(options.output_dir, previous, inputs.found)
    starting = hand_off.write_into if hand_off else None
    placing = indexer.place if indexer else None
    written = write_site(
        options.output_dir, fresh, plan.copies, indexer, spare_files, starting, placing
    )
    index = indexer.recorded() if indexer else {}
    copied = copy_keys(plan.source_keys, written.inodes)
    inputs.cache.put_page_keys(
        output, {**_page_keys(plan.planned, written.inodes), **copied, **index}
    )
    if indexer:
        remember_shards(inputs.cache, options.output_dir, indexer)
    live = {**written.inodes, **{path: inode for path, (_, inode) in index.items()}}
    reused = indexer.reused_files() if indexer else 0
    search = search_left(indexer) if config.search else None
    return _Written(written.files + len(index), written.unchanged + reused, live, search)


def _remember(
    options: BuildOptions,
    site: Site,
    made: tuple[jinja2.Environment, list[FeedPlan], SitemapList],
    written: _Written,
    inputs: _Inputs,
    related: str,
) -> None:
    """Leave the QuickState a quick rebuild of this output starts from, and its
    QuickListings; ``made`` is the template environment, the feeds and the sitemap's
    entries of the build, ``related`` the signature of the related-articles memo."""
    env, feeds, sitemap = made
    output = str(options.output_dir.resolve())
    after = (written.inodes, output_manifest(options.output_dir))
    previous = inputs.quick and inputs.quick[0]
    state = make_quick_state(
        site, env, inputs.found, feeds, after, previous, related, written.search
    )
    if state is not None and options.spare_ready and make_spare(options.output_dir):
        state = replace(state, behind=frozenset())  # the spare is the live output now
    inputs.cache.forget_memo(QUICK_CHANGES + output)  # first: a stale state is never used
    listings = quick_listings(site, env, sitemap) if state is not None else None
    if state is not None and listings is not None:
        signature = uuid.uuid4().hex
        inputs.cache.put_memo(LISTINGS_MEMO + output, signature, listings)
        state = replace(state, listings=signature)
    else:
        inputs.cache.forget_memo(LISTINGS_MEMO + output)
    inputs.cache.put_memo(QUICK_MEMO + output, uuid.uuid4().hex, state)


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
    """A process to render article pages in meanwhile (pagehelper/pool.py)."""
    file_digests: dict[str, str] = field(default_factory=dict)
    """The hash of each static file and file beside an article (read_stage.ReadInputs)."""


def _page_keys(planned: list[PlannedFile], inodes: Mapping[str, int]) -> dict[str, tuple[str, int]]:
    """Return what to remember of each keyed file written: its key and its inode."""
    return {
        item.path: (item.key, inodes[item.path])
        for item in planned
        if item.key is not None and item.path in inodes
    }


def _is_page(item: PlannedFile) -> bool:
    """True for a page, feed or sitemap; not the theme's files nor compressed copies."""
    return item.source != THEME_SOURCE and not item.path.endswith(COPY_SUFFIXES)


def _is_published(article: Article, now: datetime, options: BuildOptions) -> bool:
    """Drafts need ``--drafts``; articles dated after the build time need ``--future``."""
    return (options.drafts or not article.draft) and (options.future or article.date <= now)
