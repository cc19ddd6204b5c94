"""Quick rebuilds (build.quick_rebuild): when only article bodies changed, a rebuild renders just
the article's page and the feeds that carry it, and its output is still, byte for byte,
the output of a cold build of the same input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_incremental import (
    NOW,
    add_article,
    delete_article,
    edit_headline,
    edit_tags,
    first_article,
    inodes,
    rewritten,
    tree,
)

from newsgen.build import quick_search
from newsgen.build.inputs import default_theme
from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.output import quick_write as quickwrite
from newsgen.output.folders import Folders
from newsgen.output.pagefind import SHARDS_FILE, SearchError
from newsgen.output.write import DIRTY, spare_path
from page_checks import pages_with

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "newsroom"
HARBOUR = Path("content/business/harbour-trade-record.md")
ANALYSIS = Path("content/world/analysis/election-analysis.md")
"""An article that links to another article's source (its body is resolved by the build)."""
LATE = Path("content/world/late-arrival.md")
"""The article test_incremental.add_article() adds."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = Path(shutil.copytree(FIXTURE, tmp_path / "site"))
    with open(site / "newsgen.yaml", "a", encoding="utf-8") as config:
        config.write("search: false\n")
    return site


def add_paragraph(site: Path, path: Path = HARBOUR, words: str = "A closing paragraph.") -> None:
    file = site / path
    file.write_text(file.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def rebuild(site: Path, out: Path, **options: object) -> BuildReport:
    return build(BuildOptions(site, out, now=NOW, **options))  # type: ignore[arg-type]


def same_as_cold(site: Path, out: Path, tmp_path: Path, name: str) -> None:
    cold = tmp_path / f"cold-{name}"
    build(BuildOptions(site, cold, now=NOW, cache=False))
    assert tree(out) == tree(cold), name


def ready(site: Path, out: Path) -> None:
    """Two full builds: the second leaves a spare tree whose differences are known."""
    rebuild(site, out)
    add_paragraph(site, first_article(site).relative_to(site), "Warming up.")
    rebuild(site, out)


def test_body_edits_are_quick_and_every_output_is_the_cold_one(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    ready(site, out)
    steps = [
        ("body", lambda: add_paragraph(site), True),
        ("body again", lambda: add_paragraph(site, words="And another."), True),
        ("headline (the page moves)", lambda: edit_headline(site), True),
        ("tags", lambda: edit_tags(site), False),
        ("body after a full build", lambda: add_paragraph(site, words="Third."), True),
        ("linking article's body", lambda: add_paragraph(site, ANALYSIS), True),
        ("two bodies at once", lambda: [add_paragraph(site), add_paragraph(site, ANALYSIS)], True),
        ("delete", lambda: delete_article(site), False),
        ("body after a delete", lambda: add_paragraph(site, words="Fourth."), True),
        ("new article", lambda: add_article(site), False),
        ("body of the new article", lambda: add_paragraph(site, LATE), True),
    ]  # fmt: skip
    for name, edit, quick in steps:
        edit()
        report = rebuild(site, out)
        assert report.quick is quick, name
        same_as_cold(site, out, tmp_path, name.split(" (")[0].replace(" ", "-"))


def test_a_quick_rebuild_writes_only_the_page_and_the_feeds_that_show_the_body(
    site: Path, tmp_path: Path
):
    out = tmp_path / "out"
    ready(site, out)
    before = inodes(out)
    add_paragraph(site)
    report = rebuild(site, out)
    assert report.quick
    changed = rewritten(before, inodes(out)) - {".newsgen-output"}
    assert "business/2022/03/22/harbour-handles-record-trade-volume/index.html" in changed
    pages = {p for p in changed if p.endswith(".html")}
    assert len(pages) == 1, changed
    assert all(p.endswith(("feed.xml", "feed.json")) for p in changed - pages), changed
    assert report.unchanged == report.files - len(changed)
    assert report.cache_hits == report.articles + report.drafts_skipped + report.future_skipped - 1
    assert b"A closing paragraph." in (out / "business" / "feed.xml").read_bytes()


@pytest.mark.parametrize(
    "edit",
    [
        "a front matter field",
        "a warning in the body",
        "an image file beside the article",
    ],
)
def test_changes_beyond_the_body_take_a_full_build(site: Path, tmp_path: Path, edit: str):
    out = tmp_path / "out"
    ready(site, out)
    file = site / HARBOUR
    text = file.read_text(encoding="utf-8")
    if edit == "a front matter field":
        file.write_text(text.replace("tags: [Trade, Europe, Offshore]", "tags: [Trade, Europe]"))
    elif edit == "a warning in the body":
        add_paragraph(site, words="[bad](javascript:alert(1))")
    else:
        shutil.copy(site / "content" / "business" / "turbine-detail.png", file.parent / "x.png")
        add_paragraph(site, words="![A crane](x.png)")
    report = rebuild(site, out)
    assert not report.quick
    same_as_cold(site, out, tmp_path, "after")


def with_search(site: Path) -> None:
    config = site / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false\n", ""))


HARBOUR_PAGE = "business/2022/03/22/harbour-handles-record-trade-volume/index.html"


def fragments_with(out: Path, shard: str, words: str) -> list[str]:
    """Return the URLs of the pages of ``shard`` whose indexed text holds ``words``."""
    return pages_with(out, shard, words)


def test_with_search_a_body_edit_is_quick_and_goes_to_the_changes_shard(
    site: Path, tmp_path: Path
):
    with_search(site)
    out = tmp_path / "out"
    ready(site, out)
    year_shard = inodes(out / "pagefind" / "2022")
    add_paragraph(site, words="Quillfeather signed the harbour ledger.")
    assert rebuild(site, out).quick
    url = "/" + HARBOUR_PAGE.removesuffix("index.html")
    assert fragments_with(out, "changes", "Quillfeather") == [url]
    assert fragments_with(out, "2022", "Quillfeather") == []  # the year's shard is kept
    assert inodes(out / "pagefind" / "2022") == year_shard
    listing = json.loads((out / SHARDS_FILE).read_text(encoding="utf-8"))
    assert listing["changes"] == "changes" and list(listing["stale"]) == ["2022"]
    [old_id] = listing["stale"]["2022"]
    assert fragments_with(out, "2022", "record trade volume") and old_id
    # Another body, of another year: the changes shard holds both pages, hides both.
    add_paragraph(site, ANALYSIS, words="Marrowby counted the votes again.")
    assert rebuild(site, out).quick
    listing = json.loads((out / SHARDS_FILE).read_text(encoding="utf-8"))
    assert sorted(listing["stale"]) == ["2022", "2025"]
    assert listing["stale"]["2022"] == [old_id]
    assert fragments_with(out, "changes", "Quillfeather") == [url]
    assert len(fragments_with(out, "changes", "Marrowby")) == 1
    # A full build (the spare removed) of a third edit of the same page finds what the
    # quick rebuilds did: the same stale pages (shards.json kept) and the same shards.
    before = inodes(out)
    shutil.rmtree(spare_path(out))
    add_paragraph(site, words="Later still.")
    assert not rebuild(site, out).quick
    after = inodes(out)
    assert after[SHARDS_FILE] == before[SHARDS_FILE]
    kept = [path for path in before if path.startswith(("pagefind/2022/", "pagefind/2025/"))]
    assert kept and all(after.get(path) == before[path] for path in kept)
    assert fragments_with(out, "changes", "Later still.") == [url]


def test_a_shard_removed_from_the_output_is_made_again_by_the_next_edit(
    site: Path, tmp_path: Path
):
    with_search(site)
    out = tmp_path / "out"
    ready(site, out)
    shutil.rmtree(out / "pagefind" / "2022")
    add_paragraph(site, words="Quillfeather signed the harbour ledger.")
    assert not rebuild(site, out).quick  # the index is not as the last build left it
    assert (out / "pagefind" / "2022" / "meta.json").is_file()
    shards = [folder.name for folder in (out / "pagefind").iterdir() if folder.is_dir()]
    assert any(fragments_with(out, shard, "Quillfeather") for shard in shards)


def test_a_quick_rebuild_past_the_changes_limit_takes_a_full_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with_search(site)
    monkeypatch.setattr(quick_search, "CHANGES_LIMIT", 2)  # one page, and its old version
    out = tmp_path / "out"
    ready(site, out)
    add_paragraph(site)
    assert rebuild(site, out).quick
    add_paragraph(site, ANALYSIS)
    assert not rebuild(site, out).quick


def test_the_preview_keeps_its_index_through_a_quick_rebuild(site: Path, tmp_path: Path):
    with_search(site)
    out = tmp_path / "out"
    rebuild(site, out, refresh_search=False)
    add_paragraph(site, first_article(site).relative_to(site), "Warming up.")
    rebuild(site, out, refresh_search=False)
    index = inodes(out / "pagefind")
    add_paragraph(site, words="Previewed.")
    assert rebuild(site, out, refresh_search=False).quick
    assert inodes(out / "pagefind") == index


def test_the_index_failing_in_a_quick_rebuild_leaves_the_output_as_it_was(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from newsgen.output import pagefind

    with_search(site)
    out = tmp_path / "out"
    ready(site, out)
    before = inodes(out)

    def failing(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(pagefind, "write_shards", failing)
        add_paragraph(site, words="Quillfeather closed the ledger.")
        with pytest.raises(SearchError, match="No space left on device"):
            rebuild(site, out)
    assert inodes(out) == before
    report = rebuild(site, out)  # the spare was left dirty: a full build mends
    assert not report.quick
    shards = [folder.name for folder in (out / "pagefind").iterdir() if folder.is_dir()]
    assert any(fragments_with(out, shard, "Quillfeather") for shard in shards)


@pytest.mark.parametrize("damage", ["spare removed", "spare dirty", "output top level touched"])
def test_an_output_or_spare_not_as_left_takes_a_full_build(
    site: Path, tmp_path: Path, damage: str
):
    out = tmp_path / "out"
    ready(site, out)
    if damage == "spare removed":
        shutil.rmtree(spare_path(out))
    elif damage == "spare dirty":
        (spare_path(out) / DIRTY).write_text("interrupted\n")
    else:
        (out / "feed.json").unlink()
    add_paragraph(site)
    assert not rebuild(site, out).quick
    same_as_cold(site, out, tmp_path, "after")
    # A touched output was not as the last build recorded it, so the spare it became
    # is not known either: one more full build, then quick ones again.
    add_paragraph(site, words="Later.")
    assert rebuild(site, out).quick is (damage != "output top level touched")
    add_paragraph(site, words="Later still.")
    assert rebuild(site, out).quick
    same_as_cold(site, out, tmp_path, "later")


def test_a_theme_that_shows_bodies_on_other_pages_never_builds_quickly(
    site: Path, tmp_path: Path
):
    (site / "templates").mkdir()
    section = (default_theme() / "templates" / "section.html").read_text(encoding="utf-8")
    edited = section.replace(
        "{% block content %}",
        "{% block content %}{% for a in page.items %}{{ a.body_html | safe }}{% endfor %}",
        1,
    )
    assert edited != section
    (site / "templates" / "section.html").write_text(edited, encoding="utf-8")
    out = tmp_path / "out"
    ready(site, out)
    add_paragraph(site)
    assert not rebuild(site, out).quick
    same_as_cold(site, out, tmp_path, "after")


def test_an_interrupted_quick_write_leaves_the_site_and_the_next_build_mends_it(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "out"
    ready(site, out)
    before = tree(out)
    add_paragraph(site)
    calls = []

    def fail_on_second(folders: Folders, path: str, data: bytes) -> int:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C halfway through writing
        return real(folders, path, data)

    real = quickwrite._replace_file
    monkeypatch.setattr(quickwrite, "_replace_file", fail_on_second)
    with pytest.raises(KeyboardInterrupt):
        rebuild(site, out)
    assert tree(out) == before  # the live site as it was
    assert (spare_path(out) / DIRTY).exists()
    monkeypatch.undo()
    assert not rebuild(site, out).quick  # the dirty spare is discarded, the site built in full
    same_as_cold(site, out, tmp_path, "after")


def test_with_a_spare_made_ready_the_first_rebuild_is_quick(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = rebuild(site, out, spare_ready=True)  # what the live preview does
    assert not first.quick and spare_path(out).is_dir()
    assert tree(spare_path(out)) == tree(out)
    add_paragraph(site)
    assert rebuild(site, out, spare_ready=True).quick
    same_as_cold(site, out, tmp_path, "after")


def test_a_quick_write_that_fails_gives_way_to_a_full_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "out"
    ready(site, out)
    add_paragraph(site)

    def no_room(folders: Folders, path: str, data: bytes) -> int:
        raise IsADirectoryError(21, "a folder where the page was", path)

    monkeypatch.setattr(quickwrite, "_replace_file", no_room)
    report = rebuild(site, out)
    assert not report.quick  # the spare was left dirty: discarded, the site built in full
    same_as_cold(site, out, tmp_path, "after")
