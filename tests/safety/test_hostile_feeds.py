"""Safety: hostile text in every text field reaches every feed reader as the editor wrote it.

One site is built whose every front matter text field (headline, summary,
byline, tags, image caption, credit and alt, source names, correction text)
and every text of ``newsgen.yaml`` (title, description, section title,
publisher name) holds markup, comment openers, CDATA ends and entity
references. Then every feed it writes is read as readers read it:

- each RSS feed (the site's, the section's, every tag's, the corrections feed)
  with feedparser: no ``bozo``, and every text field, after feedparser's
  sanitising and read as HTML when feedparser says it is HTML, is exactly the
  editor's text, with no element (or comment) made from it;
- the JSON Feed with json: its text fields (``title``, ``summary``, names, tags:
  plain text in JSON Feed 1.1) are exactly the editor's text, and
  ``content_html`` makes no element but the body's paragraph (feedparser 6
  cannot read JSON Feed);
- the sitemaps against the published XSDs, the news sitemap's titles exact.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feed_checks import HOSTILE, shown, shown_detail
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from sitemap_schemas import NEWS_NS, SITEMAP_NS, assert_valid_sitemap

REPO_ROOT = Path(__file__).resolve().parents[2]
PNG = (REPO_ROOT / "tests" / "fixtures" / "images" / "chromium-321x123.png").read_bytes()
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)

ALL = " ".join(HOSTILE)
SITE = f"Herald {ALL} end"
ABOUT = f"About {ALL} end"
SECTION = f"World {ALL} end"
PRESS = f"Press {ALL} end"


def text(field: str, index: int) -> str:
    """The hostile text of ``field`` in article ``index``."""
    return f"{field} {index} {HOSTILE[index]} end"


def article(index: int) -> str:
    date = NOW - timedelta(hours=index + 2)
    front = {
        "headline": text("Story", index),
        "date": date.isoformat(),
        "slug": f"story-{index}",
        "summary": text("Summary", index),
        "byline": [text("Writer", index)],
        "tags": [text("Tag", index)],
        "images": [
            {
                "src": "/images/photo.png",
                "caption": text("Caption", index),
                "credit": text("Credit", index),
                "alt": text("Alt", index),
            }
        ],
        "sources": [{"name": text("Source", index), "url": "https://source.example.org/"}],
        "corrections": [
            {"date": (date + timedelta(hours=1)).isoformat(), "text": text("Fix", index)}
        ],
    }
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
    return "---\n" + "\n".join(lines) + f"\n---\n{text('Body', index)}\n"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-feeds")
    config = {
        "title": SITE,
        "base_url": "https://herald.example.com/",
        "description": ABOUT,
        "search": False,
        "sections": [{"name": "world", "title": SECTION}],
        "publisher": {"name": PRESS},
    }
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in config.items()]
    (root / "newsgen.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "photo.png").write_bytes(PNG)
    (root / "content" / "world").mkdir(parents=True)
    for index in range(len(HOSTILE)):
        story = root / "content" / "world" / f"story-{index}.md"
        story.write_text(article(index), encoding="utf-8")
    output = root / "public"
    build(BuildOptions(root, output, now=NOW, cache=False, jobs=1))
    return output


def index_of(link: str) -> int:
    return int(link.rstrip("/").rsplit("story-", 1)[1].split("/")[0].split("#")[0])


def exact(detail: object) -> str:
    """The text feedparser gives for ``detail``; fails when a reader would make an element."""
    shown_text, made = shown_detail(detail)
    assert made == [], f"{shown_text!r} makes {made}"
    return shown_text


def rss(out: Path, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((out / path).read_bytes())
    assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')!r}"
    return parsed


def check_article_entry(entry: feedparser.FeedParserDict) -> None:
    index = index_of(entry.link)
    assert exact(entry.title_detail) == text("Story", index)
    assert shown(entry.summary, "text/html") == (text("Summary", index), [])
    # feedparser keeps an item's last <description>, media:description, as summary_detail
    # (it sits deeper in the item, so entry.summary stays the article's summary).
    assert exact(entry.summary_detail) == text("Caption", index)
    assert [author.name for author in entry.authors] == [text("Writer", index)]
    assert [tag.term for tag in entry.tags] == [SECTION, text("Tag", index)]
    assert [credit["content"] for credit in entry.media_credit] == [text("Credit", index)]
    [body] = entry.content
    assert shown(body.value, body.type)[1] == ["p"]


def test_the_site_and_section_feeds(out: Path) -> None:
    for path, title, about in [
        ("feed.xml", SITE, ABOUT),
        ("world/feed.xml", f"{SECTION} – {SITE}", f"The latest from {SECTION} at {SITE}"),
    ]:
        parsed = rss(out, path)
        assert exact(parsed.feed.title_detail) == title
        assert exact(parsed.feed.subtitle_detail) == about
        assert sorted(index_of(e.link) for e in parsed.entries) == list(range(len(HOSTILE)))
        for entry in parsed.entries:
            check_article_entry(entry)


def test_every_tag_feed(out: Path) -> None:
    paths = sorted(out.glob("tags/*/feed.xml"))
    assert len(paths) == len(HOSTILE)
    for path in paths:
        parsed = rss(out, path.relative_to(out).as_posix())
        [entry] = parsed.entries
        tag = text("Tag", index_of(entry.link))
        assert exact(parsed.feed.title_detail) == f"{tag} – {SITE}"
        assert exact(parsed.feed.subtitle_detail) == f"Articles tagged {tag} at {SITE}"
        check_article_entry(entry)


def test_the_corrections_feed(out: Path) -> None:
    parsed = rss(out, "corrections/feed.xml")
    assert exact(parsed.feed.title_detail) == f"Corrections – {SITE}"
    about = f"Every correction {SITE} has published, newest first"
    assert exact(parsed.feed.subtitle_detail) == about
    assert len(parsed.entries) == len(HOSTILE)
    for entry in parsed.entries:
        index = index_of(entry.link)
        assert exact(entry.title_detail) == f"Correction: {text('Story', index)}"
        assert exact(entry.summary_detail) == text("Fix", index)


def test_the_json_feed(out: Path) -> None:
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert (feed["title"], feed["description"]) == (SITE, ABOUT)
    assert feed["authors"][0]["name"] == PRESS
    assert len(feed["items"]) == len(HOSTILE)
    for item in feed["items"]:
        index = index_of(item["url"])
        assert item["title"] == text("Story", index)
        assert item["summary"] == text("Summary", index)
        assert [author["name"] for author in item["authors"]] == [text("Writer", index)]
        assert item["tags"] == [SECTION, text("Tag", index)]
        assert shown(item["content_html"], "text/html")[1] == ["p"]


def test_the_sitemaps(out: Path) -> None:
    assert_valid_sitemap((out / "sitemap.xml").read_bytes(), "sitemap.xml")
    news = assert_valid_sitemap((out / "news-sitemap.xml").read_bytes(), "news-sitemap.xml")
    ns = {"sm": SITEMAP_NS, "news": NEWS_NS}
    urls = news.findall("sm:url", ns)
    assert len(urls) == len(HOSTILE)
    for url in urls:
        index = index_of(url.findtext("sm:loc", namespaces=ns))
        assert url.findtext("news:news/news:title", namespaces=ns) == text("Story", index)
        assert url.findtext(".//news:publication/news:name", namespaces=ns) == PRESS
    assert not [e for e in news.iter() if isinstance(e.tag, str) and "script" in e.tag]
    assert isinstance(news, etree._Element)
