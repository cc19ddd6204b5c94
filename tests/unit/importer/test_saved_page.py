"""importer/saved_page.py: saved news pages (real ones, from the article-extraction
benchmark, and a hostile one written here) as articles."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
import yaml

from newsgen.importer.saved_page import page_article
from newsgen.importer.wordpress import ImportedPost, Skipped, WordPressOptions

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "import" / "pages"
TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))


def saved(tmp_path: Path, name: str) -> Path:
    page = tmp_path / f"{name}.html"
    page.write_bytes(gzip.decompress((PAGES / f"{name}.html.gz").read_bytes()))
    return page


def split(made: ImportedPost) -> tuple[dict, str]:
    head, _, body = made.text.partition("\n---\n")
    return yaml.safe_load(head.removeprefix("---\n")), body


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_each_real_page_keeps_its_article_text(tmp_path: Path, name: str):
    made = page_article(str(saved(tmp_path, name)), WordPressOptions())
    assert isinstance(made, ImportedPost)
    front, body = split(made)
    truth = words(TRUTH[name]["articleBody"])
    found = words(re.sub(r"\]\([^)]*\)", "]", body))
    shared = len(set(truth) & set(found))
    assert shared / len(set(truth)) > 0.9  # the article's words are there
    assert front["extra"]["page"]["url"].startswith("http")
    assert front["aliases"] == [re.sub(r"^https?://[^/]+", "", front["extra"]["page"]["url"])]


def test_a_guardian_editorial_keeps_its_metadata(tmp_path: Path):
    made = page_article(str(saved(tmp_path, "5fa3154ec031")), WordPressOptions())
    assert isinstance(made, ImportedPost)
    front, body = split(made)
    assert front["headline"].startswith("The Guardian view on Hong Kong: a city on the brink")
    assert front["date"] == "2019-11-18T18:54:53+00:00"
    assert front["section"] == "Opinion" and front["byline"] == "Editorial"
    assert "Hong Kong" in front["tags"] and front["summary"].startswith("Editorial: The")
    assert front["images"][0]["src"].startswith("https://i.guim.co.uk/")
    assert made.slug == "the-guardian-view-on-hong-kong-a-city-on-the-brink"
    assert "[Hong Kong](https://www.theguardian.com/world/hong-kong)" in body  # links kept
    assert not body.lstrip().startswith("#")  # the headline is front matter, not body


def test_a_wordpress_page_gets_its_picture_with_its_caption(tmp_path: Path):
    made = page_article(str(saved(tmp_path, "11ea381ad92b")), WordPressOptions())
    assert isinstance(made, ImportedPost)
    front, body = split(made)
    assert front["images"] == [{
        "src": "http://www.autoracing.com.br/wp-content/uploads/2019/03/NASCAR19-Kyle-Busch.jpg",
        "caption": "Kyle Busch",
    }]  # fmt: skip
    assert "| 1 | Kyle Busch | 5040 |" in body  # the table stays a table
    assert "NASCAR19-Kyle-Busch" not in body  # the lead picture is shown once


HOSTILE = """<!DOCTYPE html>
<html><head><title>Flood waters reach the old town — The Valley Post</title>
<meta property="og:title" content="Flood waters reach the old town">
<meta property="og:site_name" content="The Valley Post">
<link rel="canonical" href="https://valley.example/news/2024/flood-old-town.html">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "ignored"},
 {"@type": "NewsArticle", "headline": "Flood waters reach the old town",
  "datePublished": "2024-03-05T07:30:00+01:00", "dateModified": "2024-03-05T09:00:00+01:00",
  "author": [{"@type": "Person", "name": "Ana Müller"}, {"@type": "Person", "name": "Jo Ruiz"}],
  "articleSection": "Local", "keywords": ["floods", "weather"],
  "description": "The river rose two metres overnight.",
  "image": {"@type": "ImageObject", "url": "https://valley.example/img/flood.jpg",
            "caption": "Sandbags on Mill Street", "creditText": "Kim Lee/Valley Post"}}]}
</script>
<script>document.write('tracker')</script></head>
<body onload="steal()"><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>Flood waters reach the old town</h1>
<p>The river rose two metres overnight, and by dawn the water stood in the market square,
said the mayor, who asked residents to stay upstairs until the afternoon.</p>
<p>“We have never seen it this high,” said a shopkeeper on Mill Street, where sandbags
were piled at every door. <a href="javascript:alert(1)">Click here</a> for the map.</p>
<h2>What comes next</h2>
<p>Forecasters expect the river to fall by the evening, though more rain is due on
Thursday. <a href="https://valley.example/news/2024/rain-thursday.html">Read the forecast</a>.</p>
<iframe src="https://ads.example/frame"></iframe>
<p onclick="x()">Schools in the lower town stay closed on Wednesday, the council said in a
statement, and buses will run on the hill roads only.</p>
<p>Share this article</p>
</article>
<aside><h3>Related stories</h3><ul><li><a href="/a">Bridge closed</a></li></ul></aside>
<section id="comments"><p>3 comments</p><p>Great article!</p></section>
</body></html>"""


def test_a_hostile_page_gives_a_clean_article_and_says_what_went(tmp_path: Path):
    page = tmp_path / "flood.html"
    page.write_bytes(HOSTILE.encode("cp1252", "replace"))  # no charset said: detected
    made = page_article(str(page), WordPressOptions())
    assert isinstance(made, ImportedPost)
    front, body = split(made)
    assert front["headline"] == "Flood waters reach the old town"
    assert front["date"] == "2024-03-05T07:30:00+01:00"
    assert front["updated"] == "2024-03-05T09:00:00+01:00"
    assert front["byline"] == ["Ana Müller", "Jo Ruiz"]
    assert front["section"] == "Local" and front["tags"] == ["floods", "weather"]
    assert front["images"] == [{"src": "https://valley.example/img/flood.jpg",
                                "caption": "Sandbags on Mill Street",
                                "credit": "Kim Lee/Valley Post"}]  # fmt: skip
    assert front["aliases"] == ["/news/2024/flood-old-town.html"]
    assert made.slug == "flood-old-town" and made.section == "local"
    assert "“We have never seen it this high,”" in body  # the charset was detected
    assert "## What comes next" in body and "Schools in the lower town" in body
    for gone in ("javascript", "alert", "iframe", "onclick", "Share this", "Great article",
                 "tracker", "Bridge closed", "Home"):  # fmt: skip
        assert gone not in body, gone
    notes = " ".join(note.text for note in made.notes)
    assert "removed 1 scripts, 1 iframes, 2 event attributes (on…), 1 javascript: links" in notes
    assert made.old_urls == ("https://valley.example/news/2024/flood-old-town.html",)


def test_a_page_without_a_date_or_headline_is_skipped_and_said_why(tmp_path: Path):
    page = tmp_path / "undated.html"
    page.write_text("<html><head><title>Undated</title></head><body><p>Text.</p></body></html>")
    made = page_article(str(page), WordPressOptions())
    assert isinstance(made, Skipped) and "no date" in made.reason
    bare = tmp_path / "bare.html"
    bare.write_text("<html><body><p>2024-01-02</p></body></html>")
    made = page_article(str(bare), WordPressOptions())
    assert isinstance(made, Skipped) and "no headline" in made.reason


def test_an_empty_file_is_no_page(tmp_path: Path):
    page = tmp_path / "empty.html"
    page.write_bytes(b"")
    made = page_article(str(page), WordPressOptions())
    assert isinstance(made, Skipped) and "not an HTML page" in made.reason


def test_a_placeholder_date_gives_way_to_the_date_the_page_shows(tmp_path: Path):
    page = tmp_path / "placeholder.html"
    page.write_text(
        '<html><head><title>Council votes</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "Council votes", '
        '"datePublished": "0001-01-01T00:00:00Z"}</script>'
        '<meta name="date" content="2019-11-19"></head>'
        "<body><article><p>The council voted on Tuesday to close the old bridge.</p>"
        "</article></body></html>"
    )
    made = page_article(str(page), WordPressOptions())
    assert isinstance(made, ImportedPost)
    assert split(made)[0]["date"] == "2019-11-19"
