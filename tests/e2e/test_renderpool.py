"""Article pages rendered in a helper process (newsgen.pagehelper.pool): the output is, byte
for byte, the output of a build that renders every page itself, whether the helper
writes its pages into a new output folder, hands their bytes back for a rebuild,
fails on some pages, or dies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_incremental import NOW, edit_headline, edit_tags, edit_template, tree

from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.errors import BuildFailed
from newsgen.pagehelper import helper as renderhelper
from newsgen.pagehelper import pool as renderpool

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "newsroom"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The newsroom fixture, with a helper for any number of article pages, in chunks of 2."""
    monkeypatch.setattr(renderpool, "HELPER_PAGES", 1)
    monkeypatch.setattr(renderhelper, "CHUNK", 2)
    site = Path(shutil.copytree(FIXTURE, tmp_path / "site"))
    with open(site / "newsgen.yaml", "a", encoding="utf-8") as config:
        config.write("search: false\n")
    return site


def helped(site: Path, out: Path) -> BuildReport:
    return build(BuildOptions(site, out, now=NOW, jobs=2))


def alone(site: Path, out: Path) -> dict[str, bytes]:
    """Build with no helper (one job, no cache) and return the output."""
    build(BuildOptions(site, out, now=NOW, jobs=1, cache=False))
    return tree(out)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the pages handed to the helper (the build renders the rest itself)."""
    handed: list[int] = []
    real = renderpool.ArticlePages.hand

    def hand(self, items):  # type: ignore[no-untyped-def]
        accepted = real(self, items)
        handed.append(len(items) if accepted else 0)
        return accepted

    monkeypatch.setattr(renderpool.ArticlePages, "hand", hand)
    return handed


def test_a_cold_build_with_a_helper_is_the_build_without_one(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    handed = counting(monkeypatch)
    report = helped(site, tmp_path / "out")
    assert handed and handed[0] >= 10  # the newsroom's published articles
    assert tree(tmp_path / "out") == alone(site, tmp_path / "alone")
    assert report.files == len(tree(tmp_path / "out")) - 1  # the marker not counted


def test_rebuilds_with_a_helper_are_the_builds_without_one(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # After a template edit every article page is rendered again into the spare
    # tree: the helper hands the bytes back; after new tags (a full build), too few pages.
    out = tmp_path / "out"
    helped(site, out)
    handed = counting(monkeypatch)
    for number, edit in enumerate([edit_template, edit_tags, edit_template]):
        if edit is edit_template and number:
            page = site / "templates" / "article.html"
            page.write_text(page.read_text().replace("<!-- v2 -->", "<!-- v3 -->"))
        else:
            edit(site)
        helped(site, out)
        assert tree(out) == alone(site, tmp_path / f"alone-{number}"), edit.__name__
    assert handed[0] >= 10 and handed[2] >= 10


def test_pages_the_helper_cannot_render_are_rendered_by_the_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    real = renderhelper.render_chunk
    calls = []

    def flaky(chunk, *args):  # type: ignore[no-untyped-def]
        calls.append(len(calls))
        if len(calls) % 2:
            raise RuntimeError("a chunk the helper cannot render")
        return real(chunk, *args)

    monkeypatch.setattr(renderhelper, "render_chunk", flaky)  # forked: the helper has it
    helped(site, tmp_path / "out")
    assert tree(tmp_path / "out") == alone(site, tmp_path / "alone")


def test_a_helper_that_dies_leaves_its_pages_to_the_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def dying(*args):  # type: ignore[no-untyped-def]
        os._exit(3)

    monkeypatch.setattr(renderhelper, "render_chunk", dying)
    helped(site, tmp_path / "out")
    assert tree(tmp_path / "out") == alone(site, tmp_path / "alone")


def test_template_errors_in_the_helper_are_reported_like_any_other(site: Path, tmp_path: Path):
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "article.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ article.no_such_field }}\n'
        "{% endblock %}\n"
    )
    with pytest.raises(BuildFailed) as failed:
        helped(site, tmp_path / "out")
    problems = failed.value.problems
    assert len(problems) >= 10  # one per article page, as without a helper
    assert all(p.path.endswith("article.html") and p.line == 3 for p in problems)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".newsgen-staging-*"))


def test_the_build_and_its_helper_never_take_the_same_chunk():
    from multiprocessing import get_context

    context = get_context("fork")
    chunks = renderhelper.Chunks(context.RawArray("q", 2), context.Lock())
    chunks.reset(5)
    taken = [chunks.first(), chunks.last(), chunks.first(), chunks.last(), chunks.first()]
    assert taken == [0, 4, 1, 3, 2]
    assert chunks.first() is None and chunks.last() is None


def test_a_write_that_fails_stops_the_helper_before_its_folder_is_deleted(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from newsgen.output import write

    real = write._place_output
    placed = []

    def failing(tree, output, before):  # type: ignore[no-untyped-def]
        placed.append(output.path)
        if len(placed) == 3:
            raise OSError(28, "No space left on device")
        return real(tree, output, before)

    monkeypatch.setattr(write, "_place_output", failing)
    with pytest.raises(write.OutputError, match="No space left on device"):
        helped(site, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left


def test_a_first_build_hands_its_article_pages_before_planning(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Nothing recorded yet: the helper starts on every article page before the build
    # plans, holds at most HELD of them until it knows where to write, and the output
    # is the output without a helper; with the cache gone (but the output there) it
    # starts early again and hands the bytes back.
    monkeypatch.setattr(renderhelper, "HELD", 1)
    early: list[int] = []
    real = renderpool.ArticlePages.hand_early

    def hand_early(self, site_model):  # type: ignore[no-untyped-def]
        accepted = real(self, site_model)
        early.append(len(self._early or ()))
        return accepted

    monkeypatch.setattr(renderpool.ArticlePages, "hand_early", hand_early)
    out = tmp_path / "out"
    helped(site, out)
    assert early and early[0] >= 10
    assert tree(out) == alone(site, tmp_path / "alone")
    shutil.rmtree(site / ".newsgen")
    edit_headline(site)
    helped(site, out)
    assert len(early) == 2 and early[1] >= 10
    assert tree(out) == alone(site, tmp_path / "alone-2")


def test_pages_handed_early_that_the_plan_does_not_match_are_rendered_by_the_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Should the plan list other article pages than the ones handed early (it cannot,
    # as things are), the helper is stopped and the build renders every page.
    real = renderpool.ArticlePages.hand_early

    def hand_early(self, site_model):  # type: ignore[no-untyped-def]
        accepted = real(self, site_model)
        self._early = list(reversed(self._early or []))
        return accepted

    monkeypatch.setattr(renderpool.ArticlePages, "hand_early", hand_early)
    handed = counting(monkeypatch)
    helped(site, tmp_path / "out")
    assert handed == [0]
    assert tree(tmp_path / "out") == alone(site, tmp_path / "alone")
