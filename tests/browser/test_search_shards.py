"""The sharded search index finds what one index over the same pages finds.

The repository's example site is built (its articles span three years, so three
shards); in a second case it is then changed (an article added, one edited, one
deleted) and built again, so that a changes shard holds the new pages and the
search page must leave out the old versions the year shards still hold; in the
last, one article's body is edited and a quick rebuild puts its page into the
changes shard (build/quick_search.py). One index is also written over all the
article pages, as one shard, into ``pagefind-single/``. Both are served from one
folder and searched in headless Chromium: the shards through the search page's own
search (``static/js/search.js``), the single index through the same engine
(``static/js/search-engine.js``) opened on it alone. Every query and filter must give
the same pages, ranked the same (the ranking counts over all the shards' live pages
as one index would), and a search without words, sorted by date, the same pages in
the same order.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_helpers import chromium, serving
from selenium.webdriver.remote.webdriver import WebDriver

from commands import find_newsgen
from newsgen.build import search_step
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.output.pagefind import BODY_MARK, SHARDS_FILE
from newsgen.search.words import Stems
from newsgen.search.write import write_shard

REPO = Path(__file__).resolve().parents[2]
QUERIES = [
    ("Hmeimim", {}, None),
    ("council", {}, None),
    ("the", {}, None),
    ("festival", {}, None),
    ("ocean survey", {}, None),
    ("the", {"section": "World"}, None),
    ("the", {"year": "2024"}, None),
    ("ocean survey", {"year": "2024"}, None),  # a word of another year's: nothing in 2024
    ("russian bases", {"year": "2024"}, None),
    (None, {"year": "2024"}, {"date": "desc"}),
    (None, {"section": "Local"}, {"date": "desc"}),
    (None, {"section": "World"}, {"date": "desc"}),
    (None, {"year": "2023"}, {"date": "desc"}),
    ("Danube", {}, None),  # the edited article: in a year shard and the changes shard
    ("Quillfeather", {}, None),  # only in the changed site: an edited article's new word
    ("Lindqvist", {}, None),  # only in the article the changed site deletes
    ("seawall", {"section": "Local"}, None),  # only in the changed site's new article
]
CHANGED_ONLY = {"Quillfeather", "seawall"}
NEW_ARTICLE = """---
headline: "Eastmere seawall repairs begin after the first winter storm"
date: 2025-11-21T08:00:00Z
byline: "Samuel Achterberg"
tags: [Eastmere, Flooding]
---
Work to repair the seawall began on Friday, after the first storm of the winter
washed away part of the promenade.
"""
SEARCH_ALL = """
const [sharded, queries, done] = arguments;
(async () => {
  let search;
  if (sharded) {  // the search page's own: the shards, merged by static/js/search.js
    search = window.newsgenSearch;
  } else {
    const engine = await import("/js/search-engine.js");
    const index = await engine.openIndex("/pagefind-single/shards.json", "/");
    search = (words, how) => index.search(words, how);
  }
  const answers = [];
  for (const [words, filters, sort] of queries) {
    const found = await search(words, sort ? { filters, sort } : { filters });
    const data = await Promise.all(found.results.map((result) => result.data()));
    answers.push(data.map((page) => page.url));
  }
  return answers;
})().then(done, (error) => done("failed: " + error));
"""


def change_site(site: Path) -> None:
    """Add an article (the newest), edit one of 2023 and delete one of 2024."""
    (site / "content" / "local" / "eastmere-seawall-repairs.md").write_text(NEW_ARTICLE, "utf-8")
    edited = site / "content" / "world" / "danube-low-water-barges.md"
    text = edited.read_text("utf-8").rstrip("\n")
    edited.write_text(text + " Quillfeather, a pilot, said the channel was marked.\n", "utf-8")
    (site / "content" / "science" / "comet-lindqvist-brightening.md").unlink()


BY_QUARTER = "by quarter, changed and built again"
QUICK = "a body edited, a quick rebuild"
BUILD_TIME = datetime.fromtimestamp(1763719200, UTC)


def build_by_quarter(site: Path, out: Path) -> None:
    """Build ``site`` in this process with years of more than two articles indexed by
    quarter (as a year of more than SHARD_PAGES articles is)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_step, "SHARD_PAGES", 2)
        build(BuildOptions(site, out, now=BUILD_TIME))


def edit_quickly(site: Path, out: Path) -> None:
    """Build ``site`` twice (the second leaves the spare tree a quick rebuild needs),
    then edit an article's body and build again: a quick rebuild."""
    edited = site / "content" / "world" / "danube-low-water-barges.md"
    build(BuildOptions(site, out, now=BUILD_TIME))
    text = edited.read_text("utf-8").rstrip("\n")
    edited.write_text(text + " Barges waited.\n", "utf-8")
    build(BuildOptions(site, out, now=BUILD_TIME))
    edited.write_text(text + " Quillfeather, a pilot, said the channel was marked.\n", "utf-8")
    assert build(BuildOptions(site, out, now=BUILD_TIME)).quick


@pytest.fixture(scope="module", params=["built once", "changed and built again", BY_QUARTER, QUICK])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The example site built with its sharded index (once, or then changed and built
    again, by year or by quarter), plus one index over the same pages in
    pagefind-single/, served over HTTP; yields the address."""
    work = tmp_path_factory.mktemp("shards")
    site = work / "site"
    site.mkdir()
    for name in ("content", "static"):
        shutil.copytree(REPO / name, site / name)
    for name in ("newsgen.yaml", "authors.yaml"):
        shutil.copy2(REPO / name, site / name)
    out = work / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763719200"}
    command = [find_newsgen(), "build", "--source", str(site), "--output", str(out), "-q"]
    if request.param == BY_QUARTER:
        build_by_quarter(site, out)
        change_site(site)
        build_by_quarter(site, out)
    elif request.param == QUICK:
        edit_quickly(site, out)
    else:
        subprocess.run(command, check=True, env=env, timeout=300)
    if request.param == "changed and built again":
        change_site(site)
        subprocess.run(command, check=True, env=env, timeout=300)
    pages = [
        page.relative_to(out).as_posix()
        for page in out.rglob("index.html")
        if BODY_MARK.encode() in page.read_bytes()
    ]
    write_shard(out, pages, out / "pagefind-single" / "all", Stems("en"))
    (out / "pagefind-single" / "shards.json").write_text('{"shards": ["all"]}')
    with serving(out) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


def answers(browser: WebDriver, served: str, sharded: bool) -> list[list[str]]:
    browser.get(served + ("/search/" if sharded else "/404.html"))  # the same origin
    browser.set_script_timeout(60)
    found = browser.execute_async_script(SEARCH_ALL, sharded, QUERIES)
    assert isinstance(found, list), found
    return found


def listing(served: str) -> dict[str, object]:
    """Return the served site's pagefind/shards.json."""
    with urllib.request.urlopen(f"{served}/{SHARDS_FILE}") as answer:
        return json.load(answer)


def test_the_example_site_has_several_shards(request: pytest.FixtureRequest, served: str) -> None:
    shards = listing(served)["shards"]
    assert isinstance(shards, list)
    assert shards == sorted(shards, reverse=True) and len(shards) >= 3
    if BY_QUARTER in request.node.callspec.id:
        assert {"2025-q4", "2025-q2"} <= set(shards)


def test_changes_go_to_the_changes_shard_and_old_versions_are_stale(
    request: pytest.FixtureRequest, served: str
) -> None:
    index = listing(served)
    if "built once" in request.node.callspec.id:
        assert "changes" not in index
        return
    assert index["changes"] == "changes"
    stale = index["stale"]
    assert isinstance(stale, dict)
    if QUICK in request.node.callspec.id:  # the edited page alone, in its year's shard
        assert list(stale) == ["2023"] and len(stale["2023"]) == 1
        return
    # The edited article's year and the deleted one's (pages that list or link to the
    # changed articles may have changed too, in any year).
    assert {"2023", "2024"} <= {shard.partition("-")[0] for shard in stale}


def test_shards_find_what_one_index_finds(
    request: pytest.FixtureRequest, browser: WebDriver, served: str
) -> None:
    case = request.node.callspec.id
    if "built once" in case:
        missing = CHANGED_ONLY  # not there yet
    elif QUICK in case:
        missing = {"seawall"}  # the quick case adds no article, deletes none
    else:
        missing = {"Lindqvist"}  # deleted
    sharded, single = answers(browser, served, True), answers(browser, served, False)
    for (words, filters, _sort), got, expected in zip(QUERIES, sharded, single, strict=True):
        gone = words in missing
        if gone:
            assert got == expected == [], words  # the page is gone, or not there yet
        elif (words, filters) != ("ocean survey", {"year": "2024"}):
            assert expected, f"{words!r} {filters}: the single index finds nothing; a poor query"
        assert got == expected, (words, filters)  # the same pages in the same order
    distinctive = QUERIES.index(("Hmeimim", {}, None))
    assert sharded[distinctive][0] == single[distinctive][0]  # the best hit ranks first
