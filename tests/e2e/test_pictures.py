"""Pictures through the whole build (issue 19): variants at the right sizes and formats,
markup that matches them, metadata gone from every published picture, focal crops,
``crop: false``, body figures, social and structured-data images, bad pictures as
errors at their line, and no picture work on a rebuild.

Pages are parsed with html5lib, JSON-LD with json, files with Pillow.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import html5lib
import pytest
from e2e_helpers import file_for
from PIL import Image

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from photos import photograph, secrets_in

NS = "{http://www.w3.org/1999/xhtml}"
CONFIG = """\
title: Picture Post
base_url: https://pictures.example.com/
timezone: UTC
default_image: /images/social-default.jpg
"""
PLAIN = "---\nheadline: No picture\ndate: 2024-05-01T09:00:00Z\n---\nText.\n"
AUTHORS = """\
Jane Roe:
  bio: Photographer.
  photo: /images/authors/jane.jpg
"""


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _chart() -> bytes:
    """A wide chart whose edges must never be cut: red on the left, blue on the right."""
    chart = Image.new("RGB", (1800, 450), (255, 255, 255))
    chart.paste((255, 0, 0), (0, 0, 40, 450))
    chart.paste((0, 0, 255), (1760, 0, 1800, 450))
    return _png(chart)


ARTICLE = """\
---
headline: Harbour wall gives way
date: 2024-05-02T09:00:00Z
byline: Jane Roe
images:
  - src: /images/harbour.jpg
    caption: The breach at dawn
    credit: Jane Roe/Picture Post
    alt: Water pours through a gap in the harbour wall
    focus: [0.8, 0.4]
  - src: chart.png
    alt: Tide heights this week
    caption: Tide heights
    crop: false
---
The wall gave way at dawn.

![Sandbags on the quay](/images/sandbags.jpg "Sandbags on the quay — Jo Bloggs/Picture Post")

An inline icon ![i](/images/icon.png) stays inline.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pictures")
    files: dict[str, bytes | str] = {
        "newsgen.yaml": CONFIG,
        "authors.yaml": AUTHORS,
        "content/world/harbour/index.md": ARTICLE,
        "content/world/harbour/chart.png": _chart(),
        "content/world/plain.md": PLAIN,
        "static/images/harbour.jpg": photograph((2400, 1600), orientation=1),
        "static/images/sandbags.jpg": photograph((1000, 1500), orientation=1, seed=3),
        "static/images/icon.png": _png(Image.new("RGB", (32, 32), (9, 9, 9))),
        "static/images/authors/jane.jpg": photograph((600, 800), orientation=6, seed=5),
        "static/images/social-default.jpg": photograph((1400, 900), seed=7),
        "static/images/unused.jpg": photograph((300, 200), seed=9),
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    report = build(BuildOptions(root))
    assert report.pictures_made == 7
    return root


def _page(site: Path, url: str):
    return html5lib.parse(file_for(site / "public", url).read_bytes(), treebuilder="etree")


def _article(site: Path):
    return _page(site, "/world/2024/05/02/harbour-wall-gives-way/")


def _file(site: Path, url: str) -> Image.Image:
    image = Image.open(site / "public" / url.lstrip("/"))
    image.load()
    return image


def _srcset(value: str) -> list[tuple[str, int]]:
    pairs = [item.strip().rsplit(" ", 1) for item in value.split(",")]
    return [(url, int(width.rstrip("w"))) for url, width in pairs]


def test_no_published_picture_holds_camera_metadata(site):
    pictures = [
        path
        for path in (site / "public").rglob("*")
        if path.suffix in (".jpg", ".png", ".webp", ".avif", ".gif")
    ]
    assert len(pictures) > 40
    for path in pictures:
        assert secrets_in(path.read_bytes()) == [], path
    # the original's own URL serves the copy without metadata, oriented
    assert _file(site, "/images/authors/jane.jpg").size == (800, 600)
    assert _file(site, "/images/authors/jane.jpg").getexif().get(0x0112) is None


def test_the_lead_picture_has_every_format_width_and_its_size(site):
    figure = _article(site).find(f".//{NS}figure[@class='figure figure-lead']")
    picture = figure.find(f"{NS}picture")
    sources = picture.findall(f"{NS}source")
    assert [s.get("type") for s in sources] == ["image/avif", "image/webp"]
    img = picture.find(f"{NS}img")
    assert img.get("fetchpriority") == "high" and img.get("loading") is None
    assert (img.get("width"), img.get("height")) == ("2400", "1600")
    assert img.get("style").startswith("background-color:#")
    for element, kind in [*((s, s.get("type")) for s in sources), (img, "image/jpeg")]:
        pairs = _srcset(element.get("srcset"))
        assert [width for _, width in pairs] == [320, 640, 960, 1280, 1920]
        assert element.get("sizes")
        for url, width in pairs:
            made = _file(site, url)
            assert made.width == width and abs(made.height - width * 2 / 3) <= 1
            assert Image.MIME[made.format] == kind
    assert _file(site, img.get("src")).width == 1280


def test_other_pictures_are_lazy_and_a_chart_is_never_cropped(site):
    figures = _article(site).findall(f".//{NS}figure")
    chart = next(f for f in figures if "Tide heights" in "".join(f.itertext()))
    img = chart.find(f".//{NS}img")
    assert img.get("loading") == "lazy" and img.get("decoding") == "async"
    assert (img.get("width"), img.get("height")) == ("1800", "450")


def test_a_body_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit(site):
    body = _article(site).find(f".//{NS}div[@class='article-body']")
    figure = body.find(f".//{NS}figure[@class='figure body-figure']")
    caption = "".join(figure.find(f"{NS}figcaption").itertext())
    assert "Sandbags on the quay" in caption and "Jo Bloggs/Picture Post" in caption
    img = figure.find(f".//{NS}img")
    assert img.get("alt") == "Sandbags on the quay" and img.get("title") is None
    assert (img.get("width"), img.get("height")) == ("1000", "1500")
    assert len(figure.findall(f".//{NS}source")) == 2
    inline = [i for i in body.iter(f"{NS}img") if i.get("alt") == "i"]
    assert inline and inline[0].get("width") == "32"  # inline, not a figure, and sized


def test_social_card_and_structured_data_use_the_crops(site):
    page = _article(site)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.iter(f"{NS}meta")}
    social = meta["og:image"].removeprefix("https://pictures.example.com")
    assert _file(site, social).size == (1200, 630)
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["twitter:image"] == meta["og:image"]
    data = json.loads(
        next(s.text for s in page.iter(f"{NS}script") if s.get("type") == "application/ld+json")
    )
    images = data["image"]
    shapes = [(i["width"], i["height"]) for i in images[:3]]
    assert shapes == [(1200, 675), (1200, 900), (1200, 1200)]
    for item in images[:3]:
        url = item["url"].removeprefix("https://pictures.example.com")
        assert _file(site, url).size == (item["width"], item["height"])
    assert images[3]["width"] == 1800


def test_the_focal_point_decides_the_crops(site):
    """The lead's focus is [0.8, 0.4]: its square crop is cut from the right side."""
    page = _article(site)
    data = json.loads(
        next(s.text for s in page.iter(f"{NS}script") if s.get("type") == "application/ld+json")
    )
    square = data["image"][2]["url"].removeprefix("https://pictures.example.com")
    source = Image.open(site / "static/images/harbour.jpg").convert("RGB")
    expected = source.crop((800, 0, 2400, 1600)).resize((1200, 1200))
    made = _file(site, square).convert("RGB")
    assert _difference(made, expected) < _difference(
        made, source.crop((400, 0, 2000, 1600)).resize((1200, 1200))
    )


def _difference(first: Image.Image, second: Image.Image) -> int:
    small = [image.resize((32, 32)).tobytes() for image in (first, second)]
    return sum(abs(a - b) for a, b in zip(*small, strict=True))


def test_an_article_without_a_picture_uses_the_default_social_crop(site):
    page = _page(site, "/world/2024/05/01/no-picture/")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.iter(f"{NS}meta")}
    social = meta["og:image"].removeprefix("https://pictures.example.com")
    assert _file(site, social).size == (1200, 630)


def test_cards_show_3_by_2_thumbnails_and_author_photos_squares(site):
    home = _page(site, "/")
    card = next(i for i in home.iter(f"{NS}img") if "card-image" in (i.get("class") or ""))
    for url, width in _srcset(card.get("srcset")):
        assert _file(site, url).size == (width, round(width / 1.5))
    author = _page(site, "/authors/jane-roe/")
    photo = next(i for i in author.iter(f"{NS}img") if "author-photo" in (i.get("class") or ""))
    for url, width in _srcset(photo.get("srcset")):
        assert _file(site, url).size == (width, width)


def test_a_rebuild_does_no_picture_work(site):
    made = sorted((site / ".newsgen" / "images").rglob("*"))
    stamps = [path.stat().st_mtime_ns for path in made]
    (site / "content/world/plain.md").write_text(
        "---\nheadline: No picture\ndate: 2024-05-01T09:00:00Z\n---\nText, edited.\n"
    )
    (site / "newsgen.yaml").write_text(CONFIG + "description: Edited.\n")  # a full build
    report = build(BuildOptions(site))
    assert report.pictures_made == 0 and not report.quick
    assert sorted((site / ".newsgen" / "images").rglob("*")) == made
    assert [path.stat().st_mtime_ns for path in made] == stamps


def test_one_changed_picture_makes_only_its_own_copies(site):
    before = set((site / ".newsgen" / "images" / "records").rglob("*.json"))
    (site / "static/images/sandbags.jpg").write_bytes(photograph((1000, 1500), seed=4))
    report = build(BuildOptions(site))
    assert report.pictures_made == 1
    after = set((site / ".newsgen" / "images" / "records").rglob("*.json"))
    assert len(after - before) == 1
    body = _article(site).find(f".//{NS}div[@class='article-body']")
    img = body.find(f".//{NS}figure//{NS}img")
    assert _file(site, img.get("src")).width == 1000
    assert not [
        p
        for p in (site / "public").rglob("*")
        if p.suffix in (".jpg",) and secrets_in(p.read_bytes())
    ]


def test_a_quick_rebuild_keeps_the_pictures_of_the_article_it_renders(site):
    index = site / "content/world/harbour/index.md"
    index.write_text(index.read_text().replace("gave way at dawn", "gave way before dawn"))
    report = build(BuildOptions(site))
    assert report.quick and report.pictures_made == 0
    page = _article(site)
    assert "before dawn" in "".join(page.find(f".//{NS}div[@class='article-body']").itertext())
    lead = page.find(f".//{NS}figure[@class='figure figure-lead']//{NS}img")
    assert lead.get("width") == "2400" and lead.get("srcset")
    body = page.find(f".//{NS}div[@class='article-body']//{NS}figure//{NS}img")
    assert body.get("srcset") and _file(site, body.get("src")).width == 1000


def test_a_new_focal_point_takes_a_full_build_that_makes_its_crops(site):
    index = site / "content/world/harbour/index.md"
    index.write_text(index.read_text().replace("focus: [0.8, 0.4]", "focus: [0.1, 0.4]"))
    report = build(BuildOptions(site))
    assert not report.quick and report.pictures_made == 1
    data = json.loads(
        next(
            s.text
            for s in _article(site).iter(f"{NS}script")
            if s.get("type") == "application/ld+json"
        )
    )
    square = _file(site, data["image"][2]["url"].removeprefix("https://pictures.example.com"))
    source = Image.open(site / "static/images/harbour.jpg").convert("RGB")
    left = source.crop((0, 0, 1600, 1600)).resize((1200, 1200))
    right = source.crop((800, 0, 2400, 1600)).resize((1200, 1200))
    assert _difference(square.convert("RGB"), left) < _difference(square.convert("RGB"), right)
