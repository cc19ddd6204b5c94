"""Deterministic news-archive corpus for newsgen's benchmarks.

``python benchmarks/corpus.py --articles N --out DIR [--seed S]`` writes a
complete newsgen site into DIR: ``newsgen.yaml``, ``authors.yaml``,
``content/<section>/<slug>.md``, a photograph of its own for each article in
``static/images/lead/`` (as a real news site has) and a handful of small shared
images in ``static/images/``. The same seed always gives the same bytes.

Articles read like wire copy: 600-900 words of paragraphs with quotes
("..., said X"), numbers and place names, subheadings, links (to the web and
to earlier articles of the archive), lists and the odd block quote; 8
sections, about 200 bylines, about 500 tags, 1-2 images each, dates spread
over ten years. Nothing is downloaded: every word comes from the lists below
or from syllables put together.

Speed: sentences are drawn from pools made once per corpus (with placeholders
for each article's own people, place and organisation), so 10,000 articles
take a few seconds and 100,000 well under a minute.

``anchors.py`` imports :func:`generate` to write the very same articles in
Hugo's and Pelican's formats.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import struct
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TIMEZONE = "Europe/London"
BASE_URL = "https://bench.example.com/"
SITE_TITLE = "The Benchmark Gazette"
PER_PAGE = 20
FEED_ITEMS = 50
FIRST_DAY = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2025, 1, 1, tzinfo=UTC) - FIRST_DAY).total_seconds())
"""Dates fall in the ten years 2015-2024, so every article is in the past."""

SECTIONS: tuple[tuple[str, str, int], ...] = (
    # (folder, title, weight)
    ("world", "World", 20),
    ("politics", "Politics", 16),
    ("business", "Business", 16),
    ("local", "Local", 14),
    ("science", "Science", 9),
    ("technology", "Technology", 9),
    ("culture", "Culture", 8),
    ("sport", "Sport", 8),
)
BYLINES = 200
TAGS = 500
IMAGES = 8
LEAD_FOLDER = "lead"
"""Under ``static/images/``: one photograph per article, named after its slug."""
PLACEHOLDERS = ("\x01", "\x02", "\x03", "\x04")
"""Person A, person B, place, organisation: filled in per article."""

# --------------------------------------------------------------------------- words


def words(text: str) -> tuple[str, ...]:
    """Return the whitespace-separated words of ``text`` (keeps the word lists compact)."""
    return tuple(text.split())


NOUNS = words(
    """council budget plan report government ministry court election vote agreement strike
union company market price bank port harbour bridge railway road hospital school university
police minister mayor committee inquiry investigation policy law bill tax fund project
programme scheme contract deal merger shareholder investor factory plant mine farm harvest
drought flood storm fire earthquake river coast forest energy gas oil grid turbine battery
vaccine virus study researcher scientist telescope satellite museum festival film album novel
exhibition theatre orchestra team club league match season coach striker title record trial
verdict appeal protest march rally border treaty summit ceasefire army refugee housing rent
landlord tenant wage pension inflation economy export tariff shipment cargo airline airport
flight ferry tunnel network chip startup regulator watchdog charity volunteer resident
community district village city region province parliament senate coalition party candidate
campaign poll referendum library stadium reservoir pipeline depot warehouse clinic nurse
doctor teacher student pupil landlord retailer supplier bakery brewery vineyard fishery
shipyard terminal runway motorway junction tram bus cyclist lane park garden playground
archive gallery quarter market square cathedral castle lighthouse dam canal estuary island
valley glacier wildfire heatwave frost harvest reserve lender mortgage bond currency
"""
)

VERBS: tuple[tuple[str, str], ...] = tuple(
    tuple(pair.split("/"))  # type: ignore[misc]
    for pair in words(
        """approves/approved rejects/rejected delays/delayed announces/announced cuts/cut
raises/raised opens/opened closes/closed backs/backed blocks/blocked expands/expanded
reviews/reviewed plans/planned launches/launched suspends/suspended extends/extended
doubles/doubled halts/halted restores/restored funds/funded targets/targeted defends/defended
questions/questioned signs/signed wins/won loses/lost sells/sold buys/bought builds/built
tests/tested finds/found drops/dropped revives/revived unveils/unveiled scraps/scrapped
secures/secured completes/completed investigates/investigated challenges/challenged
criticises/criticised welcomes/welcomed postpones/postponed reopens/reopened
confirms/confirmed overturns/overturned freezes/froze boosts/boosted trims/trimmed
"""
    )
)

ADJECTIVES = words(
    """new local regional national federal public private small large major key
controversial long-awaited emergency annual temporary permanent first final former rural urban
coastal northern southern eastern western independent joint rival record historic modern
digital green renewable cheaper rising falling delayed disputed popular ageing crowded quiet
busy costly modest sweeping sudden gradual unexpected planned proposed revised interim
cross-party overnight weekly seasonal municipal industrial agricultural maritime scientific
cultural sporting volunteer-run family-owned state-backed
"""
)

UNCOUNTABLE = frozenset(
    words("energy housing inflation economy police rent oil gas drought frost cargo")
)
PREPOSITIONS = words("for over near across despite after before within around beyond")
WEEKDAYS = words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = words(
    """January February March April May June July August September October November
December"""
)
SAID = ("said", "told reporters", "added", "warned", "argued", "insisted", "noted", "explained")
ADVERBIALS = (
    "according to people familiar with the matter",
    "officials said",
    "in a statement released late on",
    "despite objections from residents",
    "after months of negotiation",
    "for the first time in a decade",
    "amid growing concern about costs",
    "under pressure from opposition members",
    "ahead of next year's elections",
    "as talks continued behind closed doors",
)
ROLES = (
    "a spokesperson for \x04",
    "the chief executive of \x04",
    "a senior official at \x04",
    "a resident of \x03",
    "the mayor of \x03",
    "who chairs the committee",
    "an economist who has studied the sector for years",
    "a member of the opposition",
    "the head of the local chamber of commerce",
    "a union representative",
)
TOPICS = words(
    """Elections Climate Housing Transport Energy Health Education Economy Trade Shipping
Agriculture Fisheries Tourism Banking Inflation Employment Pensions Immigration Defence Diplomacy
Courts Policing Prisons Water Flooding Drought Wildfires Weather Space Astronomy Biology Medicine
Vaccines Research Universities Schools Music Film Theatre Literature Art Museums Festivals
Football Rugby Cricket Athletics Cycling Tennis Sailing Rowing Olympics Technology Software
Semiconductors Startups Telecoms Broadband Privacy Cybersecurity Media Newspapers Broadcasting
Railways Aviation Roads Ports Infrastructure Planning Budgets Taxation Welfare Charities
Religion Heritage Archaeology History Food Retail Property Construction Manufacturing Mining
Oil Gas Nuclear Wind Solar Batteries Recycling Pollution Wildlife Forests Oceans Rivers Protests
Strikes Unions Referendums Parliament Councils Coalitions Corruption Inquiries Obituaries
"""
)

FIRST_NAMES = words(
    """Lena Daniel Maya Ingrid Tomas Aisha Kenji Olga Marco Sara Jonas Priya Ahmed Clara
Mateo Ines Yusuf Hanna Pavel Amara Lucas Noor Elif Rafael Greta Omar Sofia Viktor Leila Anders
Chloe Dmitri Fatima Hugo Irene Jamal Katya Liam Mina Nikos Paula Quentin Rosa Samuel Tara
Uma Vera Wanjiru Xavier Yara Zoltan Beatriz Emil Freya Gustav Hiro Ilse Joao Karin Luca Mirela
"""
)
SYLLABLES_START = words(
    """Ash Brad Cal Dun East Fen Gal Hal Ind Kel Lind Mar Nor Orm Pen Rav Sel Tor
Ul Var Wen Yar Bel Cor Dal Elm Far Gren Hol Kin Lor Mor Nes Ost Ros Stan Thorn Vel Wal Brom
"""
)
SYLLABLES_END = words(
    """mere ford holt wick stad burg ton vale dale by field haven moor port bridge
more ley well worth ham sund"""
)
SURNAME_ENDS = words("""son sen berg man ova ski ez ini ard ley ton well wood er ic ov as""")
ORG_KINDS = (
    "{p} City Council",
    "{p} Port Authority",
    "{p} Energy",
    "{p} General Hospital",
    "the University of {p}",
    "{p} Rail",
    "the {p} Chamber of Commerce",
    "{p} Water",
    "the {p} Institute",
    "{p} Holdings",
    "the {p} Workers' Union",
    "{p} Football Club",
)
DOMAINS = (
    "www.gov.example",
    "data.example.org",
    "news.example.net",
    "www.stats.example",
    "courts.example.org",
    "www.parliament.example",
    "press.example.com",
    "research.example.edu",
)


def plural(noun: str) -> str:
    """Return a plain English plural of ``noun``."""
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"


def slugify(text: str) -> str:
    """Return newsgen's slug for an ASCII headline (lowercase words joined by hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cap(text: str) -> str:
    """Return ``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- names


@dataclass(frozen=True, slots=True)
class Names:
    """The proper names of one corpus: people, places, organisations, tags, bylines."""

    places: tuple[str, ...]
    people: tuple[str, ...]
    orgs: tuple[str, ...]
    bylines: tuple[str, ...]
    tags: tuple[str, ...]


def make_names(rng: random.Random) -> Names:
    """Return the corpus's names, made from syllables (no two alike)."""
    places = _unique(lambda: rng.choice(SYLLABLES_START) + rng.choice(SYLLABLES_END), 400, rng)
    surnames = _unique(lambda: rng.choice(SYLLABLES_START) + rng.choice(SURNAME_ENDS), 500, rng)
    people = _unique(lambda: f"{rng.choice(FIRST_NAMES)} {rng.choice(surnames)}", 3000, rng)
    orgs = _unique(lambda: rng.choice(ORG_KINDS).format(p=rng.choice(places)), 600, rng)
    bylines = tuple(rng.sample(people, BYLINES))
    tag_pool = [*TOPICS, *places[:260], *(o.removeprefix("the ") for o in orgs[:200])]
    tags: list[str] = []
    seen: set[str] = set()
    for tag in tag_pool:
        if slugify(tag) not in seen and len(tags) < TAGS:
            seen.add(slugify(tag))
            tags.append(tag)
    rng.shuffle(tags)
    return Names(tuple(places), tuple(people), tuple(orgs), bylines, tuple(tags))


def _unique(make: Callable[[], str], count: int, rng: random.Random) -> list[str]:
    """Return ``count`` distinct results of ``make()`` in the order first made."""
    found: dict[str, None] = {}
    for _ in range(count * 50):
        found.setdefault(make(), None)
        if len(found) == count:
            break
    return list(found)


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True, slots=True)
class Pools:
    """Pre-made text with placeholders; each entry is ``(text, word count)``."""

    sentences: tuple[tuple[str, int], ...]
    quotes: tuple[tuple[str, int], ...]
    subheads: tuple[str, ...]
    list_items: tuple[str, ...]
    link_sentences: tuple[tuple[str, int], ...]
    captions: tuple[str, ...]
    headlines: Callable[[random.Random], str]


class Writer:
    """Makes news-like phrases from the word lists with one random generator."""

    def __init__(self, rng: random.Random, names: Names) -> None:
        self.rng = rng
        self.names = names

    def number(self) -> str:
        """A number as news copy writes it: 1,240 / 3.5 percent / £12 million."""
        rng = self.rng
        kind = rng.randrange(5)
        if kind == 0:
            return f"{rng.randint(2, 99) * 10 ** rng.randint(1, 3):,}"
        if kind == 1:
            return f"{rng.randint(1, 40)}.{rng.randint(0, 9)} percent"
        if kind == 2:
            return f"£{rng.randint(2, 950)} million"
        if kind == 3:
            return f"${rng.randint(1, 9)}.{rng.randint(1, 9)}bn"
        return f"{rng.randint(2, 60)}"

    def noun_phrase(self, plurals: bool = True) -> str:
        """'the new harbour plan', 'local pension funds', ... (singular unless ``plurals``)."""
        rng = self.rng
        noun = rng.choice(NOUNS)
        if plurals and noun not in UNCOUNTABLE and rng.random() < 0.3:
            return f"{rng.choice(ADJECTIVES)} {plural(noun)}"
        return f"the {rng.choice(ADJECTIVES)} {noun}"

    def clause(self) -> str:
        """A main clause in the past tense, with an optional place or purpose."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            subject = "\x04"
        elif roll < 0.22:
            subject = rng.choice(("\x01", "\x02"))
        elif roll < 0.3:
            subject = "officials in \x03"
        elif roll < 0.4:
            subject = rng.choice(self.names.orgs)
        else:
            subject = self.noun_phrase()
        text = f"{subject} {rng.choice(VERBS)[1]} {self.noun_phrase()}"
        roll = rng.random()
        if roll < 0.3:
            text += f" {rng.choice(PREPOSITIONS)} {self.noun_phrase()}"
        elif roll < 0.5:
            text += f" in {rng.choice(self.names.places)}"
        elif roll < 0.65:
            text += f" worth {self.number()}"
        return text

    def sentence(self) -> str:
        """One sentence of reporting."""
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:
            return f"{cap(self.clause())} on {rng.choice(WEEKDAYS)}, {rng.choice(ADVERBIALS)}."
        if kind == 1:
            return (
                f"{cap(self.noun_phrase(plurals=False))} rose by {self.number()} in "
                f"{rng.choice(MONTHS)} {rng.randint(2014, 2024)}, according to figures "
                f"from {rng.choice(self.names.orgs)}."
            )
        if kind == 2:
            return f"In \x03, {self.clause()}, {rng.choice(ADVERBIALS)}."
        if kind == 3:
            return (
                f"{cap(self.noun_phrase(plurals=False))} has been {rng.choice(VERBS)[1]} since "
                f"{rng.randint(2005, 2023)}, when {self.clause()}."
            )
        if kind == 4:
            return f"\x04 said the {rng.choice(NOUNS)} would cost about {self.number()}."
        if kind == 5:
            return f"{cap(self.clause())}, and {self.clause()}."
        return f"{cap(self.clause())} {rng.choice(PREPOSITIONS)} {self.noun_phrase()}."

    def quote(self) -> str:
        """A quotation with attribution, in the newsroom's curly quotes."""
        rng = self.rng
        speaker = rng.choice(("\x01", "\x02", rng.choice(self.names.people)))
        said = rng.choice(SAID)
        role = rng.choice(ROLES)
        kind = rng.randrange(3)
        if kind == 1:
            return f"{speaker}, {role}, {said}: “{cap(self.clause())}.”"
        said = said if " " not in said else "said"  # 'told reporters' does not invert
        if kind == 0:
            return f"“{cap(self.clause())},” {said} {speaker}, {role}."
        return (
            f"“{cap(self.clause())},” {said} {speaker}. "
            f"“{cap(self.clause())}, and {self.clause()}.”"
        )

    def link_sentence(self) -> str:
        """A sentence with a link to a document on the web."""
        rng = self.rng
        noun = rng.choice(("report", "statement", "ruling", "figures", "consultation", "study"))
        path = "/".join(slugify(rng.choice(NOUNS)) for _ in range(rng.randint(1, 3)))
        url = f"https://{rng.choice(DOMAINS)}/{path}/{rng.randint(100, 99999)}"
        return (
            f"The full {noun} was published on [the {rng.choice(NOUNS)} pages of "
            f"{rng.choice(self.names.orgs)}]({url})."
        )

    def subhead(self) -> str:
        """A short subheading."""
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return f"{cap(rng.choice(ADJECTIVES))} {plural(rng.choice(NOUNS))}"
        if kind == 1:
            return f"What the {rng.choice(NOUNS)} means for {rng.choice(self.names.places)}"
        if kind == 2:
            return f"‘{cap(rng.choice(ADJECTIVES))}’ {rng.choice(NOUNS)}"
        return f"{cap(rng.choice(NOUNS))} and {rng.choice(NOUNS)}"

    def list_item(self) -> str:
        """One item of a bulleted list."""
        rng = self.rng
        return f"{cap(self.noun_phrase())} in {rng.choice(self.names.places)}: {self.number()}"

    def caption(self) -> str:
        """An image caption."""
        rng = self.rng
        return (
            f"{cap(plural(rng.choice(NOUNS)))} near the {rng.choice(NOUNS)} in "
            f"{rng.choice(self.names.places)}, {rng.choice(MONTHS)} {rng.randint(2014, 2024)}."
        )

    def headline(self, rng: random.Random) -> str:
        """A headline in sentence case, plain ASCII (its slug is then easy to predict)."""
        names = self.names
        noun = rng.choice(NOUNS)
        subject = rng.choice(
            (
                rng.choice(names.places),
                rng.choice(names.orgs).removeprefix("the ").replace("'", ""),
                cap(f"{rng.choice(ADJECTIVES)} {noun}"),
            )
        )
        verb = rng.choice(VERBS)[0]
        thing = rng.choice(("plan", "deal", "rules", "funding", "talks", "bid", "review"))
        obj = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {thing}"
        tail = rng.choice(
            (
                "",
                f" in {rng.choice(names.places)}",
                f" after {rng.choice(NOUNS)} {plural(rng.choice(NOUNS))}",
                f" amid {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} row",
                f" as {plural(rng.choice(NOUNS))} rise",
            )
        )
        return f"{subject} {verb} {obj}{tail}"


def make_pools(rng: random.Random, names: Names) -> Pools:
    """Return the text pools of a corpus (a few thousand entries each)."""
    writer = Writer(rng, names)

    def counted(make: Callable[[], str], count: int) -> tuple[tuple[str, int], ...]:
        return tuple((text, text.count(" ") + 1) for text in (make() for _ in range(count)))

    return Pools(
        sentences=counted(writer.sentence, 6000),
        quotes=counted(writer.quote, 3000),
        subheads=tuple(writer.subhead() for _ in range(600)),
        list_items=tuple(writer.list_item() for _ in range(2000)),
        link_sentences=counted(writer.link_sentence, 1500),
        captions=tuple(writer.caption() for _ in range(800)),
        headlines=writer.headline,
    )


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True, slots=True)
class Image:
    """One image of an article."""

    src: str
    caption: str
    credit: str
    alt: str


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article, independent of any generator's file format."""

    section: str
    """Section folder (``world``)."""
    slug: str
    """The headline's slug; also the file name."""
    headline: str
    date: datetime
    updated: datetime | None
    bylines: tuple[str, ...]
    tags: tuple[str, ...]
    images: tuple[Image, ...]
    sources: tuple[tuple[str, str], ...]
    id: str | None
    summary: str | None
    correction: tuple[str, str] | None
    """``(ISO date, text)`` of a correction, or None."""
    body: str
    """Markdown; links to other articles are relative paths to their ``.md`` files."""

    @property
    def path(self) -> str:
        """The article's file, relative to ``content/``."""
        return f"{self.section}/{self.slug}.md"


@dataclass(frozen=True, slots=True)
class Skeleton:
    """What is decided for every article before any body is written."""

    section: str
    slug: str
    headline: str
    date: datetime


def generate(count: int, seed: int = 1) -> Iterator[Article]:
    """Yield ``count`` articles; the same ``seed`` always yields the same articles."""
    rng = random.Random(seed)
    names = make_names(rng)
    pools = make_pools(rng, names)
    skeletons = make_skeletons(count, rng, pools)
    tag_weights = _zipf_cumulative(len(names.tags), 0.9)
    byline_weights = _zipf_cumulative(len(names.bylines), 0.6)
    for index, skeleton in enumerate(skeletons):
        article_rng = random.Random(seed * 1_000_003 + index)
        article = make_article(
            index, skeleton, skeletons, article_rng, names, pools, tag_weights, byline_weights
        )
        yield with_own_photo(article)


def with_own_photo(article: Article) -> Article:
    """Return ``article`` with a photograph of its own as its lead image, as on a real
    news site: ``static/images/lead/SLUG.png`` (write_site() writes the file). Its
    first shared image gives up its place; one without images gets a caption of its
    headline. No random draw: the rest of the corpus stays as it was."""
    src = f"/images/{LEAD_FOLDER}/{article.slug}.png"
    if article.images:
        lead = replace(article.images[0], src=src)
    else:
        lead = Image(src, f"{article.headline}.", "Staff photographer", article.headline)
    return replace(article, images=(lead, *article.images[1:]))


def make_skeletons(count: int, rng: random.Random, pools: Pools) -> list[Skeleton]:
    """Return sections, unique headlines and dates for ``count`` articles."""
    folders = [s[0] for s in SECTIONS]
    weights = [s[2] for s in SECTIONS]
    sections = rng.choices(folders, weights, k=count)
    seen: set[str] = set()
    skeletons = []
    for section in sections:
        while True:
            headline = pools.headlines(rng)
            slug = slugify(headline)
            if slug not in seen and len(slug) <= 80:
                break
        seen.add(slug)
        seconds = rng.randrange(SPAN_SECONDS // 60) * 60
        skeletons.append(Skeleton(section, slug, headline, FIRST_DAY + timedelta(seconds=seconds)))
    return skeletons


def _zipf_cumulative(count: int, exponent: float) -> list[float]:
    """Cumulative weights ``1/rank**exponent`` for ``random.choices(cum_weights=...)``."""
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return cumulative


def make_article(
    index: int,
    skeleton: Skeleton,
    skeletons: Sequence[Skeleton],
    rng: random.Random,
    names: Names,
    pools: Pools,
    tag_weights: list[float],
    byline_weights: list[float],
) -> Article:
    """Return article ``index``: front matter fields and a body of 600-900 words."""
    zone = ZoneInfo(TIMEZONE)
    date = skeleton.date.astimezone(zone)
    updated = (date + timedelta(minutes=rng.randint(30, 600))) if rng.random() < 0.15 else None
    bylines = tuple(
        dict.fromkeys(
            rng.choices(names.bylines, cum_weights=byline_weights, k=1 + (rng.random() < 0.1))
        )
    )
    tags = tuple(
        dict.fromkeys(rng.choices(names.tags, cum_weights=tag_weights, k=rng.randint(2, 6)))
    )
    images = tuple(make_image(rng, pools) for _ in range(rng.choices((0, 1, 2), (35, 45, 20))[0]))
    sources = tuple(
        (
            rng.choice(names.orgs).removeprefix("the "),
            f"https://{rng.choice(DOMAINS)}/{rng.randint(1000, 999999)}",
        )
        for _ in range(rng.choice((0, 0, 1, 1, 2)))
    )
    article_id = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if rng.random() < 0.6 else None
    correction = None
    if rng.random() < 0.01:
        when = (date + timedelta(days=2)).date().isoformat()
        correction = (when, "An earlier version of this article misstated a figure.")
    link_target = skeletons[rng.randrange(index)] if index and rng.random() < 0.2 else None
    body = make_body(rng, names, pools, link_target)
    summary = rng.choice(pools.sentences)[0] if rng.random() < 0.15 else None
    cast = (
        rng.choice(names.people),
        rng.choice(names.people),
        rng.choice(names.places),
        rng.choice(names.orgs),
    )
    body, summary = fill(body, cast), fill(summary, cast) if summary else None
    return Article(
        skeleton.section,
        skeleton.slug,
        skeleton.headline,
        date,
        updated,
        bylines,
        tags,
        images,
        sources,
        article_id,
        summary,
        correction,
        body,
    )


def make_image(rng: random.Random, pools: Pools) -> Image:
    """Return one of the shared images with its own caption."""
    caption = rng.choice(pools.captions)
    credit = rng.choice(("Staff photographer", "Agency photo", "Reader submission", "Handout"))
    return Image(f"/images/photo-{rng.randrange(IMAGES) + 1}.png", caption, credit, caption)


def fill(text: str, cast: Sequence[str]) -> str:
    """Replace the placeholders of ``text`` with the article's people, place and organisation."""
    for marker, name in zip(PLACEHOLDERS, cast, strict=True):
        text = text.replace(marker, name)
    return text


def make_body(rng: random.Random, names: Names, pools: Pools, link_target: Skeleton | None) -> str:
    """Return a Markdown body of 600-900 words with placeholders still in it."""
    target = rng.randint(610, 780)
    blocks: list[str] = []
    words = 0
    paragraph_count = 0
    extras = _extras_plan(rng, link_target)
    full = False
    while not full:
        sentences: list[str] = []
        for _ in range(rng.randint(2, 4)):
            pool = pools.quotes if rng.random() < 0.22 else pools.sentences
            text, count = rng.choice(pool)
            if words + count > target and words >= 600 and sentences:
                full = True
                break
            sentences.append(text)
            words += count
        blocks.append(" ".join(sentences))
        paragraph_count += 1
        extra = extras.get(paragraph_count)
        if extra == "subhead":
            subhead = rng.choice(pools.subheads)
            blocks.append(f"## {subhead}")
            words += subhead.count(" ") + 1
        elif extra == "list":
            items = rng.sample(pools.list_items, rng.randint(3, 5))
            blocks.append("\n".join(f"- {item}" for item in items))
            words += sum(item.count(" ") + 2 for item in items)
        elif extra == "blockquote":
            text, count = rng.choice(pools.quotes)
            blocks.append(f"> {text}")
            words += count
        elif extra == "link":
            text, count = rng.choice(pools.link_sentences)
            blocks[-1] += " " + text
            words += count
        elif extra == "internal" and link_target is not None:
            relative = f"../{link_target.section}/{link_target.slug}.md"
            blocks[-1] += f" [Earlier coverage]({relative}) reported on the background."
            words += 5
    return "\n\n".join(blocks) + "\n"


def _extras_plan(rng: random.Random, link_target: Skeleton | None) -> dict[int, str]:
    """Which paragraph (1-based) is followed by a subheading, list, quote or link."""
    plan = {rng.randint(3, 5): "subhead", rng.randint(8, 10): "subhead", 2: "link"}
    if rng.random() < 0.5:
        plan[rng.choice((6, 7))] = "list"
    if rng.random() < 0.25:
        plan[rng.choice((11, 12))] = "blockquote"
    if rng.random() < 0.4:
        plan[13] = "link"
    if link_target is not None:
        plan[4 if plan.get(4) is None else 1] = "internal"
    return plan


# --------------------------------------------------------------------------- newsgen files


def yaml_string(text: str) -> str:
    """Return ``text`` as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def front_matter(article: Article) -> str:
    """Return the article's newsgen front matter, between ``---`` lines."""
    lines = ["---"]
    if article.id:
        lines.append(f"id: {article.id}")
    lines.append(f"headline: {yaml_string(article.headline)}")
    lines.append(f"date: {article.date.isoformat()}")
    if article.updated:
        lines.append(f"updated: {article.updated.isoformat()}")
    if len(article.bylines) == 1:
        lines.append(f"byline: {yaml_string(article.bylines[0])}")
    else:
        lines.append("byline:")
        lines += [f"  - {yaml_string(name)}" for name in article.bylines]
    if article.summary:
        lines.append(f"summary: {yaml_string(article.summary)}")
    lines.append("tags: [" + ", ".join(yaml_string(tag) for tag in article.tags) + "]")
    if article.sources:
        lines.append("sources:")
        for name, url in article.sources:
            lines += [f"  - name: {yaml_string(name)}", f"    url: {url}"]
    if article.images:
        lines.append("images:")
        for image in article.images:
            lines += [
                f"  - src: {image.src}",
                f"    caption: {yaml_string(image.caption)}",
                f"    credit: {yaml_string(image.credit)}",
                f"    alt: {yaml_string(image.alt)}",
            ]
    if article.correction:
        when, text = article.correction
        lines += ["corrections:", f"  - date: {when}", f"    text: {yaml_string(text)}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def site_config(search: bool = True) -> str:
    """Return the site's ``newsgen.yaml`` (with the search index, unless ``search`` is False)."""
    sections = "\n".join(f"  - name: {folder}\n    title: {title}" for folder, title, _ in SECTIONS)
    return (
        "# Benchmark corpus made by benchmarks/corpus.py.\n"
        f"title: {SITE_TITLE}\n"
        "description: A generated archive for measuring build times.\n"
        f"base_url: {BASE_URL}\n"
        "language: en\n"
        f"timezone: {TIMEZONE}\n"
        "permalink: /{section}/{yyyy}/{mm}/{dd}/{slug}/\n"
        f"per_page: {PER_PAGE}\n"
        f"feed_items: {FEED_ITEMS}\n"
        f"sections:\n{sections}\n"
        "publisher:\n"
        f"  name: {SITE_TITLE}\n"
        "# The search index is on, as in every new site (docs/search.md);\n"
        "# benchmarks/run.py --no-search measures without it.\n"
        f"search: {'true' if search else 'false'}\n"
    )


def authors_yaml(seed: int) -> str:
    """Return ``authors.yaml`` with profiles for a quarter of the bylines."""
    rng = random.Random(seed)
    names = make_names(rng)
    lines = ["# Author profiles made by benchmarks/corpus.py."]
    for name in names.bylines[::4]:
        beat, place = rng.choice(TOPICS).lower(), rng.choice(names.places)
        lines += [
            f"{yaml_string(name)}:",
            f"  bio: {yaml_string(f'Covers {beat} for the Gazette from {place}.')}",
            "  links:",
            "    - name: Email",
            f"      url: mailto:{slugify(name)}@bench.example.com",
        ]
    return "\n".join(lines) + "\n"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """Return a small valid PNG: a flat colour with a darker band."""
    dark = bytes(max(0, c - 60) for c in rgb)
    light = bytes(rgb)
    rows = b"".join(
        b"\x00" + (dark if height // 3 <= y < height // 2 else light) * width for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def image_files() -> dict[str, bytes]:
    """Return the shared images by name (``photo-1.png`` ...)."""
    colours = (
        (70, 110, 160),
        (160, 90, 60),
        (80, 140, 90),
        (150, 150, 70),
        (120, 80, 140),
        (60, 130, 140),
        (170, 120, 120),
        (100, 100, 100),
    )
    return {f"photo-{i + 1}.png": png(160, 90, colours[i % len(colours)]) for i in range(IMAGES)}


def write_site(out: Path, count: int, seed: int = 1, search: bool = True) -> int:
    """Write a complete newsgen site with ``count`` articles into ``out`` (search on unless
    ``search`` is False); return bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "newsgen.yaml").write_text(site_config(search), encoding="utf-8")
    (out / "authors.yaml").write_text(authors_yaml(seed), encoding="utf-8")
    images = out / "static" / "images"
    images.mkdir(parents=True, exist_ok=True)
    shared = image_files()
    for name, data in shared.items():
        (images / name).write_bytes(data)
    leads, photos = images / LEAD_FOLDER, list(shared.values())
    leads.mkdir(exist_ok=True)
    for folder, _, _ in SECTIONS:
        (out / "content" / folder).mkdir(parents=True, exist_ok=True)
    written = 0
    for index, article in enumerate(generate(count, seed)):
        data = (front_matter(article) + article.body).encode("utf-8")
        (out / "content" / article.path).write_bytes(data)
        (leads / f"{article.slug}.png").write_bytes(photos[index % len(photos)])
        written += len(data)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--articles N --out DIR [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles")
    parser.add_argument("--out", type=Path, required=True, help="the site folder to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--no-search", action="store_true", help="write 'search: false'")
    args = parser.parse_args(argv)
    if (args.out / "content").exists():
        parser.error(f"{args.out} already holds a content/ folder; use an empty folder")
    started = time.perf_counter()
    written = write_site(args.out, args.articles, args.seed, not args.no_search)
    print(
        f"Wrote {args.articles:,} articles ({written / 1e6:.1f} MB) to {args.out} "
        f"in {time.perf_counter() - started:.1f} s (seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
