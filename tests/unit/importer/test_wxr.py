"""importer/wxr.py: WordPress exports read item by item, guarded against hostile XML."""

from __future__ import annotations

import io
import itertools
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.importer.wxr import Term, WxrChannel, WxrError, read_wxr, read_wxr_stream

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
THEME_UNIT_TEST = FIXTURES / "wordpress-theme-unit-test.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
    b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    b'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>T</title>\n'
    b"<wp:wxr_version>1.2</wp:wxr_version>\n"
)
TAIL = b"</channel>\n</rss>\n"


def item(number: int) -> bytes:
    return (
        f"<item>\n<title>Story {number}</title>\n<dc:creator>ed</dc:creator>\n"
        f"<content:encoded><![CDATA[<p>Body {number} &amp; more.</p>]]></content:encoded>\n"
        f"<wp:post_id>{number}</wp:post_id><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status></item>\n"
    ).encode()


def test_wordpress_theme_unit_test_export_is_read_whole():
    channel = WxrChannel()
    items = list(read_wxr(THEME_UNIT_TEST, channel))
    assert len(items) == 180
    kinds = Counter((i.post_type, i.status) for i in items)
    assert kinds[("post", "publish")] == 49 and kinds[("attachment", "inherit")] == 38
    assert kinds[("post", "draft")] == 1 and kinds[("post", "future")] == 1
    assert channel.title == "Theme Unit Test Data"
    assert channel.base_blog_url == "https://wpthemetestdata.wordpress.com"
    assert channel.authors["themedemos"].display_name == "Theme Buster"
    first = items[0]
    assert (first.line, first.title) == (1069, "Keyboard navigation")
    assert first.post_name == "keyboard-navigation"
    assert (first.post_date, first.post_date_gmt) == ("2018-10-20 20:03:48", "2018-10-21 03:03:48")
    assert first.terms == (Term("post_tag", "codex", "Codex"),)
    assert first.content.startswith("<!-- wp:paragraph -->\n<p>There are many")
    assert first.guid == "https://wpthemetestdata.wordpress.com/?p=1724"
    photo = next(i for i in items if i.post_type == "attachment")
    assert photo.attachment_url.endswith("/2008/06/canola2.jpg")
    assert ("_wp_attachment_image_alt", "canola") in photo.meta
    assert all(i.line > 0 for i in items)
    assert [i.line for i in items] == sorted(i.line for i in items)


def test_an_xml_bomb_is_refused_at_once():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
        + b"".join(
            f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">\n'.encode()
            for n in range(9)
        )
        + b"]>\n<rss><channel><title>&j;</title></channel></rss>\n"
    )
    # CPU time of this process: another test on the other core does not count
    started = time.process_time()
    with pytest.raises(WxrError) as caught:
        list(read_wxr_stream(io.BytesIO(bomb)))
    assert time.process_time() - started < 1
    assert "entities" in caught.value.message and caught.value.line >= 1


def test_an_external_entity_is_never_read(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY s SYSTEM "file://{secret}">]>\n'
        "<rss><channel><title>&s;</title></channel></rss>\n"
    ).encode()
    with pytest.raises(WxrError) as caught:
        list(read_wxr_stream(io.BytesIO(doc)))
    assert "do not read me" not in caught.value.message


def test_malformed_xml_is_an_error_at_its_line():
    broken = HEAD + item(1) + b"<item>\n<title>Broken</titel>\n" + TAIL
    with pytest.raises(WxrError) as caught:
        list(read_wxr_stream(io.BytesIO(broken)))
    assert "not well-formed" in caught.value.message and caught.value.line == 12


def test_items_before_an_error_are_still_given():
    broken = HEAD + item(1) + item(2) + b"<item><title>x</oops>" + TAIL
    read = []
    with pytest.raises(WxrError):
        for found in read_wxr_stream(io.BytesIO(broken)):
            read.append(found.title)
    assert read == ["Story 1", "Story 2"]


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (b"<html><body>hello</body></html>", "no RSS <channel>"),
        (b'<rss version="2.0"><channel><title>A feed</title><item><title>x</title></item>'
         b"</channel></rss>", "use --format feed"),
    ],
)  # fmt: skip
def test_other_documents_are_not_exports(document: bytes, says: str):
    with pytest.raises(WxrError) as caught:
        list(read_wxr_stream(io.BytesIO(document)))
    assert says in caught.value.message


class Export(io.RawIOBase):
    """A WordPress export of ``count`` posts, made as it is read (never held whole)."""

    def __init__(self, count: int) -> None:
        posts = (item(n) for n in range(count))
        self.parts: Iterator[bytes] = itertools.chain([HEAD], posts, [TAIL])
        self.left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self.left:
            try:
                self.left = next(self.parts)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self.left))
        buffer[:size], self.left = self.left[:size], self.left[size:]
        return size


def test_an_export_of_50000_posts_is_read_in_bounded_memory():
    tracemalloc.start()
    try:
        count = 0
        for found in read_wxr_stream(io.BufferedReader(Export(50_000))):
            count += 1
            assert found.title == f"Story {count - 1}"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 5_000_000, f"peak {peak:,} bytes: the items were held"
