"""newsgen.render.templates: filters, autoescaping, template errors, the pages of a Site."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import html5lib
import pytest
from unit_helpers import BERLIN, load, make_article, make_config, render_pages

from newsgen.build.inputs import default_theme
from newsgen.errors import Problems
from newsgen.render.templates import join_names, make_environment, render_template
from newsgen.site.assemble import build_site

NS = {"h": "http://www.w3.org/1999/xhtml"}
DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)
THEME = default_theme() / "templates"


def env_with(tmp_path: Path | None = None, **config_changes):
    dirs = [tmp_path] if tmp_path else []
    return make_environment([*dirs, THEME], make_config(**config_changes))


def apply(name: str, value, **config_changes):
    return env_with(**config_changes).filters[name](value)


def site_of(articles, **config_changes):
    return build_site(make_config(**config_changes), articles)


def page(outputs, path):
    [output] = [o for o in outputs if o.path == path]
    return output.data.decode()


def parse(html: str):
    return html5lib.parse(html, namespaceHTMLElements=True)


# --- filters ------------------------------------------------------------------------------


def test_isodate_in_site_zone():
    moment = datetime(2024, 12, 16, 9, 0, tzinfo=UTC)
    assert apply("isodate", moment) == "2024-12-16T10:00:00+01:00"


def test_isodate_drops_fractions_of_a_second():
    """HTML's <time datetime> takes at most three digits of a second (the Nu checker
    refused ``.819000`` on an imported page); seconds are what a newsroom writes."""
    moment = datetime(2019, 11, 19, 1, 19, 34, 819000, tzinfo=UTC)
    assert apply("isodate", moment) == "2019-11-19T02:19:34+01:00"


def test_date_filter():
    assert apply("date", DAY) == "16 December 2024"


def test_date_filter_uses_site_zone_day():
    moment = datetime(2024, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert apply("date", moment) == "1 January 2025"


def test_date_filter_no_leading_zero():
    assert apply("date", datetime(2024, 3, 5, 12, 0, tzinfo=BERLIN)) == "5 March 2024"


def test_datetime_filter_with_time_and_zone_name():
    assert apply("datetime", DAY) == "16 December 2024, 10:00 CET"
    summer = datetime(2024, 7, 1, 15, 5, tzinfo=BERLIN)
    assert apply("datetime", summer) == "1 July 2024, 15:05 CEST"


def test_datetime_filter_midnight_is_date_only():
    assert apply("datetime", datetime(2024, 12, 16, 0, 0, tzinfo=BERLIN)) == "16 December 2024"


def test_datetime_filter_midnight_measured_in_site_zone():
    utc_midnight = datetime(2024, 12, 16, 0, 0, tzinfo=UTC)  # 01:00 in Berlin
    assert apply("datetime", utc_midnight) == "16 December 2024, 01:00 CET"


def test_datetime_filter_london_gmt():
    moment = datetime(2024, 12, 16, 15, 0, tzinfo=UTC)
    from zoneinfo import ZoneInfo

    assert apply("datetime", moment, timezone=ZoneInfo("Europe/London")) == (
        "16 December 2024, 15:00 GMT"
    )


@pytest.mark.parametrize(
    ("names", "text"),
    [
        ((), ""),
        (("A",), "A"),
        (("A", "B"), "A and B"),
        (("A", "B", "C"), "A, B and C"),
        (["A", "B", "C", "D"], "A, B, C and D"),
    ],
)
def test_names_filter(names, text):
    assert join_names(names) == text
    assert apply("names", names) == text


def test_static_url_global_under_base_path():
    env = env_with(base_url="https://example.com/news/")
    assert env.globals["static_url"]("css/newsgen.css") == "/news/css/newsgen.css"
    assert env.globals["static_url"]("/css/newsgen.css") == "/news/css/newsgen.css"


# --- autoescape and article pages ---------------------------------------------------------


def test_headline_with_script_is_escaped_in_article_page():
    headline = "<script>alert(1)</script> & co"
    article = make_article(
        headline, DAY, slug="hostile", summary="<b>bold</b> summary", body_html="<p>Body.</p>\n"
    )
    site = site_of([article])
    problems = Problems()
    outputs = render_pages(site, env_with(), problems)
    assert list(problems) == []
    html = page(outputs, article.output_path)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    doc = parse(html)
    scripts = doc.findall(".//h:script", NS)
    assert [s.get("type") for s in scripts] == ["application/ld+json"]  # data, never code
    assert json.loads(scripts[0].text)["headline"] == headline
    assert doc.find(".//h:b", NS) is None
    h1 = doc.find(".//h:h1", NS)
    assert "".join(h1.itertext()) == headline


def test_body_html_is_not_escaped_and_braces_stay_literal():
    article, _ = load(
        "---\nheadline: Braces\ndate: 2024-12-16T10:00:00+01:00\n---\n"
        "Price {{ site.config.title }} and *emphasis*.\n"
    )
    assert article is not None
    outputs = render_pages(site_of([article]), env_with(), Problems())
    html = page(outputs, article.output_path)
    assert "{{ site.config.title }}" in html
    assert "<em>emphasis</em>" in html


def test_render_pages_writes_every_page():
    articles = [make_article(f"W{i}", DAY + timedelta(hours=i), section="World") for i in range(4)]
    articles.append(make_article("L", DAY, section="Local"))
    site = site_of(articles, per_page=3)
    problems = Problems()
    outputs = render_pages(site, env_with(), problems)
    assert list(problems) == []
    paths = Counter(o.path for o in outputs)
    assert all(count == 1 for count in paths.values())
    assert set(paths) == {
        "index.html",
        "404.html",
        *(a.output_path for a in articles),
        "world/index.html",
        "world/page/1/index.html",
        "local/index.html",
        "tags/index.html",
        "authors/index.html",
        "archive/index.html",
        "2024/index.html",
        "2024/page/1/index.html",
        "2024/12/index.html",
        "2024/12/page/1/index.html",
        "search/index.html",
        "corrections/index.html",
    }


def test_article_page_ids_are_unique_with_body_headings():
    # Heading ids from the body must not clash with ids of the page around it
    # (duplicate ids break the skip link and fragment links).
    article, _ = load(
        "---\nheadline: Ids\ndate: 2024-12-16T10:00:00+01:00\ntags: [x]\n"
        "sources:\n  - url: https://tass.com/\n---\n"
        "Lede.\n\n## Main\n\nMore.\n"
    )
    assert article is not None
    html = page(render_pages(site_of([article]), env_with(), Problems()), article.output_path)
    ids = Counter(e.get("id") for e in parse(html).iter() if e.get("id"))
    assert [i for i, count in ids.items() if count > 1] == []


# --- template errors ----------------------------------------------------------------------


def test_undefined_variable_names_template_file_and_line(tmp_path):
    (tmp_path / "broken.html").write_text("<p>one</p>\n<p>two</p>\n<p>{{ site.nope }}</p>\n")
    problems = Problems()
    result = render_template(
        env_with(tmp_path), "broken.html", {"site": site_of([])}, "home page", problems
    )
    assert result is None
    [problem] = problems.errors
    assert Path(problem.path).name == "broken.html"
    assert problem.line == 3
    assert problem.message.startswith("template error while rendering home page:")
    assert "nope" in problem.message


def test_syntax_error_names_template_file_and_line(tmp_path):
    (tmp_path / "broken.html").write_text("<p>one</p>\n{% if %}\n{% endif %}\n")
    problems = Problems()
    assert render_template(env_with(tmp_path), "broken.html", {}, "home page", problems) is None
    [problem] = problems.errors
    assert Path(problem.path).name == "broken.html"
    assert problem.line == 2


def test_error_in_parent_template_names_the_parent(tmp_path):
    (tmp_path / "parent.html").write_text("<html>\n<body>\n{{ missing_var }}\n</body>\n")
    (tmp_path / "child.html").write_text('{% extends "parent.html" %}\n')
    problems = Problems()
    assert render_template(env_with(tmp_path), "child.html", {}, "x", problems) is None
    [problem] = problems.errors
    assert Path(problem.path).name == "parent.html"
    assert problem.line == 3


def test_missing_template_is_a_problem(tmp_path):
    problems = Problems()
    assert render_template(env_with(tmp_path), "nope.html", {}, "x", problems) is None
    [problem] = problems.errors
    assert "nope.html" in str(problem)


def test_filter_failure_in_template_is_a_problem_not_a_crash(tmp_path):
    # A theme that writes {{ article.updated | date }} for an article without an update
    # passes None to a filter; the build should report the template and line.
    (tmp_path / "broken.html").write_text("<p>ok</p>\n<p>{{ nothing | date }}</p>\n")
    problems = Problems()
    result = render_template(env_with(tmp_path), "broken.html", {"nothing": None}, "x", problems)
    assert result is None
    [problem] = problems.errors
    assert Path(problem.path).name == "broken.html"
    assert problem.line == 2


def test_broken_site_template_leaves_that_page_out(tmp_path):
    (tmp_path / "404.html").write_text("{{ site.nope }}\n")
    site = site_of([make_article("A", DAY)])
    problems = Problems()
    outputs = render_pages(site, env_with(tmp_path), problems)
    assert "404.html" not in {o.path for o in outputs}
    assert "index.html" in {o.path for o in outputs}
    assert [Path(p.path).name for p in problems.errors] == ["404.html"]


def test_site_template_overrides_theme(tmp_path):
    (tmp_path / "404.html").write_text("custom {{ site.config.title }}\n")
    outputs = render_pages(site_of([]), env_with(tmp_path), Problems())
    assert page(outputs, "404.html") == "custom Test Gazette\n"


def test_compiled_templates_are_kept_between_environments(tmp_path):
    compiled = tmp_path / "compiled"
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "x.html").write_text("{{ 1 + 1 }} one", encoding="utf-8")
    config = make_config()
    notes: list[tuple[str, str]] = []
    first = make_environment([tmp_path / "t"], config, compiled, lambda *note: notes.append(note))
    assert first.get_template("x.html").render() == "2 one"
    assert len(list(compiled.glob("*.code"))) == 1
    (tmp_path / "t" / "x.html").write_text("{{ 2 + 2 }} two", encoding="utf-8")
    second = make_environment([tmp_path / "t"], config, compiled, lambda *note: notes.append(note))
    assert second.get_template("x.html").render() == "4 two"  # the changed text, not the cache
    assert notes == []  # a changed template is no damage
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    env = make_environment([tmp_path / "t"], config, blocked, lambda *note: notes.append(note))
    assert env.bytecode_cache is not None and blocked.is_dir()  # the file was moved aside
    [(shown, what)] = notes
    assert shown == f"{tmp_path.name}/file" and what.startswith("is not a folder; moved aside to")
