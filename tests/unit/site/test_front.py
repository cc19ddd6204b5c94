"""site/front.py: the front page's choice, and the pool a quick rebuild makes it from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.models import HomeBlockSetting, HomeSettings
from newsgen.site.front import Facts, changes_at, choose, pool

NOW = datetime(2025, 11, 21, 10, 0, tzinfo=UTC)
SECTIONS = ["world", "local", "business"]


def fact(number: int, hours_ago: float, section: str = "world", **changes: object) -> Facts:
    """An article published ``hours_ago`` before NOW."""
    values = {"pictured": False, **changes}
    return Facts(f"a{number}", NOW - timedelta(hours=hours_ago), section, **values)  # type: ignore[arg-type]


def newest_first(facts: list[Facts]) -> list[Facts]:
    return sorted(facts, key=lambda f: (-f.date.timestamp(), f.path))


def test_by_default_the_newest_story_with_a_picture_leads():
    facts = [fact(1, 1), fact(2, 2, pictured=True), fact(3, 3, pictured=True)]
    choice = choose(facts, HomeSettings(top=2, latest=0), NOW, SECTIONS)
    assert choice.lead == "a2"
    assert choice.top == ("a1", "a3")


def test_without_any_picture_the_newest_story_leads():
    choice = choose([fact(1, 1), fact(2, 2)], HomeSettings(top=1, latest=0), NOW, SECTIONS)
    assert (choice.lead, choice.top) == ("a1", ("a2",))


def test_a_featured_story_leads_until_its_pin_runs_out():
    facts = [
        fact(1, 1, pictured=True),
        fact(2, 30, featured=True, pin_until=NOW + timedelta(hours=2)),
        fact(3, 50, featured=True),
    ]
    home = HomeSettings(top=1, latest=0)
    assert choose(facts, home, NOW, SECTIONS).lead == "a2"
    later = NOW + timedelta(hours=3)
    assert choose(facts, home, later, SECTIONS).lead == "a3"  # featured without a pin stays


def test_priority_ranks_recent_stories_and_stops_counting_after_recent_hours():
    facts = [fact(1, 1), fact(2, 5), fact(3, 10, priority=5), fact(4, 60, priority=9)]
    home = HomeSettings(top=3, latest=0, recent_hours=48)
    choice = choose(facts, home, NOW, SECTIONS)
    assert choice.lead == "a3"  # nothing has a picture: the top-ranked story leads
    assert choice.top == ("a1", "a2", "a4")  # a4's priority no longer counts at 60 hours


def test_a_pinned_story_stays_on_top_whatever_its_age():
    facts = [fact(1, 1, pictured=True), fact(2, 2), fact(3, 500, pin_until=NOW + timedelta(days=1))]
    choice = choose(facts, HomeSettings(top=2, latest=0), NOW, SECTIONS)
    assert choice.top == ("a3", "a2")


def test_no_story_appears_twice_and_blocks_follow_the_configured_order():
    facts = newest_first(
        [fact(n, n, SECTIONS[n % 3], pictured=n % 2 == 0) for n in range(1, 20)]
    )
    blocks = (HomeBlockSetting("business", 2), HomeBlockSetting("world", 3))
    home = HomeSettings(top=3, latest=4, blocks=blocks)
    choice = choose(facts, home, NOW, SECTIONS)
    shown = [choice.lead, *choice.top, *choice.latest]
    shown += [path for _, paths in choice.blocks for path in paths]
    assert len(shown) == len(set(shown)) == 1 + 3 + 4 + 2 + 3
    assert [slug for slug, _ in choice.blocks] == ["business", "world"]
    assert all(fact.section == "business" for fact in facts if fact.path in choice.blocks[0][1])


def test_a_block_for_a_section_the_site_lacks_is_left_out():
    home = HomeSettings(blocks=(HomeBlockSetting("sport", 3),))
    assert choose([fact(1, 1)], home, NOW, SECTIONS).blocks == ()


def test_the_clock_changes_the_front_page_when_a_pin_or_a_priority_runs_out():
    pin = NOW + timedelta(hours=5)
    facts = [fact(1, 1, priority=2), fact(2, 100, pin_until=pin), fact(3, 2)]
    moments = changes_at(facts, HomeSettings(recent_hours=48), NOW)
    assert sorted(moments) == [pin, NOW + timedelta(hours=46), NOW + timedelta(hours=47)]
    assert changes_at([fact(1, 1), fact(3, 2)], HomeSettings(), NOW) == []  # no priorities


stories = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=400),  # hours ago
        st.sampled_from(SECTIONS),
        st.booleans(),  # pictured
        st.sampled_from([False, False, False, True]),  # featured
        st.sampled_from([0, 0, 0, 1, 3, -1]),  # priority
        st.sampled_from([None, None, None, -5.0, 5.0, 80.0]),  # pin, hours from now
    ),
    max_size=40,
)
homes = st.builds(
    HomeSettings,
    top=st.integers(0, 4),
    latest=st.integers(0, 4),
    block_size=st.integers(1, 3),
    recent_hours=st.sampled_from([6, 24, 48]),
)


def facts_of_stories(given: list[tuple]) -> list[Facts]:
    """Facts of Hypothesis's stories, newest first."""
    return newest_first(
        [
            fact(n, hours, section, pictured=pic, featured=feat, priority=prio,
                 pin_until=None if pin is None else NOW + timedelta(hours=pin))
            for n, (hours, section, pic, feat, prio, pin) in enumerate(given)
        ]
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(stories, homes, st.booleans())
def test_a_new_story_chosen_from_the_pool_gives_the_same_front_page(given_stories, home, pictured):
    """pool() keeps every article the front page could show: adding a newest article
    to the pool gives what adding it to the whole archive gives."""
    facts = facts_of_stories(given_stories)
    new = Facts("new", NOW, "local", pictured)
    kept = pool(facts, home, NOW, SECTIONS)
    assert set(kept) <= set(facts)
    assert choose([new, *kept], home, NOW, SECTIONS) == choose([new, *facts], home, NOW, SECTIONS)
    assert choose(kept, home, NOW, SECTIONS) == choose(facts, home, NOW, SECTIONS)
    again = pool([new, *kept], home, NOW, SECTIONS)  # the next quick rebuild's pool
    newer = Facts("newer", NOW, "world", not pictured)
    assert choose([newer, *again], home, NOW, SECTIONS) == choose(
        [newer, new, *facts], home, NOW, SECTIONS
    )


@settings(max_examples=200, deadline=None)
@given(stories, homes, st.floats(min_value=0.01, max_value=500))
def test_the_front_page_changes_only_at_the_moments_changes_at_gives(given_stories, home, hours):
    """Between now and the first moment changes_at() gives, the front page stays as it is:
    the build's output is valid until then (build/fingerprint.py's valid_until())."""
    facts = facts_of_stories(given_stories)
    later = NOW + timedelta(hours=hours)
    first = min(changes_at(facts, home, NOW), default=None)
    if first is None or later < first:
        assert choose(facts, home, later, SECTIONS) == choose(facts, home, NOW, SECTIONS)


def test_a_story_leaving_the_window_behind_a_lower_priority_one_is_a_change():
    """A recent story of priority 0 ranks above a recent one of priority -1; once it is
    no longer recent it ranks below it: a moment changes_at() must give."""
    facts = [fact(1, 1, priority=-1), fact(2, 40), fact(3, 100, pictured=True)]
    home = HomeSettings(top=2, latest=0, recent_hours=48)
    assert choose(facts, home, NOW, SECTIONS).top == ("a2", "a1")
    later = NOW + timedelta(hours=9)
    assert choose(facts, home, later, SECTIONS).top == ("a1", "a2")
    assert NOW + timedelta(hours=8) in changes_at(facts, home, NOW)
