"""newsgen.scaffold: ``init`` creates a working site, ``new`` a valid article file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from unit_helpers import load, make_config

from newsgen.config import load_config
from newsgen.errors import NewsgenError, UsageError
from newsgen.scaffold import init_site, new_article

SITE = "title: Test Gazette\nbase_url: https://gazette.example.com/\ntimezone: Europe/Berlin\n"


def test_init_creates_config_and_sample_article(tmp_path):
    target = tmp_path / "eastmere-courier"
    created = init_site(target)
    assert created == [
        target / "newsgen.yaml",
        target / "content" / "news" / "welcome-to-your-newsgen-archive.md",
    ]
    config = load_config(target)
    assert config.title == "Eastmere Courier"
    article, problems = load(
        created[1].read_text(), path="news/welcome-to-your-newsgen-archive.md", config=config
    )
    assert not problems.has_errors()
    assert article is not None and [tag.name for tag in article.tags] == ["newsgen"]


@pytest.mark.parametrize(
    ("name", "title"), [("yes", "Yes"), ("null", "Null"), ("a-b: c", "A B: C")]
)
def test_init_title_is_valid_yaml_text(tmp_path, name, title):
    target = tmp_path / name
    init_site(target)
    assert load_config(target).title == title


@pytest.mark.parametrize("existing", ["newsgen.yaml", "content"])
def test_init_refuses_existing_site(tmp_path, existing):
    (tmp_path / existing).mkdir() if existing == "content" else (tmp_path / existing).write_text(
        "x"
    )
    with pytest.raises(NewsgenError, match="already holds a site"):
        init_site(tmp_path)
    assert not (tmp_path / "content" / "news").exists()


def site(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "newsgen.yaml").write_text(SITE)
    return tmp_path


def test_new_article_writes_loadable_file(tmp_path):
    root = site(tmp_path)
    path = new_article(root, "Bridge closes for repairs", "Local", "2024-12-16T09:30", ["Jane Doe"])
    assert path == root / "content" / "local" / "bridge-closes-for-repairs.md"
    article, problems = load(
        path.read_text(), path="local/bridge-closes-for-repairs.md", config=make_config()
    )
    assert not problems.has_errors()
    assert article is not None
    assert article.headline == "Bridge closes for repairs"
    assert article.section.title == "Local"
    assert article.bylines == ("Jane Doe",)
    assert article.date.isoformat() == "2024-12-16T09:30:00+01:00"


def test_new_article_several_bylines(tmp_path):
    path = new_article(site(tmp_path), "Talks", "world", "2024-12-16", ["A", "B"])
    article, _ = load(path.read_text(), config=make_config())
    assert article is not None and article.bylines == ("A", "B")


def test_new_article_default_date_is_now_in_site_zone(tmp_path):
    path = new_article(site(tmp_path), "Now", "world", None, [])
    article, _ = load(path.read_text(), config=make_config())
    assert article is not None
    assert abs(datetime.now().astimezone() - article.date) < timedelta(minutes=1)


def test_new_article_never_overwrites(tmp_path):
    root = site(tmp_path)
    path = new_article(root, "Talks", "world", "2024-12-16", [])
    path.write_text("edited")
    with pytest.raises(NewsgenError, match="already exists"):
        new_article(root, "Talks", "world", "2024-12-17", [])
    assert path.read_text() == "edited"


@pytest.mark.parametrize(
    ("headline", "section", "when"),
    [
        ("🚀", "world", None),
        ("  ", "world", None),
        ("Talks", "!!!", None),
        ("Talks", "world", "soon"),
    ],
)
def test_new_article_usage_errors(tmp_path, headline, section, when):
    with pytest.raises(UsageError):
        new_article(site(tmp_path), headline, section, when, [])
