"""newsgen.importer.command and importplan: plain-text fixtures -> article files that build.

The fixtures in tests/fixtures/import/ are the seed article (as the newsroom
received it) and plain texts of other shapes written for these tests.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from unit_helpers import load, make_config

from newsgen.build import full_build as build_module
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.content.context import LoadContext
from newsgen.content.discover import known_sections
from newsgen.content.frontmatter import split_front_matter
from newsgen.importer.command import (
    ImportFailed,
    ImportOptions,
    TargetSite,
    checked,
    import_file,
    open_site,
    validate,
)
from newsgen.importer.imported import BlockKind, NoteKind
from newsgen.importer.plain_text import parse_plain_text
from newsgen.importer.plan import escape_markdown, plan_article, to_markdown
from newsgen.markdown.renderer import make_markdown, render_markdown
from newsgen.models import SectionConfig
from photos import tiny_picture

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
SECTIONS = ("world", "local", "business", "science", "culture")
CONFIG = make_config(sections=tuple(SectionConfig(name, name.title()) for name in SECTIONS))
KNOWN = known_sections(Path("/no/such/folder"), CONFIG.sections)
SITE_CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.com/
timezone: Europe/Berlin
sections: [world, local, business, science, culture]
"""
ID = "00000000-0000-4000-8000-000000000000"
FLAGS = "/images/idlib-hts-flags.jpg"
SEED_CAPTION = (
    "Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria’s northwestern city of Idlib, "
    "on Aug. 20, 2021."
)
SEED_CREDIT = "Omar Haj Kadour/AFP via Getty Images"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(name: str):
    return parse_plain_text(fixture(name), SECTIONS)


def plan(name: str, **options):
    return plan_article(parse(name), ImportOptions(**options), KNOWN, ID)


def notes(planned_or_parsed) -> list[str]:
    return [f"{n.line}: {n.kind}: {n.text}" for n in planned_or_parsed.notes]


def front_and_body(markdown: str) -> tuple[dict, str]:
    split = split_front_matter(markdown)
    return yaml.safe_load(split.front_matter), split.body


# --------------------------------------------------------------------------
# The seed article
# --------------------------------------------------------------------------

SEED_NOTES = [
    '8: not placed: source marker "(source)": the text gives no URL for it; '
    "add the source under 'sources:' with its URL",
    "36: dropped: photo caption repeated (kept the copy on line 38): "
    '"Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria\'s northwestern city o…"',
    '56: not placed: source marker "(source)": the text gives no URL for it; '
    "add the source under 'sources:' with its URL",
    '60: dropped: source link without a target: "Source link"',
    '62: dropped: comment section: "Leave a Reply"',
    '64: dropped: comment policy: "This site uses Akismet to reduce spam. '
    'Learn how your comment data is processed."',
]
# Input lines of the seed that are body paragraphs, in order (26 is the subheading;
# 36 and 38 are the photo caption, twice; 60 onwards is scraper boilerplate).
SEED_PARAGRAPH_LINES = [6, 8, 10, 12, 14, 16, 18, 20, 22, 23, 24]
SEED_PARAGRAPH_LINES += [28, 30, 32, 34, 40, 42, 44, 46, 48, 50, 52, 54, 56]


def test_seed_parts() -> None:
    parsed = parse("seed-article.txt")
    assert (parsed.section_label, parsed.section_line) == ("World News", 1)
    assert parsed.headline == (
        "Kremlin: No Concrete Decisions Made on Future of Russian Bases in Syria"
    )
    assert parsed.headline_line == 3
    assert (parsed.bylines, parsed.agency, parsed.summary, parsed.tags) == ((), None, None, ())
    assert parsed.published is None  # every date in the text lacks a year, or is a photo's
    assert [(d.line, d.text, d.day) for d in parsed.dates] == [
        (8, "Dec. 16", None),
        (14, "Dec. 8", None),
        (20, "Dec. 15", None),
        (23, "Dec. 16", None),
        (30, "Dec. 12", None),
        (38, "Aug. 20, 2021", date(2021, 8, 20)),
        (42, "Dec. 15", None),
        (56, "Dec. 16", None),
        (56, "Dec. 8", None),
    ]
    assert [(p.caption, p.credit, p.line, p.src) for p in parsed.photos] == [
        (SEED_CAPTION, SEED_CREDIT, 38, None)
    ]
    assert parsed.sources == ()
    assert notes(parsed) == SEED_NOTES


def test_seed_body_structure() -> None:
    lines = fixture("seed-article.txt").splitlines()
    parsed = parse("seed-article.txt")
    paragraphs = [b for b in parsed.blocks if b.kind is BlockKind.PARAGRAPH]
    headings = [b for b in parsed.blocks if b.kind is BlockKind.HEADING]
    assert [b.line for b in paragraphs] == SEED_PARAGRAPH_LINES
    assert [(b.line, b.text) for b in headings] == [(26, "‘Constructive’ Talks With HTS")]
    assert [b.line for b in parsed.blocks] == sorted(b.line for b in parsed.blocks)
    for block in paragraphs:  # each paragraph is its input line, (source) markers taken out
        assert block.text == lines[block.line - 1].replace(" (source)", "")
    assert paragraphs[1].text.endswith("Dmitry Peskov on Dec. 16.")
    assert paragraphs[3].text.startswith("“No final decisions")  # quoted speech stays a paragraph


def test_seed_article_markdown_is_the_reviewed_one() -> None:
    planned = plan("seed-article.txt", date=date(2024, 12, 16), images=(FLAGS,))
    assert planned.path == (
        "content/world/kremlin-no-concrete-decisions-made-on-future-of-russian-bases-in-syria.md"
    )
    assert planned.markdown == fixture("seed-article.expected.md")
    front, body = front_and_body(planned.markdown)
    assert front == {
        "id": ID,
        "headline": "Kremlin: No Concrete Decisions Made on Future of Russian Bases in Syria",
        "date": date(2024, 12, 16),
        "images": [{"src": FLAGS, "caption": SEED_CAPTION, "credit": SEED_CREDIT}],
    }
    assert "\n## ‘Constructive’ Talks With HTS\n" in body
    for boilerplate in ("Source link", "Leave a Reply", "Akismet", "(source)", "Getty"):
        assert boilerplate not in body
    assert body.count("\n\n") == len(SEED_PARAGRAPH_LINES)  # 25 paragraphs + 1 heading
    assert notes(planned) == SEED_NOTES


def test_seed_without_image_reports_the_photo_as_not_placed() -> None:
    planned = plan("seed-article.txt", date=date(2024, 12, 16))
    assert "images" not in planned.front
    assert f'38: not placed: photo "{SEED_CAPTION}": no image file for it; kept as a comment ' in (
        "\n".join(notes(planned))
    )
    assert f"#   caption: {SEED_CAPTION}\n#   credit: {SEED_CREDIT}\n" in planned.markdown


def test_seed_without_date_asks_for_date() -> None:
    with pytest.raises(ImportFailed) as failed:
        plan("seed-article.txt")
    assert failed.value.line == 1
    message = failed.value.message
    assert message.startswith("no publication date found")
    assert "Dec. 16, Dec. 8, Dec. 15, Dec. 12, Aug. 20, 2021" in message
    assert "give it with --date, e.g. --date 2024-12-16" in message


# --------------------------------------------------------------------------
# Other shapes of copy
# --------------------------------------------------------------------------


def test_wire_copy_keeps_its_dateline_and_gets_the_agency_as_byline() -> None:
    planned = plan("wire-dateline.txt", images=("/images/peskov.jpg",))
    assert planned.path == (
        "content/world/russia-says-talks-with-syria-s-new-rulers-will-decide-fate-of-its-bases.md"
    )
    assert planned.front["headline"] == (
        "Russia says talks with Syria's new rulers will decide fate of its bases"
    )
    assert planned.front["date"] == datetime(2024, 12, 16, 9, 42, tzinfo=UTC)  # "9:42 AM GMT"
    assert planned.front["byline"] == "Reuters"
    assert planned.front["images"] == [
        {
            "src": "/images/peskov.jpg",
            "caption": "Kremlin spokesman Dmitry Peskov attends a briefing in Moscow, Russia, "
            "December 12, 2024.",
            "credit": "REUTERS/Maxim Shemetov",
        }
    ]
    paragraphs = [b.text for b in planned.blocks]
    assert paragraphs[0] == (  # hard-wrapped lines joined, the dateline kept
        "MOSCOW (Reuters) — Russia has not decided whether to keep its two military bases in "
        "Syria and will settle the question in talks with the groups now in control of "
        "Damascus, the Kremlin said on Monday."
    )
    assert [b.line for b in planned.blocks] == [7, 11, 19, 23, 27]
    assert paragraphs[-1] == "(Reporting by Guy Faulconbridge; Editing by Andrew Osborn)"
    assert notes(planned) == ['17: dropped: navigation: "Purchase Licensing Rights"']


def test_byline_option_wins_over_the_agency() -> None:
    planned = plan("wire-dateline.txt", bylines=("Lena Brandt", "Reuters"))
    assert planned.front["byline"] == ["Lena Brandt", "Reuters"]


def test_blog_post_loses_share_buttons_related_links_and_comments() -> None:
    planned = plan("blog-share-comments.txt")
    assert planned.path == (
        "content/culture/five-things-we-learned-at-this-year-s-eastmere-festival.md"
    )
    front, body = front_and_body(planned.markdown)
    assert front == {
        "id": ID,
        "headline": "Five things we learned at this year's Eastmere Festival",
        "date": date(2025, 3, 3),
        "byline": "Maya Okonkwo",
        "tags": ["festival", "Eastmere", "music"],
    }
    assert [(b.kind.value, b.line) for b in planned.blocks] == [
        ("paragraph", 11),
        ("paragraph", 13),
        ("heading", 15),
        ("paragraph", 17),
        ("quote", 19),
        ("paragraph", 21),
        ("heading", 23),
        ("paragraph", 25),
    ]
    assert "\n> We will never go back to the park.\n" in body
    assert "the \\*last ferry\\* was held back" in body  # shown as typed, not as emphasis
    dropped = [n.line for n in planned.notes if n.kind is NoteKind.DROPPED]
    assert dropped == [7, 8, 9, *range(29, 34), *range(35, 39), *range(40, 53)]
    assert all(n.kind is NoteKind.DROPPED for n in planned.notes)
    by_line = {n.line: n.text for n in planned.notes}
    assert by_line[7] == 'share prompt: "Share this:"'
    assert by_line[37] == 'related links (from line 35): "February 2, 2025"'
    assert by_line[43] == (
        'comment section (from line 40): "Great write-up, but you forgot the food stalls!"'
    )
    assert by_line[46].startswith('comment policy: "Your email address will not be published.')
    for text in ("Share this", "Click to share", "Like this", "Related", "Reply", "Comment"):
        assert text not in body


def test_several_photos_with_credits() -> None:
    planned = plan("several-photos.txt", images=("/images/gates.jpg", "/images/sea-wall.jpg"))
    assert planned.path == "content/local/flood-barrier-holds-as-storm-surge-tops-4-metres.md"
    assert planned.front["byline"] == "Daniel Reyes"
    assert planned.front["date"] == date(2025, 1, 14)
    assert planned.front["images"] == [
        {
            "src": "/images/gates.jpg",
            "caption": "The barrier gates close across the river mouth as the tide rises on "
            "Tuesday night.",
            "credit": "Sam Patel/Eastmere Courier",
        },
        {
            "src": "https://images.example.com/flood/harbour-street-dry.jpg",  # from the text
            "caption": "Harbour Street stayed dry on Wednesday morning for the first time in "
            "a major storm.",
            "credit": "Lena Ford/Courier via Getty Images",
        },
        {
            "src": "/images/sea-wall.jpg",
            "caption": "Residents watch the water level from the sea wall.",
            "credit": "Tom Reed",
        },
    ]
    assert [b.line for b in planned.blocks] == [8, 10, 14, 19, 25]
    assert notes(planned) == [
        "23: dropped: photo caption repeated (kept the copy on line 21): "
        '"Residents watch the water level from the sea wall."'
    ]


def test_too_many_images_is_an_error() -> None:
    with pytest.raises(ImportFailed, match="--image was given 3 times but the text has 3 photo"):
        plan("several-photos.txt", images=("/a.jpg", "/b.jpg", "/c.jpg"))


def test_copy_without_section_line_needs_section_option() -> None:
    with pytest.raises(ImportFailed) as failed:
        plan("no-section.txt")
    assert failed.value.line == 1
    assert failed.value.message == (
        "no section line above the headline (like 'World News'); give the section with "
        "--section (this site's sections: world, local, business, science, culture)"
    )
    planned = plan("no-section.txt", section="Business")
    assert planned.path == "content/business/northwind-cells-reports-its-first-annual-profit.md"
    assert planned.front["byline"] == "Lena Brandt"
    assert planned.front["date"] == date(2025, 2, 20)
    assert planned.front["sources"] == [
        {
            "name": "Northwind annual report",
            "url": "https://northwind.example.com/investors/annual-report-2024",
        },
        {"url": "https://news.example.org/2025/02/20/northwind-profit"},
    ]
    assert planned.blocks[0].text.endswith("two regional bus operators.")
    assert notes(planned) == []


def test_copy_without_date_needs_date_option() -> None:
    with pytest.raises(ImportFailed) as failed:
        plan("no-date.txt")
    assert "(it mentions March 20 in passing); give it with --date" in failed.value.message
    planned = plan("no-date.txt", date=datetime(2025, 3, 1, 20, 0))
    assert planned.path == (
        "content/science/comet-lindqvist-brightens-enough-to-see-with-binoculars.md"
    )
    assert planned.front["date"] == datetime(2025, 3, 1, 20, 0)
    assert "byline" not in planned.front


def test_section_line_that_names_no_section_is_an_error() -> None:
    text = "Sport\n\nEastmere win the cup\n\nDec. 1, 2024\n\nThe team won 2-1.\n"
    with pytest.raises(ImportFailed) as failed:
        plan_article(parse_plain_text(text, SECTIONS), ImportOptions(), KNOWN, ID)
    assert failed.value.line == 1
    assert "the section line 'Sport' names none of this site's sections" in failed.value.message
    planned = plan_article(
        parse_plain_text(text, SECTIONS), ImportOptions(section="local"), KNOWN, ID
    )
    assert planned.path == "content/local/eastmere-win-the-cup.md"
    assert notes(planned) == ['1: dropped: section line (--section local given): "Sport"']


def test_no_headline_is_an_error() -> None:
    with pytest.raises(ImportFailed, match="no headline found"):
        plan_article(parse_plain_text("Just one sentence.\n"), ImportOptions(), KNOWN, ID)


# --------------------------------------------------------------------------
# Writing into a site, and building it
# --------------------------------------------------------------------------


@pytest.fixture
def site_root(make_site) -> Path:
    return make_site(
        {"static/images/idlib-hts-flags.jpg": tiny_picture()}, config=SITE_CONFIG
    )


def test_import_file_writes_the_article_and_never_overwrites(site_root: Path) -> None:
    site = open_site(site_root)
    options = ImportOptions(date=date(2024, 12, 16), images=(FLAGS,))
    planned = import_file(site, FIXTURES / "seed-article.txt", options, dry_run=False)
    written = site_root / planned.path
    assert written.read_text(encoding="utf-8") == planned.markdown
    before = written.read_bytes()
    with pytest.raises(ImportFailed) as failed:
        import_file(site, FIXTURES / "seed-article.txt", options, dry_run=False)
    assert failed.value.message.startswith(f"{planned.path} already exists; it was not overwritten")
    assert written.read_bytes() == before


def test_dry_run_writes_nothing(site_root: Path) -> None:
    site = open_site(site_root)
    planned = import_file(site, FIXTURES / "blog-share-comments.txt", ImportOptions(), True)
    assert planned.path.startswith("content/culture/")
    assert [p for p in (site_root / "content").rglob("*")] == []


def test_image_naming_no_file_is_not_placed_and_the_article_still_builds(site_root: Path) -> None:
    site = open_site(site_root)
    options = ImportOptions(date=date(2024, 12, 16), images=("/images/missing.jpg",))
    planned = import_file(site, FIXTURES / "seed-article.txt", options, dry_run=True)
    assert "images" not in planned.front
    assert (
        f"38: not placed: photo \"{SEED_CAPTION}\": '/images/missing.jpg' names no file in "
        "static/ (looked for static/images/missing.jpg)"
    ) in notes(planned)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Headline\n\n\xe9t\xe9\n", r"^is not UTF-8 \(byte 0xe9\); save it as UTF-8"),
        (b"---\nheadline: x\n---\nBody\n", "already a newsgen article"),
    ],
)
def test_unusable_input_files(site_root: Path, tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    with pytest.raises(ImportFailed, match=message):
        import_file(open_site(site_root), path, ImportOptions(section="world"), True)


def test_missing_input_file(site_root: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot be read: No such file or directory"):
        import_file(open_site(site_root), tmp_path / "missing.txt", ImportOptions(), True)


def render_without_writing(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Make build() render every page but not write the output folder; return the pages.

    Everything before the write (loading, validation, the site model, rendering
    every page, collision checks) runs for real here.
    """
    pages: dict[str, bytes] = {}

    def write_site(output, outputs, copies, *more):  # type: ignore[no-untyped-def]
        for item in outputs:
            pages[item.path] = getattr(item, "data", b"")
        return SimpleNamespace(files=len(pages), unchanged=0, inodes={})

    monkeypatch.setattr(build_module, "write_site", write_site)
    return pages


def test_imported_articles_build_without_problems(
    site_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = open_site(site_root)
    imports = {
        "seed-article.txt": ImportOptions(date=date(2024, 12, 16), images=(FLAGS,)),
        "wire-dateline.txt": ImportOptions(),
        "blog-share-comments.txt": ImportOptions(),
        "several-photos.txt": ImportOptions(),
        "no-section.txt": ImportOptions(section="business"),
        "no-date.txt": ImportOptions(date=date(2025, 3, 1)),
    }
    for name, options in imports.items():
        import_file(site, FIXTURES / name, options, dry_run=False)
    pages = render_without_writing(monkeypatch)
    now = datetime(2025, 6, 1, tzinfo=UTC)
    report = build(BuildOptions(site_root, now=now, cache=False))
    assert report.articles == len(imports)
    # the pictures the imported copy names on other sites, which a build cannot strip
    remote = [w for w in report.warnings if "is a remote picture" in w.message]
    assert remote and all(w.field == "images[0].src" or w.field == "body" for w in remote)
    assert [w for w in report.warnings if w not in remote] == []
    seed_page = report.article_urls[
        "content/world/kremlin-no-concrete-decisions-made-on-future-of-russian-bases-in-syria.md"
    ]
    html = pages[seed_page.lstrip("/") + "index.html"].decode("utf-8")
    assert "Omar Haj Kadour/AFP via Getty Images" in html
    assert "Constructive’ Talks With HTS</h2>" in html


# --------------------------------------------------------------------------
# Markdown escaping
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the *last ferry* was held",
        "# not a heading",
        "1. not a list item",
        "2024. The year it all changed.",
        "- not a bullet",
        "+ nor this",
        "> not a quote",
        "<b>not HTML</b> and <https://example.com>",
        "[not a link](https://example.com) and [HTS] stays",
        "snake_case and _underscores_ too",
        "`not code` and a back\\slash",
        "~~not struck~~",
        "&amp; is not an entity",
        "a footnote [^1] that is not",
        "***",
    ],
)
def test_escaped_text_renders_as_written(text: str) -> None:
    markdown = make_markdown(typographer=False)  # compare characters, not typography
    html = render_markdown(markdown, escape_markdown(text)).html
    shown = (
        html.removeprefix("<p>")
        .removesuffix("</p>\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", '"')
    )
    assert shown == text


def test_plain_text_needs_no_escaping() -> None:
    text = "“The ambassador is presently in the Syrian capital,” said Peskov [HTS]."
    assert escape_markdown(text) == text


def test_updated_date_is_kept_only_when_after_the_date() -> None:
    text = "Local\n\nStorm hits Eastmere\n\nJan. 14, 2025\nUpdated: Jan. 15, 2025\n\nIt held.\n"
    planned = plan_article(parse_plain_text(text, SECTIONS), ImportOptions(), KNOWN, ID)
    assert (planned.front["date"], planned.front["updated"]) == (
        date(2025, 1, 14),
        date(2025, 1, 15),
    )
    later = ImportOptions(date=date(2025, 1, 20))
    planned = plan_article(parse_plain_text(text, SECTIONS), later, KNOWN, ID)
    assert "updated" not in planned.front
    assert notes(planned) == ["6: not placed: update date Jan. 15, 2025 is not after 2025-01-20"]


# --------------------------------------------------------------------------
# Any text: parsing never fails, and what is planned always loads
# --------------------------------------------------------------------------

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newsgen-unit-hypothesis")
LINES = [
    "",
    "World News",
    "By Jane Doe",
    "Dec. 16, 2024",
    "MOSCOW (Reuters) — Russia said on Monday it had not decided.",
    "“No final decisions have been made,” Peskov said.",
    "Members of HTS wave flags in Idlib. Omar Haj Kadour/AFP via Getty Images",
    "‘Constructive’ Talks With HTS",
    "Peskov spoke (source).",
    "TASS confirmed it (source: TASS, https://tass.com/x).",
    "Source link",
    "Source link: https://example.com/a",
    "https://img.example.com/a.jpg",
    "> A pull quote",
    "Share this:",
    "Related",
    "Leave a Reply",
    "Tags: a, b",
    "# *emphasis* _and_ `code` <b>html</b> [link](x) [^1] &amp; ~~x~~",
    "1. a list?",
    "---",
    "- a bullet",
]
SOME_LINES = st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=60)), max_size=25)


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None)
def test_any_text_parses(text: str) -> None:
    parsed = parse_plain_text(text, SECTIONS)
    assert all(note.line >= 1 for note in parsed.notes)


@given(SOME_LINES)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_planned_articles_always_load(lines: list[str]) -> None:
    text = "\n".join(["World News", "", "A headline for the test", "", *lines])
    parsed = parse_plain_text(text, SECTIONS)
    planned = plan_article(parsed, ImportOptions(date=date(2024, 12, 16)), KNOWN, ID)
    context = LoadContext(CONFIG, make_markdown(), Path("/site/content"), frozenset(), frozenset())
    site = TargetSite(Path("/site"), CONFIG, context, KNOWN)
    checked_article = checked(planned, site)  # raises ImportFailed if the loader objects
    assert not [p for p in validate(checked_article, context) if p.severity.value == "error"]


def test_update_time_alone_is_not_taken_for_the_date() -> None:
    text = "Business\n\nFed holds rates\n\nUpdated 3:15 PM EDT, June 12, 2024\n\nIt did.\n"
    with pytest.raises(ImportFailed) as failed:
        plan_article(parse_plain_text(text, SECTIONS), ImportOptions(), KNOWN, ID)
    assert "(line 5 gives only the time of an update, June 12, 2024)" in failed.value.message


def test_a_section_folder_under_content_is_a_known_section(tmp_path: Path) -> None:
    (tmp_path / "sport").mkdir()  # not in newsgen.yaml
    known = known_sections(tmp_path, CONFIG.sections)
    text = "Sport\n\nEastmere win the cup\n\nMarch 3, 2024\n\nThey won.\n"
    planned = plan_article(parse_plain_text(text, known.keys()), ImportOptions(), known, ID)
    assert planned.path == "content/sport/eastmere-win-the-cup.md"


def test_everything_missing_is_reported_in_one_run() -> None:
    with pytest.raises(ImportFailed) as failed:
        plan_article(
            parse_plain_text("just a sentence, nothing more.\n"), ImportOptions(), KNOWN, ID
        )
    said = [message for _, message in failed.value.all]
    assert len(said) == 3
    assert said[0].startswith("no headline found")
    assert said[1].startswith("no section line above the headline")
    assert said[2].startswith("no publication date found")


@pytest.mark.parametrize(
    ("options", "text", "hint"),
    [
        (
            {"section": "sience"},
            "Science news\n\nA comet brightens\n\nMarch 3, 2024\n\nIt did.\n",
            "did you mean 'science'?",
        ),
        (
            {},
            "Busines\n\nMarkets rally today\n\nMarch 3, 2024\n\nThey did.\n",
            "did you mean 'business'?",
        ),
    ],
)
def test_a_section_close_to_a_known_one_gets_did_you_mean(
    options: dict, text: str, hint: str
) -> None:
    with pytest.raises(ImportFailed) as failed:
        plan_article(parse_plain_text(text, SECTIONS), ImportOptions(**options), KNOWN, ID)
    assert hint in failed.value.message


def test_a_caption_without_an_image_is_kept_for_the_editor() -> None:
    text = "\n\n".join(
        [
            "Science",
            "Kelp is back off the coast",
            "March 3, 2024",
            "The kelp has returned, divers say.",
            "Divers survey the reef at dawn. (Photo: Jane Doe)",
            "More text.",
        ]
    )
    planned = plan_article(parse_plain_text(text, SECTIONS), ImportOptions(), KNOWN, ID)
    assert "images" not in planned.front
    markdown = planned.markdown
    assert (
        "# images:\n# - src: ''\n"
        "#   caption: Divers survey the reef at dawn.\n#   credit: Jane Doe\n" in markdown
    )
    note = next(n for n in planned.notes if "Divers survey" in n.text)
    assert note.kind is NoteKind.NOT_PLACED and "kept as a comment" in note.text
    article, problems = load(markdown, path="science/kelp.md", config=CONFIG)
    assert article is not None and not problems.has_errors() and article.images == ()
    given = markdown.replace("# images:", "images:").replace(
        "# - src: ''", "- src: https://example.com/a.jpg"
    )
    given = given.replace("#   ", "  ")
    article, problems = load(given, path="science/kelp.md", config=CONFIG)
    assert article is not None and not problems.has_errors(), list(problems)
    assert [(i.caption, i.credit) for i in article.images] == [
        ("Divers survey the reef at dawn.", "Jane Doe")
    ]
    uncommented_without_src = given.replace("https://example.com/a.jpg", "''")
    _, problems = load(uncommented_without_src, path="science/kelp.md", config=CONFIG)
    assert problems.has_errors()  # the build refuses it until a src is given


def test_a_pending_caption_is_commented_below_the_images_there_are() -> None:
    front = {"headline": "H", "images": [{"src": "/a.jpg", "caption": "One"}]}
    text = to_markdown(front, [], [{"src": "", "caption": "Two"}])
    assert text.startswith("---\nheadline: H\nimages:\n- src: /a.jpg\n  caption: One\n# A photo")
    assert text.endswith("# - src: ''\n#   caption: Two\n---\n\n")
