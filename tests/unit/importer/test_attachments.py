"""importer/attachments.py: a WordPress picture's caption and credit, and the pictures
a post gets (its featured one, then its gallery)."""

from __future__ import annotations

from pathlib import Path

import yaml

from newsgen.importer.attachments import (
    Attachment,
    Attachments,
    attachment_of,
    credit_of,
    post_images,
)
from newsgen.importer.wordpress import ImportedPost, wordpress_articles
from newsgen.importer.wxr import WxrItem

EXPORT = (
    Path(__file__).resolve().parents[2] / "fixtures" / "import" / ("wordpress-theme-unit-test.xml")
)


def test_a_description_that_is_a_credit_gives_the_credit():
    assert credit_of("Photo: Kim Lee/AP") == "Kim Lee/AP"
    assert credit_of("Photograph by Ana Ruiz.") == "Ana Ruiz"
    assert credit_of("© 2019 Valley Post") == "© 2019 Valley Post"
    assert credit_of("Courtesy of the city archive") == "Courtesy of the city archive"
    assert (
        credit_of("Public domain via https://example.org/x")
        == "Public domain via https://example.org/x"
    )


def test_a_description_that_is_no_credit_gives_none():
    assert credit_of("The harbour at dawn, seen from the old lighthouse.") == ""
    assert credit_of("Photo: " + "x" * 300) == ""
    assert credit_of("") == ""


def item(**fields: object) -> WxrItem:
    return WxrItem(1, post_type="attachment", attachment_url="https://o.example/a.jpg", **fields)


def test_the_caption_keeps_its_words_and_gives_up_its_credit():
    found = attachment_of(item(excerpt="Sandbags on Mill Street. Photo: Kim Lee/Valley Post"))
    assert (found.caption, found.credit) == ("Sandbags on Mill Street.", "Kim Lee/Valley Post")
    described = attachment_of(item(excerpt="Sandbags", content="Credit: Jo Ruiz"))
    assert (described.caption, described.credit) == ("Sandbags", "Jo Ruiz")
    camera = attachment_of(item(meta=(
        ("_wp_attachment_image_alt", "Sandbags at a door"),
        ("_wp_attachment_metadata", 'a:1:{s:10:"image_meta";a:2:{s:6:"credit";s:10:"Kim Lee/AP";'
                                    's:9:"copyright";s:0:"";}}'),
    )))  # fmt: skip
    assert (camera.alt, camera.credit) == ("Sandbags at a door", "Kim Lee/AP")


def test_a_post_gets_its_featured_picture_then_the_attached_ones_its_body_does_not_show():
    featured = Attachment("https://o.example/lead.jpg", "Lead", "", "")
    gallery = [Attachment(f"https://o.example/g{n}.jpg", "", f"Picture {n}", "") for n in (1, 2, 3)]
    pictures = Attachments({"9": featured}, {"5": [featured, *gallery]})
    post = WxrItem(1, post_id="5", meta=(("_thumbnail_id", "9"),))
    images = post_images(post, pictures, ["https://o.example/g2-1024x683.jpg"])
    assert [i["src"] for i in images] == [
        "https://o.example/lead.jpg", "https://o.example/g1.jpg", "https://o.example/g3.jpg",
    ]  # fmt: skip


def test_the_theme_unit_tests_gallery_and_credits_come_in():
    posts = {p.slug: p for p in wordpress_articles(EXPORT) if isinstance(p, ImportedPost)}
    gallery = yaml.safe_load(posts["post-format-gallery"].text.split("---\n")[1])["images"]
    assert len(gallery) > 1 and gallery[0]["src"].endswith("canola2.jpg")
    blocks = yaml.safe_load(posts["block-gallery"].text.split("---\n")[1])["images"]
    assert blocks[0]["credit"].startswith("Public domain via https://www.burningwell.org/")
