"""newsgen.site.related: up to five related articles, by shared tags, section, then time."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from unit_helpers import BERLIN, make_article, make_config

from newsgen.models import Tag
from newsgen.site.assemble import build_site
from newsgen.site.related import (
    LIMIT,
    MEMO_NAME,
    WINDOW,
    related_after_adding,
    related_articles,
    related_signature,
    remembered_related,
    stored_memo,
)

DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)


def art(name, hours=0.0, section="World", tags=()):
    """An article called ``name``, ``hours`` after DAY."""
    return make_article(name, DAY + timedelta(hours=hours), section=section, tags=list(tags))


def names(related, article):
    return [a.headline for a in related[article.source_path]]


# --- ranking --------------------------------------------------------------------------------------


def test_two_shared_tags_beat_one_even_when_further_in_time():
    me = art("Me", 0, tags=["Syria", "Russia"])
    two_far = art("Two far", -240, section="Local", tags=["Syria", "Russia"])
    one_near = art("One near", 1, tags=["Syria"])
    related = related_articles([me, two_far, one_near])
    assert names(related, me) == ["Two far", "One near"]


def test_shared_tags_beat_same_section_without_tags():
    me = art("Me", 0, tags=["Syria"])
    tagged_elsewhere = art("Tagged elsewhere", 200, section="Business", tags=["syria"])
    section_near = art("Section near", 0.5)
    related = related_articles([section_near, tagged_elsewhere, me])
    assert names(related, me) == ["Tagged elsewhere", "Section near"]


def test_same_section_breaks_a_tie_in_shared_tags():
    me = art("Me", 0, tags=["Syria"])
    other_section_near = art("Other section near", 1, section="Local", tags=["Syria"])
    same_section_far = art("Same section far", -72, tags=["Syria"])
    related = related_articles([me, other_section_near, same_section_far])
    assert names(related, me) == ["Same section far", "Other section near"]


def test_nearness_in_time_breaks_the_remaining_ties_both_directions():
    me = art("Me", 0, tags=["Syria"])
    later = art("Later by 2h", 2, tags=["Syria"])
    earlier = art("Earlier by 1h", -1, tags=["Syria"])
    far_later = art("Later by 9h", 9, tags=["Syria"])
    far_earlier = art("Earlier by 30h", -30, tags=["Syria"])
    related = related_articles([far_later, me, earlier, far_earlier, later])
    assert names(related, me) == ["Earlier by 1h", "Later by 2h", "Later by 9h", "Earlier by 30h"]


def test_full_ranking_mixed():
    me = art("Me", 0, tags=["A", "B", "C"])
    articles = [
        me,
        art("ABC other section", 100, section="Local", tags=["A", "B", "C"]),
        art("AB same section", 50, tags=["A", "B"]),
        art("AB other section near", 1, section="Local", tags=["B", "A"]),
        art("C same section", -10, tags=["C"]),
        art("C other section", 0.5, section="Local", tags=["C"]),
        art("Untagged same section", 0.1),
        art("Untagged other section", 0.05, section="Local"),
    ]
    related = related_articles(articles)
    assert names(related, me) == [
        "ABC other section",
        "AB same section",
        "AB other section near",
        "C same section",
        "C other section",
    ]


def test_never_the_article_itself():
    articles = [art(f"S{i}", i, tags=["A"]) for i in range(8)]
    related = related_articles(articles)
    for article in articles:
        assert article.source_path not in {a.source_path for a in related[article.source_path]}


def test_at_most_five():
    articles = [art(f"S{i}", i, tags=["A", "B"]) for i in range(20)]
    related = related_articles(articles)
    assert LIMIT == 5
    assert {len(r) for r in related.values()} == {5}


def test_limit_argument():
    articles = [art(f"S{i}", i) for i in range(6)]
    related = related_articles(articles, limit=2)
    assert names(related, articles[0]) == ["S1", "S2"]


def test_one_entry_per_article_keyed_by_source_path():
    articles = [art("A", 0), art("B", 1, section="Local"), art("C", 2, tags=["X"])]
    related = related_articles(articles)
    assert set(related) == {a.source_path for a in articles}


def test_lonely_article_has_no_related():
    me = art("Me", 0, section="Science", tags=["Comets"])
    other = art("Other", 1, section="World", tags=["Syria"])
    related = related_articles([me, other])
    assert related[me.source_path] == ()
    assert related[other.source_path] == ()


def test_untagged_article_gets_nearest_same_section_neighbours():
    me = art("Me", 0)
    same = [art(f"Same {h}h", h) for h in (-7, -3, -1, 2, 4, 6, 8)]
    elsewhere = [art(f"Else {h}h", h / 10, section="Local") for h in (-1, 1)]
    related = related_articles([*same, me, *elsewhere])
    assert names(related, me) == ["Same -1h", "Same 2h", "Same -3h", "Same 4h", "Same 6h"]


def test_untagged_article_is_related_to_tagged_articles_of_its_section():
    me = art("Me", 0)
    tagged = art("Tagged", 3, tags=["Syria"])
    related = related_articles([me, tagged])
    assert names(related, me) == ["Tagged"]
    assert names(related, tagged) == ["Me"]


def test_other_section_without_shared_tags_never_appears():
    me = art("Me", 0, tags=["A"])
    stranger = art("Stranger", 0.01, section="Local", tags=["B"])
    friend = art("Friend", 500, section="Local", tags=["a"])
    related = related_articles([me, stranger, friend])
    assert names(related, me) == ["Friend"]


def test_tag_spellings_match_by_slug():
    me = art("Me", 0, section="World", tags=["Middle East"])
    other = art("Other", 10, section="Local", tags=["middle-east"])
    assert names(related_articles([me, other]), me) == ["Other"]


def test_shared_tag_within_window_found_past_many_untagged_neighbours():
    # Many section neighbours between the two, but the tag index still finds it.
    me = art("Me", 0, tags=["Rare"])
    crowd = [art(f"Crowd {i}", i / 100) for i in range(1, 40)]
    far = art("Far", 1000, section="Local", tags=["Rare"])
    related = related_articles([me, *crowd, far])
    assert names(related, me)[0] == "Far"
    assert len(related[me.source_path]) == 5


# --- determinism ----------------------------------------------------------------------------------


def test_same_input_same_output():
    rng = random.Random(7)
    articles = [
        art(f"S{i}", rng.randint(0, 50), section=rng.choice("ABC"), tags=rng.sample("wxyz", 2))
        for i in range(60)
    ]
    first = related_articles(articles)
    second = related_articles(list(articles))
    assert {k: [a.source_path for a in v] for k, v in first.items()} == {
        k: [a.source_path for a in v] for k, v in second.items()
    }


def test_site_related_does_not_depend_on_input_order():
    # Equal times and equal distances on purpose: build_site orders articles first.
    rng = random.Random(11)
    articles = [
        art(f"S{i}", rng.randint(0, 10), section=rng.choice("AB"), tags=rng.sample("xyz", 1))
        for i in range(40)
    ]
    config = make_config()
    one = build_site(config, articles).related
    shuffled = list(articles)
    rng.shuffle(shuffled)
    two = build_site(config, shuffled).related
    assert {k: [a.source_path for a in v] for k, v in one.items()} == {
        k: [a.source_path for a in v] for k, v in two.items()
    }


# --- against a brute-force ranking ----------------------------------------------------------------


def brute_force(articles, limit=LIMIT):
    """The definition: compare every pair (only for small inputs)."""
    result = {}
    for me in articles:
        mine = {t.slug for t in me.tags}
        scored = []
        for other in articles:
            if other is me:
                continue
            shared = len(mine & {t.slug for t in other.tags})
            same = other.section.slug == me.section.slug
            if shared or same:
                distance = abs((other.date - me.date).total_seconds())
                scored.append(((-shared, not same, distance), other.source_path))
        result[me.source_path] = [path for _, path in sorted(scored)[:limit]]
    return result


def test_matches_brute_force_when_every_tag_fits_its_window():
    rng = random.Random(2024)
    tags = [f"T{n}" for n in range(14)]
    articles = [
        art(
            f"S{i}",
            rng.uniform(0, 2000),  # distinct times, no equal distances
            section=rng.choice(["World", "Local", "Science"]),
            tags=rng.sample(tags, rng.randint(0, 2)),
        )
        for i in range(45)
    ]
    per_tag: dict[str, int] = {}
    for a in articles:
        for t in a.tags:
            per_tag[t.slug] = per_tag.get(t.slug, 0) + 1
    assert max(per_tag.values()) <= WINDOW  # every tag's articles lie inside each window
    related = related_articles(articles)
    assert {k: [a.source_path for a in v] for k, v in related.items()} == brute_force(articles)


def full_key_ranking(articles, limit=LIMIT):
    """The windowed candidates of related_articles, ranked by a full sort key each."""
    times = [a.date.timestamp() for a in articles]
    order = sorted(range(len(articles)), key=times.__getitem__)

    result = {}
    for i, me in enumerate(articles):
        shared: dict[int, int] = {}
        for tag in me.tags:
            members = {j for j, a in enumerate(articles) if tag.slug in {t.slug for t in a.tags}}
            for j in _nearest(order, members, times, times[i], WINDOW):
                shared[j] = shared.get(j, 0) + 1
        members = {j for j, a in enumerate(articles) if a.section.slug == me.section.slug}
        for j in _nearest(order, members, times, times[i], limit + 1):
            shared.setdefault(j, 0)
        shared.pop(i, None)
        ranked = sorted(
            shared,
            key=lambda j: (
                -shared[j],
                articles[j].section.slug != me.section.slug,
                abs(times[j] - times[i]),
                j,
            ),
        )
        result[me.source_path] = [articles[j].source_path for j in ranked[:limit]]
    return result


def _nearest(order, members, times, when, count):
    """Up to ``count`` members on each side of ``when`` in time order (ties: first in order)."""
    ordered = [j for j in order if j in members]
    middle = next((n for n, j in enumerate(ordered) if times[j] >= when), len(ordered))
    return ordered[max(0, middle - count) : middle + count]


def test_ties_are_broken_as_by_a_full_sort_key():
    """Equal times, equal tag counts and crowded windows: the cheap selection of the best
    candidates gives what sorting every candidate by its whole key gives."""
    rng = random.Random(7)
    tags = ["a", "b", "c", "d"]
    for trial in range(60):
        articles = [
            art(
                f"S{trial}-{i}",
                rng.randint(0, 6),  # many equal times and equal distances
                section=rng.choice(["World", "Local", "Science"]),
                tags=rng.sample(tags, rng.randint(0, 3)),
            )
            for i in range(rng.randint(0, 40))
        ]
        for limit in (1, 3, LIMIT):
            related = related_articles(articles, limit)
            found = {k: [a.source_path for a in v] for k, v in related.items()}
            assert found == full_key_ranking(articles, limit), (trial, limit)


# --- scale ----------------------------------------------------------------------------------------


def test_twenty_thousand_articles_only_share_tag_or_section():
    rng = random.Random(20_000)
    config = make_config()
    sections = [f"Section {n}" for n in range(12)]
    templates = {s: make_article("Template", DAY, section=s, config=config) for s in sections}
    pool = [
        Tag(f"Tag {n}", f"tag-{n}", f"/tags/tag-{n}/", f"/tags/tag-{n}/feed.xml")
        for n in range(400)
    ]
    articles = []
    for i in range(20_000):
        template = templates[rng.choice(sections)]
        articles.append(
            replace(
                template,
                headline=f"Story {i}",
                source_path=f"content/story-{i}.md",
                date=DAY - timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60)),
                tags=tuple(rng.sample(pool, rng.randint(0, 4))),
            )
        )
    related = related_articles(articles)
    assert len(related) == 20_000
    by_path = {a.source_path: a for a in articles}
    for path, chosen in related.items():
        me = by_path[path]
        mine = {t.slug for t in me.tags}
        assert len(chosen) == 5  # 20,000 articles in 12 sections: always enough neighbours
        assert len({a.source_path for a in chosen}) == len(chosen)
        for other in chosen:
            assert other.source_path != path
            assert other.section.slug == me.section.slug or mine & {t.slug for t in other.tags}


# --- remembered between builds --------------------------------------------------------------------


class _Store:
    """A MemoStore in memory that counts what is stored."""

    def __init__(self):
        self.kept = {}
        self.puts = 0

    def memo(self, name):
        return self.kept.get(name)

    def put_memo(self, name, signature, value):
        self.puts += 1
        self.kept[name] = (signature, value)


def _corpus():
    tags = ["a", "b", "c", "d"]
    rng = random.Random(4)
    return [
        art(f"n{i}", hours=i * 3, section=rng.choice(["World", "Sport"]), tags=rng.sample(tags, 2))
        for i in range(40)
    ]


def test_the_remembered_answer_is_reused_while_nothing_it_reads_changed():
    store = _Store()
    articles = _corpus()
    first = remembered_related(store)(articles)
    # Loaded again (other objects, other bodies): same answer, from the store.
    again = [replace(a, body_html=a.body_html + "<p>more</p>") for a in articles]
    second = remembered_related(store)(again)
    assert store.puts == 1
    assert second == related_articles(again)
    assert {path: [a.source_path for a in items] for path, items in first.items()} == {
        path: [a.source_path for a in items] for path, items in second.items()
    }
    assert all(item in again for items in second.values() for item in items)  # the new objects


def test_a_change_to_dates_tags_sections_or_paths_finds_them_again():
    articles = _corpus()
    changes = [
        lambda a: replace(a, date=a.date + timedelta(days=30)),
        lambda a: replace(a, tags=(Tag("zz", "zz", "/tags/zz/", "/tags/zz/feed.xml"),)),
        lambda a: replace(a, section=replace(a.section, slug="elsewhere")),
        lambda a: replace(a, source_path="content/moved.md"),
    ]
    for change in changes:
        store = _Store()
        remembered_related(store)(articles)
        changed = [change(articles[0]), *articles[1:]]
        assert remembered_related(store)(changed) == related_articles(changed)
        assert store.puts == 2


def test_a_stored_value_of_another_shape_is_not_trusted():
    store = _Store()
    articles = _corpus()
    store.kept[MEMO_NAME] = (related_signature(articles), ["not", "a", "dict"])
    assert remembered_related(store)(articles) == related_articles(articles)


def _hours(rng):
    """A time for an article: one in ten at the same hour as many others."""
    return 300 if rng.random() < 0.1 else rng.randrange(0, 6000)


def _newest_first(articles):
    return sorted(articles, key=lambda a: (-a.date.timestamp(), a.source_path))


def _random_change(rng, articles, counter):
    """One change an editor makes: add, delete, re-date, re-tag, move to another section."""
    tags = ["a", "b", "c", "d", "e"]
    kind = rng.choice(["add", "delete", "date", "tags", "section"])
    if kind == "add" or not articles:
        name = f"new{next(counter)}"
        hours = _hours(rng)
        return [*articles, art(name, hours, rng.choice(["World", "Sport"]), rng.sample(tags, 2))]
    victim = rng.randrange(len(articles))
    article = articles[victim]
    if kind == "delete":
        return articles[:victim] + articles[victim + 1 :]
    if kind == "date":
        changed = replace(article, date=DAY + timedelta(hours=_hours(rng)))
    elif kind == "tags":
        changed = replace(article, tags=art("x", tags=rng.sample(tags, rng.randrange(0, 3))).tags)
    else:
        other = "Sport" if article.section.slug == "world" else "World"
        changed = replace(article, section=art("x", section=other).section)
    return [*articles[:victim], changed, *articles[victim + 1 :]]


def test_after_a_few_changes_only_the_articles_near_them_are_ranked_again(monkeypatch):
    """The answer found around the changes is always the one found from scratch, over
    many random changes to an archive where many articles share a time."""
    from itertools import count

    from newsgen.site import related as module

    rng = random.Random(18)
    tags = ["a", "b", "c", "d", "e"]
    articles = [
        art(f"n{i}", _hours(rng), rng.choice(["World", "Sport"]), rng.sample(tags, 2))
        for i in range(2000)
    ]  # fmt: skip
    store, counter = _Store(), count()
    ranked: list[int] = []
    real = module._Candidates.best
    monkeypatch.setattr(
        module._Candidates, "best", lambda self, i, limit: ranked.append(i) or real(self, i, limit)
    )
    finder = remembered_related(store)
    finder(_newest_first(articles))
    for _ in range(60):
        for _ in range(rng.randrange(1, 4)):
            articles = _random_change(rng, articles, counter)
        ordered = _newest_first(articles)
        ranked.clear()
        found = finder(ordered)
        assert len(ranked) < len(ordered) / 4  # around the changes only
        expected = related_articles(ordered)
        assert {p: [a.source_path for a in v] for p, v in found.items()} == {
            p: [a.source_path for a in v] for p, v in expected.items()
        }


def test_many_changes_rank_every_article_again():
    store = _Store()
    articles = _corpus()
    remembered_related(store)(articles)
    moved = [replace(a, date=a.date + timedelta(days=400)) for a in articles[:10]]
    changed = [*articles[10:], *moved]
    assert remembered_related(store)(changed) == related_articles(changed)


# --- one article added, the newest (quick rebuilds: build/quick_publish.py) -----------------------


def test_an_added_newest_article_gets_the_answer_of_a_full_search_and_so_do_its_neighbours():
    """Over an archive where many articles share a time, each newest article added (as a
    publish loop does) gives every article the related list related_articles() finds
    for the whole archive, the memo a full build would store, and its signature."""
    from itertools import count

    rng = random.Random(7)
    tags = ["a", "b", "c", "d", "e"]
    articles = [
        art(f"n{i}", _hours(rng), rng.choice(["World", "Sport"]), rng.sample(tags, 2))
        for i in range(600)
    ]  # fmt: skip
    store = _Store()
    remembered_related(store)(_newest_first(articles))
    hours = 6000
    for number in count():
        if number == 25:
            break
        hours += rng.choice([0.5, 1, 3])
        new = art(f"new{number}", hours, rng.choice(["World", "Sport"]), rng.sample(tags, 2))
        remembered = stored_memo(store.kept[MEMO_NAME][1])
        before = {p: list(v) for p, v in remembered[1].items()}
        after = related_after_adding(remembered, new)
        assert after is not None
        articles = [new, *_newest_first(articles)]
        found = related_articles(articles)
        expected = {p: tuple(a.source_path for a in v) for p, v in found.items()}
        assert {**{p: tuple(v) for p, v in before.items()}, **after.changed} == expected
        assert after.changed[new.source_path] == expected[new.source_path]
        assert all(before.get(p) != list(v) for p, v in after.changed.items())
        full = _Store()
        remembered_related(full)(articles)
        shown = {after.shown[0]: after.shown, **remembered[0]}
        assert shown == full.kept[MEMO_NAME][1][0]  # what the next addition starts from
        store.kept[MEMO_NAME] = ("", (shown, {**remembered[1], **after.changed}))


def test_an_added_article_not_newer_than_every_other_is_refused():
    store = _Store()
    articles = _newest_first(_corpus())
    remembered_related(store)(articles)
    value = stored_memo(store.kept[MEMO_NAME][1])
    newest = articles[0]
    same_time = art("Same time", (newest.date - DAY).total_seconds() / 3600)
    assert related_after_adding(value, same_time) is None
    assert related_after_adding(value, art("Older", -5)) is None
    assert related_after_adding(value, articles[3]) is None  # already there
    assert stored_memo(["not", "a", "memo"]) is None
    assert related_after_adding(value, art("New", 9999)) is not None
