"""render/freshness.py: how cards date a story, and when that changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from newsgen.render.freshness import OLDER, TODAY, YESTERDAY, card_time_text, changes_at, freshness

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 11, 21, 10, 0, tzinfo=LONDON)


def test_today_yesterday_and_older():
    assert freshness(NOW - timedelta(hours=2), NOW, LONDON) == TODAY
    assert freshness(datetime(2025, 11, 20, 23, 10, tzinfo=LONDON), NOW, LONDON) == YESTERDAY
    assert freshness(NOW - timedelta(hours=25), NOW, LONDON) == OLDER
    assert freshness(NOW + timedelta(hours=1), NOW, LONDON) == OLDER  # scheduled
    assert freshness(NOW, None, LONDON) == OLDER  # no build time: no clock on cards


def test_the_day_is_the_newsrooms():
    tokyo = ZoneInfo("Asia/Tokyo")
    late = datetime(2025, 11, 21, 8, 0, tzinfo=LONDON)  # 17:00 in Tokyo, same day there
    assert freshness(late, NOW, tokyo) == TODAY
    early = datetime(2025, 11, 20, 16, 0, tzinfo=LONDON)  # 01:00 on the 21st in Tokyo
    assert freshness(early, NOW, LONDON) == YESTERDAY and freshness(early, NOW, tokyo) == TODAY


def test_card_text():
    moment = datetime(2025, 11, 21, 8, 5, tzinfo=LONDON)
    assert card_time_text(moment, TODAY, LONDON, "21 November 2025") == "08:05"
    assert card_time_text(moment, YESTERDAY, LONDON, "x") == "Yesterday 08:05"
    assert card_time_text(moment, OLDER, LONDON, "21 November 2025") == "21 November 2025"


def test_a_card_changes_at_midnight_and_after_24_hours():
    moment = NOW - timedelta(hours=3)
    moments = changes_at([moment, NOW - timedelta(days=3)], NOW, LONDON)
    midnight = datetime(2025, 11, 22, 0, 0, tzinfo=LONDON)
    assert sorted(moments) == [midnight, moment + timedelta(hours=24)]
