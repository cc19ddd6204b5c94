"""newsgen.importer.plain_text and its recognisers (textparts, textdates, boilerplate, paragraphs):
one shape of text at a time, including lines that must *not* be taken for a part."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsgen.importer import text_parts as textparts
from newsgen.importer.boilerplate import Effect, boilerplate
from newsgen.importer.imported import BlockKind, NoteKind
from newsgen.importer.paragraphs import split_units
from newsgen.importer.plain_text import parse_plain_text, section_slugs
from newsgen.importer.text_dates import date_alone, find_dates

# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("on Dec. 16 (source).", [("Dec. 16", None)]),
        ("in Idlib, on Aug. 20, 2021.", [("Aug. 20, 2021", date(2021, 8, 20))]),
        ("published 16 December 2024 at noon", [("16 December 2024", date(2024, 12, 16))]),
        (
            "from March 3rd 2025 until May 2",
            [("March 3rd 2025", date(2025, 3, 3)), ("May 2", None)],
        ),
        ("2024-12-16T09:30:00+03:00", [("2024-12-16T09:30:00+03:00", date(2024, 12, 16))]),
        ("Since 2015, Russia has", []),
        ("on Feb. 30, 2024, nothing happened", []),
        ("Dec 2021 was cold", []),
    ],
)
def test_find_dates(text: str, found: list[tuple[str, date | None]]) -> None:
    assert [(d.text, d.day) for d in find_dates(text, 1)] == found


@pytest.mark.parametrize(
    ("text", "day", "moment"),
    [
        ("Dec. 16, 2024", date(2024, 12, 16), None),
        ("Monday, Dec. 16, 2024, 9:30 a.m. ET", date(2024, 12, 16), None),  # ET: zone unsure
        (
            "December 16, 2024 9:42 AM GMT",
            date(2024, 12, 16),
            datetime(2024, 12, 16, 9, 42, tzinfo=UTC),
        ),
        (
            "December 16, 2024 12:05 AM UTC",
            date(2024, 12, 16),
            datetime(2024, 12, 16, 0, 5, tzinfo=UTC),
        ),
        ("2024-12-16 09:30", date(2024, 12, 16), datetime(2024, 12, 16, 9, 30)),
        ("Dec 16", None, None),
    ],
)
def test_date_alone(text: str, day: date | None, moment: datetime | None) -> None:
    found = date_alone(text, 4)
    assert found is not None and found.line == 4
    assert (found.day, found.moment) == (day, moment)


@pytest.mark.parametrize("text", ["Dec. 16, 2024 Russia", "Dec 16 2024 16", "The Dec. 16 talks"])
def test_not_a_date_alone(text: str) -> None:
    assert date_alone(text, 1) is None


# --------------------------------------------------------------------------
# Captions, datelines, bylines, sources
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "Members of HTS wave flags in Idlib, on Aug. 20, 2021. "
            "(Omar Haj Kadour/AFP via Getty Images)",
            "Members of HTS wave flags in Idlib, on Aug. 20, 2021.",
            "Omar Haj Kadour/AFP via Getty Images",
        ),
        (
            "Members of HTS wave flags in Idlib. Omar Haj Kadour/AFP via Getty Images",
            "Members of HTS wave flags in Idlib.",
            "Omar Haj Kadour/AFP via Getty Images",
        ),
        (
            "Peskov at a briefing in Moscow. REUTERS/Maxim Shemetov",
            "Peskov at a briefing in Moscow.",
            "REUTERS/Maxim Shemetov",
        ),
        (
            "The gates close at night. (Photo: Sam Patel/Eastmere Courier)",
            "The gates close at night.",
            "Sam Patel/Eastmere Courier",
        ),
        (
            "Residents watch from the sea wall. Photo by Tom Reed",
            "Residents watch from the sea wall.",
            "Tom Reed",
        ),
        (
            "President Biden speaks in Washington. (AP Photo/Evan Vucci)",
            "President Biden speaks in Washington.",
            "AP Photo/Evan Vucci",  # the AP's own form of credit
        ),
        ("A crowd at the harbour stage — Photo: Jo Lee", "A crowd at the harbour stage", "Jo Lee"),
    ],
)
def test_captions(text: str, caption: str, credit: str) -> None:
    assert textparts.caption(text) == textparts.Caption(caption, credit)


@pytest.mark.parametrize(
    "text",
    [
        "Russia and the United States (HTS) disagree.",
        "The service runs around the clock (24/7)",
        "Bogdanov described the talks with HTS as productive.",
        "He said the agencies agreed (AFP/Reuters).",
        "Prices rose. Analysts were surprised",
    ],
)
def test_not_captions(text: str) -> None:
    assert textparts.caption(text) is None


def test_dateline() -> None:
    found = textparts.dateline("WASHINGTON, Dec 16, 2024 (Reuters) - The U.S. said", 3)
    assert found is not None
    assert (found.place, found.agency, found.date.day) == (
        "WASHINGTON",
        "Reuters",
        date(2024, 12, 16),
    )
    found = textparts.dateline("KYIV, Ukraine (AP) — Drones struck", 3)
    assert found is not None and (found.place, found.agency, found.date) == (
        "KYIV, Ukraine",
        "AP",
        None,
    )
    assert textparts.dateline("Moscow (Reuters) said today", 1) is None


@pytest.mark.parametrize(
    ("text", "bylines", "published"),
    [
        ("By Jane Doe", ("Jane Doe",), None),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe"), None),
        ("By Lena Brandt | Feb. 20, 2025", ("Lena Brandt",), date(2025, 2, 20)),
        ("Posted on March 3, 2025 by Maya Okonkwo", ("Maya Okonkwo",), date(2025, 3, 3)),
        ("Published: 2025-01-14", (), date(2025, 1, 14)),
        ("Dec. 16, 2024 · 4 min read", (), date(2024, 12, 16)),
    ],
)
def test_meta_lines(text: str, bylines: tuple[str, ...], published: date | None) -> None:
    found = textparts.meta_line(text, 1)
    assert found is not None
    assert found.bylines == bylines
    assert (found.published.day if found.published else None) == published


@pytest.mark.parametrize(
    "text", ["By the time the troops left, the base was empty.", "Posted in a hurry", "Reuters"]
)
def test_not_meta_lines(text: str) -> None:
    assert textparts.meta_line(text, 1) is None


def test_source_markers() -> None:
    text, refs = textparts.source_markers(
        "Peskov spoke on Dec. 16 (source). TASS confirmed it (source: TASS, https://tass.com/x)."
    )
    assert text == "Peskov spoke on Dec. 16. TASS confirmed it."
    assert [(r.name, r.url, r.written) for r in refs] == [
        (None, None, "(source)"),
        ("TASS", "https://tass.com/x", "(source: TASS, https://tass.com/x)"),
    ]
    assert textparts.source_line("Source link") == textparts.SourceRef(None, None, "Source link")
    assert textparts.source_line("Source: Eastmere Council https://eastmere.example.gov/") == (
        textparts.SourceRef(
            "Eastmere Council",
            "https://eastmere.example.gov/",
            "Source: Eastmere Council https://eastmere.example.gov/",
        )
    )
    assert textparts.source_line("Sources said the talks went well.") is None


@pytest.mark.parametrize(
    ("text", "reason", "effect"),
    [
        ("Share this:", "share prompt", Effect.LINE),
        ("Click to share on WhatsApp (Opens in new window)", "share prompt", Effect.LINE),
        ("Like Loading...", "share prompt", Effect.LINE),
        ("Leave a Reply", "comment section", Effect.COMMENTS),
        ("12 thoughts on “A story”", "comment section", Effect.COMMENTS),
        (
            "Your email address will not be published. Required fields are marked *",
            "comment policy",
            Effect.LINE,
        ),
        ("Related", "related links", Effect.RELATED),
        ("Read more: Eastmere festival returns", "related link", Effect.LINE),
        ("Skip to content", "navigation", Effect.LINE),
        ("Menu", "navigation", Effect.LINE),
        ("Published 3 hours ago", "relative time", Effect.LINE),
        ("© 2025 Eastmere Courier", "copyright notice", Effect.LINE),
    ],
)
def test_boilerplate(text: str, reason: str, effect: Effect) -> None:
    found = boilerplate(text)
    assert found is not None and (found.reason, found.effect) == (reason, effect)


@pytest.mark.parametrize(
    "text",
    [
        "Posted in Damascus since 2015, the troops have now left.",
        "Related talks are planned for next week.",
        "Share prices fell sharply on Monday.",
        "Comments by the minister drew criticism.",
    ],
)
def test_not_boilerplate(text: str) -> None:
    assert boilerplate(text) is None


def test_section_slugs() -> None:
    assert section_slugs("World News") == ["world", "world-news"]
    assert section_slugs("Home » World » Middle East")[:3] == [
        "home-world-middle-east",
        "world",
        "middle-east",
    ]


# --------------------------------------------------------------------------
# Paragraphs and the parse as a whole
# --------------------------------------------------------------------------

WRAPPED = """\
Headline of the wrapped story

LONDON (AP) — The first paragraph of the story runs over three lines of
text in this file, as wire services wrap their copy at a fixed width of
about seventy characters.
A short second paragraph follows it.

Background

The last paragraph also runs over more than one line because it is long
enough to need wrapping at the width of this file.
"""


def test_hard_wrapped_copy_is_joined_into_paragraphs() -> None:
    units = split_units(WRAPPED)
    assert [(u.line, u.text[:30]) for u in units] == [
        (1, "Headline of the wrapped story"),
        (3, "LONDON (AP) — The first paragr"),
        (6, "A short second paragraph follo"),
        (8, "Background"),
        (10, "The last paragraph also runs o"),
    ]
    assert units[1].text.endswith("a fixed width of about seventy characters.")
    parsed = parse_plain_text(WRAPPED)
    assert parsed.agency == "AP"
    assert [(b.kind, b.line) for b in parsed.blocks] == [
        (BlockKind.PARAGRAPH, 3),
        (BlockKind.PARAGRAPH, 6),
        (BlockKind.HEADING, 8),
        (BlockKind.PARAGRAPH, 10),
    ]


def test_scraped_lines_are_never_joined() -> None:
    text = (
        "Headline\n\n"
        + "A long line of scraped text that runs on and on without end " * 3
        + "\nNext.\n"
    )
    assert [u.line for u in split_units(text)] == [1, 3, 4]


def test_short_line_before_boilerplate_is_a_paragraph_not_a_heading() -> None:
    parsed = parse_plain_text(
        "Headline\n\nBody text of the story.\n\nThanks for reading\n\nShare this:\n"
    )
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        (BlockKind.PARAGRAPH, "Body text of the story."),
        (BlockKind.PARAGRAPH, "Thanks for reading"),
    ]


@pytest.mark.parametrize(
    ("titles", "section", "headline", "summary"),
    [
        (
            "World News\n\nKremlin makes no decision",
            "World News",
            "Kremlin makes no decision",
            None,
        ),
        (
            "Storm hits Eastmere\n\nThe barrier held",
            None,
            "Storm hits Eastmere",
            "The barrier held",
        ),
        ("Exclusive\n\nStorm hits Eastmere", "Exclusive", "Storm hits Eastmere", None),
        (
            "Local\nStorm hits Eastmere\nThe barrier held overnight",
            "Local",
            "Storm hits Eastmere",
            "The barrier held overnight",
        ),
        ("Storm hits Eastmere", None, "Storm hits Eastmere", None),
    ],
)
def test_section_line_headline_and_standfirst(
    titles: str, section: str | None, headline: str, summary: str | None
) -> None:
    parsed = parse_plain_text(
        titles + "\n\nThe body of the story starts here.\n", ("world", "local")
    )
    assert (parsed.section_label, parsed.headline, parsed.summary) == (section, headline, summary)


def test_pull_quotes_and_image_urls() -> None:
    text = (
        "Headline\n\nFirst paragraph of it.\n\n> A marked pull quote\n\n"
        "Pull quote: Another one\n\nhttps://img.example.com/a.jpg\n\n"
        "https://img.example.com/b.png\n"
        "A caption for the picture. (Photo: Jo Lee/Courier)\n\nEnd.\n"
    )
    parsed = parse_plain_text(text)
    assert [(b.kind, b.text) for b in parsed.blocks if b.kind is BlockKind.QUOTE] == [
        (BlockKind.QUOTE, "A marked pull quote"),
        (BlockKind.QUOTE, "Another one"),
    ]
    assert [(p.caption, p.src) for p in parsed.photos] == [
        ("A caption for the picture.", "https://img.example.com/b.png")
    ]
    assert [(n.line, n.kind) for n in parsed.notes] == [(9, NoteKind.NOT_PLACED)]
    assert "https://img.example.com/a.jpg: no caption beside it" in parsed.notes[0].text


def test_empty_text() -> None:
    parsed = parse_plain_text("")
    assert (parsed.headline, parsed.blocks, parsed.notes) == (None, (), ())


def test_header_lines_used_and_dropped() -> None:
    text = (
        "Storm hits Eastmere harbour overnight\n"
        "Storm hits Eastmere harbour overnight\n"
        "By Daniel Reyes\n"
        "Jan. 14, 2025 · 4 min read\n"
        "Updated: Jan. 15, 2025\n"
        "Tags: storm, harbour\n\n"
        "Jan. 13, 2025\n\n"
        "The barrier held.\n"
    )
    parsed = parse_plain_text(text)
    assert (parsed.headline, parsed.summary, parsed.bylines) == (
        "Storm hits Eastmere harbour overnight",
        None,
        ("Daniel Reyes",),
    )
    assert parsed.published is not None and parsed.published.day == date(2025, 1, 14)
    assert parsed.updated is not None and parsed.updated.day == date(2025, 1, 15)
    assert parsed.tags == ("storm", "harbour")
    assert [(n.line, n.kind.value, n.text) for n in parsed.notes] == [
        (2, "dropped", 'title repeated (as on line 1): "Storm hits Eastmere harbour overnight"'),
        (4, "dropped", 'reading time: "4 min read"'),
        (8, "dropped", 'another date (line 4 gives the date): "Jan. 13, 2025"'),
    ]
    assert [b.text for b in parsed.blocks] == ["The barrier held."]


AP_STORY = """\
Business

Fed holds rates steady, signals two cuts later this year

By JOSH BOAK and CHRISTOPHER RUGABER Associated Press
Updated 3:15 PM EDT, June 12, 2024

WASHINGTON (AP) — The Federal Reserve left its key interest rate unchanged Wednesday.

Jerome Powell speaks during a news conference in Washington. (AP Photo/Susan Walsh)

Advertisement

“We want to see more good data,” Powell said at a news conference.

Copyright 2024 The Associated Press. All Rights Reserved.
"""


def test_associated_press_story() -> None:
    parsed = parse_plain_text(AP_STORY, ("business",))
    assert (parsed.section_label, parsed.summary) == ("Business", None)
    assert parsed.bylines == ("JOSH BOAK", "CHRISTOPHER RUGABER")  # the agency left out
    assert parsed.agency == "AP"
    assert parsed.published is None  # an update time is not the publication date
    assert parsed.updated is not None and parsed.updated.day == date(2024, 6, 12)
    assert [(p.credit, p.line) for p in parsed.photos] == [("AP Photo/Susan Walsh", 10)]
    assert [b.line for b in parsed.blocks] == [8, 14]
    assert [(n.line, n.text) for n in parsed.notes] == [
        (12, 'navigation: "Advertisement"'),
        (16, 'copyright notice: "Copyright 2024 The Associated Press. All Rights Reserved."'),
    ]


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "Divers survey the reef at dawn. (Photo: Jane Doe)",
            "Divers survey the reef at dawn.",
            "Jane Doe",
        ),
        (
            "Divers survey the reef at dawn. Photo: jane doe",
            "Divers survey the reef at dawn.",
            "jane doe",
        ),
        (
            "Divers survey the reef at dawn. Credit: Marine Society/Handout",
            "Divers survey the reef at dawn.",
            "Marine Society/Handout",
        ),
        (
            "Divers survey the reef at dawn. Image: the society's own archive",
            "Divers survey the reef at dawn.",
            "the society's own archive",
        ),
        (
            "Divers survey the reef at dawn (Courtesy of the Marine Society)",
            "Divers survey the reef at dawn",
            "Courtesy of the Marine Society",
        ),
        ("Divers survey the reef at dawn (Handout)", "Divers survey the reef at dawn", "Handout"),
        (
            "Divers survey the reef at dawn (File photo)",
            "Divers survey the reef at dawn",
            "File photo",
        ),
    ],
)
def test_a_labelled_credit_makes_a_caption_whatever_it_says(
    text: str, caption: str, credit: str
) -> None:
    assert textparts.caption(text) == textparts.Caption(caption, credit)


@pytest.mark.parametrize(
    "text",
    [
        "The minister said this (in March) was final.",
        "The photo: a blurred shape that proves nothing, he said.",
        "Credit: where it is due.",
    ],
)
def test_prose_with_such_words_is_no_caption(text: str) -> None:
    assert textparts.caption(text) is None


KELP = "Kelp forests off the Eastmere coast in March 2023."
KELP_CREDIT = "Expedition photo/Eastmere Marine Society"


@pytest.mark.parametrize("bracketed_first", [True, False])
def test_a_caption_repeated_with_and_without_its_credit_is_a_caption(bracketed_first: bool) -> None:
    pair = [f"{KELP} ({KELP_CREDIT})", f"{KELP} {KELP_CREDIT}"]
    if not bracketed_first:
        pair.reverse()
    text = "\n\n".join(
        ["Science", "Kelp is back", "March 3, 2024", "The kelp has returned.", *pair, "More text."]
    )
    parsed = parse_plain_text(text, ("science",))
    assert [(p.caption, p.credit) for p in parsed.photos] == [(KELP, KELP_CREDIT)]
    body = " ".join(block.text for block in parsed.blocks)
    assert "Kelp forests" not in body and "Expedition" not in body
    assert any("photo caption repeated" in note.text for note in parsed.notes)


def test_lines_that_differ_in_more_than_their_brackets_are_no_caption() -> None:
    assert textparts.repeated_caption(f"{KELP} ({KELP_CREDIT})", f"{KELP} Another credit") is None
    assert textparts.repeated_caption("He said (today) so.", "He said today so.") is None
