"""Builders shared by the unit tests: configs, loaded articles, hand-made Article models.

Not a test module (pytest does not collect it); test modules import it by name,
because pytest puts ``tests/unit`` on ``sys.path`` for them.
"""

from __future__ import annotations

import html
import json
import signal
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from newsgen.content.context import LoadContext
from newsgen.content.discover import SourceFile
from newsgen.content.parse import load_article
from newsgen.errors import Problem, Problems
from newsgen.feeds.rss import (
    Channel,
    FeedPlan,
    FeedRenderer,
    corrections_feed,
    feed_plans,
    newest_items,
)
from newsgen.feeds.sitemaps import (
    MAX_BYTES,
    MAX_URLS,
    NEWS_SITEMAP_PATH,
    ROBOTS_PATH,
    ROOT_SITEMAPS,
    Listed,
    news_articles,
    news_sitemap,
    robots_txt,
    sitemap_entries,
    sitemap_files,
)
from newsgen.markdown.renderer import make_markdown
from newsgen.models import (
    Alias,
    Article,
    Author,
    Output,
    Section,
    SectionConfig,
    Site,
    SiteConfig,
    Tag,
)
from newsgen.render.pages import page_jobs
from newsgen.render.templates import render_page
from newsgen.urls import absolute, article_path, href, make_slug, output_file

BERLIN = ZoneInfo("Europe/Berlin")


def make_config(**changes: Any) -> SiteConfig:
    """Return a valid SiteConfig (Berlin time, per_page 3); ``changes`` replace fields."""
    config = SiteConfig(
        title="Test Gazette",
        base_url="https://gazette.example.com/",
        language="en",
        timezone=BERLIN,
        permalink="/{section}/{yyyy}/{mm}/{dd}/{slug}/",
        per_page=3,
        feed_items=5,
        sections=(),
        unsafe_html=False,
        description="A test site.",
    )
    return replace(config, **changes)


def article_text(
    headline: str = "A headline",
    date: str = "2024-12-16T10:00:00+01:00",
    body: str = "First paragraph of the story.\n\nSecond paragraph.",
    **fields: str,
) -> str:
    """Return an article file's text, like tests/conftest.py's article_text.

    Repeated here rather than imported: ``from conftest import ...`` picks whichever
    conftest module pytest imported last, which breaks when other folders add one.
    """
    lines = [f"headline: {json.dumps(headline)}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + f"\n---\n{body}\n"


def front(text: str) -> str:
    """Dedent an article's text and drop the first newline, so line 1 is the first line."""
    return textwrap.dedent(text).lstrip("\n")


def load(
    text: str,
    path: str = "world/story.md",
    *,
    config: SiteConfig | None = None,
    static: set[str] | frozenset[str] = frozenset(),
    assets: set[str] | frozenset[str] = frozenset(),
    content_root: Path = Path("/site/content"),
    problems: Problems | None = None,
) -> tuple[Article | None, Problems]:
    """Run load_article on ``text`` as the file ``content/<path>``."""
    config = config or make_config()
    context = LoadContext(
        config=config,
        markdown=make_markdown(config.unsafe_html),
        content_root=content_root,
        static_files=frozenset(static),
        content_assets=frozenset(assets),
    )
    source = SourceFile(content_root / path, f"content/{path}", path)
    problems = Problems() if problems is None else problems
    article = load_article(source, text, context, problems)
    return article, problems


def only(problems: Problems | list[Problem], field: str | None) -> list[Problem]:
    """Return the problems about ``field``."""
    return [p for p in problems if p.field == field]


def make_article(
    headline: str = "A headline",
    date: datetime | None = None,
    *,
    section: str = "World",
    slug: str | None = None,
    config: SiteConfig | None = None,
    source_path: str | None = None,
    **changes: Any,
) -> Article:
    """Return an Article made by hand; url, permalink and output path derived as the loader does."""
    config = config or make_config()
    date = date or datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)
    slug = slug or make_slug(headline)
    section_slug = make_slug(section)
    section_url = href(config.base_path, f"/{section_slug}/")
    site_path = article_path(config.permalink, section_slug, slug, date.astimezone(config.timezone))
    url = href(config.base_path, site_path)
    article = Article(
        source_path=source_path or f"content/{section_slug}/{slug}.md",
        headline=headline,
        date=date,
        updated=None,
        section=Section(section_slug, section, section_url, section_url + "feed.xml"),
        slug=slug,
        summary=f"Summary of {headline}.",
        bylines=(),
        tags=(),
        sources=(),
        images=(),
        draft=False,
        extra=MappingProxyType({}),
        body_html=f"<p>Body of {html.escape(headline)}.</p>\n",
        url=url,
        permalink=absolute(config.base_url, url),
        output_path=output_file(site_path),
    )
    if "aliases" in changes:  # tests may give paths; articles hold Alias objects
        changes["aliases"] = tuple(
            alias if isinstance(alias, Alias) else Alias(alias, 1, f"aliases[{index}]")
            for index, alias in enumerate(changes["aliases"])
        )
    if "tags" in changes:  # tests may give tag names; articles hold Tag objects
        changes["tags"] = tuple(_tag(tag, config) for tag in changes["tags"])
    if "bylines" in changes and "authors" not in changes:
        changes["authors"] = tuple(_author(name, config) for name in changes["bylines"])
    return replace(article, **changes)


def _tag(tag: Any, config: SiteConfig) -> Tag:
    if isinstance(tag, Tag):
        return tag
    url = href(config.base_path, f"/tags/{make_slug(tag)}/")
    return Tag(tag, make_slug(tag), url, url + "feed.xml")


def _author(name: str, config: SiteConfig) -> Author:
    slug = make_slug(name)
    return Author(name, slug, href(config.base_path, f"/authors/{slug}/"))


def sections_config(*entries: tuple[str, str]) -> tuple[SectionConfig, ...]:
    """Return SectionConfig entries from ``(name, title)`` pairs."""
    return tuple(SectionConfig(name, title) for name, title in entries)


def article_with(*lines: str, body: str = "First paragraph of the story.\n") -> str:
    """Return an article whose front matter is ``lines`` (file line 2 onwards)."""
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def one_error(problems: Any, field: str) -> Any:
    """Return the single error about ``field``, checking there is exactly one."""
    errors = [p for p in problems.errors if p.field == field]
    assert len(errors) == 1, [str(p) for p in problems]
    return errors[0]


@contextmanager
def no_hang(seconds: int = 5) -> Iterator[None]:
    """Fail the test instead of hanging when the block takes more than ``seconds`` (an
    alarm interrupts a read blocked on a named pipe)."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def render_pages(site: Site, env: jinja2.Environment, problems: Problems) -> list[Output]:
    """Render every HTML page of ``site`` at once, as the build renders them one by one
    (render/outputs.py); a page whose template fails is left out, its problem recorded."""
    outputs: list[Output] = []
    for job in page_jobs(site):
        data = render_page(env, job, problems)
        if data is not None:
            outputs.append(
                Output(job.output_path, data, job.source, job.lastmod, job.line, job.field)
            )
    return outputs


def render_feeds(site: Site, generator: str) -> list[Output]:
    """Every RSS feed of ``site`` (the site's, each section's and tag's, corrections)."""
    renderer = FeedRenderer(site, generator)
    plans = feed_plans(site)
    outputs = [Output(plan.path, renderer.render(plan), plan.channel.source) for plan in plans]
    return [*outputs, corrections_feed(site, generator)]


def article_feed(site: Site, channel: Channel, articles: list[Article], generator: str) -> bytes:
    """The RSS feed of ``channel`` listing the newest ``feed_items`` of ``articles``."""
    plan = FeedPlan("feed.xml", channel, newest_items(site, articles))
    return FeedRenderer(site, generator).render(plan)


def render_sitemaps(
    site: Site, pages: Sequence[Listed], max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES
) -> list[Output]:
    """``/sitemap.xml`` (and its children when it is an index), ``/news-sitemap.xml`` and
    ``/robots.txt`` of ``site``, made of the parts the build plans one by one."""
    entries = sitemap_entries(site.config, pages)
    outputs = sitemap_files(site.config, entries, max_urls, max_bytes)
    news = news_articles(site)
    if news:
        outputs.append(Output(NEWS_SITEMAP_PATH, news_sitemap(site, news), "news sitemap"))
    listed = [output.path for output in outputs if output.path in ROOT_SITEMAPS]
    outputs.append(Output(ROBOTS_PATH, robots_txt(site.config, listed), "robots.txt"))
    return outputs
