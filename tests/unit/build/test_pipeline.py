"""newsgen.build.pipeline: the pipeline from a site folder to written output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image
from unit_helpers import article_text

from newsgen.build.inputs import default_theme, static_copies
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.content.load import decode
from newsgen.errors import BuildFailed, Problems
from newsgen.output.pagefind import SearchError
from newsgen.output.write import MARKER, OutputError
from page_checks import comparable_files
from photos import tiny_picture


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# --- decode -------------------------------------------------------------------------------


def test_decode_utf8():
    assert decode("Café\n".encode(), "content/a.md", Problems()) == "Café\n"


def test_decode_not_utf8_names_line_and_offset():
    problems = Problems()
    assert decode(b"---\nheadline: Caf\xe9\n---\n", "content/a.md", problems) is None
    [problem] = problems.errors
    assert (problem.path, problem.line) == ("content/a.md", 2)
    assert "is not UTF-8: byte 0xe9 at offset 17" in problem.message


# --- theme and static files ---------------------------------------------------------------


def test_default_theme_has_templates_and_static():
    theme = default_theme()
    assert (theme / "templates" / "article.html").is_file()
    assert (theme / "static" / "css" / "newsgen.css").is_file()


def test_site_static_overrides_theme_file_by_file(make_site):
    root = make_site(
        {
            "static/css/newsgen.css": "site css",
            "static/images/a.jpg": b"jpg",
            "static/.hidden": "x",
            "static/.git/config": "x",
        }
    )
    copies = {c.path: c for c in static_copies(root, default_theme(), Problems())}
    assert copies["css/newsgen.css"].source == str(root / "static" / "css" / "newsgen.css")
    assert copies["css/newsgen.css"].origin == "static/css/newsgen.css"
    assert copies["images/a.jpg"].source == str(root / "static" / "images" / "a.jpg")
    assert ".hidden" not in copies and ".git/config" not in copies


# --- build --------------------------------------------------------------------------------


def test_build_writes_pages_feeds_and_static(make_site):
    root = make_site(
        {
            "content/world/talks.md": article_text("Kremlin talks"),
            "content/local/bridge.md": article_text("Bridge closes", date="2024-12-15"),
        }
    )
    report = build(BuildOptions(root))
    out = root / "public"
    assert (out / MARKER).is_file()
    for path in [
        "index.html",
        "404.html",
        "feed.xml",
        "world/feed.xml",
        "local/feed.xml",
        "world/index.html",
        "world/2024/12/16/kremlin-talks/index.html",
        "local/2024/12/15/bridge-closes/index.html",
        "css/newsgen.css",
    ]:
        assert (out / path).is_file(), path
    assert report.articles == 2
    assert report.drafts_skipped == 0
    assert report.files >= report.pages >= 9


def test_build_leaves_drafts_out_unless_asked(make_site):
    root = make_site(
        {
            "content/world/a.md": article_text("Public"),
            "content/world/b.md": article_text("Secret plan", draft="true"),
        }
    )
    report = build(BuildOptions(root))
    assert (report.articles, report.drafts_skipped) == (1, 1)
    assert not (root / "public/world/2024/12/16/secret-plan").exists()
    report = build(BuildOptions(root, drafts=True))
    assert (report.articles, report.drafts_skipped) == (2, 0)
    assert (root / "public/world/2024/12/16/secret-plan/index.html").is_file()


def test_build_copies_image_beside_article(make_site):
    root = make_site(
        {
            "content/world/talks.md": article_text(
                "Kremlin talks", images="[{src: photo.jpg, alt: A photo}]"
            ),
            "content/world/photo.jpg": tiny_picture(size=(40, 30)),
        }
    )
    build(BuildOptions(root))
    copied = Image.open(root / "public/world/2024/12/16/kremlin-talks/photo.jpg")
    assert (copied.format, copied.size) == ("JPEG", (40, 30))  # made again, without metadata


def test_build_with_base_url_override(make_site):
    root = make_site({"content/world/a.md": article_text("Kremlin talks")})
    build(BuildOptions(root, base_url="https://staging.example.com/preview/"))
    html = (root / "public/world/2024/12/16/kremlin-talks/index.html").read_text()
    assert 'href="https://staging.example.com/preview/world/2024/12/16/kremlin-talks/"' in html
    assert re.search(r'href="/preview/css/newsgen\.[0-9a-f]{10}\.css"', html)


def test_build_failure_reports_all_problems_and_writes_nothing(make_site):
    root = make_site({"content/world/good.md": article_text("Good")})
    build(BuildOptions(root, output=root / "out"))
    before = snapshot(root / "out")
    (root / "content/world/good.md").write_text(article_text("Good but changed"))
    (root / "content/world/bad.md").write_text("---\nheadlne: Bad\ndate: 2024-12-16\n---\nBody\n")
    (root / "content/world/worse.md").write_text("no front matter\n")
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root, output=root / "out"))
    assert snapshot(root / "out") == before
    shown = [str(p) for p in caught.value.problems]
    assert any(s.startswith("content/world/bad.md:2: headlne: unknown key") for s in shown)
    assert any(s.startswith("content/world/bad.md:1: headline: is required") for s in shown)
    assert any(s.startswith("content/world/worse.md:1: no front matter") for s in shown)


def test_build_refuses_site_root_as_output(make_site):
    root = make_site({"content/world/a.md": article_text()})
    with pytest.raises(OutputError):
        build(BuildOptions(root, output=root))


def test_build_static_file_colliding_with_page_is_an_error(make_site):
    root = make_site({"content/world/a.md": article_text(), "static/feed.xml": "<rss/>"})
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root))
    assert any("feed.xml" in p.message for p in caught.value.problems)


def test_build_duplicate_article_paths_is_an_error(make_site):
    root = make_site(
        {
            "content/world/a.md": article_text("Same headline"),
            "content/world/b.md": article_text("Same headline", date="2024-12-16T18:00:00+01:00"),
        }
    )
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root))
    # one collision, reported once (not again when the rendered pages are checked)
    [problem] = caught.value.problems
    assert problem.path == "content/world/a.md"
    assert "content/world/b.md also writes" in problem.message


def test_build_warnings_reported_but_succeed(make_site):
    root = make_site({"content/world/a.md": article_text(body="")})
    report = build(BuildOptions(root))
    assert [w.path for w in report.warnings] == ["content/world/a.md"]


# --- search ---------------------------------------------------------------------------------


def turn_search_off(root: Path) -> None:
    config = root / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")


def test_build_indexes_article_pages_and_renders_the_search_page(make_site):
    root = make_site({"content/world/talks.md": article_text("Kremlin talks")})
    report = build(BuildOptions(root))
    out = root / "public"
    [shard] = json.loads((out / "pagefind" / "shards.json").read_text())["shards"]
    meta = json.loads((out / "pagefind" / shard / "meta.json").read_text())
    assert meta["pages"] == 1
    records = json.loads((out / "pagefind" / shard / "records" / "0.json").read_text())
    assert records[0]["title"] == "Kremlin talks"
    index = [p for p in (out / "pagefind").rglob("*") if p.is_file()]
    assert report.files == len([p for p in out.rglob("*") if p.is_file()]) - 1  # no marker
    assert len(index) < report.files
    search_page = (out / "search" / "index.html").read_text()
    assert 'data-search-index="/pagefind/shards.json"' in search_page
    assert 'href="/search/"' in (out / "index.html").read_text()


def test_build_with_search_off_has_no_index_page_or_link(make_site):
    root = make_site({"content/world/talks.md": article_text("Kremlin talks")})
    turn_search_off(root)
    build(BuildOptions(root))
    out = root / "public"
    assert (out / "index.html").is_file()
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    assert "/search/" not in (out / "index.html").read_text()


def test_build_without_articles_has_no_index(make_site):
    root = make_site({})
    build(BuildOptions(root))
    assert not (root / "public" / "pagefind").exists()
    assert "Nothing has been published yet" in (root / "public/search/index.html").read_text()


def test_a_static_file_in_the_index_folder_is_an_error_while_search_is_on(make_site):
    files = {"content/world/a.md": article_text(), "static/pagefind/pagefind.js": "mine"}
    root = make_site(files)
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root))
    [problem] = caught.value.problems
    assert problem.path == "static/pagefind/pagefind.js"
    assert "pagefind/ holds the search index" in problem.message
    off = make_site(files)
    turn_search_off(off)
    build(BuildOptions(off))
    assert (off / "public/pagefind/pagefind.js").read_text() == "mine"


def test_a_failing_index_fails_the_build_and_keeps_the_old_site(make_site, monkeypatch):
    from newsgen.output import pagefind

    root = make_site({"content/world/a.md": article_text("First story")})
    build(BuildOptions(root))
    before = snapshot(root / "public")

    def failing(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pagefind, "write_shards", failing)
    (root / "content/world/b.md").write_text(article_text("Second story"))
    with pytest.raises(SearchError, match="No space left on device"):
        build(BuildOptions(root))
    assert snapshot(root / "public") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".newsgen-staging")] == []


def test_a_build_hands_every_object_back_to_the_collector(tmp_path):
    import gc

    from newsgen.gc_pause import collector_reset, keep_from_collector

    with collector_reset():
        keep_from_collector()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_a_full_rebuild_trusts_the_recorded_spare_and_matches_a_cold_build(
    make_site, monkeypatch, tmp_path
):
    # After two builds the spare tree's files are known from what they recorded:
    # a third build (a headline edited: not quick) does not walk it, and its output
    # is the cold build's.
    from newsgen.output import staging as tree

    text = article_text("Kremlin talks")
    root = make_site(
        {
            "content/world/talks.md": text,
            "content/local/bridge.md": article_text("Bridge closes", date="2024-12-15"),
        }
    )
    build(BuildOptions(root))
    (root / "content/local/more.md").write_text(article_text("Ferry sails"), encoding="utf-8")
    build(BuildOptions(root))  # the spare now holds the first build's site
    walks: list[Path] = []
    real_scan = tree.Tree.scan.__func__

    def scan(cls, folder, skip=()):  # type: ignore[no-untyped-def]
        walks.append(folder)
        return real_scan(cls, folder, skip)

    monkeypatch.setattr(tree.Tree, "scan", classmethod(scan))
    edited = text.replace("Kremlin talks", "Kremlin talks end")
    (root / "content/world/talks.md").write_text(edited, encoding="utf-8")
    report = build(BuildOptions(root))
    assert not report.quick and walks == []
    cold = build(BuildOptions(root, output=tmp_path / "cold", cache=False))
    # The same files, but the search index's: the warm build keeps the year's shard
    # and indexes the changed pages in a changes shard; both find the same pages.
    pages = comparable_files(root / "public")
    assert pages == comparable_files(tmp_path / "cold")
    index_files = sum(1 for _ in (root / "public" / "pagefind").rglob("*") if _.is_file())
    cold_index = sum(1 for _ in (tmp_path / "cold" / "pagefind").rglob("*") if _.is_file())
    assert report.files - index_files == cold.files - cold_index
    assert "world/2024/12/16/kremlin-talks-end/index.html" in pages


def test_kept_search_shards_cost_nothing_where_the_spare_tree_holds_them(
    make_site, monkeypatch
):
    # Three builds: the third fills the spare tree (the first build's), whose index
    # files are the live ones: a kept shard is not linked again, file by file.
    import os

    root = make_site(
        {
            "content/world/talks.md": article_text("Kremlin talks"),
            "content/local/bridge.md": article_text("Bridge closes", date="2023-12-15"),
        }
    )
    build(BuildOptions(root))
    (root / "content/local/more.md").write_text(article_text("Ferry sails"), encoding="utf-8")
    build(BuildOptions(root))  # a changes shard; the 2024 and 2023 shards are kept
    linked: list[str] = []
    real = os.link

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        linked.append(str(source))
        return real(source, *args, **kwargs)

    monkeypatch.setattr(os, "link", counting)
    kept = (root / "public" / "pagefind" / "2023" / "meta.json").stat().st_ino
    (root / "content/local/last.md").write_text(article_text("Last ferry"), encoding="utf-8")
    build(BuildOptions(root))
    assert [path for path in linked if "/pagefind/changes/" in path] == []  # made anew
    assert not [path for path in linked if "/pagefind/2023/" in path]  # kept, in the spare
    assert (root / "public" / "pagefind" / "2023" / "meta.json").stat().st_ino == kept
    listing = json.loads((root / "public" / "pagefind" / "shards.json").read_text())
    assert listing["changes"] == "changes"
