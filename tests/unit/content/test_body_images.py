"""Pictures in article bodies and front matter picture fields (content/body_images.py,
markdown/figures.py, content/parse.py): figures, files found, warnings at their line."""

from __future__ import annotations

import pytest
from unit_helpers import load, make_config, one_error

from newsgen.markdown.figures import split_title, with_figures
from newsgen.models import ImageSettings

H = "headline: Harbour wall gives way"
D = "date: 2024-12-16T10:00:00+01:00"


def article(*front: str, body: str) -> str:
    return "---\n" + "\n".join([H, D, *front]) + "\n---\n" + body + "\n"


def test_an_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit():
    html = '<p><img src="a.jpg" alt="Quay" title="Sandbags on the quay — Jo Bloggs/AP"></p>\n'
    figure = with_figures(html)
    assert figure.startswith('<figure class="figure body-figure"><img src="a.jpg" alt="Quay">')
    assert '<span class="caption">Sandbags on the quay</span>' in figure
    assert "Jo Bloggs/AP</span></figcaption></figure>" in figure
    inline = '<p>See <img src="a.jpg" alt="x"> here</p>\n'
    assert with_figures(inline) == inline
    assert split_title("A — B — Credit") == ("A — B", "Credit")
    assert split_title("Only a caption") == ("Only a caption", "")


def test_body_images_are_found_in_static_and_beside_the_article():
    body = 'Text.\n\n![Map](/images/map.png "The route")\n\n![Chart](chart.png)\n'
    loaded, problems = load(
        article(body=body),
        path="world/wall/index.md",
        static={"images/map.png"},
        assets={"world/wall/chart.png"},
    )
    assert loaded is not None and list(problems) == []
    first, second = loaded.body_images
    assert (first.file, first.url, first.caption, first.line) == (
        "static/images/map.png",
        "/images/map.png",
        "The route",
        7,
    )
    assert (second.file, second.alt, second.line) == ("content/world/wall/chart.png", "Chart", 9)
    assert [asset.output_path for asset in loaded.assets] == [
        "world/2024/12/16/harbour-wall-gives-way/chart.png"
    ]
    assert '<figure class="figure body-figure"><img src="/images/map.png" alt="Map">' in str(
        loaded.body_html
    )


def test_a_body_image_naming_no_file_is_a_warning_at_its_line():
    loaded, problems = load(article(body="Text.\n\n\n![Lost](/images/lost.png)"))
    assert loaded is not None and loaded.body_images == ()
    [warning] = list(problems)
    assert warning.line == 8 and "names no file" in warning.message


def test_remote_pictures_warn_unless_the_site_says_not_to():
    body = "![Far](https://cdn.example.org/far.jpg)"
    _, problems = load(article(body=body))
    [warning] = list(problems)
    assert "remote picture" in warning.message and warning.line == 5
    quiet = make_config(images=ImageSettings(warn_remote=False))
    _, problems = load(article(body=body), config=quiet)
    assert list(problems) == []


def test_focus_and_crop_are_read():
    loaded, _ = load(
        article(
            "images:",
            "  - src: /images/a.jpg",
            "    alt: A",
            "    focus: [0.2, 1]",
            "    crop: false",
            body="Text.",
        ),
        static={"images/a.jpg"},
    )
    assert loaded is not None
    image = loaded.images[0]
    assert (image.focus, image.crop, image.file, image.line) == (
        (0.2, 1.0),
        False,
        "static/images/a.jpg",
        5,
    )


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("    focus: [0.2]", "images[0].focus"),
        ("    focus: [2, 0.5]", "images[0].focus"),
        ("    focus: centre", "images[0].focus"),
        ("    crop: maybe", "images[0].crop"),
    ],
)
def test_a_wrong_focus_or_crop_is_an_error_at_its_field(value, field):
    loaded, problems = load(
        article("images:", "  - src: /images/a.jpg", "    alt: A", value, body="Text."),
        static={"images/a.jpg"},
    )
    assert loaded is None
    one_error(problems, field)
