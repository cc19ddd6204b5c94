"""The front page and the furniture of every page (issue 20), built for real and read
with html5lib: the editors' choices, labels, card times by the build's clock, listing
pages of every kind, icons, hashed stylesheets, and extremes that must still lay out."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import html5lib
import pytest
from e2e_helpers import by_class, one, text_of

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build

NOW = datetime(2025, 11, 21, 10, 0, tzinfo=UTC)
CONFIG = """\
title: The Harbour Herald
base_url: https://herald.example/
timezone: Europe/London
per_page: 2
sections:
  - name: local
    title: Local
    description: The harbour, the council and the schools.
  - name: world
    title: World
home:
  top: 2
  latest: 2
  block_size: 2
"""


def write(site: Path, name: str, headline: str, when: datetime, extra: str = "") -> None:
    section = name.split("/")[0]
    (site / "content" / section).mkdir(parents=True, exist_ok=True)
    (site / "content" / f"{name}.md").write_text(
        f"---\nheadline: {json.dumps(headline)}\ndate: {when.isoformat()}\nbyline: Ada Reporter\n"
        f"tags: [Harbour]\n{extra}---\nThe first paragraph of {headline}.\n\nMore.\n",
        encoding="utf-8",
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "newsgen.yaml").write_text(CONFIG)
    write(root, "local/tide", "Tide tables change", NOW - timedelta(hours=2),
          "label: Breaking\nupdated: 2025-11-21T09:30:00Z\n")  # fmt: skip
    write(root, "local/ferry", "Ferry returns", NOW - timedelta(hours=12))  # 22:00 yesterday
    write(root, "world/column", "Why ports matter", NOW - timedelta(hours=20), "label: Opinion\n")
    write(root, "local/pier", "Pier reopens", NOW - timedelta(days=3),
          "featured: true\npin_until: 2025-11-22T12:00:00Z\naliases: [/old/pier/]\n")  # fmt: skip
    for day in range(4, 10):
        write(root, f"world/old-{day}", f"Older story {day}", NOW - timedelta(days=day))
    return root


def page(out: Path, path: str) -> Any:
    return html5lib.parse((out / path).read_bytes(), treebuilder="lxml",
                          namespaceHTMLElements=False)  # fmt: skip


def lead_href(out: Path) -> str:
    root = page(out, "index.html")
    return one(by_class(root, "front-lead"), "lead").xpath(".//h3/a/@href")[0]


def test_the_featured_story_leads_until_its_pin_runs_out(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    assert lead_href(out).endswith("/pier-reopens/")
    later = NOW + timedelta(days=1, hours=3)  # after pin_until: a full build, by the clock
    report = build(BuildOptions(site, out, now=later))
    assert not report.quick
    assert lead_href(out).endswith("/tide-tables-change/")  # nothing has a picture
    cold = tmp_path / "cold"
    build(BuildOptions(site, cold, now=later, cache=False))
    assert (out / "index.html").read_bytes() == (cold / "index.html").read_bytes()


def test_cards_tell_the_time_of_todays_stories_and_mark_updates_and_labels(
    site: Path, tmp_path: Path
):
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    root = page(out, "local/index.html")
    cards = {text_of(c.xpath(".//h2")[0]): c for c in by_class(root, "card")}
    tide = cards["Tide tables change"]
    [moment] = tide.xpath(".//time")
    assert text_of(moment) == "08:00" and moment.get("datetime") == "2025-11-21T08:00:00+00:00"
    assert text_of(one(by_class(tide, "card-updated"), "updated")) == "Updated"
    assert text_of(one(by_class(tide, "label-breaking"), "label")) == "Breaking"
    assert text_of(cards["Ferry returns"].xpath(".//time")[0]) == "Yesterday 22:00"
    lead = one(by_class(page(out, "index.html"), "front-lead"), "lead")  # Pier reopens
    assert text_of(lead.xpath(".//time")[0]) == "18 November 2025"
    opinion = page(out, "world/index.html")
    assert by_class(opinion, "card-opinion"), "an opinion piece is set apart"
    article = page(out, "world/2025/11/20/why-ports-matter/index.html")
    assert by_class(article, "article-opinion") and by_class(article, "label-opinion")
    # A day later the times turn into dates: the build's output expired by the clock.
    report = build(BuildOptions(site, out, now=NOW + timedelta(hours=15)))
    assert not report.quick
    root = page(out, "local/index.html")
    cards = {text_of(c.xpath(".//h2")[0]): c for c in by_class(root, "card")}
    assert text_of(cards["Tide tables change"].xpath(".//time")[0]) == "Yesterday 08:00"
    assert text_of(cards["Ferry returns"].xpath(".//time")[0]) == "20 November 2025"


LISTINGS = [
    ("local/index.html", "Local", "The harbour, the council and the schools."),
    ("world/index.html", "World", "The latest World news from The Harbour Herald"),
    ("tags/harbour/index.html", "Harbour", "Articles tagged Harbour at The Harbour Herald"),
    ("authors/ada-reporter/index.html", "Ada Reporter", "Articles by Ada Reporter"),
    ("2025/index.html", "2025", "Articles published by The Harbour Herald in 2025"),
    ("2025/11/index.html", "November 2025", "Articles published by The Harbour Herald in"),
]


@pytest.mark.parametrize(("path", "title", "description"), LISTINGS)
def test_every_kind_of_listing_has_the_same_furniture(
    site: Path, tmp_path: Path, path: str, title: str, description: str
):
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    root = page(out, path)
    assert text_of(one(root.xpath("//main//h1"), "h1")) == title
    assert re.fullmatch(r"\d+ articles?", text_of(one(by_class(root, "listing-count"), "count")))
    crumbs = one(root.xpath("//nav[@aria-label='Breadcrumb']"), "breadcrumb")
    assert crumbs.xpath(".//a/@href")[0] == "/"
    assert root.xpath("//meta[@name='description']/@content")[0].startswith(description)
    og = {m.get("property"): m.get("content") for m in root.xpath("//meta[@property]")}
    assert og["og:type"] == "website" and og["og:title"].startswith(title)
    assert og["og:url"] == "https://herald.example/" + path.removesuffix("index.html")
    if path.startswith(("world", "tags", "authors", "2025/index")):
        where = text_of(one(by_class(root, "pagination-where"), "page count"))
        assert re.fullmatch(r"Page 1 of \d+", where)
        assert text_of(one(by_class(root, "pagination-older"), "older")) == "Older"


def test_every_page_has_icons_and_hashed_stylesheets(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    assert (out / "favicon.svg").read_bytes().startswith(b"<svg") and b">HH<" in (
        out / "favicon.svg"
    ).read_bytes()
    assert (out / "apple-touch-icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 20 and out / "old" / "pier" / "index.html" in pages
    for path in pages:
        root = page(out, path.relative_to(out).as_posix())
        assert root.xpath("//link[@rel='icon']/@href") == ["/favicon.svg"], path
        if root.xpath("//meta[@http-equiv='refresh']"):  # an alias's redirect page
            continue
        assert root.xpath("//link[@rel='apple-touch-icon']/@href") == ["/apple-touch-icon.png"]
        for href in root.xpath("//link[@rel='stylesheet']/@href"):
            assert re.fullmatch(r"/css/\w+\.[0-9a-f]{10}\.css", href), (path, href)
            assert (out / href.lstrip("/")).is_file()


def test_extremes_still_render(site: Path, tmp_path: Path):
    """A 300-character headline, a one-word and a 2,000-character standfirst, a story
    with no byline and a story whose every field is long all build into valid pages
    (the browser screenshots show how they lay out)."""
    long = " ".join(["Extraordinarily"] * 20)
    write(site, "local/long", long, NOW - timedelta(minutes=5),
          "summary: " + "Words " * 330 + "\n")  # fmt: skip
    write(site, "local/short", "Yes", NOW - timedelta(minutes=6), "summary: Brief.\n")
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    home = page(out, "index.html")
    headlines = [text_of(h) for h in by_class(home, "card-headline")]
    assert long in headlines and "Yes" in headlines


def test_compress_writes_gzip_and_brotli_copies_that_follow_every_change(
    site: Path, tmp_path: Path
):
    import gzip

    import brotli

    config = site / "newsgen.yaml"
    config.write_text(config.read_text() + "compress: true\n")
    out = tmp_path / "out"

    def check() -> int:
        texts = [
            p for p in out.rglob("*")
            if p.suffix in (".html", ".xml", ".json", ".txt", ".css", ".svg")
            and "pagefind" not in p.parts and p.is_file()
            and not (p.parent.name == "css" and p.name.count(".") == 1)  # static copies
        ]  # fmt: skip
        for path in texts:
            data = path.read_bytes()
            assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == data, path
            assert brotli.decompress(Path(f"{path}.br").read_bytes()) == data, path
        return len(texts)

    build(BuildOptions(site, out, now=NOW))
    assert check() > 30
    before = (out / "index.html.gz").read_bytes()
    write(site, "local/new", "A new story", NOW - timedelta(minutes=1))
    build(BuildOptions(site, out, now=NOW))
    assert check() > 30 and (out / "index.html.gz").read_bytes() != before
    cold = tmp_path / "cold"
    build(BuildOptions(site, cold, now=NOW, cache=False))
    assert (cold / "index.html.gz").read_bytes() == (out / "index.html.gz").read_bytes()
    preview = tmp_path / "preview"  # the live preview's builds leave the copies out
    build(BuildOptions(site, preview, now=NOW, precompress=False))
    assert not list(preview.rglob("*.gz")) and (preview / "index.html").is_file()
    config.write_text(config.read_text().replace("compress: true\n", ""))
    build(BuildOptions(site, out, now=NOW))
    assert not list(out.rglob("*.gz")) and not list(out.rglob("*.br"))


def test_hostile_labels_and_descriptions_stay_text(site: Path, tmp_path: Path):
    config = site / "newsgen.yaml"
    config.write_text(
        config.read_text().replace(
            "The harbour, the council and the schools.",
            "\\\"><script>alert(1)</script>",
        )
    )
    write(site, "local/evil", "Evil", NOW - timedelta(minutes=3), 'label: "<b>x</b>\\"y"\n')
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    for path in out.rglob("*.html"):
        data = path.read_bytes()
        assert b"<script>alert" not in data and b"<b>x</b>" not in data, path
    root = page(out, "local/index.html")
    assert text_of(one(by_class(root, "listing-description"), "description")) == (
        '\\"><script>alert(1)</script>'  # a plain YAML scalar keeps the backslash
    )
    labels = [text_of(node) for node in by_class(page(out, "index.html"), "label")]
    assert '<b>x</b>"y' in labels
    kinds = [node.get("class") for node in by_class(page(out, "index.html"), "label")]
    assert all(re.fullmatch(r"label label-[a-z0-9-]*", kind) for kind in kinds), kinds
