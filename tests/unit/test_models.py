"""newsgen.models: derived properties of the frozen models."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from unit_helpers import make_article, make_config

from newsgen.models import Image


@pytest.mark.parametrize(
    ("base_url", "base_path"),
    [
        ("https://example.com/", "/"),
        ("https://example.com/news/", "/news/"),
        ("http://127.0.0.1:8000/", "/"),
        ("https://example.com/a/b/", "/a/b/"),
    ],
)
def test_base_path(base_url, base_path):
    assert make_config(base_url=base_url).base_path == base_path


def test_lead_image_is_first_image():
    first = Image("/a.jpg", "https://x/a.jpg", "", "", "", "image/jpeg")
    second = Image("/b.jpg", "https://x/b.jpg", "", "", "", "image/jpeg")
    assert make_article(images=(first, second)).lead_image == first
    assert make_article().lead_image is None


def test_modified_is_latest_of_date_and_updated():
    article = make_article()
    assert article.modified == article.date
    later = dataclasses.replace(article, updated=article.date + timedelta(hours=2))
    assert later.modified == article.date + timedelta(hours=2)
    earlier = dataclasses.replace(article, updated=article.date - timedelta(hours=2))
    assert earlier.modified == article.date


def test_models_are_frozen():
    article = make_article()
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.headline = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_config().title = "changed"  # type: ignore[misc]
