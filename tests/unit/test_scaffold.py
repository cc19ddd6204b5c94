"""newsgen.scaffold: ``init`` creates a working site, ``new`` a valid article file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from unit_helpers import load, make_config

from newsgen.config import load_config
from newsgen.content.placeholder import PLACEHOLDER, PLACEHOLDERS
from newsgen.errors import NewsgenError, UsageError
from newsgen.scaffold import GITIGNORE_LINES, NewArticle, NewImage, init_site, new_article

SITE = "title: Test Gazette\nbase_url: https://gazette.example.com/\ntimezone: Europe/Berlin\n"


def test_init_creates_config_sample_article_and_gitignore(tmp_path):
    target = tmp_path / "eastmere-courier"
    created = init_site(target)
    assert created == [
        target / "newsgen.yaml",
        target / "content" / "news" / "welcome-to-your-newsgen-archive.md",
        target / ".gitignore",
    ]
    config = load_config(target)
    assert config.title == "Eastmere Courier"
    article, problems = load(
        created[1].read_text(), path="news/welcome-to-your-newsgen-archive.md", config=config
    )
    assert not problems.has_errors()
    assert article is not None and [tag.name for tag in article.tags] == ["newsgen"]
    lines = (target / ".gitignore").read_text().splitlines()
    assert set(GITIGNORE_LINES) <= set(lines)


def test_init_adds_to_an_existing_gitignore_without_repeating_lines(tmp_path):
    (tmp_path / ".gitignore").write_text("*.pyc\n/public/")  # no newline at the end
    init_site(tmp_path)
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["*.pyc", "/public/"]
    assert lines.count("/public/") == 1
    assert set(GITIGNORE_LINES) <= set(lines)


def test_init_leaves_a_gitignore_that_has_every_line_alone(tmp_path):
    text = "\n".join(GITIGNORE_LINES) + "\n"
    (tmp_path / ".gitignore").write_text(text)
    assert tmp_path / ".gitignore" not in init_site(tmp_path)
    assert (tmp_path / ".gitignore").read_text() == text


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


def new(root, headline, section, when=None, bylines=(), **more):
    return new_article(root, NewArticle(headline, section, when, tuple(bylines), **more))


def test_new_article_writes_a_draft_that_loads(tmp_path):
    root = site(tmp_path)
    path = new(root, "Bridge closes for repairs", "Local", "2024-12-16T09:30", ["Jane Doe"])
    assert path == root / "content" / "local" / "bridge-closes-for-repairs.md"
    text = path.read_text()
    article, problems = load(text, path="local/bridge-closes-for-repairs.md", config=make_config())
    assert not problems.has_errors()
    assert article is not None
    assert article.draft is True
    assert article.headline == "Bridge closes for repairs"
    assert article.section.title == "Local"
    assert article.bylines == ("Jane Doe",)
    assert article.date.isoformat() == "2024-12-16T09:30:00+01:00"
    assert PLACEHOLDER in text


def test_a_new_article_published_with_its_placeholder_is_an_error_at_its_line(tmp_path):
    path = new(site(tmp_path), "Talks", "world", "2024-12-16", draft=False)
    lines = path.read_text().splitlines()
    assert "draft: false" in lines
    article, problems = load(path.read_text(), path="world/talks.md", config=make_config())
    assert article is None
    (problem,) = problems.errors
    assert (problem.path, problem.line, problem.field) == (
        "content/world/talks.md",
        lines.index(PLACEHOLDER) + 1,
        "body",
    )
    assert "placeholder" in problem.message and "draft: true" in problem.message


@pytest.mark.parametrize("placeholder", sorted(PLACEHOLDERS))
def test_every_placeholder_is_refused_in_a_published_article_only(placeholder):
    front = "---\nheadline: Talks\ndate: 2024-12-16\n{draft}---\nFirst.\n\n  {text}  \n"
    published = front.format(draft="", text=placeholder)
    _, problems = load(published)
    assert [p.line for p in problems.errors] == [7]
    _, problems = load(front.format(draft="draft: true\n", text=placeholder))
    assert not problems.has_errors()
    _, problems = load(front.format(draft="", text="Write the story here, she said."))
    assert not problems.has_errors()


def test_new_article_with_every_option_loads_with_them(tmp_path):
    image = NewImage(
        "https://photos.example.com/bridge.jpg", "The bridge at dawn.", "Jo Roe", "A bridge"
    )
    path = new(
        site(tmp_path),
        "Bridge: closes for repairs",
        "world",
        "2024-12-16",
        tags=("Transport", "Council budget"),
        slug="bridge-closure",
        summary="The bridge shuts for six weeks.",
        draft=False,
        image=image,
    )
    assert path.name == "bridge-closure.md"
    text = path.read_text().replace(PLACEHOLDER, "The story.")
    article, problems = load(text, path="world/bridge-closure.md", config=make_config())
    assert not problems.has_errors(), list(problems)
    assert article is not None
    assert article.headline == "Bridge: closes for repairs"
    assert article.slug == "bridge-closure" and article.draft is False
    assert [tag.name for tag in article.tags] == ["Transport", "Council budget"]
    assert article.summary == "The bridge shuts for six weeks."
    (lead,) = article.images
    assert (lead.caption, lead.credit, lead.alt) == ("The bridge at dawn.", "Jo Roe", "A bridge")


def test_new_article_several_bylines(tmp_path):
    path = new(site(tmp_path), "Talks", "world", "2024-12-16", ["A", "B"])
    article, _ = load(path.read_text(), config=make_config())
    assert article is not None and article.bylines == ("A", "B")


def test_new_article_default_date_is_now_in_site_zone(tmp_path):
    path = new(site(tmp_path), "Now", "world")
    article, _ = load(path.read_text(), config=make_config())
    assert article is not None
    assert abs(datetime.now().astimezone() - article.date) < timedelta(minutes=1)


def test_new_article_never_overwrites(tmp_path):
    root = site(tmp_path)
    path = new(root, "Talks", "world", "2024-12-16")
    path.write_text("edited")
    with pytest.raises(NewsgenError, match="already exists"):
        new(root, "Talks", "world", "2024-12-17")
    assert path.read_text() == "edited"


def test_a_section_close_to_a_known_one_is_taken_for_a_typo(tmp_path):
    root = site(tmp_path)
    (root / "newsgen.yaml").write_text(SITE + "sections:\n  - name: business\n")
    (root / "content" / "culture").mkdir()  # a folder is a known section, listed or not
    with pytest.raises(UsageError, match="did you mean 'business'"):
        new(root, "Talks", "busines")
    with pytest.raises(UsageError, match="did you mean 'culture'"):
        new(root, "Talks", "cultur")
    assert new(root, "Talks", "Culture").parent == root / "content" / "culture"
    assert new(root, "Shares", "sport").parent == root / "content" / "sport"  # a new section
    assert not (root / "content" / "busines").exists()


@pytest.mark.parametrize(
    ("headline", "section", "when", "slug", "message"),
    [
        ("🚀", "world", None, None, "headline"),
        ("  ", "world", None, None, "headline"),
        ("Talks", "!!!", None, None, "section"),
        ("Talks", "world", "soon", None, "--date"),
        ("Talks", "world", None, "Bad Slug", "use --slug bad-slug"),
        ("  ", "world", None, "talks", "headline"),
    ],
)
def test_new_article_usage_errors(tmp_path, headline, section, when, slug, message):
    with pytest.raises(UsageError, match=message):
        new(site(tmp_path), headline, section, when, slug=slug)
    assert list((tmp_path / "content").iterdir()) == []
