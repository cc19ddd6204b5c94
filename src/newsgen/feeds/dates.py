"""Dates as feeds and sitemaps write them: W3C datetimes (RFC 3339)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


def w3c_datetime(moment: datetime, zone: tzinfo = UTC) -> str:
    """Return ``moment`` as a W3C datetime to the second, in its own UTC offset
    (``2024-12-16T15:00:00+03:00``); also valid RFC 3339.

    A naive ``moment`` is taken to be in ``zone``. An offset with seconds (local
    mean time of old dates), which the format cannot carry, becomes UTC.
    """
    moment = aware(moment, zone)
    offset = moment.utcoffset() or timedelta(0)
    if offset.seconds % 60 or offset.microseconds:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


def aware(moment: datetime, zone: tzinfo) -> datetime:
    """Return ``moment``, taken to be in ``zone`` when it is naive."""
    return moment.replace(tzinfo=zone) if moment.utcoffset() is None else moment
