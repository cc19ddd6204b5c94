"""Search, end to end: the fixture site is built with its search index inside the
output, only article pages are marked for indexing, and the search page names the
index under the site's base path."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.output.pagefind import SHARDS_FILE, shard_entry

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "basic"


def build_fixture(base: Path, base_url: str | None = None) -> tuple[Path, BuildReport]:
    source = Path(shutil.copytree(FIXTURE, base / "site"))
    out = base / "out"
    return out, build(BuildOptions(source, out, base_url=base_url, cache=False))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    return build_fixture(tmp_path_factory.mktemp("search"))


def page(path: Path) -> Any:
    return lxml_html.fromstring(path.read_bytes())


def pages_where(out: Path, keep: Callable[[str], bool]) -> list[Path]:
    return [p for p in sorted(out.rglob("*.html")) if keep(p.relative_to(out).as_posix())]


def test_the_index_is_inside_the_output_one_shard_a_year(built: tuple[Path, BuildReport]):
    out, report = built
    shards = json.loads((out / SHARDS_FILE).read_text(encoding="utf-8"))["shards"]
    years = sorted({url.split("/")[2] for url in report.article_urls.values()}, reverse=True)
    assert shards == years  # newest first
    counts = {}
    for shard in shards:
        entry = json.loads((out / shard_entry(shard)).read_text(encoding="utf-8"))
        counts[shard] = entry["pages"]
        records = json.loads((out / "pagefind" / shard / "records" / "0.json").read_text())
        urls = {record["url"] for record in records}
        assert urls <= set(report.article_urls.values())
        assert list((out / "pagefind" / shard / "words").glob("*.json"))
    by_year = {year: 0 for year in years}
    for url in report.article_urls.values():
        by_year[url.split("/")[2]] += 1
    assert counts == by_year  # each year's article pages in its shard, nothing else


def test_article_pages_mark_what_is_indexed(built: tuple[Path, BuildReport]):
    out, report = built
    articles = [out / url.lstrip("/") / "index.html" for url in report.article_urls.values()]
    assert len(articles) == report.articles
    for path in articles:
        root = page(path)
        [body] = root.xpath("//*[@data-pagefind-body]")
        assert body.tag == "article"
        [title] = body.xpath(".//*[@data-pagefind-meta='title']")
        assert title.tag == "h1" and title.text_content().strip()
        [section] = body.xpath(".//*[@data-pagefind-filter='section']")
        assert section.text_content().strip()
        [time] = body.xpath(".//time[starts-with(@data-pagefind-filter, 'year:')]")
        assert time.get("data-pagefind-filter") == "year:" + time.get("datetime")[:4]
        assert time.get("data-pagefind-meta").startswith("date:")
        # the kicker is a filter, not words of the article (filters count inside ignore)
        assert section.xpath("ancestor::*[@data-pagefind-ignore]")
        assert not root.xpath("//aside[@class='related']//*[@data-pagefind-body]")


def test_other_pages_are_not_indexed(built: tuple[Path, BuildReport]):
    out, report = built
    articles = {url.lstrip("/") + "index.html" for url in report.article_urls.values()}
    others = pages_where(out, lambda path: path not in articles)
    names = {p.relative_to(out).as_posix() for p in others}
    assert {"index.html", "404.html", "search/index.html", "tags/index.html"} <= names
    assert "world/index.html" in names and "archive/index.html" in names
    marked = [p for p in others if b"data-pagefind-body" in p.read_bytes()]
    assert marked == []


def test_every_page_links_to_the_search_page(built: tuple[Path, BuildReport]):
    out, _ = built
    for path in pages_where(out, lambda path: not path.startswith("pagefind/")):
        root = page(path)
        [form] = root.xpath("//header//form[@role='search']")  # the masthead's field
        assert (form.get("action"), form.get("method")) == ("/search/", "get"), path
        assert root.xpath("//input[@type='search'][@name='q']"), path
        assert len(root.xpath("//footer//a[@href='/search/']")) == 1, path
    [current] = page(out / "search" / "index.html").xpath("//a[@aria-current='page']")
    assert current.get("href") == "/search/"


def test_search_landmarks_are_told_apart(built: tuple[Path, BuildReport]):
    """axe-core's landmark-unique: the search page has two search forms (the masthead's
    and its own); unlabelled, a screen reader's list of landmarks showed "search" twice."""
    out, _ = built
    for path in (out / "index.html", out / "search" / "index.html"):
        labels = [form.get("aria-label") for form in page(path).xpath("//*[@role='search']")]
        assert all(labels) and len(set(labels)) == len(labels), (path, labels)
    labels = page(out / "search" / "index.html").xpath("//form[@role='search']/@aria-label")
    assert labels == ["Site search", "Search the archive"]


def test_the_search_page_offers_the_sites_sections_and_years(built: tuple[Path, BuildReport]):
    out, _ = built
    root = page(out / "search" / "index.html")
    [form] = root.xpath("//main//form[@role='search']")
    assert form.get("data-search-index") == "/pagefind/shards.json"
    assert form.get("data-search-base") == "/"
    sections = [o.get("value") for o in root.xpath("//select[@name='section']/option")]
    years = [o.get("value") for o in root.xpath("//select[@name='year']/option")]
    nav = [a.text_content() for a in root.xpath("//nav[@class='site-nav']//li/a")]
    assert sections == ["", *nav]  # filter values are the section titles articles carry
    assert years[0] == "" and years[1:] == sorted(years[1:], reverse=True)
    indexed_years = {
        t.get("data-pagefind-filter")[5:]
        for p in pages_where(out, lambda path: path.count("/") == 5)
        for t in page(p).xpath("//time[@data-pagefind-filter]")
    }
    assert indexed_years == set(years[1:])
    [script] = root.xpath("//script[@type='module']")
    assert re.fullmatch(r"/js/search\.[0-9a-f]{10}\.js", script.get("src"))  # hashed: cacheable
    assert (out / script.get("src").lstrip("/")).is_file() and (out / "js" / "search.js").is_file()
    assert root.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_under_a_base_path_the_index_stays_at_the_output_root(tmp_path: Path):
    out, _ = build_fixture(tmp_path, base_url="https://gazette.example.com/news/")
    assert (out / SHARDS_FILE).is_file()
    [form] = page(out / "search" / "index.html").xpath("//main//form[@role='search']")
    assert form.get("data-search-index") == "/news/pagefind/shards.json"
    assert form.get("data-search-base") == "/news/"
    assert page(out / "index.html").xpath("//a[@href='/news/search/']")
