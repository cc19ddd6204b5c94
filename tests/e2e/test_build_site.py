"""End-to-end tests: build whole sites with ``newsgen.build.pipeline.build`` and inspect the output.

The expectations are computed from the fixture's own files (front matter read
with PyYAML, dates taken in the site's time zone) and never from newsgen's URL
or slug functions, so that a bug there cannot hide itself.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import html5lib
import pytest
import yaml
from e2e_helpers import (
    article_links,
    aware,
    by_class,
    copy_fixture,
    expected_pages,
    file_for,
    first_paragraph,
    is_search_page_own,
    one,
    snapshot,
    text_of,
)
from PIL import Image

from feed_checks import shown, shown_detail
from newsgen.build.inputs import default_theme
from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.errors import BuildFailed

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "sites" / "basic"

# SiteConfig defaults that newsgen.yaml cannot change (yet).
HOME_TOP = 4
HOME_LATEST = 5
HOME_BLOCK = 4

SCRIPT_HEADLINE = 'Critics clash: <script>alert("x")</script> & "quotes"'
SCRIPT_SUMMARY = 'Why <b>bold</b> & "quoted" claims split the jury.'
DRAFT_HEADLINE = "Unpublished draft about the border deal"
DRAFT_SLUG = "unpublished-draft-about-the-border-deal"

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}


# --------------------------------------------------------------------------
# What the fixture says, read independently of newsgen
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    base_url: str
    title: str
    description: str
    language: str
    zone: ZoneInfo
    per_page: int
    feed_items: int
    section_titles: dict[str, str]
    section_order: tuple[str, ...]


@dataclass(frozen=True)
class Expected:
    source: str
    headline: str
    date: datetime
    updated: datetime | None
    section: str
    section_title: str
    slug: str
    summary: str
    standfirst: str
    """The summary the front matter gives (the page shows only that), or empty."""
    bylines: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    images: tuple[dict[str, str], ...]
    draft: bool
    body: str
    url: str
    permalink: str

    @property
    def output_path(self) -> str:
        return self.url.lstrip("/") + "index.html"

    @property
    def modified(self) -> datetime:
        return self.updated if self.updated and self.updated > self.date else self.date


def read_site_spec(root: Path) -> SiteSpec:
    config = yaml.safe_load((root / "newsgen.yaml").read_text(encoding="utf-8"))
    titles = {entry["name"]: entry["title"] for entry in config["sections"]}
    return SiteSpec(
        base_url=config["base_url"],
        title=config["title"],
        description=config["description"],
        language=config["language"],
        zone=ZoneInfo(config["timezone"]),
        per_page=config["per_page"],
        feed_items=config["feed_items"],
        section_titles=titles,
        section_order=tuple(titles),
    )


def plain_slug(text: str) -> str:
    """Slug of a plain ASCII headline (all fixture headlines without ``slug:`` are)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_articles(root: Path, spec: SiteSpec) -> list[Expected]:
    """Every article of the site, newest first."""
    articles = []
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front_text, body = text.split("---\n", 2)
        front = yaml.safe_load(front_text)
        relative = path.relative_to(root / "content")
        section = front.get("section") or relative.parts[0]
        slug = front.get("slug") or plain_slug(front["headline"])
        published = aware(front["date"], spec.zone)
        local = published.astimezone(spec.zone)
        url = f"/{section}/{local:%Y}/{local:%m}/{local:%d}/{slug}/"
        bylines = front.get("byline") or []
        bylines = [bylines] if isinstance(bylines, str) else bylines
        articles.append(
            Expected(
                source=path.relative_to(root).as_posix(),
                headline=front["headline"],
                date=published,
                updated=aware(front["updated"], spec.zone) if "updated" in front else None,
                section=section,
                section_title=spec.section_titles[section],
                slug=slug,
                summary=front.get("summary") or first_paragraph(body),
                standfirst=front.get("summary") or "",
                bylines=tuple(bylines),
                tags=tuple(front.get("tags") or ()),
                sources=tuple(
                    (s.get("name") or s["url"].split("/")[2], s["url"])
                    for s in front.get("sources", ())
                ),
                images=tuple(front.get("images") or ()),
                draft=bool(front.get("draft")),
                body=body,
                url=url,
                permalink=spec.base_url.rstrip("/") + url,
            )
        )
    articles.sort(key=lambda a: a.date, reverse=True)
    return articles


SPEC = read_site_spec(FIXTURE)
ALL_ARTICLES = read_articles(FIXTURE, SPEC)
PUBLISHED = [a for a in ALL_ARTICLES if not a.draft]
BY_SOURCE = {a.source: a for a in ALL_ARTICLES}


def in_section(articles: list[Expected], section: str | None) -> list[Expected]:
    return [a for a in articles if section is None or a.section == section]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def run_build(source: Path, output: Path, drafts: bool = False) -> BuildReport:
    return build(BuildOptions(source=source, output=output, drafts=drafts))


def parse_html(path: Path) -> Any:
    """Parse an HTML file the way a browser would; return the lxml root element."""
    tree = html5lib.parse(path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    return tree.getroot()


def section_under_heading(root: Any, heading: str) -> Any:
    """The element that holds the heading whose text is ``heading`` (and what follows it)."""
    found = [h for h in root.xpath("//h2 | //h3") if text_of(h) == heading]
    return one(found, f"heading {heading!r}").getparent()


def rel_link(root: Any, rel: str) -> str | None:
    hrefs = [a.get("href") for a in root.xpath("//body//a[@rel]") if rel in a.get("rel").split()]
    assert len(set(hrefs)) <= 1, f"several rel={rel} links: {hrefs}"
    return hrefs[0] if hrefs else None


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def strict_html_failures(out: Path) -> list[str]:
    failures = []
    for path in html_files(out):
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(path.read_bytes())
        except Exception as error:  # html5lib raises ParseError; report anything
            position, code, data = parser.errors[0] if parser.errors else ((0, 0), str(error), {})
            failures.append(f"{path.relative_to(out)}:{position[0]}:{position[1]}: {code} {data}")
    return failures


def feed_bozo_failures(out: Path) -> list[str]:
    failures = []
    for path in sorted(out.rglob("*.xml")):
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            failures.append(f"{path.relative_to(out)}: {parsed.get('bozo_exception')!r}")
    return failures


def page_url(section: str, number: int | None) -> str:
    return f"/{section}/" if number is None else f"/{section}/page/{number}/"


# --------------------------------------------------------------------------
# Builds shared by the tests (each test only reads them)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    base = tmp_path_factory.mktemp("basic")
    source = copy_fixture("basic", base / "site")
    out = base / "out"
    report = run_build(source, out)
    return out, report


@pytest.fixture(scope="module")
def out(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def out_drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("basic-drafts")
    source = copy_fixture("basic", base / "site")
    out = base / "out"
    run_build(source, out, drafts=True)
    return out


# --------------------------------------------------------------------------
# Tests: the fixture site
# --------------------------------------------------------------------------


def test_fixture_is_what_the_tests_assume() -> None:
    assert len(PUBLISHED) == 13
    assert [a.headline for a in ALL_ARTICLES if a.draft] == [DRAFT_HEADLINE]
    assert any(a.headline == SCRIPT_HEADLINE for a in PUBLISHED)
    assert sum(1 for a in PUBLISHED if a.images) == 1


def test_build_report(built: tuple[Path, BuildReport]) -> None:
    _, report = built
    assert report.articles == len(PUBLISHED)
    assert report.drafts_skipped == 1
    assert report.warnings == ()


def test_every_article_page_is_at_its_permalink(out: Path) -> None:
    missing = [
        f"{a.source} -> {a.output_path}" for a in PUBLISHED if not (out / a.output_path).is_file()
    ]
    assert not missing, "article pages missing:\n" + "\n".join(missing)
    dated = re.compile(r"^[a-z0-9-]+/\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
    found = {p.relative_to(out).as_posix() for p in html_files(out)}
    assert {p for p in found if dated.match(p)} == {a.output_path for a in PUBLISHED}


@pytest.mark.parametrize(
    ("source", "url"),
    [
        # 00:30 without offset is local (Berlin) time: 23:30 UTC the day before.
        (
            "content/world/midnight-vote.md",
            "/world/2023/11/05/parliament-passes-budget-in-midnight-vote/",
        ),
        # 23:50 without offset is local time, not UTC (which would be 01:50 the next day in Berlin).
        (
            "content/world/late-night-summit.md",
            "/world/2023/08/14/late-night-summit-ends-without-deal/",
        ),
        # 23:30Z on 29 February is 00:30 on 1 March in Berlin.
        (
            "content/world/leap-day-launch.md",
            "/world/2024/03/01/leap-day-satellite-launch-succeeds/",
        ),
        # A bare date is midnight in the site's time zone.
        ("content/world/glacier-survey.md", "/world/2023/05/02/glacier-survey-finds-record-melt/"),
        # An article in content/ itself takes its section from front matter.
        (
            "content/markets-close-higher.md",
            "/business/2024/12/02/markets-close-higher-on-export-data/",
        ),
    ],
)
def test_permalink_dates_are_taken_in_the_site_time_zone(out: Path, source: str, url: str) -> None:
    assert BY_SOURCE[source].url == url  # the test's own computation agrees
    assert (out / url.lstrip("/") / "index.html").is_file()


def test_every_html_file_is_strictly_valid_html5(out: Path, out_drafts: Path) -> None:
    failures = strict_html_failures(out)
    failures += [f"(drafts) {f}" for f in strict_html_failures(out_drafts)]
    assert not failures, "html5lib strict parse errors:\n" + "\n".join(failures)


@pytest.mark.parametrize("article", PUBLISHED, ids=lambda a: a.source)
def test_article_page_shows_every_field(out: Path, article: Expected) -> None:
    root = parse_html(out / article.output_path)
    page = one(root.xpath("//article[.//h1]"), "article element holding the h1")

    assert text_of(one(root.xpath("//h1"), "h1")) == article.headline
    assert text_of(one(root.xpath("//head/title"), "title")).startswith(article.headline)
    canonical = one(root.xpath("//head/link[@rel='canonical']"), "canonical link")
    assert canonical.get("href") == article.permalink

    section_url = f"/{article.section}/"
    section_links = [a for a in page.xpath(".//header//a") if a.get("href") == section_url]
    assert [text_of(a) for a in section_links] == [article.section_title]

    standfirsts = [text_of(node) for node in by_class(page, "standfirst")]
    assert standfirsts == ([article.standfirst] if article.standfirst else []), (
        "a standfirst only when the editor wrote one: the first paragraph is not repeated"
    )
    meta = root.xpath("//head/meta[@name='description']/@content")
    assert meta == [article.summary]  # the derived summary still describes the page

    byline = text_of(one(by_class(page, "byline"), "byline"))
    assert byline.startswith("By ")
    positions = [byline.find(name) for name in article.bylines]
    assert -1 not in positions and positions == sorted(positions), (byline, article.bylines)

    times = {}
    for cls in ("published", "updated"):
        holders = by_class(page, cls)
        times[cls] = [
            datetime.fromisoformat(t.get("datetime")) for h in holders for t in h.xpath(".//time")
        ]
    assert times["published"] == [article.date]
    assert times["updated"] == ([article.updated] if article.updated else [])

    figures = page.xpath(".//figure")
    if article.images:
        image = article.images[0]
        figure = figures[0]
        img = one(figure.xpath(".//img"), "img in the lead figure")
        # a copy of the picture made by the build (images/), sized, with its copies
        assert img.get("src").startswith("/img/") and img.get("srcset")
        original = Image.open(out / image["src"].lstrip("/"))
        assert (img.get("width"), img.get("height")) == tuple(map(str, original.size))
        assert img.get("alt") == image["alt"]
        caption = text_of(one(figure.xpath(".//figcaption"), "figcaption"))
        assert image["caption"] in caption
        assert image["credit"] in caption
    else:
        assert figures == []

    body = one(by_class(page, "article-body"), "article body")
    body_text = text_of(body)
    for block in article.body.strip().split("\n\n"):
        if not block.startswith(("#", "-")):
            assert " ".join(block.split()) in body_text

    if article.sources:
        box = section_under_heading(page, "Sources")
        assert [(text_of(a), a.get("href")) for a in box.xpath(".//li//a")] == list(article.sources)
    else:
        assert not [h for h in page.xpath(".//h2") if text_of(h) == "Sources"]

    if article.tags:
        box = section_under_heading(page, "Tags")
        assert [text_of(li) for li in box.xpath(".//li")] == list(article.tags)


def test_article_body_markdown_becomes_html(out: Path) -> None:
    article = BY_SOURCE["content/world/harbour-reopens.md"]
    body = one(by_class(parse_html(out / article.output_path), "article-body"), "article body")
    assert [text_of(h) for h in body.xpath(".//h2")] == ["What changed"]
    assert [text_of(li) for li in body.xpath(".//ul/li")] == [
        "A higher sea wall",
        "Deeper berths for cargo ships",
    ]


# --------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------

FEEDS = [None, *SPEC.section_order]


def as_shown(html: str) -> str:
    """The text a reader shows for an RSS title or description, which are HTML."""
    return shown(html, "text/html")[0]


@pytest.mark.parametrize("section", FEEDS, ids=lambda s: f"{s or 'site'}-feed")
def test_feed(out: Path, section: str | None) -> None:
    path = out / ("feed.xml" if section is None else f"{section}/feed.xml")
    data = path.read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")

    articles = in_section(PUBLISHED, section)
    expected = articles[: min(SPEC.feed_items, len(articles))]
    assert len(parsed.entries) == len(expected) == min(SPEC.feed_items, len(articles))

    channel = ET.fromstring(data).find("channel")
    assert channel is not None
    if section is None:
        assert as_shown(channel.findtext("title")) == SPEC.title
        assert channel.findtext("link") == SPEC.base_url
        assert as_shown(channel.findtext("description")) == SPEC.description
        feed_url = SPEC.base_url + "feed.xml"
    else:
        title = as_shown(channel.findtext("title") or "")
        assert SPEC.section_titles[section] in title
        assert SPEC.title in title
        assert channel.findtext("link") == f"{SPEC.base_url}{section}/"
        assert (channel.findtext("description") or "").strip()
        feed_url = f"{SPEC.base_url}{section}/feed.xml"
    assert channel.findtext("language") == SPEC.language
    last_build = parsedate_to_datetime(channel.findtext("lastBuildDate") or "")
    assert last_build == max(a.modified for a in expected)
    self_links = [link for link in channel.findall("atom:link", NS) if link.get("rel") == "self"]
    assert [(link.get("href"), link.get("type")) for link in self_links] == [
        (feed_url, "application/rss+xml")
    ]

    published = [tuple(entry.published_parsed)[:6] for entry in parsed.entries]
    assert published == sorted(published, reverse=True), "items are not newest first"

    items = channel.findall("item")
    for entry, item, article in zip(parsed.entries, items, expected, strict=True):
        assert shown_detail(entry.title_detail) == (article.headline, [])
        assert as_shown(item.findtext("title")) == article.headline
        assert entry.link == article.permalink
        assert item.findtext("link") == article.permalink
        guid = item.find("guid")
        assert guid is not None
        assert guid.text == article.permalink
        assert guid.get("isPermaLink", "true") == "true"
        assert tuple(entry.published_parsed)[:6] == article.date.astimezone(UTC).timetuple()[:6]
        assert parsedate_to_datetime(item.findtext("pubDate") or "") == article.date
        assert as_shown(item.findtext("description")) == article.summary
        assert sorted(c.text or "" for c in item.findall("category")) == sorted(
            [article.section_title, *article.tags]
        )
        assert [c.text for c in item.findall("dc:creator", NS)] == list(article.bylines)
        media = item.findall("media:content", NS)
        if article.images:
            image = article.images[0]
            assert len(media) == 1
            assert media[0].get("url") == SPEC.base_url.rstrip("/") + image["src"]
            assert media[0].get("type") == "image/png"
            assert media[0].get("medium") == "image"
            assert media[0].findtext("media:description", namespaces=NS) == image["caption"]
            assert media[0].findtext("media:credit", namespaces=NS) == image["credit"]
        else:
            assert media == []


def test_site_feed_carries_the_lead_image(out: Path) -> None:
    """The fixture's image article is among the newest feed_items: media:content gets tested."""
    expected = PUBLISHED[: SPEC.feed_items]
    assert any(a.images for a in expected)
    assert b"media:content" in (out / "feed.xml").read_bytes()


# --------------------------------------------------------------------------
# Section listings and pagination
# --------------------------------------------------------------------------


@pytest.mark.parametrize("section", SPEC.section_order)
def test_section_pages_hold_every_article_once_in_archive_order(out: Path, section: str) -> None:
    articles = in_section(PUBLISHED, section)
    urls = {a.url for a in PUBLISHED}
    expected = expected_pages([a.url for a in articles], SPEC.per_page)
    total = len(expected) - 1
    assert total == max(0, math.ceil((len(articles) - SPEC.per_page) / SPEC.per_page))

    # Walk from the front page to page 1 by following the "older" links.
    walked: list[tuple[str, list[str]]] = []
    url: str | None = page_url(section, None)
    while url is not None:
        assert len(walked) <= total, f"the older links loop: {[u for u, _ in walked]}"
        root = parse_html(file_for(out, url))
        main = one(root.xpath("//main"), "main")
        walked.append((url, article_links(main, urls)))
        url = rel_link(root, "next")
    assert walked == [(page_url(section, n), items) for n, items in expected]

    flat = [u for _, items in walked for u in items]
    assert sorted(flat) == sorted(a.url for a in articles)
    assert len(flat) == len(set(flat)), "an article is listed on two pages"
    assert flat == [a.url for a in articles], "pages are not newest first from front to page 1"
    if total:
        assert walked[-1][0] == page_url(section, 1)
        assert walked[-1][1][-1] == articles[-1].url, "page 1 must end with the oldest article"
        sizes = {number: len(items) for number, items in expected}
        assert all(sizes[n] == SPEC.per_page for n in range(1, total))

    # Walk back with the "newer" links.
    back: list[str] = []
    url = page_url(section, 1) if total else page_url(section, None)
    while url is not None:
        assert len(back) <= total
        back.append(url)
        url = rel_link(parse_html(file_for(out, url)), "prev")
    assert back == [u for u, _ in reversed(walked)]

    # Page numbers link every numbered page (the fixture's listings are short enough to
    # show no gap), but a numbered page not those beyond its two newer neighbours: it
    # keeps its bytes as pages are added. Each page says which it is.
    for number, _ in expected:
        root = parse_html(file_for(out, page_url(section, number)))
        numbered = {
            int(text_of(a).removeprefix("Page ")): a.get("href")
            for a in root.xpath("//main//nav[@class='pagination']//a")
            if text_of(a).removeprefix("Page ").isdigit()
        }
        # Links and titles count pages from the newest (the front page is page 1, the
        # numbered page N of T is page T - N + 2), while URLs keep their stable numbers.
        numbered = {total + 2 - shown: href for shown, href in numbered.items() if shown > 1}
        if number is not None:
            numbered[number] = page_url(section, number)  # the current page is not a link
            shown = total + 2 - number
            assert f"page {shown} of {total + 1}" in text_of(one(root.xpath("//h1"), "h1"))
        linked = [n for n in range(1, total + 1) if number is None or n <= number + 2]
        assert numbered == {n: page_url(section, n) for n in linked}

    page_dir = out / section / "page"
    made = sorted(int(p.name) for p in page_dir.iterdir()) if page_dir.exists() else []
    assert made == list(range(1, total + 1))


def test_world_pagination_shape(out: Path) -> None:
    """7 articles, 3 a page: front 3 newest, page 1 the 3 oldest, page 2 the one between."""
    world = [a.url for a in in_section(PUBLISHED, "world")]
    assert len(world) == 7
    assert expected_pages([a.url for a in in_section(PUBLISHED, "world")], 3) == [
        (None, world[0:3]),
        (2, world[3:4]),
        (1, world[4:7]),
    ]
    main = one(parse_html(out / "world/page/2/index.html").xpath("//main"), "main")
    assert article_links(main, set(world)) == world[3:4]


# --------------------------------------------------------------------------
# Escaping, drafts, home page
# --------------------------------------------------------------------------


def test_script_headline_is_escaped_everywhere(out: Path) -> None:
    article = next(a for a in PUBLISHED if a.headline == SCRIPT_HEADLINE)
    assert article.summary == SCRIPT_SUMMARY

    offenders = []
    for path in html_files(out):
        root = parse_html(path)
        for script in root.xpath("//script"):
            # Only JSON-LD data blocks may exist (and the search page's own script); the
            # headline inside must stay JSON text.
            if is_search_page_own(path.relative_to(out).as_posix(), script):
                continue
            if script.get("type") != "application/ld+json":
                offenders.append(f"{path.relative_to(out)}: executable <script> element")
            elif "alert" in text_of(script):
                data = json.loads(text_of(script))
                if data.get("headline") != SCRIPT_HEADLINE:
                    offenders.append(f"{path.relative_to(out)}: JSON-LD headline changed")
        if root.xpath("//main//b"):
            offenders.append(f"{path.relative_to(out)}: <b> element from the summary")
        if b"<script>alert" in path.read_bytes():
            offenders.append(f"{path.relative_to(out)}: raw <script>alert")
    assert not offenders, "\n".join(offenders)

    page = parse_html(out / article.output_path)
    assert text_of(page.xpath("//h1")[0]) == SCRIPT_HEADLINE
    assert text_of(page.xpath("//head/title")[0]).startswith(SCRIPT_HEADLINE)
    assert text_of(by_class(page, "standfirst")[0]) == SCRIPT_SUMMARY
    assert page.xpath("//meta[@name='description']/@content") == [SCRIPT_SUMMARY]

    for listing in ("index.html", "culture/index.html"):
        root = parse_html(out / listing)
        texts = [text_of(a) for a in root.xpath("//a") if a.get("href") == article.url]
        assert SCRIPT_HEADLINE in texts, f"{listing}: {texts}"

    for feed in ("feed.xml", "culture/feed.xml"):
        data = (out / feed).read_bytes()
        titles = [as_shown(item.findtext("title")) for item in ET.fromstring(data).iter("item")]
        assert SCRIPT_HEADLINE in titles, feed
        entries = feedparser.parse(data).entries
        assert (SCRIPT_HEADLINE, []) in [shown_detail(e.title_detail) for e in entries]


def test_drafts_are_left_out(out: Path) -> None:
    draft = next(a for a in ALL_ARTICLES if a.draft)
    assert not (out / draft.output_path).exists()
    leaks = [
        p.relative_to(out).as_posix()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and p.suffix in (".html", ".xml")
        and (DRAFT_HEADLINE.encode() in p.read_bytes() or DRAFT_SLUG.encode() in p.read_bytes())
    ]
    assert not leaks, f"the draft shows up in {leaks}"


def test_drafts_are_built_with_drafts_option(out_drafts: Path) -> None:
    draft = next(a for a in ALL_ARTICLES if a.draft)
    assert draft is ALL_ARTICLES[0], "the fixture's draft is its newest article"
    assert text_of(parse_html(out_drafts / draft.output_path).xpath("//h1")[0]) == DRAFT_HEADLINE
    urls = {a.url for a in ALL_ARTICLES}
    home = parse_html(out_drafts / "index.html").xpath("//main")[0]
    assert draft.url in article_links(home, urls)
    main = parse_html(out_drafts / "world/index.html").xpath("//main")[0]
    assert article_links(main, urls)[0] == draft.url
    for feed in ("feed.xml", "world/feed.xml"):
        entries = feedparser.parse((out_drafts / feed).read_bytes()).entries
        assert entries[0].link == draft.permalink, feed
    all_world = [a.url for a in in_section(ALL_ARTICLES, "world")]
    walked = []
    for number in (None, 2, 1):
        main = parse_html(file_for(out_drafts, page_url("world", number))).xpath("//main")[0]
        walked += article_links(main, urls)
    assert walked == all_world


def expected_front(
    published: list[Expected],
) -> tuple[str, list[str], list[str], dict[str, list[str]]]:
    """The front page the default ``home:`` makes of a site without editorial choices:
    the newest story with a picture leads, the next newest are the top stories, then
    the latest, then each section's newest not shown above; each story once."""
    lead = next((a for a in published if a.images), published[0])
    rest = [a.url for a in published if a is not lead]
    top, latest = rest[:HOME_TOP], rest[HOME_TOP : HOME_TOP + HOME_LATEST]
    shown = {lead.url, *top, *latest}
    blocks = {
        section: [a.url for a in in_section(published, section) if a.url not in shown][:HOME_BLOCK]
        for section in SPEC.section_order
    }
    return lead.url, top, latest, blocks


def test_home_page_has_a_lead_top_stories_latest_and_a_block_per_section(out: Path) -> None:
    root = parse_html(out / "index.html")
    urls = {a.url for a in PUBLISHED}
    assert SPEC.title in text_of(one(root.xpath("//h1"), "h1"))
    lead, top, latest, blocks = expected_front(PUBLISHED)
    main = one(root.xpath("//main"), "main")
    shown = article_links(main, urls)
    everywhere = [href for href in main.xpath(".//a/@href") if href in urls]
    assert len(everywhere) == len(set(everywhere)), "a story shows twice on the front page"

    front_lead = one(by_class(main, "front-lead"), "lead")
    assert article_links(front_lead, urls) == [lead]
    assert by_class(front_lead, "card-image"), "the lead shows its picture"
    assert article_links(one(by_class(main, "front-top-list"), "top stories"), urls) == top
    assert article_links(section_under_heading(root, "Latest"), urls) == latest

    made = []
    for heading in root.xpath("//main//h2"):
        links = heading.xpath(".//a/@href")
        if links and links[0] in {f"/{s}/" for s in SPEC.section_order}:
            section = links[0].strip("/")
            assert text_of(heading) == SPEC.section_titles[section]
            made.append(section)
            assert article_links(heading.getparent(), urls) == blocks[section], section
    assert made == [section for section in SPEC.section_order if blocks[section]]
    assert shown == [lead, *top, *latest, *(u for s in made for u in blocks[s])]


def broken_links(out: Path, prefix: str = "/") -> list[str]:
    """Root-relative links and sources of every page that name no file under ``prefix``."""
    broken = []
    for path in html_files(out):
        root = parse_html(path)
        for attribute in ("href", "src"):
            for url in root.xpath(f"//@{attribute}"):
                if url.startswith("/") and not url.startswith("//"):
                    inside = url.startswith(prefix)
                    target = file_for(out, "/" + url[len(prefix) :].split("#")[0])
                    if not (inside and target.is_file()):
                        broken.append(f"{path.relative_to(out)}: {url}")
    return broken


def test_every_internal_link_resolves(out: Path) -> None:
    broken = broken_links(out)
    assert not broken, "\n".join(broken)


def test_base_url_with_a_path_prefixes_every_link(tmp_path: Path) -> None:
    source = copy_fixture("basic", tmp_path / "site")
    out = tmp_path / "out"
    build(BuildOptions(source, out, base_url="https://staging.example.org/news/"))
    assert (out / PUBLISHED[0].output_path).is_file(), "output paths must not include /news/"
    broken = broken_links(out, prefix="/news/")
    assert not broken, "\n".join(broken)
    entries = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert [e.link for e in entries] == [
        "https://staging.example.org/news" + a.url for a in PUBLISHED[: SPEC.feed_items]
    ]


# --------------------------------------------------------------------------
# Static files and themes
# --------------------------------------------------------------------------


def test_static_files_are_copied_unchanged_and_pictures_made_again(out: Path) -> None:
    for path in sorted((FIXTURE / "static").rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(FIXTURE / "static")
        if path.suffix in (".png", ".jpg", ".jpeg", ".gif", ".webp"):
            # the same picture, without any metadata (images/decode.py)
            published, original = Image.open(out / relative), Image.open(path)
            assert published.size == original.size, relative
            assert published.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()
            assert not published.info.get("icc_profile") and not published.getexif()
        else:
            assert (out / relative).read_bytes() == path.read_bytes(), relative
    theme_css = default_theme() / "static" / "css" / "newsgen.css"
    assert (out / "css" / "newsgen.css").read_bytes() == theme_css.read_bytes()


MINIMAL_ARTICLE = """\
---
headline: Bridge reopens
date: 2024-12-16T10:00:00+01:00
---
The bridge reopened on Monday.
"""

CUSTOM_ARTICLE_TEMPLATE = """\
<!DOCTYPE html>
<html lang="{{ site.config.language }}">
<head><meta charset="utf-8"><title>{{ article.headline }}</title></head>
<body><main><h1 class="custom-article">CUSTOM: {{ article.headline }}</h1></main></body>
</html>
"""


def test_site_templates_override_the_theme_file_by_file(make_site: Any, tmp_path: Path) -> None:
    files = {"content/world/bridge-reopens.md": MINIMAL_ARTICLE}
    plain = make_site(files)
    custom = make_site({**files, "templates/article.html": CUSTOM_ARTICLE_TEMPLATE})
    run_build(plain, tmp_path / "plain-out")
    run_build(custom, tmp_path / "custom-out")
    page = "world/2024/12/16/bridge-reopens/index.html"

    root = parse_html(tmp_path / "custom-out" / page)
    assert [text_of(h) for h in by_class(root, "custom-article")] == ["CUSTOM: Bridge reopens"]
    custom_page = (tmp_path / "custom-out" / page).read_bytes()
    assert custom_page != (tmp_path / "plain-out" / page).read_bytes()
    for default in ("index.html", "world/index.html", "404.html"):
        assert (tmp_path / "custom-out" / default).read_bytes() == (
            tmp_path / "plain-out" / default
        ).read_bytes(), f"{default} should come from the default theme"
    assert (tmp_path / "custom-out" / "css" / "newsgen.css").is_file()


def test_site_static_overrides_the_theme_file_by_file(make_site: Any, tmp_path: Path) -> None:
    css = b"/* the site's own stylesheet */\nbody { color: black; }\n"
    site = make_site(
        {
            "content/world/bridge-reopens.md": MINIMAL_ARTICLE,
            "static/css/newsgen.css": css,
            "static/robots.txt": b"User-agent: *\n",
        }
    )
    run_build(site, tmp_path / "out")
    assert (tmp_path / "out" / "css" / "newsgen.css").read_bytes() == css
    assert (tmp_path / "out" / "robots.txt").read_bytes() == b"User-agent: *\n"


def test_site_with_only_config_and_content_uses_the_default_theme(
    make_site: Any, tmp_path: Path
) -> None:
    site = make_site({"content/world/bridge-reopens.md": MINIMAL_ARTICLE})
    assert sorted(p.name for p in site.iterdir()) == ["content", "newsgen.yaml"]
    out = tmp_path / "out"
    report = run_build(site, out)
    assert report.articles == 1
    theme_css = default_theme() / "static" / "css" / "newsgen.css"
    assert (out / "css" / "newsgen.css").read_bytes() == theme_css.read_bytes()
    for page in ("index.html", "world/2024/12/16/bridge-reopens/index.html", "world/index.html"):
        root = parse_html(out / page)
        sheets = root.xpath("//head/link[@rel='stylesheet']/@href")
        assert sheets, page
        assert all(file_for(out, href).is_file() for href in sheets), sheets
    assert not strict_html_failures(out)


def test_default_theme_does_not_ship_the_example_sites_images(
    make_site: Any, tmp_path: Path
) -> None:
    """A new site's output holds its pages, feeds and the theme's assets, not someone's photos."""
    site = make_site({"content/world/bridge-reopens.md": MINIMAL_ARTICLE})
    run_build(site, tmp_path / "out")
    images = sorted(p.name for p in (tmp_path / "out").rglob("*") if p.suffix in (".jpg", ".png"))
    assert images == ["apple-touch-icon.png"]  # drawn from the site's initials


# --------------------------------------------------------------------------
# Failed builds, the example site
# --------------------------------------------------------------------------


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    source = copy_fixture("basic", tmp_path / "site")
    out = tmp_path / "out"
    run_build(source, out)
    before = snapshot(out)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    assert "index.html" in before

    # Good changes (that would show if anything were written) plus one broken article.
    edited = source / "content" / "world" / "coalition-talks.md"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("talks begin", "talks start"), encoding="utf-8")
    (source / "content" / "world" / "new-and-fine.md").write_text(
        "---\nheadline: A new and fine article\ndate: 2024-12-30T10:00:00+01:00\n---\nBody.\n",
        encoding="utf-8",
    )
    (source / "content" / "world" / "broken.md").write_text(
        textwrap.dedent("""\
            ---
            headline: A broken article
            date: not a date
            ---
            Body.
        """),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed) as failure:
        run_build(source, out)
    assert any(p.path == "content/world/broken.md" for p in failure.value.problems)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings, "staging files left behind"


def test_example_site_builds_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "example-out"
    report = run_build(REPO_ROOT, out)
    assert report.articles > 0
    assert [str(w) for w in report.warnings] == []
    failures = strict_html_failures(out)
    assert not failures, "html5lib strict parse errors:\n" + "\n".join(failures)
    feeds = sorted(out.rglob("*.xml"))
    assert feeds
    assert not feed_bozo_failures(out)
