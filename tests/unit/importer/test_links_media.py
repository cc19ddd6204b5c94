"""importer/links.py (links between imported articles pointed at their files) and
importer/media.py (pictures of an uploads folder copied into static/)."""

from __future__ import annotations

from pathlib import Path

from newsgen.importer.links import LinkMap, rewrite_links
from newsgen.importer.media import MediaFolder

ARTICLE = "---\nheadline: A\nsummary: see [x](https://old.example/2020/01/02/b/)\n---\n"


def links() -> LinkMap:
    found = LinkMap()
    found.add("https://www.old.example/2020/01/02/b/", "content/world/b.md")
    found.add("https://old.example/?p=12", "content/world/b.md")
    found.add("https://old.example/2021/05/c.html", "content/sport/c.md")
    return found


def test_links_to_imported_articles_point_at_their_files():
    body = (
        "See [b](https://old.example/2020/01/02/b) and [again](http://www.old.example/2020/01/02/b/#react),\n"
        "[short](https://old.example/?p=12&utm=x), [path](/2021/05/c.html), "
        "[spaced](<https://old.example/2021/05/c.html>).\n"
    )
    text, count = rewrite_links(ARTICLE + body, "content/sport/a.md", links())
    assert count == 5
    assert "[b](../world/b.md) and [again](../world/b.md#react)" in text
    assert "[short](../world/b.md), [path](c.md), [spaced](c.md)" in text
    assert text.startswith(ARTICLE)  # front matter is left as it is


def test_other_links_and_pictures_stay():
    body = (
        "[elsewhere](https://other.example/2020/01/02/b/) [unknown](https://old.example/x/) "
        "![pic](https://old.example/2021/05/c.html) [mail](mailto:a@old.example) "
        "[relative](b.md) [self](https://old.example/2021/05/c.html)\n"
    )
    text, count = rewrite_links(ARTICLE + body, "content/sport/c.md", links())
    assert count == 0 and text == ARTICLE + body


def test_pictures_found_in_the_uploads_folder_are_localised(tmp_path: Path):
    uploads = tmp_path / "uploads"
    (uploads / "2019" / "03").mkdir(parents=True)
    (uploads / "2019" / "03" / "storm.jpg").write_bytes(b"jpeg")
    (uploads / "2019" / "03" / "map.png").write_bytes(b"png")
    media = MediaFolder(uploads)
    text = (
        "images:\n- src: https://old.example/wp-content/uploads/2019/03/storm.jpg\n---\n"
        '![m](https://old.example/wp-content/uploads/2019/03/map-1024x683.png "Map")\n'
        "![g](https://old.example/wp-content/uploads/2019/03/gone.jpg)\n"
        "![t](https://old.example/wp-content/uploads/../../etc/passwd.jpg)\n"
    )
    localised, missing = media.localise(text)
    assert "src: /images/uploads/2019/03/storm.jpg" in localised
    assert '![m](/images/uploads/2019/03/map.png "Map")' in localised  # the original
    assert missing == [
        "https://old.example/wp-content/uploads/2019/03/gone.jpg",
        "https://old.example/wp-content/uploads/../../etc/passwd.jpg",
    ]
    assert media.copies == {
        "images/uploads/2019/03/storm.jpg": uploads / "2019" / "03" / "storm.jpg",
        "images/uploads/2019/03/map.png": uploads / "2019" / "03" / "map.png",
    }


def test_a_link_out_of_the_uploads_folder_is_never_copied(tmp_path: Path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not for the site")
    (uploads / "escape.jpg").symlink_to(secret)
    (uploads / "2019").symlink_to(tmp_path)
    media = MediaFolder(uploads)
    text = (
        "![a](https://o.example/wp-content/uploads/escape.jpg)\n"
        "![b](https://o.example/wp-content/uploads/2019/secret.jpg)\n"
    )
    localised, missing = media.localise(text)
    assert localised == text and len(missing) == 2 and media.copies == {}


def test_addresses_python_cannot_read_are_no_crash():
    """``http://[::1/x`` makes urlsplit() raise; an import must not stop on it."""
    found = links()
    found.add("http://[bad/2020/01/02/b/", "content/world/b.md")
    body = "[odd](http://[::1/x) [b](https://old.example/2020/01/02/b/)\n"
    text, count = rewrite_links(ARTICLE + body, "content/sport/a.md", found)
    assert count == 1 and "[odd](http://[::1/x)" in text
    media = MediaFolder(Path("/nonexistent"))
    assert media.localise("![a](http://[x/wp-content/uploads/a.jpg)")[1] == [
        "http://[x/wp-content/uploads/a.jpg"
    ]
