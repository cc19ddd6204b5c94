"""Quick rebuilds of an edited card (build/quick_cards.py): a new headline, standfirst or
picture that leaves the article where it is listed renders its page, the one page
of each listing that shows it, the home page when it shows it and the pages whose
related list names it, and the output is still, byte for byte, a cold build's."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_quick
from test_incremental import inodes, replace_line, rewritten
from test_quick import (
    HARBOUR,
    HARBOUR_PAGE,
    fragments_with,
    ready,
    rebuild,
    same_as_cold,
    with_search,
)

from newsgen.build.inputs import default_theme
from newsgen.build.quick_listings import LISTINGS_MEMO
from newsgen.cache.articles import open_cache
from newsgen.errors import BuildFailed

site = test_quick.site  # the fixture: the newsroom fixture site, with search off
ORCHESTRA = Path("content/culture/orchestra-tour.md")
"""The newest article published: on the home page and in the news sitemap."""
ORCHESTRA_SLUG = "youth-orchestra-sets-off-on-a-european-tour"
HARBOUR_SLUG = "harbour-handles-record-trade-volume"
MARKETS = Path("content/business/markets-rally.md")
MARKETS_PAGE = "business/2024/09/03/markets-rally-as-inflation-cools/index.html"
ELECTION = Path("content/world/election-night-results.md")
"""An article another links to (its link would change with its URL)."""


def fix_slug(site: Path, path: Path, slug: str) -> None:
    """Give the article the slug its headline makes, so that a new headline keeps its URL."""
    replace_line(site / path, "date:", f"{_line(site / path, 'date:')}\nslug: {slug}")


def _line(file: Path, start: str) -> str:
    lines = file.read_text(encoding="utf-8").split("\n")
    return next(line for line in lines if line.startswith(start))


def set_headline(site: Path, path: Path, headline: str) -> None:
    replace_line(site / path, "headline:", f'headline: "{headline}"')


def set_first_paragraph(site: Path, path: Path, old: str, new: str) -> None:
    file = site / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def add_front_matter(site: Path, path: Path, lines: str) -> None:
    file = site / path
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("\n---\n", f"\n{lines}\n---\n", 1), encoding="utf-8")


def test_card_edits_are_quick_and_every_output_is_the_cold_one(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    fix_slug(site, HARBOUR, HARBOUR_SLUG)
    fix_slug(site, ORCHESTRA, ORCHESTRA_SLUG)
    ready(site, out)
    steps = [
        ("standfirst", lambda: set_first_paragraph(
            site, HARBOUR, "The harbour handled", "The busy harbour handled"), True),
        ("headline", lambda: set_headline(site, HARBOUR, "Harbour breaks its trade record"), True),
        ("summary", lambda: add_front_matter(site, HARBOUR, "summary: A record quarter."), True),
        ("picture (the front page may now lead with it: a full build)", lambda: add_front_matter(
            site, HARBOUR, "images:\n  - src: /images/default-social.png\n"
            "    caption: Cranes at dusk.\n    credit: Staff"), False),
        ("caption", lambda: replace_line(
            site / HARBOUR, "    caption:", "    caption: Cranes at dawn."), True),
        ("headline and body", lambda: [
            set_headline(site, HARBOUR, "Harbour trade at a record"),
            set_first_paragraph(site, HARBOUR, "Officials", "Port officials")], True),
        ("newest article's headline (home page, news sitemap)", lambda: set_headline(
            site, ORCHESTRA, "Youth orchestra begins its European tour"), True),
        ("two cards at once", lambda: [
            set_headline(site, HARBOUR, "Harbour trade: a record"),
            set_headline(site, ORCHESTRA, "Youth orchestra on tour")], True),
        ("headline that moves the page (no slug)", lambda: set_headline(
            site, MARKETS, "Markets rally again"), True),
        ("the moved page's body", lambda: set_first_paragraph(
            site, MARKETS, "Shares rose", "Share prices rose"), True),
        ("moved back", lambda: set_headline(
            site, MARKETS, "Markets rally as inflation cools"), True),
        ("headline of an article another links to", lambda: set_headline(
            site, ELECTION, "Election night brings a hung parliament"), False),
        ("headline after a full build", lambda: set_headline(
            site, HARBOUR, "Harbour trade sets a record"), True),
        ("tags", lambda: replace_line(site / HARBOUR, "tags:", "tags: [Trade, Europe]"), False),
        ("date", lambda: replace_line(site / HARBOUR, "date:", "date: 2022-03-23 11:00"), False),
    ]  # fmt: skip
    for name, edit, quick in steps:
        edit()
        report = rebuild(site, out)
        assert report.quick is quick, name
        same_as_cold(site, out, tmp_path, name.split(" (")[0].replace(" ", "-"))


def test_a_headline_edit_rewrites_the_pages_that_show_it_and_no_other(
    site: Path, tmp_path: Path
):
    out = tmp_path / "out"
    fix_slug(site, HARBOUR, HARBOUR_SLUG)
    ready(site, out)
    before = inodes(out)
    set_headline(site, HARBOUR, "Harbour breaks its trade record")
    assert rebuild(site, out).quick
    changed = rewritten(before, inodes(out)) - {".newsgen-output"}
    pages = {path for path in changed if path.endswith(".html")}
    assert HARBOUR_PAGE in pages
    showing = {
        path
        for path, data in ((p, (out / p).read_bytes()) for p in inodes(out) if p.endswith(".html"))
        if b"Harbour breaks its trade record" in data
    }
    assert pages == showing  # every page that shows the new headline, and only those
    listings = ("business/", "tags/trade/", "tags/europe/", "authors/jonas-weber/", "2022/")
    for listing in listings:  # its section, tags, author and year: one page of each
        shown = [p for p in pages if p == f"{listing}index.html" or p.startswith(f"{listing}page/")]
        assert len(shown) == 1, listing
    assert "2022/03/index.html" in pages  # its month
    assert all(path.endswith(("feed.xml", "feed.json")) for path in changed - pages), changed


def test_with_search_an_edited_headline_goes_to_the_changes_shard(site: Path, tmp_path: Path):
    with_search(site)
    fix_slug(site, HARBOUR, HARBOUR_SLUG)
    out = tmp_path / "out"
    ready(site, out)
    set_headline(site, HARBOUR, "Quillfeather harbour breaks its record")
    assert rebuild(site, out).quick
    url = "/" + HARBOUR_PAGE.removesuffix("index.html")
    assert url in fragments_with(out, "changes", "Quillfeather")
    same_as_cold(site, out, tmp_path, "after")


def test_a_theme_that_lists_every_article_builds_card_edits_in_full(site: Path, tmp_path: Path):
    (site / "templates").mkdir()
    tags = (default_theme() / "templates" / "tags.html").read_text(encoding="utf-8")
    edited = tags.replace(
        "{% block listing %}",
        "{% block listing %}<p>{{ site.articles | length }} articles</p>",
        1,
    )
    assert edited != tags
    (site / "templates" / "tags.html").write_text(edited, encoding="utf-8")
    fix_slug(site, HARBOUR, HARBOUR_SLUG)
    out = tmp_path / "out"
    ready(site, out)
    set_headline(site, HARBOUR, "Harbour breaks its trade record")
    assert not rebuild(site, out).quick
    same_as_cold(site, out, tmp_path, "headline")
    set_first_paragraph(site, HARBOUR, "Officials", "Port officials")
    assert rebuild(site, out).quick  # a body edit is still quick
    same_as_cold(site, out, tmp_path, "body")


def test_a_headline_shared_in_time_with_another_article_builds_in_full(
    site: Path, tmp_path: Path
):
    other = MARKETS
    date = _line(site / HARBOUR, "date:")
    replace_line(site / other, "date:", date)  # the headline decides which comes first
    fix_slug(site, HARBOUR, HARBOUR_SLUG)
    out = tmp_path / "out"
    ready(site, out)
    set_headline(site, HARBOUR, "A harbour record")
    assert not rebuild(site, out).quick
    same_as_cold(site, out, tmp_path, "after")


def test_a_headline_that_moves_the_page_removes_the_old_one_everywhere(
    site: Path, tmp_path: Path
):
    with_search(site)
    out = tmp_path / "out"
    ready(site, out)
    set_headline(site, MARKETS, "Quillfeather markets rally")
    report = rebuild(site, out)
    assert report.quick
    new_page = "business/2024/09/03/quillfeather-markets-rally/index.html"
    assert (out / new_page).is_file()
    assert not (out / MARKETS_PAGE).exists() and not (out / MARKETS_PAGE).parent.exists()
    assert report.article_urls[MARKETS.as_posix()] == "/" + new_page.removesuffix("index.html")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert new_page.removesuffix("index.html") in sitemap
    assert MARKETS_PAGE.removesuffix("index.html") not in sitemap
    new_url = "/" + new_page.removesuffix("index.html")
    assert fragments_with(out, "changes", "Quillfeather") == [new_url]
    same_as_cold(site, out, tmp_path, "moved")
    # Moved again: the changes shard holds the page once, at its newest place.
    set_headline(site, MARKETS, "Quillfeather markets rally on")
    assert rebuild(site, out).quick
    newer = "/business/2024/09/03/quillfeather-markets-rally-on/"
    assert fragments_with(out, "changes", "Quillfeather") == [newer]
    same_as_cold(site, out, tmp_path, "moved-again")
    # A full build after the moves finds the page once, at its newest place.
    replace_line(site / HARBOUR, "tags:", "tags: [Trade, Europe]")
    assert not rebuild(site, out).quick
    shards = [folder.name for folder in (out / "pagefind").iterdir() if folder.is_dir()]
    found = [url for shard in shards for url in fragments_with(out, shard, "Quillfeather")]
    assert found == [newer]
    same_as_cold(site, out, tmp_path, "full-after")


def test_a_headline_that_moves_the_page_onto_a_taken_path_builds_in_full(
    site: Path, tmp_path: Path
):
    taken = "/business/2024/09/03/markets-rally-once-more/"
    add_front_matter(site, HARBOUR, f"aliases: [{taken}]")
    out = tmp_path / "out"
    ready(site, out)
    set_headline(site, MARKETS, "Markets rally once more")
    with pytest.raises(BuildFailed):  # the full build names the clash
        rebuild(site, out)


def test_listings_missing_from_the_cache_make_a_card_edit_a_full_build(site: Path, tmp_path: Path):
    fix_slug(site, HARBOUR, HARBOUR_SLUG)
    out = tmp_path / "out"
    ready(site, out)
    cache = open_cache(site, True)
    try:
        cache.forget_memo(LISTINGS_MEMO + str(out.resolve()))
    finally:
        cache.close()
    set_headline(site, HARBOUR, "Harbour breaks its trade record")
    assert not rebuild(site, out).quick
    same_as_cold(site, out, tmp_path, "after")
    set_headline(site, HARBOUR, "Harbour trade at a record")
    assert rebuild(site, out).quick  # the full build left them again
    same_as_cold(site, out, tmp_path, "later")
