"""How a card dates a story: by the clock for the last 24 hours, by the day after.

A card shows "14:05" for a story published today (in the newsroom's time
zone) within the last 24 hours, "Yesterday 23:10" for one published
yesterday within them, and the date otherwise; always with the exact moment
in ``<time datetime>``. What a card shows so depends on the build's time:
the key of an article (render/keys.py) holds its freshness(), so that the
pages showing its card are rendered again when it changes, and the build's
output stays valid only until the next moment one changes (changes_at(),
build/fingerprint.py's valid_until()).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, tzinfo

FRESH_WINDOW = timedelta(hours=24)
TODAY, YESTERDAY, OLDER = "today", "yesterday", ""


def freshness(moment: datetime, now: datetime | None, zone: tzinfo) -> str:
    """Return how a card built at ``now`` dates a story published at ``moment``: TODAY,
    YESTERDAY (within the last 24 hours, on that day) or OLDER (also with no ``now``,
    and for a story not published yet)."""
    if now is None or not now - FRESH_WINDOW < moment <= now:
        return OLDER
    day, today = moment.astimezone(zone).date(), now.astimezone(zone).date()
    if day == today:
        return TODAY
    return YESTERDAY if (today - day).days == 1 else OLDER


def changes_at(moments: Iterable[datetime], now: datetime, zone: tzinfo) -> list[datetime]:
    """Return the moments after ``now`` when the freshness() of a story published at one
    of ``moments`` changes: the next midnight, and 24 hours after it was published."""
    found = []
    for moment in moments:
        if not now - FRESH_WINDOW < moment <= now:
            continue
        local = moment.astimezone(zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
        found += [m for m in (midnight, moment + FRESH_WINDOW) if m > now]
    return found


def card_time_text(moment: datetime, fresh: str, zone: tzinfo, date_text: str) -> str:
    """Return what a card shows of ``moment``: its time today, "Yesterday" and its time,
    or ``date_text`` (the date filter's text) when it is older."""
    local = moment.astimezone(zone)
    if fresh == TODAY:
        return f"{local:%H:%M}"
    if fresh == YESTERDAY:
        return f"Yesterday {local:%H:%M}"
    return date_text
