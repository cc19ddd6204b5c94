"""A build that uses the cache writes exactly what a cold build of the same input writes.

Each step edits the site (body, headline, tags, date, delete, rename, template,
config), rebuilds with the cache, and compares the output byte for byte with a
cold build (no cache) of the same input into another folder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from PIL import Image

from newsgen.build.inputs import default_theme
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.content import load as loading
from newsgen.output import pagefind as search
from newsgen.output.pagefind import SHARDS_FILE
from page_checks import comparable_files

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "newsroom"
NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` by path, but the search index's, which a build with
    the cache may make in other steps (a changes shard beside the shards it keeps):
    what it finds instead (page_checks.comparable_files)."""
    return comparable_files(folder)


def first_article(site: Path) -> Path:
    return sorted((site / "content").rglob("*.md"))[0]


def replace_line(path: Path, start: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    lines[index] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_body(site: Path) -> None:
    path = first_article(site)
    path.write_text(path.read_text(encoding="utf-8") + "\nA new closing paragraph.\n")


def edit_headline(site: Path) -> None:
    replace_line(first_article(site), "headline:", 'headline: "A headline rewritten by the desk"')


def edit_tags(site: Path) -> None:
    path = first_article(site)
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    fields = yaml.safe_load(front)
    fields["tags"] = ["Brand New Tag", *fields.get("tags", [])[1:]]
    path.write_text(f"---\n{yaml.safe_dump(fields, allow_unicode=True)}---\n{body}")


def edit_date(site: Path) -> None:
    replace_line(first_article(site), "date:", "date: 2021-03-04T05:06:07Z")


def delete_article(site: Path) -> None:
    sorted((site / "content").rglob("*.md"))[1].unlink()


def rename_article(site: Path) -> None:
    path = sorted((site / "content").rglob("*.md"))[2]
    path.rename(path.with_name("renamed-" + path.name))


def edit_template(site: Path) -> None:
    (site / "templates").mkdir(exist_ok=True)
    original = (default_theme() / "templates" / "article.html").read_text(encoding="utf-8")
    edited = original.replace("{% block content %}", "{% block content %}<!-- v2 -->", 1)
    assert edited != original
    (site / "templates" / "article.html").write_text(edited)


def edit_config(site: Path) -> None:
    config = site / "newsgen.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text("\n".join(
        "title: A Renamed Gazette" if line.startswith("title:") else line
        for line in text.split("\n")
    ))  # fmt: skip


def edit_linked_article(site: Path) -> None:
    """The article another one links to moves (its date is in its URL)."""
    replace_line(
        site / "content" / "world" / "election-night-results.md",
        "date:",
        "date: 2022-05-06T07:00:00Z",
    )


def add_article(site: Path) -> None:
    (site / "content" / "world" / "late-arrival.md").write_text(
        "---\nheadline: A late arrival\ndate: 2025-06-14T09:00:00Z\nbyline: New Reporter\n"
        "tags: [Climate]\n---\nJust in.\n",
        encoding="utf-8",
    )


def edit_author_profile(site: Path) -> None:
    profiles = site / "authors.yaml"
    text = profiles.read_text(encoding="utf-8") if profiles.exists() else ""
    profiles.write_text(text + "\nNew Reporter:\n  bio: Joined the desk this week.\n")


EDITS: list[Callable[[Path], None]] = [
    edit_body, edit_headline, edit_tags, edit_date, delete_article, rename_article,
    edit_linked_article, add_article, edit_author_profile, edit_template, edit_config,
]  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


def test_every_edit_gives_the_output_of_a_cold_build(site: Path, tmp_path: Path) -> None:
    warm = tmp_path / "warm"
    first = build(BuildOptions(site, warm, now=NOW))
    assert first.cache_hits == 0
    for number, edit in enumerate(EDITS):
        edit(site)
        report = build(BuildOptions(site, warm, now=NOW))
        cold = tmp_path / f"cold-{number}"
        build(BuildOptions(site, cold, now=NOW, cache=False))
        assert tree(warm) == tree(cold), f"after {edit.__name__}"
        if edit.__name__ in ("edit_body", "edit_headline", "edit_date"):
            assert report.cache_hits == report.articles - 1 + _drafts_and_future(site, report)


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """Files new or with a new inode (written, not linked from the previous output)."""
    return {path for path, inode in after.items() if before.get(path) != inode}


def test_a_body_edit_rewrites_only_its_page_and_the_feeds_that_carry_it(
    site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    before = inodes(out)
    edit_body(site)
    report = build(BuildOptions(site, out, now=NOW))
    changed = rewritten(before, inodes(out)) - {".newsgen-output"}
    index = {p for p in changed if p.startswith("pagefind/")}  # an indexed page changed
    article_pages = {p for p in changed - index if p.endswith("index.html")}
    assert len(article_pages) == 1, changed
    assert [p for p in index if p.endswith("/meta.json")] == [
        "pagefind/changes/meta.json"  # the edited page alone; its year's is kept
    ]
    rest = changed - article_pages - index
    assert all(p.endswith(("feed.xml", "feed.json")) for p in rest), changed
    assert report.unchanged == report.files - len(changed)


def test_a_template_edit_that_leaves_article_pages_alone_keeps_the_search_index(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    before = inodes(out)
    (site / "templates").mkdir(exist_ok=True)
    original = (default_theme() / "templates" / "section.html").read_text(encoding="utf-8")
    edited = original.replace("{% block content %}", "{% block content %}<!-- v2 -->", 1)
    (site / "templates" / "section.html").write_text(edited)
    runs: list[str] = []
    real_run = search.SearchIndexer._index_shards
    monkeypatch.setattr(
        search.SearchIndexer,
        "_index_shards",
        lambda self, tree, pending: runs.extend(pending) or real_run(self, tree, pending),
    )
    report = build(BuildOptions(site, out, now=NOW))
    changed = rewritten(before, inodes(out))
    assert "world/index.html" in changed  # a section page
    assert runs == []  # no article page changed: no shard was written
    index = {p: inode for p, inode in inodes(out).items() if p.startswith("pagefind/")}
    assert index and all(before[p] == inode for p, inode in index.items())
    assert report.unchanged == report.files - len(changed - {".newsgen-output"})
    edit_body(site)  # now an article page changes: it is indexed in the changes shard
    build(BuildOptions(site, out, now=NOW))
    assert runs == ["changes"]  # the edited page only; its year's shard is kept
    entry = "pagefind/2022/meta.json"
    assert inodes(out)[entry] == before[entry]
    listing = json.loads((out / SHARDS_FILE).read_text())
    assert listing["changes"] == "changes" and list(listing["stale"]) == ["2022"]


def test_adding_an_article_leaves_full_archive_pages_alone(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    before = inodes(out)
    add_article(site)
    build(BuildOptions(site, out, now=NOW))
    changed = rewritten(before, inodes(out))
    assert "world/2025/06/14/a-late-arrival/index.html" in changed
    untouched = [p for p in before if p.startswith(("sport/", "culture/")) and p in inodes(out)]
    assert untouched and not changed.intersection(untouched)
    assert not any(p.startswith("2019/") for p in changed), changed


def _drafts_and_future(site: Path, report: object) -> int:
    """Drafts and future articles are loaded (and cached) too, then left out."""
    return getattr(report, "drafts_skipped", 0) + getattr(report, "future_skipped", 0)


def test_a_rebuild_without_changes_takes_every_article_from_the_cache(site: Path, tmp_path: Path):
    build(BuildOptions(site, tmp_path / "out", now=NOW))
    again = build(BuildOptions(site, tmp_path / "out", now=NOW))
    loaded = again.articles + again.drafts_skipped + again.future_skipped
    assert again.cache_hits == loaded
    assert again.unchanged == again.files


def test_the_cache_serves_a_build_started_from_another_folder(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)  # newsgen build, inside the site
    first = build(BuildOptions(Path("."), tmp_path / "out", now=NOW))
    monkeypatch.chdir(tmp_path)  # newsgen build --source site, from the folder above
    again = build(BuildOptions(Path("site"), tmp_path / "other", now=NOW))
    assert first.cache_hits == 0
    assert again.cache_hits == again.articles + again.drafts_skipped + again.future_skipped


def test_parallel_loading_gives_the_same_output(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(BuildOptions(site, tmp_path / "serial", now=NOW, jobs=1, cache=False))
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 1)
    build(BuildOptions(site, tmp_path / "parallel", now=NOW, jobs=2, cache=False))
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")


def test_problems_are_reported_again_from_the_cache(site: Path, tmp_path: Path) -> None:
    path = first_article(site)
    path.write_text(path.read_text(encoding="utf-8") + "\n[bad](javascript:alert(1))\n")
    first = build(BuildOptions(site, tmp_path / "out", now=NOW))
    second = build(BuildOptions(site, tmp_path / "out", now=NOW))
    assert second.cache_hits > 0
    assert [str(p) for p in first.warnings] == [str(p) for p in second.warnings]
    assert any("javascript:" in str(p) for p in second.warnings)


# --- the no-change path ---------------------------------------------------------------------


def test_an_unchanged_site_is_not_built_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(BuildOptions(site, out, now=NOW))
    marker = (out / ".newsgen-output").stat()
    again = build(BuildOptions(site, out, now=NOW))
    assert (again.articles, again.pages, again.files) == (first.articles, first.pages, first.files)
    assert again.unchanged == again.files
    assert [str(p) for p in again.warnings] == [str(p) for p in first.warnings]
    assert (out / ".newsgen-output").stat().st_ino == marker.st_ino  # nothing was swapped


def test_a_damaged_output_is_built_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    expected = tree(out)
    shutil.rmtree(out)
    build(BuildOptions(site, out, now=NOW))
    assert tree(out) == expected


@pytest.mark.parametrize("damage", ["remove the feed", "empty a section folder"])
def test_a_changed_top_level_of_the_output_is_built_again(
    site: Path, tmp_path: Path, damage: str
) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    expected = tree(out)
    if damage == "remove the feed":
        (out / "feed.xml").unlink()
    else:
        section = next(p for p in sorted(out.iterdir()) if (p / "index.html").is_file())
        for entry in list(section.iterdir()):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    again = build(BuildOptions(site, out, now=NOW))
    assert again.unchanged < again.files  # not the no-change path: files were written
    assert tree(out) == expected


def test_a_scheduled_article_appears_when_its_time_comes(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (site / "content" / "world" / "scheduled.md").write_text(
        "---\nheadline: Scheduled story\ndate: 2025-06-20T08:00:00Z\n---\nIt is time.\n"
    )
    before = build(BuildOptions(site, out, now=NOW))
    assert before.future_skipped == 2  # the fixture's own future article, and this one
    later = datetime(2025, 6, 21, tzinfo=UTC)
    after = build(BuildOptions(site, out, now=later))
    assert after.articles == before.articles + 1
    assert b"Scheduled story" in (out / "feed.xml").read_bytes()


def test_a_changed_static_file_or_template_is_built_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    style = site / "static" / "style-extra.css"
    style.write_text("body { color: black }\n")
    build(BuildOptions(site, out, now=NOW))
    style.write_text("body { color: white }\n")
    build(BuildOptions(site, out, now=NOW))
    assert (out / "style-extra.css").read_bytes() == style.read_bytes()
    logo = next((site / "static").rglob("*.png"))  # a picture: published made again
    Image.new("RGB", (3, 2), (0, 0, 255)).save(logo)
    build(BuildOptions(site, out, now=NOW))
    published = Image.open(out / logo.relative_to(site / "static"))
    assert published.size == (3, 2) and published.convert("RGB").getpixel((0, 0)) == (0, 0, 255)
    edit_template(site)
    build(BuildOptions(site, out, now=NOW))
    assert any(b"<!-- v2 -->" in p.read_bytes() for p in out.rglob("index.html"))


def test_the_news_sitemap_goes_when_its_articles_grow_old(site: Path, tmp_path: Path) -> None:
    # A sitemap must list a URL (sitemaps.org's schema): after a quiet two days there is
    # no news sitemap, robots.txt stops naming it, and the output is a cold build's.
    out, cold = tmp_path / "out", tmp_path / "cold"
    build(BuildOptions(site, out, now=NOW))
    assert (out / "news-sitemap.xml").is_file()
    assert b"news-sitemap.xml" in (out / "robots.txt").read_bytes()
    quiet = datetime(2025, 7, 1, tzinfo=UTC)
    build(BuildOptions(site, out, now=quiet))
    assert not (out / "news-sitemap.xml").exists()
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert robots.endswith("\n\nSitemap: https://ledger.example.org/sitemap.xml\n")
    build(BuildOptions(site, cold, now=quiet, cache=False))
    assert tree(out) == tree(cold)
