"""End-to-end tests of the newsroom features: date archives, tags, authors, related
articles, pagination links, sitemaps, JSON Feed, structured data, scheduled
publishing, corrections, stable ids, aliases, links between articles.

The fixture ``tests/fixtures/sites/newsroom`` is built in-process with a fixed
build time (``BuildOptions(now=BUILD_TIME)``); the CLI runs in a subprocess
where the command itself is the point. Expectations come from the fixture's
own files (front matter read with PyYAML, dates taken in the site's time zone,
URLs and slugs computed here) and never from newsgen's functions, so that a
bug there cannot hide itself. Output is read with real parsers: html5lib for
HTML, lxml for XML, feedparser for RSS, json for JSON-LD and JSON Feed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import feedparser
import html5lib
import pytest
import yaml
from e2e_helpers import (
    SEARCH_PAGE,
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
from lxml import etree
from PIL import Image

from commands import find_newsgen
from feed_checks import shown_detail
from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.content.placeholder import PLACEHOLDER
from sitemap_schemas import assert_valid_sitemap

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "sites" / "newsroom"

BUILD_TIME = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
BUILD_EPOCH = "1749981600"  # BUILD_TIME as SOURCE_DATE_EPOCH
EXAMPLE_EPOCH = "1763719200"  # the example site's build time (Makefile)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {
    "sm": SITEMAP_NS,
    "news": NEWS_NS,
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$"
)

HOSTILE_HEADLINE = '</script><script>alert(1)</script> "quotes" \\ backslash ünïcödé'
# How the theme's structured data names the maker of each fixture picture credit.
CREDIT_CREATORS = {
    "Jo Example": ("Person", "Jo Example"),
    "Photo: Baltic Press Agency": ("Organization", "Baltic Press Agency"),
}


NEWSGEN = find_newsgen()


# --------------------------------------------------------------------------
# What the fixture says, read independently of newsgen
# --------------------------------------------------------------------------

CONFIG = yaml.safe_load((FIXTURE / "newsgen.yaml").read_text(encoding="utf-8"))
PROFILES: dict[str, dict[str, Any]] = yaml.safe_load(
    (FIXTURE / "authors.yaml").read_text(encoding="utf-8")
)
BASE_URL: str = CONFIG["base_url"]
TITLE: str = CONFIG["title"]
ZONE = ZoneInfo(CONFIG["timezone"])
PER_PAGE: int = CONFIG["per_page"]
FEED_ITEMS: int = CONFIG["feed_items"]
SECTION_TITLES: dict[str, str] = {s["name"]: s["title"] for s in CONFIG["sections"]}
PUBLISHER: dict[str, str] = CONFIG["publisher"]


def slug_of(text: str) -> str:
    """Slug of a plain ASCII name (every fixture tag, byline and slug-less headline is one)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def absolute(path: str) -> str:
    return BASE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Story:
    source: str
    headline: str
    date: datetime
    updated: datetime | None
    section: str
    slug: str
    summary: str
    bylines: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    images: tuple[dict[str, str], ...]
    draft: bool
    id: str | None
    corrections: tuple[tuple[datetime, str], ...]
    """Oldest first."""
    aliases: tuple[str, ...]
    url: str

    @property
    def permalink(self) -> str:
        return absolute(self.url)

    @property
    def local(self) -> datetime:
        return self.date.astimezone(ZONE)

    @property
    def modified(self) -> datetime:
        moments = [self.date, *([self.updated] if self.updated else [])]
        return max(moments + [when for when, _ in self.corrections])

    @property
    def tag_slugs(self) -> set[str]:
        return {slug_of(tag) for tag in self.tags}

    @property
    def section_title(self) -> str:
        return SECTION_TITLES[self.section]


def read_story(path: Path) -> Story:
    _, front_text, body = path.read_text(encoding="utf-8").split("---\n", 2)
    front = yaml.safe_load(front_text)
    relative = path.relative_to(FIXTURE / "content")
    section = relative.parts[0]
    slug = front.get("slug") or slug_of(front["headline"])
    published = aware(front["date"], ZONE)
    local = published.astimezone(ZONE)
    bylines = front.get("byline") or []
    return Story(
        source=path.relative_to(FIXTURE).as_posix(),
        headline=front["headline"],
        date=published,
        updated=aware(front["updated"], ZONE) if "updated" in front else None,
        section=section,
        slug=slug,
        summary=front.get("summary") or first_paragraph(body),
        bylines=tuple([bylines] if isinstance(bylines, str) else bylines),
        tags=tuple(front.get("tags") or ()),
        sources=tuple(
            (s.get("name") or s["url"].split("/")[2], s["url"]) for s in front.get("sources", ())
        ),
        images=tuple(front.get("images") or ()),
        draft=bool(front.get("draft")),
        id=front.get("id"),
        corrections=tuple(
            sorted((aware(c["date"], ZONE), c["text"]) for c in front.get("corrections", ()))
        ),
        aliases=tuple(front.get("aliases") or ()),
        url=f"/{section}/{local:%Y}/{local:%m}/{local:%d}/{slug}/",
    )


ALL_STORIES = sorted(
    (read_story(p) for p in (FIXTURE / "content").rglob("*.md")),
    key=lambda s: s.date,
    reverse=True,
)
PUBLISHED = [s for s in ALL_STORIES if not s.draft and s.date <= BUILD_TIME]
DRAFT = next(s for s in ALL_STORIES if s.draft)
FUTURE = next(s for s in ALL_STORIES if s.date > BUILD_TIME)
BY_SOURCE = {s.source: s for s in ALL_STORIES}
ARTICLE_URLS = {s.url for s in PUBLISHED}

WIND_FARM = BY_SOURCE["content/business/wind-farm-investment.md"]  # two corrections
WITH_ID = next(s for s in PUBLISHED if s.id)
WITH_ALIASES = next(s for s in PUBLISHED if s.aliases)
HOSTILE = next(s for s in PUBLISHED if s.headline == HOSTILE_HEADLINE)
CORRECTED = [s for s in PUBLISHED if s.corrections]
NEWS_WINDOW_DAYS = 2


def in_news_window(story: Story) -> bool:
    return 0 <= (BUILD_TIME - story.date).total_seconds() <= NEWS_WINDOW_DAYS * 86400


@dataclass(frozen=True)
class Listing:
    """A paginated listing and the articles it should hold, newest first."""

    kind: str
    url: str
    name: str
    stories: tuple[Story, ...]
    trail: tuple[str, ...]
    """Root-relative URLs of its breadcrumb trail below the home page, ending with itself."""

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.url}"


def all_listings() -> list[Listing]:
    listings = []
    for section, title in SECTION_TITLES.items():
        stories = tuple(s for s in PUBLISHED if s.section == section)
        listings.append(Listing("section", f"/{section}/", title, stories, (f"/{section}/",)))
    for tag in sorted({t for s in PUBLISHED for t in s.tags}):
        url = f"/tags/{slug_of(tag)}/"
        stories = tuple(s for s in PUBLISHED if tag in s.tags)
        listings.append(Listing("tag", url, tag, stories, ("/tags/", url)))
    for name in sorted({b for s in PUBLISHED for b in s.bylines}):
        url = f"/authors/{slug_of(name)}/"
        stories = tuple(s for s in PUBLISHED if name in s.bylines)
        listings.append(Listing("author", url, name, stories, ("/authors/", url)))
    for year in sorted({s.local.year for s in PUBLISHED}):
        url = f"/{year}/"
        stories = tuple(s for s in PUBLISHED if s.local.year == year)
        listings.append(Listing("year", url, str(year), stories, ("/archive/", url)))
    for year, month in sorted({(s.local.year, s.local.month) for s in PUBLISHED}):
        url = f"/{year}/{month:02d}/"
        stories = tuple(s for s in PUBLISHED if (s.local.year, s.local.month) == (year, month))
        trail = ("/archive/", f"/{year}/", url)
        listings.append(Listing("month", url, url, stories, trail))
    return listings


LISTINGS = all_listings()


def listing_pages(listing: Listing) -> list[tuple[str, int | None, list[str]]]:
    """(page URL, number or None, article URLs newest first): front page, then total … 1."""
    urls = [story.url for story in listing.stories]
    return [
        (listing.url if number is None else f"{listing.url}page/{number}/", number, shown)
        for number, shown in expected_pages(urls, PER_PAGE)
    ]


def expected_related(story: Story, limit: int = 5) -> list[str]:
    """docs/output-and-deploying.md: ranked by shared tags, then same section, then
    nearness in time."""
    candidates = [
        other
        for other in PUBLISHED
        if other is not story
        and (other.tag_slugs & story.tag_slugs or other.section == story.section)
    ]

    def rank(other: Story) -> tuple[int, bool, float]:
        shared = len(other.tag_slugs & story.tag_slugs)
        distance = abs((other.date - story.date).total_seconds())
        return (-shared, other.section != story.section, distance)

    ranks = [rank(other) for other in candidates]
    assert len(set(ranks)) == len(ranks), f"the fixture has a tie in {story.source}'s ranking"
    return [other.url for other in sorted(candidates, key=rank)[:limit]]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def build_fixture(
    base: Path, *, drafts: bool = False, future: bool = False, source: Path | None = None
) -> tuple[Path, BuildReport]:
    source = source or copy_fixture("newsroom", base / "site")
    out = base / "out"
    report = build(BuildOptions(source, out, drafts=drafts, future=future, now=BUILD_TIME))
    return out, report


def newsgen_cli(*args: str | Path, epoch: str = BUILD_EPOCH) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    env.pop("NEWSGEN_DEBUG", None)
    return subprocess.run(
        [NEWSGEN, *map(str, args)], capture_output=True, text=True, timeout=60, env=env
    )


def url_for(out: Path, path: Path) -> str:
    relative = path.relative_to(out).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


_PARSED: dict[Path, Any] = {}


def page(out: Path, url: str) -> Any:
    """The page at ``url`` parsed the way a browser would (html5lib), as an lxml root."""
    path = file_for(out, url)
    if path not in _PARSED:
        assert path.is_file(), f"no page at {url}"
        tree = html5lib.parse(path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
        _PARSED[path] = tree.getroot()
    return _PARSED[path]


def meta(root: Any, key: str) -> list[str]:
    """Contents of the head's ``<meta property=key>`` or ``<meta name=key>``, in order."""
    return root.xpath("/html/head/meta[@property=$k or @name=$k]/@content", k=key)


def one_meta(root: Any, key: str) -> str:
    return one(meta(root, key), f"<meta {key}>")


def canonical(root: Any) -> str:
    return one(root.xpath("/html/head/link[@rel='canonical']/@href"), "canonical link")


def head_rel(root: Any, rel: str) -> list[str]:
    return root.xpath("/html/head/link[@rel=$r]/@href", r=rel)


def body_rel(root: Any, rel: str) -> list[str]:
    return [a.get("href") for a in root.xpath("//body//a[@rel]") if rel in a.get("rel").split()]


def json_ld(root: Any) -> dict[str, Any]:
    script = one(root.xpath("//script[@type='application/ld+json']"), "JSON-LD script")
    return json.loads(script.text)


def main_of(root: Any) -> Any:
    return one(root.xpath("//main"), "main")


def hrefs_in_main(root: Any) -> list[str]:
    return main_of(root).xpath(".//a/@href")


def parse_xml(path: Path) -> Any:
    return etree.fromstring(path.read_bytes())


def rss_items(path: Path) -> list[Any]:
    return parse_xml(path).findall("channel/item")


def parsed_feed(path: Path) -> Any:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, f"{path.name}: {parsed.get('bozo_exception')!r}"
    return parsed


def sitemap_entries(out: Path) -> dict[str, str]:
    root = parse_xml(out / "sitemap.xml")
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    entries: dict[str, str] = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in entries, f"{loc} is listed twice"
        entries[loc] = url.findtext("sm:lastmod", namespaces=NS)
    return entries


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def output_texts(out: Path) -> dict[str, bytes]:
    """Every page, feed, sitemap and robots.txt of the output."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
    }


# --------------------------------------------------------------------------
# Builds shared by the tests (each test only reads them)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    return build_fixture(tmp_path_factory.mktemp("newsroom"))


@pytest.fixture(scope="module")
def out(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def out_future(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("newsroom-future"), future=True)[0]


@pytest.fixture(scope="module")
def out_drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("newsroom-drafts"), drafts=True)[0]


# --------------------------------------------------------------------------
# The fixture
# --------------------------------------------------------------------------


def test_fixture_is_what_the_tests_assume(built: tuple[Path, BuildReport]) -> None:
    assert len(PUBLISHED) == 14
    assert len(SECTION_TITLES) == 3 == len({s.section for s in PUBLISHED})
    assert len({s.local.year for s in PUBLISHED}) == 3
    tag_use = Counter(t for s in PUBLISHED for t in s.tags)
    assert sum(1 for count in tag_use.values() if count >= 2) >= 6
    assert any(len(s.bylines) == 2 for s in PUBLISHED)
    assert [s.source for s in ALL_STORIES if s.draft] == [DRAFT.source]
    assert [s.source for s in ALL_STORIES if s.date > BUILD_TIME] == [FUTURE.source]
    assert len(WIND_FARM.corrections) == 2
    assert WIND_FARM.updated and WIND_FARM.updated < WIND_FARM.corrections[-1][0]
    assert [s.source for s in PUBLISHED if s.id] == [WITH_ID.source]
    assert any(a.endswith(".html") for a in WITH_ALIASES.aliases)
    assert any(a.endswith("/") for a in WITH_ALIASES.aliases)
    assert len([s for s in PUBLISHED if in_news_window(s)]) == 2
    assert set(PROFILES) <= {b for s in PUBLISHED for b in s.bylines}

    _, report = built
    assert report.articles == len(PUBLISHED)
    assert report.drafts_skipped == 1
    assert report.future_skipped == 1
    assert report.warnings == ()


def test_every_page_is_strictly_valid_html5(out: Path) -> None:
    failures = []
    for path in sorted(out.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(path.read_bytes())
        except Exception as error:  # html5lib raises ParseError; report anything
            failures.append(f"{path.relative_to(out)}: {error}")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------
# Listings: sections, tags, authors, years and months
# --------------------------------------------------------------------------


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.id)
def test_listing_pages_hold_their_articles_with_stable_numbering(
    out: Path, listing: Listing
) -> None:
    pages = listing_pages(listing)
    flat = [url for _, _, urls in pages for url in urls]
    assert sorted(flat) == sorted(s.url for s in listing.stories)

    for index, (url, number, urls) in enumerate(pages):
        root = page(out, url)
        assert article_links(main_of(root), ARTICLE_URLS) == urls, f"{url} lists the wrong articles"

        title = text_of(one(root.xpath("/html/head/title"), "title"))
        if number is None:
            assert not re.search(r"\bpage \d+\b", title, re.IGNORECASE), title
        else:  # counted from the newest for readers; the URL keeps the stable number
            shown = len(pages) + 1 - number
            assert re.search(rf"\bpage {shown} of {len(pages)}\b", title, re.IGNORECASE), title
            where = text_of(one(by_class(root, "pagination-where"), "page count"))
            assert where == f"Page {shown} of {len(pages)}"
        assert canonical(root) == absolute(url)

        newer = pages[index - 1][0] if index > 0 else None
        older = pages[index + 1][0] if index + 1 < len(pages) else None
        for rel, target in (("prev", newer), ("next", older)):
            expected = [target] if target else []
            assert head_rel(root, rel) == expected, f"{url}: <link rel={rel}>"
            assert sorted(set(body_rel(root, rel))) == expected, f"{url}: <a rel={rel}>"

    page_dir = file_for(out, listing.url).parent / "page"
    made = sorted(int(p.name) for p in page_dir.iterdir()) if page_dir.is_dir() else []
    assert made == list(range(1, len(pages)))


def test_listing_page_one_holds_the_oldest_articles(out: Path) -> None:
    europe = next(listing for listing in LISTINGS if listing.url == "/tags/europe/")
    stories = list(europe.stories)
    assert len(stories) == 7  # front page 2, then pages 3 (1 article), 2 and 1 (2 each)
    assert article_links(main_of(page(out, "/tags/europe/page/1/")), ARTICLE_URLS) == [
        s.url for s in stories[-2:]
    ]
    assert article_links(main_of(page(out, "/tags/europe/page/3/")), ARTICLE_URLS) == [
        stories[2].url
    ]


def test_archive_lists_years_and_months_with_counts(out: Path) -> None:
    root = page(out, "/archive/")
    main = main_of(root)
    years = Counter(s.local.year for s in PUBLISHED)
    months = Counter((s.local.year, s.local.month) for s in PUBLISHED)

    year_links = [
        (a.get("href"), text_of(a))
        for a in main.xpath(".//a")
        if re.fullmatch(r"/\d{4}/", a.get("href", ""))
    ]
    assert year_links == [(f"/{y}/", str(y)) for y in sorted(years, reverse=True)]
    for year, count in years.items():
        link = one(main.xpath(".//a[@href=$h]", h=f"/{year}/"), f"link to /{year}/")
        holder = link.getparent()
        assert re.search(rf"\b{count} articles?\b", text_of(holder)), text_of(holder)

    month_links = [
        a.get("href")
        for a in main.xpath(".//a")
        if re.fullmatch(r"/\d{4}/\d{2}/", a.get("href", ""))
    ]
    assert month_links == [f"/{y}/{m:02d}/" for y, m in sorted(months, reverse=True)]
    for (year, month), count in months.items():
        link = one(main.xpath(".//a[@href=$h]", h=f"/{year}/{month:02d}/"), "month link")
        assert re.search(rf"\b{count}\b", text_of(link.getparent())), text_of(link.getparent())


def period_neighbours() -> list[tuple[str, str | None, str | None]]:
    """(period URL, newer period URL, older period URL) for years, then months."""
    found = []
    for kind in ("year", "month"):
        urls = [listing.url for listing in LISTINGS if listing.kind == kind]  # oldest first
        for index, url in enumerate(urls):
            newer = urls[index + 1] if index + 1 < len(urls) else None
            older = urls[index - 1] if index > 0 else None
            found.append((url, newer, older))
    return found


@pytest.mark.parametrize(("url", "newer", "older"), period_neighbours())
def test_period_pages_link_to_the_neighbouring_periods(
    out: Path, url: str, newer: str | None, older: str | None
) -> None:
    period_urls = {listing.url for listing in LISTINGS if listing.kind in ("year", "month")}
    root = page(out, url)
    kind = r"/\d{4}/" if url.count("/") == 2 else r"/\d{4}/\d{2}/"
    links = [
        (text_of(a), a.get("href"))
        for a in main_of(root).xpath(".//nav//a")
        if a.get("href", "") in period_urls and re.fullmatch(kind, a.get("href"))
    ]
    newer_links = [href for label, href in links if label.lower().startswith("newer")]
    older_links = [href for label, href in links if label.lower().startswith("older")]
    assert newer_links == ([newer] if newer else []), links
    assert older_links == ([older] if older else []), links


def test_periods_are_taken_in_the_site_time_zone(out: Path) -> None:
    """23:30 UTC on 31 December 2024 is 00:30 on 1 January 2025 in Berlin."""
    assert HOSTILE.date.astimezone(UTC).year == 2024
    assert HOSTILE.url == "/culture/2025/01/01/hostile-headline/"
    assert file_for(out, HOSTILE.url).is_file()
    assert article_links(main_of(page(out, "/2025/01/")), ARTICLE_URLS) == [HOSTILE.url]
    assert not (out / "2024" / "12" / "index.html").read_text(encoding="utf-8").count(HOSTILE.url)


def test_period_links_skip_empty_periods(out: Path) -> None:
    """No article was published in 2023: 2024 and its first month link straight to 2022."""
    assert not any(s.local.year == 2023 for s in PUBLISHED)
    year = [a.get("href") for a in main_of(page(out, "/2024/")).xpath(".//nav//a")]
    assert "/2022/" in year and "/2023/" not in year
    month = [a.get("href") for a in main_of(page(out, "/2024/02/")).xpath(".//nav//a")]
    assert "/2022/11/" in month and "/2024/05/" in month
    assert not (out / "2023").exists()


# --------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------


def test_tags_index_lists_every_tag_with_its_count(out: Path) -> None:
    counts = Counter(t for s in PUBLISHED for t in s.tags)
    main = main_of(page(out, "/tags/"))
    found = {}
    for link in main.xpath(".//a[starts-with(@href, '/tags/')]"):
        match = re.search(r"\b(\d+)\b", text_of(link.getparent()).replace(text_of(link), "", 1))
        assert match, text_of(link.getparent())
        found[(text_of(link), link.get("href"))] = int(match.group(1))
    assert found == {(tag, f"/tags/{slug_of(tag)}/"): n for tag, n in counts.items()}
    # The draft's and the scheduled article's tags are not counted.
    assert counts["Markets"] == 2 and counts["Europe"] == 7


@pytest.mark.parametrize(
    "listing", [x for x in LISTINGS if x.kind == "tag"], ids=lambda listing: listing.url
)
def test_tag_feed_holds_the_tags_articles(out: Path, listing: Listing) -> None:
    path = file_for(out, listing.url + "feed.xml")
    parsed = parsed_feed(path)
    expected = listing.stories[:FEED_ITEMS]
    assert [e.link for e in parsed.entries] == [s.permalink for s in expected]
    assert [shown_detail(e.title_detail)[0] for e in parsed.entries] == [
        s.headline for s in expected
    ]
    channel = parse_xml(path).find("channel")
    assert channel.findtext("link") == absolute(listing.url)
    assert listing.name in channel.findtext("title")
    self_links = channel.xpath("atom:link[@rel='self']/@href", namespaces=NS)
    assert self_links == [absolute(listing.url + "feed.xml")]
    categories = [sorted(c.text for c in item.findall("category")) for item in rss_items(path)]
    assert all(listing.name in names for names in categories)


def test_every_feed_parses_cleanly(out: Path) -> None:
    feeds = sorted(out.rglob("feed.xml"))
    assert len(feeds) == 1 + len(SECTION_TITLES) + len({t for s in PUBLISHED for t in s.tags}) + 1
    for path in feeds:
        parsed_feed(path)


# --------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------


def test_authors_index_lists_every_byline_name(out: Path) -> None:
    counts = Counter(b for s in PUBLISHED for b in s.bylines)
    main = main_of(page(out, "/authors/"))
    found = {}
    for link in main.xpath(".//a[starts-with(@href, '/authors/')]"):
        holder = link.getparent().getparent()
        match = re.search(r"\b(\d+) articles?\b", text_of(holder))
        assert match, text_of(holder)
        found[(text_of(link), link.get("href"))] = int(match.group(1))
    assert found == {(name, f"/authors/{slug_of(name)}/"): n for name, n in counts.items()}


@pytest.mark.parametrize("story", PUBLISHED, ids=lambda s: s.source)
def test_article_bylines_link_to_author_pages(out: Path, story: Story) -> None:
    header = one(by_class(page(out, story.url), "article-header"), "article header")
    links = [(text_of(a), a.get("href")) for a in header.xpath(".//a[@rel='author']")]
    assert links == [(name, f"/authors/{slug_of(name)}/") for name in story.bylines]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_author_profile_on_author_page_and_articles(out: Path, name: str) -> None:
    profile = PROFILES[name]
    url = f"/authors/{slug_of(name)}/"
    photo = profile["photo"]  # a static file at the site root, or an http(s) URL
    main = main_of(page(out, url))
    assert profile["bio"] in text_of(main)
    assert shows_photo(out, main, photo)
    links = [
        (text_of(a), a.get("href"))
        for a in main.xpath(".//a")
        if a.get("href") in {link["url"] for link in profile["links"]}
    ]
    assert links == [(link["name"], link["url"]) for link in profile["links"]]
    # Numbered author pages are the same author's pages.
    assert profile["bio"] in text_of(main_of(page(out, url + "page/1/")))

    for story in (s for s in PUBLISHED if name in s.bylines):
        article = one(page(out, story.url).xpath("//article[.//h1]"), "article")
        cards = [
            card
            for card in article.xpath(".//li | .//div")
            if card.xpath(".//a[@href=$u]", u=url) and profile["bio"] in text_of(card)
        ]
        assert cards, f"{story.url} has no card for {name}"
        assert any(shows_photo(out, card, photo) for card in cards), (
            f"{story.url}: no photo of {name}"
        )


def shows_photo(out: Path, node: Any, photo: str) -> bool:
    """True when ``node`` shows the author photo ``photo``: a remote one as it is, one
    in static/ as the square copies the build made of it (images/)."""
    if "://" in photo:
        return photo in node.xpath(".//img/@src")
    original = Image.open(file_for(out, photo)).size
    for img in node.xpath(".//img[contains(@class, 'author-photo')]"):
        copy = Image.open(file_for(out, img.get("src")))
        if copy.width == copy.height <= min(original) and img.get("srcset"):
            return True
    return False


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_article_author_cards_show_profile_links(out: Path, name: str) -> None:
    """The brief asks for the profile's bio, photo and links on the article too (the
    docs/themes.md's list of what article pages show names only bio and photo)."""
    wanted = [(link["name"], link["url"]) for link in PROFILES[name]["links"]]
    missing = []
    for story in (s for s in PUBLISHED if name in s.bylines):
        article = one(page(out, story.url).xpath("//article[.//h1]"), "article")
        shown = [(text_of(a), a.get("href")) for a in article.xpath(".//a")]
        if not all(link in shown for link in wanted):
            missing.append(story.url)
    assert not missing, f"{name}'s profile links are missing from: {missing}"


def test_author_without_profile_has_a_plain_page(out: Path) -> None:
    main = main_of(page(out, "/authors/mira-lind/"))
    assert text_of(one(main.xpath(".//h1"), "h1")) == "Mira Lind"
    assert not main.xpath(".//img[contains(@class, 'author-photo')]")
    for bio in (p["bio"] for p in PROFILES.values()):
        assert bio not in text_of(main)


# --------------------------------------------------------------------------
# Related articles
# --------------------------------------------------------------------------


def related_on(out: Path, story: Story) -> list[str]:
    root = page(out, story.url)
    heading = one([h for h in root.xpath("//h2") if text_of(h) == "Related"], "Related heading")
    return article_links(heading.getparent(), ARTICLE_URLS)


@pytest.mark.parametrize("story", PUBLISHED, ids=lambda s: s.source)
def test_related_articles_are_ranked_by_tags_section_and_time(out: Path, story: Story) -> None:
    related = related_on(out, story)
    assert story.url not in related
    assert len(related) <= 5
    assert related == expected_related(story)


def test_two_shared_tags_rank_above_one_shared_tag(out: Path) -> None:
    energy = BY_SOURCE["content/world/energy-prices-winter.md"]
    two = WIND_FARM  # Energy and Climate; other section, ten months earlier
    one_tag = BY_SOURCE["content/world/analysis/election-analysis.md"]  # Europe; same section
    assert len(two.tag_slugs & energy.tag_slugs) == 2
    assert len(one_tag.tag_slugs & energy.tag_slugs) == 1
    related = related_on(out, energy)
    assert two.url in related and one_tag.url in related
    assert related.index(two.url) < related.index(one_tag.url)


# --------------------------------------------------------------------------
# Sitemaps and robots.txt
# --------------------------------------------------------------------------


def alias_files(story: Story) -> list[str]:
    return [
        alias.strip("/") if alias.endswith(".html") else alias.strip("/") + "/index.html"
        for alias in story.aliases
    ]


def test_sitemap_lists_every_indexable_page(out: Path) -> None:
    entries = sitemap_entries(out)
    redirects = {f for s in PUBLISHED for f in alias_files(s)}
    expected = {
        absolute(url_for(out, path))
        for path in out.rglob("*.html")
        if path.relative_to(out).as_posix() not in redirects | {"404.html", SEARCH_PAGE}
    }
    assert set(entries) == expected
    for loc, lastmod in entries.items():
        assert lastmod and W3C_DATETIME.match(lastmod), f"{loc}: lastmod {lastmod!r}"

    for story in PUBLISHED:
        assert when(entries[story.permalink]) == story.modified, story.source
    for url in (
        "/",
        "/archive/",
        "/tags/",
        "/authors/",
        "/corrections/",
        "/world/page/1/",
        "/tags/europe/page/3/",
        "/authors/anna-keller/",
        "/2025/06/page/1/",
    ):
        assert absolute(url) in entries, url
    assert when(entries[absolute("/")]) == max(s.modified for s in PUBLISHED)
    not_listed = [absolute("/404.html"), DRAFT.permalink, FUTURE.permalink]
    not_listed += [absolute("/" + f.removesuffix("index.html")) for f in redirects]
    assert not set(not_listed) & set(entries)


def test_sitemap_lastmod_of_corrected_article_is_its_latest_correction(out: Path) -> None:
    entries = sitemap_entries(out)
    latest = WIND_FARM.corrections[-1][0]
    assert when(entries[WIND_FARM.permalink]) == latest
    assert when(entries[absolute("/corrections/")]) == max(
        c for s in PUBLISHED for c, _ in s.corrections
    )
    # A listing whose newest change is that correction says so too.
    assert when(entries[absolute("/tags/offshore/")]) == latest


def test_news_sitemap_holds_the_last_two_days(out: Path) -> None:
    root = parse_xml(out / "news-sitemap.xml")
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    assert root.nsmap.get("news") == NEWS_NS
    recent = [s for s in PUBLISHED if in_news_window(s)]
    urls = root.findall("sm:url", NS)
    assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [s.permalink for s in recent]
    for url, story in zip(urls, recent, strict=True):
        news = one(url.findall("news:news", NS), "news:news")
        assert news.findtext("news:publication/news:name", namespaces=NS) == PUBLISHER["name"]
        assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
        published = news.findtext("news:publication_date", namespaces=NS)
        assert W3C_DATETIME.match(published)
        assert when(published) == story.date
        assert news.findtext("news:title", namespaces=NS) == story.headline
    # The story three days old is not news any more.
    older = BY_SOURCE["content/world/climate-report.md"]
    assert older.permalink not in etree.tostring(root).decode()


def test_every_sitemap_is_valid_against_the_published_schemas(out: Path) -> None:
    written = sorted(out.glob("*sitemap*.xml")) + sorted(out.glob("sitemaps/*.xml"))
    assert [p.name for p in written] == ["news-sitemap.xml", "sitemap.xml"]
    for path in written:
        assert_valid_sitemap(path.read_bytes(), path.name)


def test_robots_txt_names_both_sitemaps(out: Path) -> None:
    lines = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert [line for line in lines if line.startswith("Disallow")] in ([], ["Disallow:"])
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Sitemap:")]
    assert sorted(sitemaps) == sorted([absolute("/news-sitemap.xml"), absolute("/sitemap.xml")])


# --------------------------------------------------------------------------
# JSON Feed
# --------------------------------------------------------------------------


def test_json_feed(out: Path) -> None:
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == TITLE
    assert feed["home_page_url"] == BASE_URL
    assert feed["feed_url"] == absolute("/feed.json")
    assert feed["language"] == CONFIG["language"]
    expected = PUBLISHED[:FEED_ITEMS]
    items = feed["items"]
    assert [i["url"] for i in items] == [s.permalink for s in expected]
    assert len({i["id"] for i in items}) == len(items)
    for item, story in zip(items, expected, strict=True):
        assert item["id"] == (f"urn:uuid:{story.id}" if story.id else story.permalink)
        assert item["title"] == story.headline
        assert item["summary"] == story.summary
        assert item["content_html"].strip()
        assert W3C_DATETIME.match(item["date_published"])
        assert when(item["date_published"]) == story.date
        assert when(item["date_modified"]) == story.modified
        assert [a["name"] for a in item["authors"]] == list(story.bylines)
        assert [a["url"] for a in item["authors"]] == [
            absolute(f"/authors/{slug_of(b)}/") for b in story.bylines
        ]
        assert [a.get("avatar") for a in item["authors"]] == [
            urljoin(BASE_URL, PROFILES[b]["photo"]) if b in PROFILES else None
            for b in story.bylines
        ]
        assert set(story.tags) <= set(item["tags"])
        if story.images:
            assert item["image"] == absolute(story.images[0]["src"])
    dates = [when(i["date_published"]) for i in items]
    assert dates == sorted(dates, reverse=True)
    assert WITH_ID.permalink in [i["url"] for i in items]
    assert WIND_FARM.permalink in [i["url"] for i in items]


# --------------------------------------------------------------------------
# Structured data
# --------------------------------------------------------------------------


def image_url(story: Story, src: str) -> str:
    return absolute(src) if src.startswith("/") else story.permalink + src


@pytest.mark.parametrize("story", PUBLISHED, ids=lambda s: s.source)
def test_article_meta_and_json_ld(out: Path, story: Story) -> None:
    root = page(out, story.url)
    assert canonical(root) == story.permalink

    assert one_meta(root, "og:type") == "article"
    assert one_meta(root, "og:title") == story.headline
    assert one_meta(root, "og:description") == story.summary
    assert one_meta(root, "og:url") == story.permalink
    assert when(one_meta(root, "article:published_time")) == story.date
    assert when(one_meta(root, "article:modified_time")) == story.modified
    assert one_meta(root, "article:section") == story.section_title
    assert meta(root, "article:tag") == list(story.tags)
    lead = story.images[0] if story.images else None
    local = lead is not None and "://" not in lead["src"]
    if lead and local:  # a social card the build cut (images/): the lead's, or the
        # default image's when the lead is too small for one (the fixture's are 1x1)
        social = one_meta(root, "og:image")
        assert social.startswith(absolute("/img/")) and social.endswith("-social.png")
        size = Image.open(file_for(out, social.removeprefix(BASE_URL.rstrip("/")))).size
        assert size == tuple(int(one_meta(root, f"og:image:{d}")) for d in ("width", "height"))
        assert abs(size[0] / size[1] - 1200 / 630) < 0.01 and min(size) >= 200
    elif lead:
        assert one_meta(root, "og:image") == image_url(story, lead["src"])
    assert one_meta(root, "twitter:card") == ("summary_large_image" if lead else "summary")
    assert one_meta(root, "twitter:title") == story.headline
    assert one_meta(root, "twitter:description") == story.summary
    if lead:
        assert one_meta(root, "twitter:image") == one_meta(root, "og:image")

    data = json_ld(root)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert when(data["datePublished"]) == story.date
    assert when(data["dateModified"]) == story.modified
    authors = data["author"]
    authors = [authors] if isinstance(authors, dict) else authors
    assert [(a["@type"], a["name"], a["url"]) for a in authors] == [
        ("Person", name, absolute(f"/authors/{slug_of(name)}/")) for name in story.bylines
    ]
    publisher = data["publisher"]
    assert publisher["name"] == PUBLISHER["name"]
    logo = publisher["logo"]
    assert (logo if isinstance(logo, str) else logo["url"]) == absolute(PUBLISHER["logo"])
    assert (out / PUBLISHER["logo"].lstrip("/")).is_file()
    main_entity = data["mainEntityOfPage"]
    assert (main_entity if isinstance(main_entity, str) else main_entity["@id"]) == story.permalink

    images = data.get("image", [])
    images = [images] if isinstance(images, dict) else images
    # the fixture's pictures are too small for the three structured-data crops, so each
    # is itself, with its size (tests/e2e/test_pictures.py has the crops)
    assert len(images) == len(story.images)
    for image, spec in zip(images, story.images, strict=True):
        assert image["@type"] == "ImageObject"
        assert image["url"] == image_url(story, spec["src"])
        if "://" not in spec["src"]:
            url = image["url"].removeprefix(BASE_URL.rstrip("/"))
            assert Image.open(file_for(out, url)).size == (image["width"], image["height"])
        assert image["caption"] == spec["caption"]
        assert image["creditText"] == spec["credit"]
        kind, name = CREDIT_CREATORS[spec["credit"]]
        assert (image["creator"]["@type"], image["creator"]["name"]) == (kind, name)

    citations = data.get("citation", [])
    assert [(c["name"], c["url"]) for c in citations] == list(story.sources)
    corrections = data.get("correction", [])
    assert [c["@type"] for c in corrections] == ["CorrectionComment"] * len(story.corrections)
    assert [(when(c["datePublished"]), c["text"]) for c in corrections] == list(story.corrections)


def test_article_without_an_image_has_the_default_social_image(out: Path) -> None:
    """og:image is one of OpenGraph's four required properties; the brief asks for it on
    every article page. Without a lead image it is the site's ``default_image`` (400x210
    in the fixture), never the publisher's logo, which is too small for a link preview."""
    assert file_for(out, "/images/default-social.png").is_file()
    wrong = []
    for story in (s for s in PUBLISHED if not s.images):
        root = page(out, story.url)
        found = (meta(root, "og:image"), meta(root, "twitter:image"))
        [social] = found[0] or [""]  # the default image's social card (images/)
        if found[1] != [social] or not social.endswith("-social.png"):
            wrong.append(f"{story.url}: {found}")
            continue
        size = Image.open(file_for(out, social.removeprefix(BASE_URL.rstrip("/")))).size
        if size != (400, 210):  # the whole default image: it is 1200x630's shape already
            wrong.append(f"{story.url}: {size}")
    assert not wrong, "article pages without the default image:\n" + "\n".join(wrong)
    logo = absolute("/images/logo.png")
    for story in PUBLISHED:
        assert logo not in meta(page(out, story.url), "og:image"), story.url


def test_hostile_headline_stays_text_everywhere(out: Path) -> None:
    root = page(out, HOSTILE.url)
    assert text_of(one(root.xpath("//h1"), "h1")) == HOSTILE_HEADLINE
    assert text_of(one(root.xpath("/html/head/title"), "title")).startswith(HOSTILE_HEADLINE)
    assert json_ld(root)["headline"] == HOSTILE_HEADLINE
    assert one_meta(root, "og:title") == HOSTILE_HEADLINE
    assert one_meta(root, "twitter:title") == HOSTILE_HEADLINE

    offenders = []
    for name, data in output_texts(out).items():
        if name.endswith(".html"):
            if b"<script>alert" in data or b"</script><script>" in data:
                offenders.append(f"{name}: the headline's markup is raw")
            scripts = page(out, url_for(out, out / name)).xpath("//script")
            offenders += [
                f"{name}: a <script> that is not JSON-LD"
                for s in scripts
                if s.get("type") != "application/ld+json" and not is_search_page_own(name, s)
            ]
    assert not offenders, "\n".join(offenders)

    for feed in ("feed.xml", "culture/feed.xml", "tags/film/feed.xml"):
        titles = [shown_detail(e.title_detail) for e in parsed_feed(out / feed).entries]
        assert (HOSTILE_HEADLINE, []) in titles, feed
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert HOSTILE_HEADLINE in [i["title"] for i in items]
    listed = [text_of(a) for a in page(out, "/culture/").xpath("//a[@href=$u]", u=HOSTILE.url)]
    assert HOSTILE_HEADLINE in listed


def listing_trails() -> list[tuple[str, tuple[str, ...]]]:
    trails: list[tuple[str, tuple[str, ...]]] = [
        ("/archive/", ("/archive/",)),
        ("/tags/", ("/tags/",)),
        ("/authors/", ("/authors/",)),
        ("/corrections/", ("/corrections/",)),
    ]
    for listing in LISTINGS:
        for url, number, _ in listing_pages(listing)[:2]:
            trails.append((url, listing.trail + ((url,) if number is not None else ())))
    return trails


@pytest.mark.parametrize(("url", "trail"), listing_trails(), ids=[u for u, _ in listing_trails()])
def test_listing_canonical_and_breadcrumbs(out: Path, url: str, trail: tuple[str, ...]) -> None:
    root = page(out, url)
    assert canonical(root) == absolute(url)
    data = json_ld(root)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BreadcrumbList"
    elements = data["itemListElement"]
    assert [e["@type"] for e in elements] == ["ListItem"] * len(elements)
    assert [e["position"] for e in elements] == list(range(1, len(elements) + 1))
    assert [e["item"] for e in elements] == [BASE_URL, *(absolute(step) for step in trail)]
    assert all(e["name"].strip() for e in elements)


# --------------------------------------------------------------------------
# Scheduled publishing and drafts
# --------------------------------------------------------------------------


def mentions(out: Path, story: Story) -> list[str]:
    needles = [story.headline.encode(), story.slug.encode(), story.url.encode()]
    return [
        name
        for name, data in output_texts(out).items()
        if any(needle in data for needle in needles)
    ]


def test_draft_and_future_article_are_left_out_everywhere(out: Path) -> None:
    for story in (DRAFT, FUTURE):
        assert not file_for(out, story.url).exists()
        assert mentions(out, story) == [], f"{story.source} leaks"
    assert not (out / "2025" / "07").exists(), "the scheduled article's month has a page"
    europe = Counter(t for s in PUBLISHED for t in s.tags)["Europe"]
    assert re.search(rf"\b{europe}\b", text_of(main_of(page(out, "/tags/europe/"))))


def test_future_article_is_built_with_the_future_option(out_future: Path) -> None:
    story = FUTURE
    assert text_of(one(page(out_future, story.url).xpath("//h1"), "h1")) == story.headline
    assert story.url in hrefs_in_main(page(out_future, "/world/"))
    assert story.url in hrefs_in_main(page(out_future, "/tags/europe/"))
    assert story.url in hrefs_in_main(page(out_future, "/authors/anna-keller/"))
    assert story.url in hrefs_in_main(page(out_future, f"/{story.local:%Y/%m}/"))
    assert parsed_feed(out_future / "feed.xml").entries[0].link == story.permalink
    assert parsed_feed(out_future / "tags/europe/feed.xml").entries[0].link == story.permalink
    items = json.loads((out_future / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items[0]["url"] == story.permalink
    assert story.permalink in sitemap_entries(out_future)
    assert not file_for(out_future, DRAFT.url).exists()


def test_draft_is_built_with_the_drafts_option(out_drafts: Path) -> None:
    story = DRAFT
    assert text_of(one(page(out_drafts, story.url).xpath("//h1"), "h1")) == story.headline
    assert story.url in hrefs_in_main(page(out_drafts, "/business/"))
    assert story.url in hrefs_in_main(page(out_drafts, "/tags/markets/"))
    assert story.permalink in [e.link for e in parsed_feed(out_drafts / "feed.xml").entries]
    items = json.loads((out_drafts / "feed.json").read_text(encoding="utf-8"))["items"]
    assert story.permalink in [i["url"] for i in items]
    assert story.permalink in sitemap_entries(out_drafts)
    assert not file_for(out_drafts, FUTURE.url).exists()


def test_cli_summary_counts_drafts_and_future_articles(out: Path, tmp_path: Path) -> None:
    source = copy_fixture("newsroom", tmp_path / "site")
    cli_out = tmp_path / "out"
    result = newsgen_cli("build", "--source", source, "--output", cli_out)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"Built {len(PUBLISHED)} articles"), summary
    assert "1 draft left out" in summary, summary
    assert "1 future article left out" in summary, summary
    assert not file_for(cli_out, FUTURE.url).exists()
    # SOURCE_DATE_EPOCH is the build time: the CLI's site is the in-process one, byte for byte.
    assert snapshot(cli_out) == snapshot(out)


# --------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------


@pytest.mark.parametrize("story", PUBLISHED, ids=lambda s: s.source)
def test_corrections_box_at_the_articles_end(out: Path, story: Story) -> None:
    article = one(page(out, story.url).xpath("//article[.//h1]"), "article")
    boxes = article.xpath(".//*[@id='corrections']")
    if not story.corrections:
        assert boxes == []
        return
    box = one(boxes, "corrections box")
    body = one(by_class(article, "article-body"), "article body")
    assert box in body.itersiblings(), "the corrections box does not follow the body"
    entries = box.xpath(".//li")
    assert len(entries) == len(story.corrections)
    for entry, (moment, text) in zip(entries, story.corrections, strict=True):
        assert [when(t.get("datetime")) for t in entry.xpath(".//time")] == [moment]
        assert text in text_of(entry)
    header = one(by_class(article, "article-header"), "article header")
    assert header.xpath(".//a[@href='#corrections']"), "no link from the top to the box"


def test_corrections_page_lists_every_correction_newest_first(out: Path) -> None:
    expected = sorted(
        ((moment, s, text) for s in PUBLISHED for moment, text in s.corrections),
        key=lambda entry: entry[0],
        reverse=True,
    )
    main = main_of(page(out, "/corrections/"))
    entries = [li for li in main.xpath(".//li") if li.xpath(".//time")]
    assert len(entries) == len(expected) == 3
    for entry, (moment, story, text) in zip(entries, expected, strict=True):
        assert when(entry.xpath(".//time/@datetime")[0]) == moment
        assert f"{story.url}#corrections" in entry.xpath(".//a/@href")
        assert story.headline in text_of(entry)
        assert text in text_of(entry)


def test_corrections_feed_has_one_item_per_correction(out: Path) -> None:
    path = out / "corrections" / "feed.xml"
    parsed = parsed_feed(path)
    expected = sorted(
        ((moment, s, text) for s in PUBLISHED for moment, text in s.corrections),
        key=lambda entry: entry[0],
        reverse=True,
    )
    assert len(parsed.entries) == len(expected)
    assert len({e.id for e in parsed.entries}) == len(expected)
    for entry, item, (moment, story, text) in zip(
        parsed.entries, rss_items(path), expected, strict=True
    ):
        assert shown_detail(entry.title_detail) == (f"Correction: {story.headline}", [])
        assert entry.link.startswith(story.permalink)
        assert parsedate_to_datetime(item.findtext("pubDate")) == moment
        assert shown_detail(entry.summary_detail) == (text, [])
    channel = parse_xml(path).find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == expected[0][0]


def test_modified_date_follows_the_latest_correction_everywhere(out: Path) -> None:
    story, latest = WIND_FARM, WIND_FARM.corrections[-1][0]
    assert story.modified == latest
    root = page(out, story.url)
    assert when(one_meta(root, "article:modified_time")) == latest
    assert when(json_ld(root)["dateModified"]) == latest
    updated = by_class(one(by_class(root, "article-header"), "header"), "updated")
    assert [when(t) for u in updated for t in u.xpath(".//time/@datetime")] == [latest]
    assert when(sitemap_entries(out)[story.permalink]) == latest
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    item = one([i for i in items if i["url"] == story.permalink], "JSON Feed item")
    assert when(item["date_modified"]) == latest
    # The Offshore tag's newest change is the correction, so its RSS feed says so.
    channel = parse_xml(out / "tags" / "offshore" / "feed.xml").find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == latest
    other = BY_SOURCE["content/world/eu-summit-climate-deal.md"]  # corrected two years later
    assert when(one_meta(page(out, other.url), "article:modified_time")) == other.corrections[0][0]


# --------------------------------------------------------------------------
# Stable identity
# --------------------------------------------------------------------------


def guid_of(path: Path, link: str) -> tuple[str, str | None]:
    item = one([i for i in rss_items(path) if i.findtext("link") == link], f"item {link}")
    guid = item.find("guid")
    return guid.text, guid.get("isPermaLink")


def test_rss_guid_is_the_urn_of_the_article_id(out: Path) -> None:
    for feed in ("feed.xml", f"{WITH_ID.section}/feed.xml", "tags/energy/feed.xml"):
        assert guid_of(out / feed, WITH_ID.permalink) == (f"urn:uuid:{WITH_ID.id}", "false")
        entry = one(
            [e for e in parsed_feed(out / feed).entries if e.link == WITH_ID.permalink], "entry"
        )
        assert entry.id == f"urn:uuid:{WITH_ID.id}"
    for story in PUBLISHED[:FEED_ITEMS]:
        if not story.id:
            guid, permanent = guid_of(out / "feed.xml", story.permalink)
            assert guid == story.permalink and permanent in (None, "true")


def test_renaming_the_slug_keeps_the_guid(tmp_path: Path) -> None:
    source = copy_fixture("newsroom", tmp_path / "site")
    path = source / WITH_ID.source
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nheadline:", "\nslug: winter-energy-bills\nheadline:", 1))
    out, _ = build_fixture(tmp_path, source=source)
    new_url = WITH_ID.url.replace(f"/{WITH_ID.slug}/", "/winter-energy-bills/")
    assert file_for(out, new_url).is_file()
    assert not file_for(out, WITH_ID.url).exists()
    assert guid_of(out / "feed.xml", absolute(new_url)) == (f"urn:uuid:{WITH_ID.id}", "false")
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert one([i for i in items if i["url"] == absolute(new_url)], "item")["id"] == (
        f"urn:uuid:{WITH_ID.id}"
    )

    # Moving the file to another section changes the URL again, but not the guid.
    moved = source / "content" / "business" / path.name
    path.rename(moved)
    shutil.rmtree(out)
    out, _ = build_fixture(tmp_path, source=source)
    moved_url = new_url.replace(f"/{WITH_ID.section}/", "/business/", 1)
    assert guid_of(out / "feed.xml", absolute(moved_url)) == (f"urn:uuid:{WITH_ID.id}", "false")
    assert guid_of(out / "business" / "feed.xml", absolute(moved_url))[0] == (
        f"urn:uuid:{WITH_ID.id}"
    )


def test_newsgen_new_writes_an_id_that_becomes_the_guid(tmp_path: Path) -> None:
    source = copy_fixture("newsroom", tmp_path / "site")
    headline = "Harbour pilots strike over night shifts"
    result = newsgen_cli(
        "new",
        headline,
        "--section",
        "world",
        "--date",
        "2025-06-10T09:30",
        "--byline",
        "Anna Keller",
        "--source",
        source,
    )
    assert result.returncode == 0, result.stderr
    created = Path(result.stdout.strip().splitlines()[-1])
    if not created.is_absolute():
        created = Path.cwd() / created
    assert created.resolve() == (source / "content" / "world" / f"{slug_of(headline)}.md").resolve()
    front = yaml.safe_load(created.read_text(encoding="utf-8").split("---\n", 2)[1])
    article_id = str(uuid.UUID(front["id"]))
    assert uuid.UUID(front["id"]).version == 4
    assert front["id"] == article_id, "the id is not in canonical form"
    assert front["headline"] == headline
    assert front["draft"] is True
    text = created.read_text(encoding="utf-8")
    created.write_text(
        text.replace("draft: true", "draft: false").replace(PLACEHOLDER, "Pilots walked out."),
        encoding="utf-8",
    )

    out, _ = build_fixture(tmp_path, source=source)
    permalink = absolute(f"/world/2025/06/10/{slug_of(headline)}/")
    assert guid_of(out / "feed.xml", permalink) == (f"urn:uuid:{article_id}", "false")


# --------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------


@pytest.mark.parametrize("alias", WITH_ALIASES.aliases)
def test_alias_redirect_page(out: Path, alias: str) -> None:
    story = WITH_ALIASES
    path = "/" + alias.strip("/") + ("" if alias.endswith(".html") else "/")
    root = page(out, path)
    refresh = one(root.xpath("/html/head/meta[@http-equiv='refresh']/@content"), "refresh")
    delay, _, target = refresh.partition(";")
    assert delay.strip() == "0"
    target = target.strip()
    assert target.lower().startswith("url=")
    assert urljoin(absolute(path), target[4:].strip("'\" ")) == story.permalink
    assert canonical(root) == story.permalink
    links = [urljoin(absolute(path), href) for href in root.xpath("//body//a/@href")]
    assert story.permalink in links


def test_alias_colliding_with_a_page_is_an_error(tmp_path: Path) -> None:
    source = copy_fixture("newsroom", tmp_path / "site")
    victim = BY_SOURCE["content/world/eu-summit-climate-deal.md"]
    path = source / "content" / "business" / "trade-talks-resume.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntags:", f"\naliases: ['{victim.url}']\ntags:", 1))
    out = tmp_path / "out"
    result = newsgen_cli("build", "--source", source, "--output", out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert any(
        "content/business/trade-talks-resume.md" in line and victim.source in line
        for line in result.stderr.splitlines()
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists(), "a failed build wrote output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_alias_collision_is_reported_at_the_alias(tmp_path: Path) -> None:
    """docs/safety.md: every content problem is reported as path:line: field: message.
    The problem is the alias, so the error belongs on the aliasing file's `aliases` line,
    not on line 1 of the article that did nothing wrong (with advice to change its slug)."""
    source = copy_fixture("newsroom", tmp_path / "site")
    victim = BY_SOURCE["content/world/eu-summit-climate-deal.md"]
    path = source / "content" / "business" / "trade-talks-resume.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("tags: [Trade, Europe]")
    lines[at:at] = ["aliases:", f"  - {victim.url}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = newsgen_cli("build", "--source", source, "--output", tmp_path / "out")
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if victim.source in line]
    assert errors, result.stderr
    where = rf"^content/business/trade-talks-resume\.md:({at + 1}|{at + 2}): aliases"
    assert re.match(where, errors[0]), errors[0]


# --------------------------------------------------------------------------
# Links between articles
# --------------------------------------------------------------------------


def test_links_to_article_sources_become_permalinks(out: Path) -> None:
    talks = BY_SOURCE["content/world/coalition-talks.md"]
    body = one(by_class(page(out, talks.url), "article-body"), "article body")
    links = [urljoin(talks.permalink, href) for href in body.xpath(".//a/@href")]
    assert links == [WIND_FARM.permalink + "#funding"]
    assert page(out, WIND_FARM.url).xpath("//*[@id='funding']"), "the fragment names nothing"

    analysis = BY_SOURCE["content/world/analysis/election-analysis.md"]  # in a subfolder
    night = BY_SOURCE["content/world/election-night-results.md"]
    body = one(by_class(page(out, analysis.url), "article-body"), "article body")
    assert [urljoin(analysis.permalink, h) for h in body.xpath(".//a/@href")] == [night.permalink]

    # Feeds carry the same links, made absolute.
    item = one(
        [i for i in rss_items(out / "feed.xml") if i.findtext("link") == analysis.permalink],
        "feed item",
    )
    assert f'href="{night.permalink}"' in item.findtext("content:encoded", namespaces=NS)
    for name, data in output_texts(out).items():
        assert not re.search(rb'href="[^"]*\.md[#"]', data), f"{name} links to a .md file"
        assert b"newsgen-ref:" not in data, name


def test_link_to_a_missing_article_source_is_an_error(tmp_path: Path) -> None:
    source = copy_fixture("newsroom", tmp_path / "site")
    path = source / "content" / "world" / "climate-report.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += [
        "",
        "The report builds on earlier work, summed up in",
        "[last year's report](../world/missing-report.md#summary), which it updates.",
        "It will be revised next spring.",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = newsgen_cli("build", "--source", source, "--output", out)
    assert result.returncode == 1, result.stdout + result.stderr
    expected = f"content/world/climate-report.md:{len(lines) - 1}:"  # the link's own line
    errors = [line for line in result.stderr.splitlines() if line.startswith(expected)]
    assert errors and "missing-report.md" in errors[0], result.stderr
    assert not out.exists(), "a failed build wrote output"


# --------------------------------------------------------------------------
# 404, reproducibility, the example site
# --------------------------------------------------------------------------


def test_404_page_is_styled_like_the_site(out: Path) -> None:
    root = page(out, "/404.html")
    home = page(out, "/")
    sheets = root.xpath("/html/head/link[@rel='stylesheet']/@href")
    assert sheets and sheets == home.xpath("/html/head/link[@rel='stylesheet']/@href")
    assert all(file_for(out, href).is_file() for href in sheets)
    nav = [a.get("href") for a in root.xpath("//nav//a")]
    for section in SECTION_TITLES:
        assert f"/{section}/" in nav
    for url in ("/archive/", "/tags/", "/authors/", "/corrections/"):
        assert url in nav
    assert "not found" in text_of(root.xpath("/html/head/title")[0]).lower()


def test_same_build_time_gives_byte_identical_output(out: Path, tmp_path: Path) -> None:
    again, _ = build_fixture(tmp_path)
    first, second = snapshot(out), snapshot(again)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "public"
    result = newsgen_cli("build", "--source", REPO_ROOT, "--output", out, epoch=EXAMPLE_EPOCH)
    assert result.returncode == 0, result.stderr
    return out


def example_fronts() -> list[tuple[Path, dict[str, Any]]]:
    """The example site's published articles as (file, front matter), as of its build time."""
    built_at = datetime.fromtimestamp(int(EXAMPLE_EPOCH), tz=UTC)
    zone = ZoneInfo(yaml.safe_load((REPO_ROOT / "newsgen.yaml").read_text())["timezone"])
    fronts = []
    for path in sorted((REPO_ROOT / "content").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        if not front.get("draft") and aware(front["date"], zone) <= built_at:
            fronts.append((path, front))
    return fronts


def test_example_site_shows_every_newsroom_feature(example_out: Path) -> None:
    out = example_out
    fronts = example_fronts()
    profiles = yaml.safe_load((REPO_ROOT / "authors.yaml").read_text(encoding="utf-8"))

    tags = Counter(slug_of(t) for _, front in fronts for t in front.get("tags") or ())
    slug, count = tags.most_common(1)[0]
    assert count >= 2
    tag_page = main_of(page(out, f"/tags/{slug}/"))
    assert re.search(rf"\b{count} articles\b", text_of(tag_page))

    bylines = set()
    for _, front in fronts:
        names = front.get("byline") or []
        bylines |= {names} if isinstance(names, str) else set(names)
    with_bio = sorted(name for name in profiles if name in bylines and profiles[name].get("bio"))
    assert with_bio, "no example author has a bio"
    for name in with_bio:
        assert profiles[name]["bio"] in text_of(main_of(page(out, f"/authors/{slug_of(name)}/")))

    archive = main_of(page(out, "/archive/"))
    years = [a for a in archive.xpath(".//a/@href") if re.fullmatch(r"/\d{4}/", a)]
    months = [a for a in archive.xpath(".//a/@href") if re.fullmatch(r"/\d{4}/\d{2}/", a)]
    assert len(years) >= 2 and len(months) >= len(years)
    dated = re.compile(r"^/[a-z-]+/\d{4}/\d{2}/\d{2}/[^/]+/$")
    for url in years + months:
        assert any(dated.match(h) for h in hrefs_in_main(page(out, url))), f"{url} is empty"

    corrections = [c for _, front in fronts for c in front.get("corrections") or ()]
    assert corrections, "no example article has a correction"
    entries = [
        li for li in main_of(page(out, "/corrections/")).xpath(".//li") if li.xpath(".//time")
    ]
    assert len(entries) == len(corrections)
    assert parsed_feed(out / "corrections" / "feed.xml").entries

    aliases = [(alias, path) for path, front in fronts for alias in front.get("aliases") or ()]
    assert aliases, "no example article has an alias"
    for alias, _ in aliases:
        redirect = page(out, "/" + alias.strip("/") + ("" if alias.endswith(".html") else "/"))
        assert redirect.xpath("/html/head/meta[@http-equiv='refresh']"), alias

    built_at = datetime.fromtimestamp(int(EXAMPLE_EPOCH), tz=UTC)
    zone = ZoneInfo(yaml.safe_load((REPO_ROOT / "newsgen.yaml").read_text())["timezone"])
    recent = [
        f for _, f in fronts if (built_at - aware(f["date"], zone)).total_seconds() <= 2 * 86400
    ]
    news = parse_xml(out / "news-sitemap.xml").findall("sm:url", NS)
    assert news, "the example news sitemap is empty"
    assert len(news) == len(recent)
    assert sorted(u.findtext("news:news/news:title", namespaces=NS) for u in news) == sorted(
        f["headline"] for f in recent
    )

    article_pages = [
        p
        for p in out.rglob("index.html")
        if re.match(r"[a-z-]+/\d{4}/\d{2}/\d{2}/", p.relative_to(out).as_posix())
        and not page(out, url_for(out, p)).xpath("/html/head/meta[@http-equiv='refresh']")
    ]
    assert len(article_pages) == len(fronts)
    without_related = [
        p.relative_to(out).as_posix()
        for p in article_pages
        if not [h for h in page(out, url_for(out, p)).xpath("//h2") if text_of(h) == "Related"]
    ]
    assert not without_related, f"no related list on {without_related}"
    assert not feedparser_failures(out)


def test_example_site_sitemaps_are_valid_against_the_published_schemas(
    example_out: Path,
) -> None:
    written = sorted(example_out.glob("*sitemap*.xml")) + sorted(example_out.glob("sitemaps/*"))
    assert [p.name for p in written] == ["news-sitemap.xml", "sitemap.xml"]
    for path in written:
        assert_valid_sitemap(path.read_bytes(), path.name)


def feedparser_failures(out: Path) -> list[str]:
    failures = []
    for path in sorted(out.rglob("feed.xml")):
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            failures.append(f"{path.relative_to(out)}: {parsed.get('bozo_exception')!r}")
    return failures
