"""importer/feed.py: RSS and Atom entries as articles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from unit_helpers import load

from newsgen.importer.feed import FeedError, feed_articles, is_feed
from newsgen.importer.wordpress import ImportedPost, Skipped, WordPressOptions

FEED = Path(__file__).resolve().parents[2] / "fixtures" / "import" / "news-feed.rss"


def front_of(post: ImportedPost) -> dict:
    return yaml.safe_load(post.text.split("---\n")[1])


def test_a_news_feed_becomes_articles_the_loader_accepts():
    made = list(feed_articles(FEED, WordPressOptions()))
    posts = [m for m in made if isinstance(m, ImportedPost)]
    assert [s.reason for s in made if isinstance(s, Skipped)] == ["the entry has no title"]
    assert len(posts) == 2
    for post in posts:
        loaded, problems = load(post.text, f"{post.section}/{post.slug}.md")
        assert loaded is not None and not problems.errors, problems.errors
    first = posts[0]
    front = front_of(first)
    assert front["headline"] == "Flood barrier holds as the river reaches a record height"
    assert front["date"] == "2025-11-20T16:05:00+00:00"
    assert (front["section"], front["tags"], front["byline"]) == (
        "Local", ["Flooding", "Council"], "Daniel Reyes",
    )  # fmt: skip
    assert front["summary"].startswith("The town’s new barrier was raised")
    assert front["images"] == [{"src": "https://herald.example.com/uploads/2025/11/barrier-wide.jpg"}]
    assert front["aliases"] == ["/news/2025/11/20/flood-barrier-holds/"]
    assert front["extra"]["feed"]["id"] == "https://herald.example.com/?p=5120"
    assert first.slug == "flood-barrier-holds"
    body = first.text.split("---\n", 2)[2]
    assert "## Weeks of rain" in body and "> We will keep the gates closed" in body
    assert '![The barrier at dusk](https://herald.example.com/uploads/2025/11/barrier.jpg' in body
    assert "trackView" not in body and "javascript" not in body
    assert any("removed <script>" in note.text for note in first.notes)


def test_an_atom_feed_is_read_too(tmp_path: Path):
    atom = tmp_path / "atom.xml"
    atom.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        '<link href="https://a.example/"/><id>urn:a</id><updated>2025-01-02T00:00:00Z</updated>'
        "<entry><title>One</title><id>urn:a:1</id><link href=\"https://a.example/one/\"/>"
        "<published>2025-01-01T10:00:00+01:00</published><updated>2025-01-02T00:00:00Z</updated>"
        "<author><name>Ann</name></author>"
        "<content type=\"html\">&lt;p&gt;Hello.&lt;/p&gt;</content>"
        "</entry></feed>"
    )
    assert is_feed(atom.read_bytes())
    [post] = feed_articles(atom, WordPressOptions(default_section="world"))
    assert isinstance(post, ImportedPost)
    front = front_of(post)
    assert front["date"] == "2025-01-01T09:00:00+00:00"
    assert front["updated"] == "2025-01-02T00:00:00+00:00"
    assert front["section"] == "world" and front["byline"] == "Ann"
    assert post.text.endswith("Hello.\n")


def test_a_file_that_is_no_feed_is_an_error(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Not a feed</p></body></html>")
    with pytest.raises(FeedError):
        list(feed_articles(page, WordPressOptions()))


def test_a_feed_is_recognised_by_its_root_element_alone():
    assert is_feed(FEED.read_bytes()[:16384])
    assert is_feed(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by X -->\n<feed xmlns="a">')
    assert not is_feed(b"WASHINGTON (AP) - The <rss> element of the page was mentioned.")
    assert not is_feed(b"<html><body><rss></rss></body></html>")

