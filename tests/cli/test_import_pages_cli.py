"""``newsgen import`` through the installed command: saved news pages imported as one
transaction, built, found again; a WordPress export's pictures copied from ``--media``
and its links between posts pointed at the new files."""

from __future__ import annotations

import gzip
from pathlib import Path

import html5lib

from commands import empty_site, run_newsgen

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
PAGES = ("5fa3154ec031", "70cb2d5bca75", "57d46c9d751e", "11ea381ad92b")


def saved_pages(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "saved"
    folder.mkdir()
    files = []
    for name in PAGES:
        page = folder / f"{name}.html"
        page.write_bytes(gzip.decompress((FIXTURES / "pages" / f"{name}.html.gz").read_bytes()))
        files.append(page)
    return files


def test_saved_pages_are_imported_built_and_found_again(tmp_path: Path):
    root = empty_site(tmp_path, "Archive")
    pages = saved_pages(tmp_path)
    first = run_newsgen("import", *pages, cwd=root)
    assert first.returncode == 0, first.stderr
    assert "4 saved pages: 4 articles written, 0 already imported" in first.stderr
    assert f"{pages[0]}: dropped: removed" in first.stderr  # said per file
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    assert "content/opinion/the-guardian-view-on-hong-kong-a-city-on-the-brink.md" in written
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr
    old = root / "public" / "commentisfree" / "2019" / "nov" / "18"
    redirect = (
        old / "the-guardian-view-on-hong-kong-a-city-on-the-brink" / "index.html"
    ).read_text()
    assert "url=/opinion/2019/11/18/the-guardian-view-on-hong-kong-a-city-on-the-brink/" in redirect
    page = next((root / "public" / "opinion" / "2019").rglob("index.html"))
    document = html5lib.parse(page.read_text(), namespaceHTMLElements=False)
    assert "Hong Kong is burning." in "".join(document.find(".//main").itertext())
    again = run_newsgen("import", *pages, cwd=root)
    assert again.returncode == 0, again.stderr
    assert "0 articles written, 4 already imported" in again.stderr


def test_a_page_that_cannot_be_read_stops_the_whole_import_unless_kept_going(tmp_path: Path):
    root = empty_site(tmp_path, "Archive")
    pages = saved_pages(tmp_path)[:2]
    broken = tmp_path / "saved" / "undated.html"
    broken.write_text("<!DOCTYPE html><html><head><title>Undated</title></head><body>x</body>")
    gone = tmp_path / "saved" / "gone.html"
    refused = run_newsgen("import", "--format", "page", *pages, broken, gone, cwd=root)
    assert refused.returncode == 1
    assert f"{broken}: skipped: Undated: the page gives no date" in refused.stderr
    assert f"{gone}: error: cannot be read" in refused.stderr
    assert "nothing was written" in refused.stderr and not list(root.rglob("*.md"))
    kept = run_newsgen("import", "--keep-going", *pages, broken, gone, cwd=root)
    assert kept.returncode == 1 and len(list(root.rglob("*.md"))) == 2


HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
    "<channel><title>Old Herald</title><link>https://old.example</link>"
    "<wp:base_blog_url>https://old.example</wp:base_blog_url>\n"
)


def post(number: int, body: str) -> str:
    return (
        f"<item><title>Story {number}</title><link>https://old.example/2020/03/04/story-{number}/"
        f"</link><guid>https://old.example/?p={number}</guid><dc:creator>ed</dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<wp:post_id>{number}</wp:post_id><wp:post_date>2020-03-04 10:00:00</wp:post_date>"
        f"<wp:post_date_gmt>2020-03-04 10:00:00</wp:post_date_gmt>"
        f"<wp:post_name>story-{number}</wp:post_name><wp:status>publish</wp:status>"
        f'<wp:post_type>post</wp:post_type><category domain="category" nicename="world">World'
        f"</category></item>\n"
    )


def test_an_export_gets_its_pictures_from_media_and_its_links_point_at_the_new_files(
    tmp_path: Path,
):
    root = empty_site(tmp_path, "Archive")
    uploads = tmp_path / "wp-content" / "uploads" / "2020" / "03"
    uploads.mkdir(parents=True)
    photo = FIXTURES.parents[0] / "images"
    jpeg = next(photo.rglob("*.jpg"), None) if photo.is_dir() else None
    (uploads / "harbour.jpg").write_bytes(jpeg.read_bytes() if jpeg else _tiny_jpeg())
    export = tmp_path / "export.xml"
    export.write_text(
        HEAD
        + post(1, '<p>See <a href="https://old.example/?p=2">the second story</a>.</p>'
                  '<figure><img src="https://old.example/wp-content/uploads/2020/03/'
                  'harbour-1024x683.jpg" alt="The harbour"><figcaption>The harbour at dawn'
                  "</figcaption></figure>")
        + post(2, '<p>Back to <a href="/2020/03/04/story-1/#top">the first</a>. '
                  '<img src="https://old.example/wp-content/uploads/2020/03/lost.jpg" alt="x"></p>')
        + "</channel></rss>\n"
    )  # fmt: skip
    done = run_newsgen("import", export, "--media", tmp_path / "wp-content" / "uploads", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "2 links between articles pointed at their new files" in done.stderr
    assert "1 pictures copied into static/" in done.stderr
    assert "lost.jpg stays remote" in done.stderr
    first = (root / "content" / "world" / "story-1.md").read_text()
    assert "[the second story](story-2.md)" in first
    assert "![The harbour](/images/uploads/2020/03/harbour.jpg" in first
    assert (root / "static" / "images" / "uploads" / "2020" / "03" / "harbour.jpg").is_file()
    second = (root / "content" / "world" / "story-2.md").read_text()
    assert "[the first](story-1.md#top)" in second
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr
    built = next((root / "public" / "world").rglob("story-1/index.html")).read_text()
    assert 'href="/world/2020/03/04/story-2/"' in built


def _tiny_jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def page(headline: str, date: str, tags: str, url: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{headline}</title>"
        f'<meta property="article:published_time" content="{date}">'
        f'<meta name="keywords" content="{tags}"><link rel="canonical" href="{url}"></head>'
        f"<body><article><h1>{headline}</h1>{body}</article></body></html>"
    )


def test_pages_of_one_import_share_a_spelling_and_link_to_each_other(tmp_path: Path):
    root = empty_site(tmp_path, "Archive")
    first = tmp_path / "a.html"
    first.write_text(page(
        "Instagram changes its feed", "2024-01-02T10:00:00Z", "Instagram, Apps",
        "https://old.example/tech/instagram-feed.html",
        "<p>The app will show posts in order again, the company said on Tuesday, after "
        "two years of complaints from users and from the creators who live on it.</p>",
    ))  # fmt: skip
    second = tmp_path / "b.html"
    second.write_text(page(
        "Bloggers react", "2024-01-03T10:00:00Z", "инстаграм",
        "https://old.example/tech/bloggers-react.html",
        '<p>Food bloggers welcomed <a href="https://old.example/tech/instagram-feed.html">'
        "the change</a> on Wednesday, and several said they would post more often now.</p>",
    ))  # fmt: skip
    done = run_newsgen("import", first, second, cwd=root)
    assert done.returncode == 0, done.stderr
    assert "tag 'инстаграм' written 'Instagram'" in done.stderr
    text = (root / "content" / "news" / "bloggers-react.md").read_text()
    assert "- Instagram" in text and "[the change](instagram-feed.md)" in text
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr
    assert (root / "public" / "tags" / "instagram" / "index.html").is_file()


def test_a_page_saved_complete_brings_its_own_pictures(tmp_path: Path):
    root = empty_site(tmp_path, "Archive")
    saved = tmp_path / "saved"
    (saved / "flood_files").mkdir(parents=True)
    (saved / "flood_files" / "river.jpg").write_bytes(_tiny_jpeg())
    (saved / "flood_files" / "escape.jpg").symlink_to(tmp_path / "outside.jpg")
    (tmp_path / "outside.jpg").write_bytes(_tiny_jpeg())
    paragraph = (
        "<p>The river rose two metres overnight, and by dawn the water stood in the market "
        "square, said the mayor, who asked residents to stay upstairs until the afternoon.</p>"
    )
    (saved / "flood.html").write_text(page(
        "Flood reaches the old town", "2024-03-05T07:30:00Z", "Floods",
        "https://old.example/news/flood.html",
        paragraph + '<figure><img src="flood_files/river.jpg" alt="The river">'
        "<figcaption>The river at dawn. Photo: Kim Lee</figcaption></figure>"
        + paragraph.replace("overnight", "in the night")
        + '<p><img src="flood_files/escape.jpg" alt="Out"></p>' + paragraph,
    ))  # fmt: skip
    done = run_newsgen("import", saved / "flood.html", cwd=root)
    assert done.returncode == 0, done.stderr
    text = (root / "content" / "news" / "flood.md").read_text()
    assert "/images/saved/flood/river.jpg" in text and "escape.jpg" not in text.split("---")[1]
    copied = root / "static" / "images" / "saved" / "flood" / "river.jpg"
    assert copied.read_bytes() == (saved / "flood_files" / "river.jpg").read_bytes()
    assert not (root / "static" / "images" / "saved" / "flood" / "escape.jpg").exists()
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr


def test_an_import_spells_tags_and_bylines_as_the_site_already_does(tmp_path: Path):
    root = empty_site(tmp_path, "Archive")
    (root / "content" / "tech").mkdir()
    (root / "content" / "tech" / "apps.md").write_text(
        "---\nheadline: Apps of the year\ndate: 2023-12-30\nbyline: Jose Perez\n"
        "tags: [Instagram]\n---\nThe apps people used most this year.\n"
    )
    saved = tmp_path / "bloggers.html"
    saved.write_text(page(
        "Bloggers react", "2024-01-03T10:00:00Z", "инстаграм",
        "https://old.example/tech/bloggers-react.html",
        "<p>Food bloggers welcomed the change on Wednesday, and several said they would "
        "post more often now that their followers see them again.</p>",
    ).replace("<title>", '<meta name="author" content="José Pérez"><title>'))  # fmt: skip
    done = run_newsgen("import", saved, cwd=root)
    assert done.returncode == 0, done.stderr
    text = (root / "content" / "news" / "bloggers-react.md").read_text()
    assert "- Instagram" in text and "инстаграм" not in text
    assert "byline: José Pérez" in text  # one name to name_key(): left as the page wrote it
    build = run_newsgen("build", cwd=root)
    assert build.returncode == 0, build.stderr
