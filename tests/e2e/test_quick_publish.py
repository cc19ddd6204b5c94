"""Quick rebuilds of a new article (build/quick_publish.py): publishing the newest story
renders its page, the listing pages, feeds, sitemaps and pages of the whole site it
changes, and the output is still, byte for byte, a cold build's; a story that cannot
be published quickly (backdated, a new tag or author, a draft...) takes a full
build, and the output is the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import test_quick
from test_incremental import inodes, rewritten
from test_quick import fragments_with, ready, rebuild, same_as_cold, with_search

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.output.pagefind import SHARDS_FILE
from newsgen.output.search_changes import CHANGES_SHARD
from newsgen.output.write import spare_path

site = test_quick.site  # the fixture: the newsroom fixture site, with search off


def story(
    site: Path,
    name: str,
    when: str = "2025-06-15T09:00:00Z",
    section: str = "world",
    byline: str = "Anna Keller",
    tags: str = "[Elections, Europe]",
    extra: str = "",
) -> Path:
    """Write a new article and return its path from the site root."""
    path = Path("content") / section / f"{name}.md"
    (site / path).write_text(
        f"---\nheadline: {name.replace('-', ' ').capitalize()}\ndate: {when}\n"
        f"byline: {byline}\ntags: {tags}\n{extra}---\nNews from the desk: {name}.\n",
        encoding="utf-8",
    )
    return path


def test_publishing_new_stories_is_quick_and_every_output_is_the_cold_one(
    site: Path, tmp_path: Path
):
    out = tmp_path / "out"
    ready(site, out)
    steps = [
        ("a new story", lambda: story(site, "ceasefire-talks-resume"), True),
        ("another, an hour later", lambda: story(
            site, "talks-stall-again", "2025-06-15T09:30:00Z", "business", "Mira Lind",
            "[Trade, Europe]"), True),
        ("a third, in culture", lambda: story(
            site, "festival-opens", "2025-06-15T09:40:00Z", "culture", "Mira Lind",
            "[Music, Festivals]"), True),
        ("the new story's body", lambda: test_quick.add_paragraph(
            site, Path("content/world/ceasefire-talks-resume.md")), True),
        ("a backdated story", lambda: story(site, "archive-find", "2024-02-01T09:00:00Z"), False),
        ("a story after the full build", lambda: story(
            site, "late-result", "2025-06-15T09:50:00Z"), True),
        ("a new tag", lambda: story(
            site, "new-subject", "2025-06-15T09:51:00Z", tags="[Fisheries]"), False),
        ("a new author", lambda: story(
            site, "new-voice", "2025-06-15T09:52:00Z", byline="Ola Nordmann"), False),
        ("a tag spelled otherwise", lambda: story(
            site, "spelling", "2025-06-15T09:53:00Z", tags="[elections]"), False),
        ("a draft", lambda: story(
            site, "not-yet", "2025-06-15T09:54:00Z", extra="draft: true\n"), False),
        ("a scheduled story", lambda: story(site, "tomorrow", "2025-06-16T09:00:00Z"), False),
        ("a story with an alias", lambda: story(
            site, "aliased", "2025-06-15T09:55:00Z", extra="aliases: [/old/aliased/]\n"), False),
        ("a story after those", lambda: story(site, "last-word", "2025-06-15T09:56:00Z"), True),
        ("a featured story, which leads the front page", lambda: story(
            site, "splash", "2025-06-15T09:57:00Z", extra="featured: true\nlabel: Breaking\n"),
         True),
        ("a story pinned on top of the front page", lambda: story(
            site, "pinned", "2025-06-15T09:58:00Z",
            extra="priority: 5\npin_until: 2025-06-15T18:00:00Z\n"), True),
        ("a story after the pinned one", lambda: story(site, "after-pin", "2025-06-15T09:59:00Z"),
         True),
    ]  # fmt: skip
    for name, edit, quick in steps:
        edit()
        report = rebuild(site, out)
        assert report.quick is quick, name
        same_as_cold(site, out, tmp_path, name.replace(" ", "-").replace(",", ""))
        cold = build(BuildOptions(site, tmp_path / "cold-report", now=test_quick.NOW, cache=False))
        assert (report.articles, report.pages, report.files) == (
            cold.articles,
            cold.pages,
            cold.files,
        ), name
        assert report.article_urls == cold.article_urls, name


def test_a_new_story_rewrites_the_pages_that_show_it_and_no_other(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    ready(site, out)
    before = inodes(out)
    story(site, "ceasefire-talks-resume")
    assert rebuild(site, out).quick
    changed = rewritten(before, inodes(out)) - {".newsgen-output"}
    page = "world/2025/06/15/ceasefire-talks-resume/index.html"
    assert page in changed
    showing = {
        path
        for path in inodes(out)
        if path.endswith(".html") and b"Ceasefire talks resume" in (out / path).read_bytes()
    }
    assert showing <= changed
    counting = {"index.html", "tags/index.html", "authors/index.html", "archive/index.html"}
    assert counting <= changed
    html = {path for path in changed if path.endswith(".html")}
    listings = ("world/", "tags/elections/", "tags/europe/", "authors/anna-keller/", "2025/")
    others = {p for p in html - showing - counting if not p.startswith(listings)}
    assert others == set()  # no other article's page but those whose related list shows it
    untouched = {"business/index.html", "culture/index.html", "2024/index.html"}
    assert not untouched & changed
    assert {"feed.xml", "world/feed.xml", "feed.json", "sitemap.xml"} <= changed


def test_a_listing_that_gains_a_page_renders_the_pages_that_link_to_it(site: Path, tmp_path: Path):
    """per_page is 2: every other story added to a listing adds a numbered page, which
    the two pages below it link to; the output is still a cold build's."""
    out = tmp_path / "out"
    ready(site, out)
    for number in range(4):
        story(site, f"story-{number}", f"2025-06-15T09:0{number}:00Z")
        assert rebuild(site, out).quick
        same_as_cold(site, out, tmp_path, f"story-{number}")


def test_with_search_a_new_story_goes_to_the_changes_shard_and_is_found(site: Path, tmp_path: Path):
    with_search(site)
    out = tmp_path / "out"
    ready(site, out)
    year_shard = inodes(out / "pagefind" / "2025")
    story(site, "ceasefire-talks-resume")
    assert rebuild(site, out).quick
    url = "/world/2025/06/15/ceasefire-talks-resume/"
    assert fragments_with(out, CHANGES_SHARD, "ceasefire-talks-resume") == [url]
    assert inodes(out / "pagefind" / "2025") == year_shard  # the year's shard is kept
    listing = json.loads((out / SHARDS_FILE).read_text(encoding="utf-8"))
    assert listing["changes"] == CHANGES_SHARD
    # Its body edited: still one page of the changes shard, with the new words.
    test_quick.add_paragraph(
        site, Path("content/world/ceasefire-talks-resume.md"), "Quillfeather spoke."
    )
    assert rebuild(site, out).quick
    assert fragments_with(out, CHANGES_SHARD, "Quillfeather") == [url]
    # A full build after it (the spare removed) indexes the story where it belongs.
    shutil.rmtree(spare_path(out))
    story(site, "late-result", "2025-06-15T09:50:00Z")
    assert not rebuild(site, out).quick
    found = [fragments_with(out, shard, "Quillfeather") for shard in (CHANGES_SHARD, "2025")]
    assert [url] in found
    same_as_cold(site, out, tmp_path, "search")
