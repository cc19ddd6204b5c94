"""``newsgen import export.xml`` through the installed command: a WordPress export into
a site, as one transaction, found again by a second import."""

from __future__ import annotations

from pathlib import Path

from commands import empty_site, run_newsgen

EXPORT = (
    Path(__file__).resolve().parents[1] / "fixtures" / "import" / ("wordpress-theme-unit-test.xml")
)
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Old Herald</title>\n'
    "<link>https://old.example</link>\n"
)


def post(number: int, date: str = "2020-03-04 10:00:00", category: str = "World") -> str:
    return (
        f"<item><title>Story {number}</title><link>https://old.example/2020/03/04/story-{number}/"
        f"</link><guid>https://old.example/?p={number}</guid><dc:creator>ed</dc:creator>"
        f"<content:encoded><![CDATA[<p>Body of story {number}.</p>]]></content:encoded>"
        f"<wp:post_id>{number}</wp:post_id><wp:post_date>{date}</wp:post_date>"
        f"<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:post_name>story-{number}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="{category.lower()}">{category}</category></item>\n'
    )


def test_wordpress_theme_unit_test_is_imported_built_and_found_again(tmp_path: Path):
    root = empty_site(tmp_path)
    first = run_newsgen("import", EXPORT, cwd=root)
    assert first.returncode == 0, first.stderr
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    assert len(written) == 50 and "content/news/keyboard-navigation.md" in written
    assert "50 articles written, 0 already imported, 1 skipped, 0 failed" in first.stderr
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr
    old = root / "public" / "2018" / "10" / "20" / "keyboard-navigation" / "index.html"
    assert "url=/news/2018/10/21/keyboard-navigation/" in old.read_text()  # the old address
    again = run_newsgen("import", EXPORT, cwd=root)
    assert again.returncode == 0, again.stderr
    assert "0 articles written, 50 already imported" in again.stderr
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md")) == written


def test_an_import_with_a_bad_post_writes_nothing_unless_told_to_keep_going(tmp_path: Path):
    root = empty_site(tmp_path)
    export = tmp_path / "export.xml"
    export.write_text(
        HEAD + post(1) + post(2, date="0001-01-01 00:00:00") + post(3) + "</channel></rss>\n"
    )
    refused = run_newsgen("import", export, cwd=root)
    assert refused.returncode == 1
    assert f"{export}:" in refused.stderr and "would not build" in refused.stderr
    assert "nothing was written" in refused.stderr and not list(root.rglob("*.md"))
    kept = run_newsgen("import", export, "--keep-going", "--section-map", "world=international",
                   cwd=root)  # fmt: skip
    assert kept.returncode == 1
    assert sorted(p.name for p in (root / "content" / "international").iterdir()) == [
        "story-1.md", "story-3.md",
    ]  # fmt: skip


def test_an_xml_bomb_is_refused_and_nothing_written(tmp_path: Path):
    root = empty_site(tmp_path)
    bomb = tmp_path / "bomb.xml"
    entities = "".join(f'<!ENTITY e{n} "{("&e" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY e0 "boom">'
        + entities
        + "]>\n"
        + HEAD.split("\n", 1)[1]
        + "<item><title>&e9;</title></item></channel></rss>\n"
    )
    result = run_newsgen("import", bomb, "--format", "wordpress", cwd=root)
    assert result.returncode == 1
    assert "declares entities" in result.stderr and "nothing was written" in result.stderr
    assert not list(root.rglob("*.md"))


def test_a_named_pipe_is_never_read_as_an_export(tmp_path: Path):
    import os

    root = empty_site(tmp_path)
    pipe = tmp_path / "export.xml"
    os.mkfifo(pipe)
    for args in ((pipe,), (pipe, "--format", "wordpress")):
        result = run_newsgen("import", *args, cwd=root)  # returns at once: the pipe is never opened
        assert result.returncode == 1, result.stderr
        assert "export.xml" in result.stderr and not list(root.rglob("*.md"))


def test_a_news_feed_is_imported_built_and_found_again(tmp_path: Path):
    root = empty_site(tmp_path)
    feed = EXPORT.with_name("news-feed.rss")
    first = run_newsgen("import", feed, cwd=root)
    assert first.returncode == 0, first.stderr
    assert "2 articles written, 0 already imported, 1 skipped, 0 failed" in first.stderr
    assert "removed <script>" in first.stderr and "removed a link to javascript:" in first.stderr
    assert f"{feed}: entry 3: skipped: (no title)" in first.stderr  # entries, not lines
    assert (root / "content" / "local" / "flood-barrier-holds.md").is_file()
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr
    old = root / "public" / "news" / "2025" / "11" / "20" / "flood-barrier-holds" / "index.html"
    assert "url=/local/2025/11/20/flood-barrier-holds/" in old.read_text()
    again = run_newsgen("import", feed, "--format", "feed", cwd=root)
    assert "0 articles written, 2 already imported" in again.stderr
