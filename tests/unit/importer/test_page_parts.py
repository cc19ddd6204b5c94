"""The parts of a saved-page import: character sets (page_decode.py), what a page says
of itself (page_metadata.py), and the guard the pages are read behind (page_workers.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import lxml.html

from newsgen import guarded
from newsgen.importer import page_workers
from newsgen.importer.page_decode import decode_page
from newsgen.importer.page_metadata import LeadImage, page_metadata
from newsgen.importer.wordpress import ImportedPost, WordPressOptions

GERMAN = "<p>Die Straße in München war gesperrt, sagte der Bürgermeister. Ärger über Grüße.</p>"


def test_a_declared_charset_is_used():
    page = decode_page(('<meta charset="windows-1252"><p>Caf\u00e9 \u2019</p>').encode("cp1252"))
    assert page.text.endswith("Café ’</p>") and page.how == "<meta charset>"


def test_latin_1_is_read_as_windows_1252_as_browsers_do():
    data = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">\u201cHi\u201d'
    page = decode_page(data.encode("cp1252"))
    assert page.charset == "cp1252" and page.text.endswith("“Hi”")


def test_a_page_lying_about_its_charset_is_detected():
    page = decode_page(('<meta charset="utf-8">' + GERMAN).encode("cp1252"))
    assert "München" in page.text and "Grüße" in page.text and page.how == "detected"


def test_no_charset_detects_utf_8_and_others():
    assert decode_page(GERMAN.encode()).charset == "utf-8"
    japanese = "<p>日本語の記事です。東京都のニュースをお伝えします。</p>"
    assert decode_page(japanese.encode("shift_jis")).text == japanese


def test_a_byte_order_mark_wins():
    page = decode_page('<meta charset="windows-1252"><p>ü</p>'.encode("utf-16"))
    assert page.text.endswith("<p>ü</p>") and page.how == "byte order mark"


def metadata(head: str) -> object:
    return page_metadata(
        lxml.html.document_fromstring(f"<html><head>{head}</head><body></body></html>")
    )


def test_open_graph_and_meta_tags_when_there_is_no_json_ld():
    meta = metadata(
        '<meta property="og:title" content="Storm hits coast">'
        '<meta property="article:published_time" content="2023-01-02T03:04:05Z">'
        '<meta property="article:section" content="Weather">'
        '<meta property="article:tag" content="storms">'
        '<meta property="article:tag" content="coast">'
        '<meta name="author" content="Sam Doe"><meta name="description" content="It was big.">'
        '<meta property="og:image" content="https://x.example/a.jpg">'
        '<meta property="og:image:alt" content="Waves"><meta property="og:url" content="https://x.example/s">'
    )
    assert (meta.headline, meta.published, meta.section) == (
        "Storm hits coast",
        "2023-01-02T03:04:05Z",
        "Weather",
    )
    assert meta.tags == ["storms", "coast"] and meta.authors == ["Sam Doe"]
    assert meta.description == "It was big." and meta.url == "https://x.example/s"
    assert meta.image == LeadImage("https://x.example/a.jpg", "Waves")


def test_json_ld_wins_and_bad_json_ld_is_ignored():
    meta = metadata(
        '<script type="application/ld+json">{not json</script>'
        '<script type="application/ld+json">[{"@type": ["ReportageNewsArticle"], '
        '"headline": "From JSON-LD", "author": {"name": "https://x.example/people/1"}, '
        '"image": ["javascript:alert(1)"]}]</script>'
        '<meta property="og:title" content="From OpenGraph"><link rel="canonical" href="https://x.example/c">'
    )
    assert meta.headline == "From JSON-LD" and meta.url == "https://x.example/c"
    assert meta.authors == [] and meta.image is None  # an address is no name; no unsafe image


def test_a_missing_file_and_a_folder_are_reported_not_raised(tmp_path: Path):
    outcomes = page_workers.page_articles([tmp_path / "gone.html", tmp_path], WordPressOptions())
    assert isinstance(outcomes[0], str) and outcomes[0].startswith("cannot be read")
    assert isinstance(outcomes[1], str) and "not a regular file" in outcomes[1]


def read_or_die(path: str, options: WordPressOptions) -> page_workers.PageOutcome:
    """In a worker: die as a crashing parser would on a page named deadly."""
    if path.endswith("deadly.html"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return page_workers.read_page(path, options)


def test_a_page_that_kills_its_worker_is_reported_and_the_others_read(tmp_path: Path):
    good = tmp_path / "good.html"
    good.write_text(
        '<html><head><meta property="og:title" content="Fine"><meta property='
        '"article:published_time" content="2024-01-02"></head>'
        "<body><p>Text of it.</p></body></html>"
    )
    deadly = tmp_path / "deadly.html"
    deadly.write_text("<html></html>")
    calls = [(str(good), WordPressOptions()), (str(deadly), WordPressOptions()),
             (str(good), WordPressOptions())]  # fmt: skip
    outcomes = guarded.run_guarded(read_or_die, calls, 2)
    assert isinstance(outcomes[0], ImportedPost) and isinstance(outcomes[2], ImportedPost)
    assert outcomes[1] is None  # page_articles() reports it as STOPPED


def test_codecs_no_browser_reads_are_not_trusted():
    text = "<p>Привет, мир</p>"
    for declared in ("base64", "zlib", "utf-7", "rot13", "idna", "undefined", "no-such"):
        page = decode_page(f'<meta charset="{declared}">{text}'.encode())
        assert page.charset == "utf-8" and page.text.endswith(text), declared
