"""importer/wordpress.py: the posts of WordPress's theme unit test export as articles,
each one checked with the build's own loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from unit_helpers import load

from newsgen.importer.wordpress import (
    ImportedPost,
    Skipped,
    WordPressOptions,
    wordpress_articles,
)

EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "import" / (
    "wordpress-theme-unit-test.xml"
)


def front_of(article: ImportedPost) -> dict:
    return yaml.safe_load(article.text.split("---\n")[1])


def imported(options: WordPressOptions | None = None) -> list[ImportedPost | Skipped]:
    return list(wordpress_articles(EXPORT, options or WordPressOptions()))


def test_every_post_becomes_an_article_the_loader_accepts():
    made = imported()
    articles = [a for a in made if isinstance(a, ImportedPost)]
    skipped = [a for a in made if isinstance(a, Skipped)]
    assert len(articles) == 50
    assert [s.reason for s in skipped] == ["the post has no title: give it one in WordPress"]
    for article in articles:
        loaded, problems = load(article.text, f"{article.section}/{article.slug}.md")
        assert loaded is not None and not problems.errors, (article.slug, problems.errors)


def test_the_fields_of_a_post():
    made = {a.slug: a for a in imported() if isinstance(a, ImportedPost)}
    article = made["keyboard-navigation"]
    front = front_of(article)
    assert front["headline"] == "Keyboard navigation"
    assert front["date"] == "2018-10-20T20:03:48-07:00"  # the site's own offset
    assert front["byline"] == "Theme Reviewer"  # the display name, not the login
    assert front["tags"] == ["Codex"]
    assert front["aliases"] == ["/2018/10/20/keyboard-navigation/"]
    assert front["extra"]["wordpress"]["id"] == "1724"
    assert article.source_id == "https://wpthemetestdata.wordpress.com/?p=1724#1724"
    assert "### How to keyboard test:" in article.text


def test_categories_make_the_section_and_tags_and_a_map_renames_them():
    made = [a for a in imported() if isinstance(a, ImportedPost)]
    sections = {a.section for a in made}
    assert {"classic", "block"} <= sections
    mapped = [
        a for a in imported(WordPressOptions(section_map={"classic": "archive"}))
        if isinstance(a, ImportedPost)
    ]  # fmt: skip
    assert "classic" not in {a.section for a in mapped} and "archive" in {a.section for a in mapped}


def test_drafts_are_drafts_or_skipped():
    made = [a for a in imported() if isinstance(a, ImportedPost)]
    drafts = [a for a in made if front_of(a).get("draft")]
    assert len(drafts) == 1
    strict = imported(WordPressOptions(published_only=True))
    assert sum(isinstance(a, ImportedPost) for a in strict) == 49
    assert any(isinstance(a, Skipped) and "--published-only" in a.reason for a in strict)


def test_pages_only_on_request():
    with_pages = imported(WordPressOptions(pages=True))
    assert sum(isinstance(a, ImportedPost) for a in with_pages) > 50


def test_a_featured_image_becomes_the_lead_with_its_alt_text():
    made = [a for a in imported() if isinstance(a, ImportedPost)]
    led = [front_of(a)["images"][0] for a in made if "images" in front_of(a)]
    assert led, "the export has posts with a featured image"
    assert all(image["src"].startswith("https://") for image in led)


def test_an_interrupt_while_writing_takes_back_every_file(tmp_path: Path, monkeypatch):
    from newsgen.importer import transaction

    staged = tmp_path / "staged.md"
    staged.write_text("text")
    texts = {tmp_path / "content" / "world" / f"a{n}.md": staged for n in range(5)}
    opened = Path.open
    calls = {"n": 0}

    def interrupting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        handle = opened(self, *args, **kwargs)
        if calls["n"] == 3:  # the third file is created, then Ctrl-C
            raise KeyboardInterrupt
        return handle

    monkeypatch.setattr(Path, "open", interrupting)
    with pytest.raises(KeyboardInterrupt):
        transaction.write_all(texts)
    monkeypatch.undo()
    assert not list((tmp_path / "content").rglob("*.md"))
