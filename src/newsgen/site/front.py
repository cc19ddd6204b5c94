"""The front page: which stories lead, which are top stories, which fill the blocks.

Editors shape it from front matter (docs/front-page.md): ``featured: true``
asks for the lead, ``priority: N`` ranks a story among the top stories while
it is recent (``home.recent_hours``), and ``pin_until`` holds both until a
moment (after it, the story takes its place by date again). With nothing set,
the newest story with a picture leads and the newest others follow.

The choice works on Facts (what the choice reads of an article), so that a
quick rebuild can make it again from the few articles that could be chosen
(pool()) instead of the whole archive. No story is shown twice. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsgen.models import Article, FrontPage, HomeSettings, Section, SectionBlock


@dataclass(frozen=True, slots=True)
class Facts:
    """What the front page's choice reads of one article."""

    path: str
    """Its source path."""
    date: datetime
    section: str
    """Its section's slug."""
    pictured: bool
    """True when it has a lead image."""
    featured: bool = False
    priority: int = 0
    pin_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """The front page by source paths: the lead, top stories, latest, and each block."""

    lead: str | None
    top: tuple[str, ...]
    latest: tuple[str, ...]
    blocks: tuple[tuple[str, tuple[str, ...]], ...]
    """(section slug, its stories) for each block, in order."""

    def paths(self) -> set[str]:
        """Return every source path the front page shows."""
        shown = {*self.top, *self.latest}
        shown.update(path for _, paths in self.blocks for path in paths)
        if self.lead is not None:
            shown.add(self.lead)
        return shown


def facts_of(article: Article) -> Facts:
    """Return what the front page's choice reads of ``article``."""
    return Facts(
        article.source_path,
        article.date,
        article.section.slug,
        article.lead_image is not None,
        article.featured,
        article.priority,
        article.pin_until,
    )


def block_sections(home: HomeSettings, sections: Sequence[str]) -> list[tuple[str, int]]:
    """Return each block's section slug and size: ``home.blocks`` (sections the site has)
    or, by default, every one of ``sections`` (slugs in display order)."""
    if home.blocks is None:
        return [(slug, home.block_size) for slug in sections]
    known = set(sections)
    return [(block.section, block.size) for block in home.blocks if block.section in known]


def choose(
    facts: Sequence[Facts], home: HomeSettings, now: datetime, sections: Sequence[str]
) -> Choice:
    """Return the front page made of ``facts`` (newest first, as the Site orders its
    articles) at ``now``, with blocks for ``sections`` (slugs in display order)."""
    ranked = _ranked(facts, home, now)
    featured = [f for f in facts if f.featured and _holds(f, now)]
    pictured = next((f for f in ranked if f.pictured), None)
    lead = featured[0] if featured else pictured or (ranked[0] if ranked else None)
    shown = {lead.path} if lead else set()
    top = _take((f.path for f in ranked), home.top, shown)
    latest = _take((f.path for f in facts), home.latest, shown)
    blocks = []
    for slug, size in block_sections(home, sections):
        paths = _take((f.path for f in facts if f.section == slug), size, shown)
        blocks.append((slug, paths))
    return Choice(lead.path if lead else None, top, latest, tuple(blocks))


def pool(
    facts: Sequence[Facts], home: HomeSettings, now: datetime, sections: Sequence[str]
) -> tuple[Facts, ...]:
    """Return the articles of ``facts`` (newest first) that the front page could show
    at ``now`` with one newer article added: choose() of the pool plus that article
    is choose() of every article plus it, as long as no article's priority, feature
    or pin runs out on the way (the build's valid_until() sees to that)."""
    shown = 1 + home.top + home.latest + 1
    per_section = {slug: size + shown for slug, size in block_sections(home, sections)}
    kept: list[Facts] = []
    seen: dict[str, int] = {}
    rest_pictured = False
    for number, fact in enumerate(facts):
        special = _pinned(fact, now) or _recent(fact, home, now) or (
            fact.featured and _holds(fact, now)
        )
        in_section = seen.get(fact.section, 0) < per_section.get(fact.section, 0)
        seen[fact.section] = seen.get(fact.section, 0) + 1
        first_pictured = fact.pictured and not special and not rest_pictured
        if first_pictured:
            rest_pictured = True
        if special or number < shown or in_section or first_pictured:
            kept.append(fact)
    return tuple(kept)


def front_page(
    articles: Sequence[Article],
    home: HomeSettings,
    now: datetime | None,
    sections: Sequence[Section],
) -> tuple[FrontPage, Choice]:
    """Return the FrontPage of ``articles`` (newest first) at ``now`` (None: as of the
    newest article), and its Choice."""
    facts = [facts_of(article) for article in articles]
    moment = now or (articles[0].date if articles else datetime.min)
    choice = choose(facts, home, moment, [s.slug for s in sections])
    by_path = {a.source_path: a for a in articles if a.source_path in choice.paths()}
    return shown_page(choice, by_path, sections), choice


def shown_page(
    choice: Choice, articles: Mapping[str, Article], sections: Iterable[Section]
) -> FrontPage:
    """Return the FrontPage of ``choice``, its articles taken from ``articles``."""
    by_slug = {section.slug: section for section in sections}
    return FrontPage(
        lead=articles[choice.lead] if choice.lead else None,
        top=tuple(articles[p] for p in choice.top),
        latest=tuple(articles[p] for p in choice.latest),
        blocks=tuple(
            SectionBlock(by_slug[slug], tuple(articles[p] for p in paths))
            for slug, paths in choice.blocks
            if paths
        ),
    )


def changes_at(facts: Iterable[Facts], home: HomeSettings, now: datetime) -> list[datetime]:
    """Return the moments after ``now`` when the front page of ``facts`` changes by the
    clock alone: a pin running out; while a recent story has a priority, each recent
    story leaving the window (a story of priority 0 that leaves it falls behind a recent
    one of priority -1)."""
    window = timedelta(hours=home.recent_hours)
    facts = list(facts)
    moments = [f.pin_until for f in facts if f.pin_until is not None and f.pin_until > now]
    recent = [f for f in facts if f.date + window > now]
    if any(f.priority for f in recent):  # ranked by priority: any leaving the window counts
        moments += [f.date + window for f in recent]
    return moments


def _ranked(facts: Sequence[Facts], home: HomeSettings, now: datetime) -> list[Facts]:
    """Return ``facts`` in rank order: pinned stories, then recent ones, each by priority
    (highest first) then date (newest first); then the others, newest first."""
    pinned = [f for f in facts if _pinned(f, now)]
    recent = [f for f in facts if not _pinned(f, now) and _recent(f, home, now)]
    rest = [f for f in facts if not _pinned(f, now) and not _recent(f, home, now)]
    by_priority = sorted(pinned, key=lambda f: -f.priority)  # stable: newest first within
    by_priority += sorted(recent, key=lambda f: -f.priority)
    return by_priority + rest


def _take(paths: Iterable[str], count: int, shown: set[str]) -> tuple[str, ...]:
    """Return the first ``count`` of ``paths`` not in ``shown``, adding them to it."""
    taken: list[str] = []
    if count <= 0:
        return ()
    for path in paths:
        if path not in shown:
            shown.add(path)
            taken.append(path)
            if len(taken) == count:
                break
    return tuple(taken)


def _pinned(fact: Facts, now: datetime) -> bool:
    return fact.pin_until is not None and fact.pin_until > now


def _holds(fact: Facts, now: datetime) -> bool:
    """True while the article's editorial choices count: until its pin_until, if any."""
    return fact.pin_until is None or fact.pin_until > now


def _recent(fact: Facts, home: HomeSettings, now: datetime) -> bool:
    return fact.date + timedelta(hours=home.recent_hours) > now
