"""newsgen.render.pages: every page job of a Site; and what build_site fills in for those pages.

The small site used here (per_page 2):

- World: "Bases" (16 Dec 2024; tags Syria, Russia; Lena Brandt; two aliases; a
  correction on 20 Dec), "Ports" (1 Dec 2024; tag syria; Lena Brandt) and
  "Talks" (20 Nov 2024; tag Syria; Omar Haddad)
- Local: "Bridge" (1 May 2023; no tags, no byline)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from unit_helpers import BERLIN, load, make_article, make_config

from newsgen.build.collisions import output_key
from newsgen.models import Author, Correction
from newsgen.render.pages import PageJob, page_jobs
from newsgen.site.assemble import build_site

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
BASES_DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)
CORRECTED = datetime(2024, 12, 20, 9, 0, tzinfo=BERLIN)


def small_site(base_url="https://gazette.example.com/", profiles=None):
    config = make_config(base_url=base_url, per_page=2)
    articles = [
        make_article(
            "Bridge",
            datetime(2023, 5, 1, 8, 0, tzinfo=BERLIN),
            section="Local",
            config=config,
        ),
        make_article(
            "Talks",
            datetime(2024, 11, 20, 12, 0, tzinfo=BERLIN),
            tags=["Syria"],
            bylines=["Omar Haddad"],
            config=config,
        ),
        make_article(
            "Ports",
            datetime(2024, 12, 1, 12, 0, tzinfo=BERLIN),
            tags=["syria"],
            bylines=["Lena Brandt"],
            updated=datetime(2024, 12, 2, 12, 0, tzinfo=BERLIN),
            config=config,
        ),
        make_article(
            "Bases",
            BASES_DAY,
            tags=["Syria", "Russia"],
            bylines=["Lena Brandt"],
            aliases=("/old/bases/", "/2019/bases.html"),
            corrections=(Correction(CORRECTED, "The date was wrong."),),
            config=config,
        ),
    ]
    return build_site(config, articles, BASES_DAY + timedelta(days=30), profiles)


def jobs_by_path(site):
    return {job.output_path: job for job in page_jobs(site)}


def headline(site, title):
    [article] = [a for a in site.articles if a.headline == title]
    return article


# --- the pages ------------------------------------------------------------------------------------

EXPECTED = [
    ("home.html", "index.html"),
    ("404.html", "404.html"),
    ("article.html", "world/2024/12/16/bases/index.html"),
    ("redirect.html", "old/bases/index.html"),
    ("redirect.html", "2019/bases.html"),
    ("article.html", "world/2024/12/01/ports/index.html"),
    ("article.html", "world/2024/11/20/talks/index.html"),
    ("article.html", "local/2023/05/01/bridge/index.html"),
    ("section.html", "local/index.html"),
    ("section.html", "world/index.html"),
    ("section.html", "world/page/1/index.html"),
    ("tags.html", "tags/index.html"),
    ("tag.html", "tags/russia/index.html"),
    ("tag.html", "tags/syria/index.html"),
    ("tag.html", "tags/syria/page/1/index.html"),
    ("authors.html", "authors/index.html"),
    ("author.html", "authors/lena-brandt/index.html"),
    ("author.html", "authors/omar-haddad/index.html"),
    ("archive.html", "archive/index.html"),
    ("period.html", "2024/index.html"),
    ("period.html", "2024/page/1/index.html"),
    ("period.html", "2024/12/index.html"),
    ("period.html", "2024/11/index.html"),
    ("period.html", "2023/index.html"),
    ("period.html", "2023/05/index.html"),
    ("search.html", "search/index.html"),
    ("corrections.html", "corrections/index.html"),
]


def test_exactly_one_job_per_expected_page_in_stable_order():
    jobs = list(page_jobs(small_site()))
    assert [(job.template, job.output_path) for job in jobs] == EXPECTED
    again = [(job.template, job.output_path) for job in page_jobs(small_site())]
    assert again == EXPECTED


def test_every_output_path_is_unique_even_case_folded():
    paths = [job.output_path for job in page_jobs(small_site())]
    assert len(paths) == len(set(paths))
    assert len({output_key(p) for p in paths}) == len(paths)


def test_every_template_exists_in_the_default_theme():
    templates = {job.template for job in page_jobs(small_site())}
    assert templates == {
        "home.html",
        "404.html",
        "article.html",
        "redirect.html",
        "section.html",
        "tags.html",
        "tag.html",
        "authors.html",
        "author.html",
        "archive.html",
        "period.html",
        "search.html",
        "corrections.html",
    }
    assert all((TEMPLATES / name).is_file() for name in templates), sorted(templates)


def test_output_paths_are_relative_under_a_base_path():
    site = small_site(base_url="https://example.com/news/")
    paths = [job.output_path for job in page_jobs(site)]
    assert [p for _, p in EXPECTED] == paths  # the base path is in URLs, not in files
    assert not any(p.startswith(("/", "news/")) for p in paths)


# --- contexts -------------------------------------------------------------------------------------


def test_context_keys_per_template():
    site = small_site()
    keys = {}
    for job in page_jobs(site):
        keys.setdefault(job.template, set(job.context))
        assert set(job.context) == keys[job.template], job.output_path
        assert job.context["site"] is site
    assert keys == {
        "home.html": {"site"},
        "404.html": {"site"},
        "article.html": {"site", "article", "related", "scheduled"},
        "redirect.html": {"site", "article", "alias"},
        "section.html": {"site", "section", "page", "count"},
        "tags.html": {"site"},
        "tag.html": {"site", "tag", "page", "count"},
        "authors.html": {"site"},
        "author.html": {"site", "author", "page", "count"},
        "archive.html": {"site"},
        "period.html": {"site", "period", "page", "year", "months"},
        "search.html": {"site"},
        "corrections.html": {"site"},
    }


def test_redirect_jobs_point_at_their_article():
    site = small_site()
    jobs = jobs_by_path(site)
    bases = headline(site, "Bases")
    folder = jobs["old/bases/index.html"]
    assert folder.context == {"site": site, "article": bases, "alias": "/old/bases/"}
    assert folder.source == bases.source_path
    page = jobs["2019/bases.html"]
    assert page.context["alias"] == "/2019/bases.html"
    assert page.context["article"] is bases


def test_redirect_alias_carries_the_base_path():
    site = small_site(base_url="https://example.com/news/")
    jobs = jobs_by_path(site)
    assert jobs["old/bases/index.html"].context["alias"] == "/news/old/bases/"
    assert jobs["2019/bases.html"].context["alias"] == "/news/2019/bases.html"


def test_article_job_carries_article_and_its_related():
    site = small_site()
    jobs = jobs_by_path(site)
    bases = headline(site, "Bases")
    job = jobs[bases.output_path]
    assert job.context["article"] is bases
    assert job.context["related"] == site.related[bases.source_path]
    assert [a.headline for a in job.context["related"]] == ["Ports", "Talks"]
    assert job.source == "content/world/bases.md"


def test_listing_jobs_carry_subject_and_page():
    site = small_site()
    jobs = jobs_by_path(site)
    world = jobs["world/index.html"]
    assert world.context["section"].slug == "world"
    assert world.context["page"] is site.section_pages["world"][0]
    assert jobs["world/page/1/index.html"].context["page"] is site.section_pages["world"][1]
    syria = jobs["tags/syria/index.html"]
    assert syria.context["tag"].name == "Syria"
    assert syria.source == "tag Syria"
    lena = jobs["authors/lena-brandt/index.html"]
    assert lena.context["author"].name == "Lena Brandt"
    assert [a.headline for a in lena.context["page"].items] == ["Bases", "Ports"]
    december = jobs["2024/12/index.html"]
    assert december.context["period"].title == "December 2024"
    assert december.source == "period December 2024"
    assert [a.headline for a in december.context["page"].items] == ["Bases", "Ports"]


# --- lastmod --------------------------------------------------------------------------------------


def test_lastmod_none_for_404_and_redirects():
    jobs = jobs_by_path(small_site())
    assert jobs["404.html"].lastmod is None
    assert jobs["old/bases/index.html"].lastmod is None
    assert jobs["2019/bases.html"].lastmod is None


def test_lastmod_of_articles_is_their_modified():
    site = small_site()
    jobs = jobs_by_path(site)
    for article in site.articles:
        assert jobs[article.output_path].lastmod == article.modified
    assert jobs["world/2024/12/16/bases/index.html"].lastmod == CORRECTED
    assert jobs["world/2024/12/01/ports/index.html"].lastmod == datetime(
        2024, 12, 2, 12, 0, tzinfo=BERLIN
    )


def test_lastmod_of_listing_pages_is_their_newest_items_modified():
    site = small_site()
    listing_templates = {"section.html", "tag.html", "author.html", "period.html"}
    checked = 0
    for job in page_jobs(site):
        if job.template in listing_templates:
            items = job.context["page"].items
            assert items, job.output_path
            assert job.lastmod == max(a.modified for a in items), job.output_path
            checked += 1
    assert checked == 14


def test_lastmod_of_listing_pages_examples():
    jobs = jobs_by_path(small_site())
    assert jobs["world/index.html"].lastmod == CORRECTED  # Bases, corrected on 20 Dec
    assert jobs["world/page/1/index.html"].lastmod == datetime(2024, 11, 20, 12, 0, tzinfo=BERLIN)
    assert jobs["2024/11/index.html"].lastmod == datetime(2024, 11, 20, 12, 0, tzinfo=BERLIN)
    assert jobs["local/index.html"].lastmod == datetime(2023, 5, 1, 8, 0, tzinfo=BERLIN)
    assert jobs["authors/omar-haddad/index.html"].lastmod == datetime(
        2024, 11, 20, 12, 0, tzinfo=BERLIN
    )


def test_lastmod_of_home_and_indexes_is_the_newest_change():
    jobs = jobs_by_path(small_site())
    for path in ("index.html", "tags/index.html", "authors/index.html", "archive/index.html"):
        assert jobs[path].lastmod == CORRECTED, path
    assert jobs["corrections/index.html"].lastmod == CORRECTED


def test_corrections_page_without_corrections_has_no_lastmod():
    config = make_config()
    site = build_site(config, [make_article("A", BASES_DAY)])
    jobs = jobs_by_path(site)
    assert jobs["corrections/index.html"].lastmod is None
    assert jobs["index.html"].lastmod == BASES_DAY


def test_empty_site_still_has_home_404_and_indexes():
    site = build_site(make_config(), [])
    jobs = list(page_jobs(site))
    assert [(j.template, j.output_path, j.lastmod) for j in jobs] == [
        ("home.html", "index.html", None),
        ("404.html", "404.html", None),
        ("tags.html", "tags/index.html", None),
        ("authors.html", "authors/index.html", None),
        ("archive.html", "archive/index.html", None),
        ("search.html", "search/index.html", None),
        ("corrections.html", "corrections/index.html", None),
    ]
    assert all(isinstance(j, PageJob) for j in jobs)


def test_search_page_only_while_search_is_on():
    on = jobs_by_path(small_site())
    assert on["search/index.html"].template == "search.html"
    assert on["search/index.html"].lastmod is None  # not in the sitemap
    off = build_site(replace(make_config(), search=False), [])
    assert "search/index.html" not in jobs_by_path(off)


# --- build_site fills the new parts of Site -------------------------------------------------------


def test_site_tags_counts_and_pages():
    site = small_site()
    assert [t.name for t in site.tags] == ["Russia", "Syria"]
    assert dict(site.tag_counts) == {"syria": 3, "russia": 1}
    syria = site.tag_pages["syria"]
    assert [p.url for p in syria] == ["/tags/syria/", "/tags/syria/page/1/"]
    assert [[a.headline for a in p.items] for p in syria] == [["Bases", "Ports"], ["Talks"]]
    assert syria[0].title == "Syria"
    assert set(site.tag_pages) == {"syria", "russia"}


def test_site_articles_use_canonical_tag_objects():
    site = small_site()
    ports = headline(site, "Ports")
    assert [t.name for t in ports.tags] == ["Syria"]  # written "syria", most used is "Syria"
    assert ports.tags[0] is site.tags[1]


def test_site_authors_and_author_pages():
    site = small_site()
    assert [a.name for a in site.authors] == ["Lena Brandt", "Omar Haddad"]
    assert set(site.author_pages) == {"lena-brandt", "omar-haddad"}
    [lena] = site.author_pages["lena-brandt"]
    assert lena.url == "/authors/lena-brandt/"
    assert [a.headline for a in lena.items] == ["Bases", "Ports"]


def test_site_authors_use_profiles():
    profile = Author("Lena Brandt", "lena-brandt", "/authors/lena-brandt/", bio="Vienna.")
    site = small_site(profiles={"lena-brandt": profile})
    assert site.authors[0] == profile
    assert headline(site, "Bases").authors == (profile,)


def test_byline_naming_one_author_twice_lists_the_article_once():
    # Two spellings of one name in one byline are one author (as tags are deduplicated).
    article, problems = load(
        "---\nheadline: H\ndate: 2024-12-16\nbyline: [Lena Brandt, lena brandt]\n---\nBody.\n"
    )
    assert article is not None, [str(p) for p in problems]
    site = build_site(make_config(), [article])
    [page] = site.author_pages["lena-brandt"]
    assert [a.headline for a in page.items] == ["H"]
    assert [a.slug for a in site.articles[0].authors] == ["lena-brandt"]


def test_site_archive_years_months_and_period_pages():
    site = small_site()
    assert [(p.title, p.count) for p in site.years] == [("2024", 3), ("2023", 1)]
    assert [(p.title, p.count) for p in site.months[2024]] == [
        ("December 2024", 2),
        ("November 2024", 1),
    ]
    assert [p.title for p in site.months[2023]] == ["May 2023"]
    assert set(site.period_pages) == {"/2024/", "/2024/12/", "/2024/11/", "/2023/", "/2023/05/"}
    year = site.period_pages["/2024/"]
    assert [p.url for p in year] == ["/2024/", "/2024/page/1/"]
    assert year[0].title == "2024"
    assert [[a.headline for a in p.items] for p in year] == [["Bases", "Ports"], ["Talks"]]


def test_site_period_pages_under_a_base_path():
    site = small_site(base_url="https://example.com/news/")
    assert "/news/2024/12/" in site.period_pages
    assert site.period_pages["/news/2024/12/"][0].output_path == "2024/12/index.html"


def test_site_related_keyed_by_source_path():
    site = small_site()
    assert set(site.related) == {a.source_path for a in site.articles}
    names = {path: [a.headline for a in items] for path, items in site.related.items()}
    assert names == {
        "content/world/bases.md": ["Ports", "Talks"],
        "content/world/ports.md": ["Talks", "Bases"],  # 11 days before, 15 days after
        "content/world/talks.md": ["Ports", "Bases"],
        "content/local/bridge.md": [],
    }
    # related articles are the site's canonical objects
    bases = headline(site, "Bases")
    assert site.related["content/world/ports.md"][1] is bases


def test_site_corrections_newest_first():
    config = make_config()
    older = make_article(
        "Older",
        BASES_DAY - timedelta(days=10),
        corrections=(
            Correction(BASES_DAY - timedelta(days=9), "first"),
            Correction(BASES_DAY + timedelta(days=2), "third"),
        ),
    )
    newer = make_article(
        "Newer", BASES_DAY, corrections=(Correction(BASES_DAY + timedelta(days=1), "second"),)
    )
    site = build_site(config, [older, newer])
    assert [(e.correction.text, e.article.headline) for e in site.corrections] == [
        ("third", "Older"),
        ("second", "Newer"),
        ("first", "Older"),
    ]
    assert site.corrections_url == "/corrections/"
    assert site.corrections_feed_url == "/corrections/feed.xml"


def test_what_changes_with_every_article_added_is_on_front_pages_only():
    """A count changes with every article added; the numbered pages of a listing keep
    their articles, so nothing they are given may change with it (their keys stay, and
    they are neither rendered nor written again)."""
    site = small_site()
    jobs = {job.output_path: job for job in page_jobs(site)}
    tag = next(tag for tag in site.tags if tag.slug == "syria")
    front, *numbered = site.tag_pages[tag.slug]
    assert numbered, "the fixture needs a tag with numbered pages"
    assert jobs[front.output_path].context["count"] == site.tag_counts[tag.slug]
    assert all(jobs[page.output_path].context["count"] is None for page in numbered)
    year = next(year for year in site.years if year.year == 2024)
    months = site.months[year.year]
    assert len(months) == 2
    year_front, *_ = site.period_pages[year.url]
    assert jobs[year_front.output_path].context["months"] == months
    for month in months:
        for page in site.period_pages[month.url]:
            context = jobs[page.output_path].context
            assert context["months"] == ()
            assert (context["year"].name, context["year"].url) == (year.title, year.url)
