"""Every file a build generates, planned before anything is rendered.

A PlannedFile knows where it goes, what it is made from (its key, see
render/keys.py) and how to render itself. Planning all of them first lets the
build check collisions without rendering, render only the files whose key
changed since the last build, and hand the writer one file at a time, so
that the whole site never sits in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Protocol

import jinja2

from newsgen.errors import BuildFailed, Problems
from newsgen.feeds.json_feed import feed_articles, render_json_feed
from newsgen.feeds.rss import FeedPlan, FeedRenderer, corrections_feed, feed_plans
from newsgen.feeds.sitemaps import (
    NEWS_SITEMAP_PATH,
    ROBOTS_PATH,
    ROOT_SITEMAPS,
    SitemapPart,
    news_articles,
    news_sitemap,
    robots_txt,
    sitemap_entries,
    sitemap_parts,
)
from newsgen.models import Kept, Output, Placed, Site, SiteConfig, SitemapList
from newsgen.render.assets import Asset
from newsgen.render.icons import drawn_icons
from newsgen.render.keys import InputKeys
from newsgen.render.pages import PageJob, page_jobs
from newsgen.render.templates import render_page


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One generated file of the site, not rendered yet."""

    path: str
    """Where it goes, relative to the output directory."""
    source: str
    """What it is made from, for messages (``content/world/a.md``, ``feed of tag Syria``)."""
    key: str | None
    """The key of its inputs (render/keys.py); None: rendered in every build."""
    render: Callable[[], bytes | None]
    """Returns its bytes, or None after recording a problem."""
    lastmod: datetime | None = None
    """For pages listed in the sitemap: when their content last changed."""
    line: int = 1
    """The line of ``source`` that asked for the file (an alias's line)."""
    field: str | None = None
    """The front matter field that asked for the file (``aliases[0]``), or None."""
    template: str | None = None
    """The template that renders a page (``article.html``); None for feeds and sitemaps."""


def plan_outputs(
    site: Site,
    env: jinja2.Environment,
    keys: InputKeys,
    generator: str,
    problems: Problems,
    plans: list[FeedPlan] | None = None,
    entries: list[SitemapList] | None = None,
) -> list[PlannedFile]:
    """Return every generated file of ``site``: pages, feeds, sitemaps, robots.txt.

    ``plans`` are the site's feed_plans() when the caller has them already;
    ``entries``, when given, receives the sitemap's entries (sorted by URL), as one
    SitemapList.
    """
    pages = [_page(job, env, keys, problems) for job in page_jobs(site)]
    plans = feed_plans(site) if plans is None else plans
    feeds = FeedRenderer(site, generator, plans)
    planned = pages + [
        PlannedFile(
            plan.path, plan.channel.source, keys.of(None, plan), partial(feeds.render, plan)
        )
        for plan in plans
    ]
    corrections = corrections_feed(site, generator)  # small: always rendered

    def json_feed() -> bytes:
        return render_json_feed(site, generator).data

    planned += [
        PlannedFile(corrections.path, corrections.source, None, lambda: corrections.data),
        PlannedFile(
            "feed.json", "json feed", keys.of(None, "json", feed_articles(site)), json_feed
        ),
    ]
    listed = sitemap_entries(site.config, pages)
    if entries is not None:
        entries.append(listed)
    for part in sitemap_parts(site.config, listed):
        planned.append(PlannedFile(part.path, "sitemap", sitemap_key(keys, part), part.render))
    news = news_articles(site)  # none on a quiet day: no news sitemap then
    if news:
        render_news = partial(news_sitemap, site, news)
        planned.append(PlannedFile(NEWS_SITEMAP_PATH, "news sitemap", None, render_news))
    listed = [item.path for item in planned if item.path in ROOT_SITEMAPS]
    robots = partial(robots_txt, site.config, listed)
    planned.append(PlannedFile(ROBOTS_PATH, "robots.txt", None, robots))
    return planned


THEME_SOURCE = "theme"
"""The source of the files theme_outputs() plans (no pages: the build does not count them)."""


def theme_outputs(
    config: SiteConfig, assets: Mapping[str, Asset], keys: InputKeys
) -> list[PlannedFile]:
    """Return the files the theme adds: stylesheets and scripts under their hashed names
    (render/assets.py) and the icons drawn for a site that names none (icons.py)."""
    made = {asset.hashed: asset.data for asset in assets.values()}
    made.update(drawn_icons(config))
    return [
        PlannedFile(path, THEME_SOURCE, keys.of(None, "theme", path, data), partial(_given, data))
        for path, data in sorted(made.items())
    ]


def _given(data: bytes) -> bytes:
    return data


def sitemap_key(keys: InputKeys, part: SitemapPart) -> str:
    """Return the key of a sitemap file: the entries it shows (their ``<url>``
    elements), or an index's children (URL and newest date)."""
    if type(part.shows) is SitemapList:
        return keys.of(None, "".join(part.shows.xml))
    return keys.of(None, "".join(f"{child!r}\n" for child in part.shows))


def _page(
    job: PageJob, env: jinja2.Environment, keys: InputKeys, problems: Problems
) -> PlannedFile:
    key = keys.of(job.template, job.output_path, *job.context.values())
    render = partial(render_page, env, job, problems)
    return PlannedFile(
        job.output_path, job.source, key, render, job.lastmod, job.line, job.field, job.template
    )


class HandOff(Protocol):
    """Somewhere else to render some pages meanwhile (pagehelper.pool.ArticlePages)."""

    def takes(self, item: PlannedFile) -> bool:
        """True when ``item`` may be handed over."""

    def hand(self, items: list[PlannedFile]) -> bool:
        """Start rendering ``items`` elsewhere; False when that is not done."""

    def steal(self) -> list[PlannedFile]:
        """Take back some of the items not started yet, to render here; [] when none."""

    def ready(self, wait: bool = False) -> Iterator[tuple[PlannedFile, bytes | int | None, bool]]:
        """Yield ``(item, bytes or inode, rendered)`` for the pages done by now (``wait``:
        all); an inode when the page was written into the output folder too."""


def fresh_or_kept(
    planned: Sequence[PlannedFile],
    previous: Mapping[str, tuple[str, int]],
    problems: Problems,
    progress: Callable[[str, int, int], None] | None = None,
    hand_off: HandOff | None = None,
) -> Iterator[Output | Kept | Placed]:
    """Yield each planned file rendered, or as Kept when the last build wrote it from
    the same inputs (``previous``: path -> its key and inode then). The writer
    links a Kept file from the output when it still has that inode there, and
    has it rendered (``Kept.remake``) when not.

    With ``hand_off``, the files to render that it takes are rendered there
    while this renders the others; they are yielded as they come back (as
    Placed files when they were written there too).

    After the last file, raises BuildFailed when a render recorded an error,
    so that the writer discards what it wrote. ``progress`` is told how many are done.
    """
    total, done = len(planned), 0
    kept: dict[int, int] = {}  # id of a planned file -> its recorded inode
    for item in planned:
        recorded = previous.get(item.path) if item.key is not None else None
        if recorded is not None and recorded[0] == item.key:  # the writer checks its inode
            kept[id(item)] = recorded[1]
    handed: set[int] = set()
    if hand_off is not None:
        offered = [i for i in planned if id(i) not in kept and hand_off.takes(i)]
        if hand_off.hand(offered):
            handed = {id(item) for item in offered}

    def told() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("writing", done, total)

    def come_back(wait: bool = False) -> Iterator[Output | Placed]:
        for back in hand_off.ready(wait) if handed else ():  # type: ignore[union-attr]
            told()
            yield from _handed_back(*back)

    for item in planned:
        if id(item) in handed:
            continue
        told()
        if id(item) in kept:
            yield Kept(item.path, kept[id(item)], partial(_rendered, item))
        else:
            yield from _render_here(item)
        yield from come_back()
    while handed and (stolen := hand_off.steal()):  # type: ignore[union-attr]
        for item in stolen:  # rendered here meanwhile: both finish together
            told()
            yield from _render_here(item)
        yield from come_back()
    yield from come_back(wait=True)
    if problems.has_errors():
        raise BuildFailed(problems)


def _handed_back(
    item: PlannedFile, data: bytes | int | None, rendered: bool
) -> Iterator[Output | Placed]:
    """Yield the Output of a page rendered elsewhere, or its Placed file when it was
    written there too (an inode); render it here when it was not rendered."""
    if not rendered:
        yield from _render_here(item)
    elif isinstance(data, int):
        yield Placed(item.path, data)
    elif data is not None:
        yield Output(item.path, data, item.source, item.lastmod, item.line, item.field)


def _render_here(item: PlannedFile) -> Iterator[Output]:
    """Yield the Output of ``item`` rendered now (nothing when its render recorded a problem)."""
    output = _rendered(item)
    if output is not None:
        yield output


def _rendered(item: PlannedFile) -> Output | None:
    """Render ``item``; None when its render recorded a problem."""
    data = item.render()
    if data is None:
        return None
    return Output(item.path, data, item.source, item.lastmod, item.line, item.field)
