"""``images:`` in newsgen.yaml (image_settings.py): defaults, values, and errors at their line."""

from __future__ import annotations

import pytest

from newsgen.config import load_config
from newsgen.errors import BuildFailed
from newsgen.models import ImageSettings

MINIMAL = "title: Test Gazette\nbase_url: https://gazette.example.com/\n"


def test_without_images_the_defaults_hold(make_site):
    assert load_config(make_site(config=MINIMAL)).images == ImageSettings()
    assert ImageSettings().widths == (320, 640, 960, 1280, 1920)
    assert ImageSettings().formats == ("avif", "webp")


def test_every_setting_is_read(make_site):
    text = MINIMAL + (
        "images:\n  widths: [1200, 400, 400, 800]\n  formats: [WebP]\n  quality: 70\n"
        "  max_pixels: 50000000\n  keep_credit: true\n  warn_remote: false\n"
    )
    settings = load_config(make_site(config=text)).images
    assert settings == ImageSettings((400, 800, 1200), ("webp",), 70, 50_000_000, True, False)
    none = load_config(make_site(config=MINIMAL + "images:\n  formats: []\n")).images
    assert none.formats == ()


@pytest.mark.parametrize(
    ("yaml", "field", "says"),
    [
        ("images: big", "images", "mapping"),
        ("images:\n  widths: 640", "images.widths", "list of widths"),
        ("images:\n  widths: [0, 640]", "images.widths", "from 16 to 8192"),
        ("images:\n  formats: [heic]", "images.formats", "not one of avif, webp"),
        ("images:\n  quality: 101", "images.quality", "from 1 to 100"),
        ("images:\n  quality: true", "images.quality", "whole number"),
        ("images:\n  keep_credit: yes please", "images.keep_credit", "true or false"),
        ("images:\n  widht: [640]", "images.widht", "did you mean 'widths'"),
    ],
)
def test_wrong_settings_are_errors_at_their_line(make_site, yaml, field, says):
    with pytest.raises(BuildFailed) as caught:
        load_config(make_site(config=MINIMAL + yaml + "\n"))
    [problem] = [p for p in caught.value.problems if p.field == field]
    assert says in problem.message and problem.line >= 3
