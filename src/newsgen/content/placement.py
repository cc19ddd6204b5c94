"""Front matter fields of the front page: featured, priority, pin_until and label.

The editors' say over where a story goes (site/front.py uses them) and the
kicker it carries on cards and its page. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsgen.content.fields import MISSING, FieldReader, describe
from newsgen.models import SiteConfig

PLACEMENT_KEYS = ("featured", "priority", "pin_until", "label")
MAX_PRIORITY = 100
MAX_LABEL = 30
"""A label is a kicker of a word or two: longer text is refused."""


@dataclass(frozen=True, slots=True)
class Placement:
    """What an article's front matter says about its place and its kicker."""

    featured: bool = False
    priority: int = 0
    pin_until: datetime | None = None
    label: str = ""


def read_placement(reader: FieldReader, config: SiteConfig) -> Placement:
    """Return the article's placement fields, recording a problem for each wrong one."""
    label = reader.text("label", reader.get("label")) or ""
    if len(label) > MAX_LABEL:
        reader.error(
            "label",
            f"is {len(label)} characters long; a label is a kicker of a word or two "
            f"(Breaking, Live, Analysis, Opinion), at most {MAX_LABEL} characters",
        )
        label = ""
    elif label and not any(c.isalnum() for c in label):
        reader.error("label", f"'{label}' has no letters or digits; write a word like Breaking")
        label = ""
    return Placement(
        featured=reader.flag("featured", reader.get("featured")),
        priority=_priority(reader),
        pin_until=reader.moment("pin_until", reader.get("pin_until"), config.timezone),
        label=label,
    )


def _priority(reader: FieldReader) -> int:
    value = reader.get("priority")
    if value is MISSING or value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        reader.error("priority", f"must be a whole number, not {describe(value)}")
        return 0
    if not -MAX_PRIORITY <= value <= MAX_PRIORITY:
        reader.error(
            "priority",
            f"{value} is out of range; use -{MAX_PRIORITY} to {MAX_PRIORITY} "
            "(higher ranks first, 0 is the default)",
        )
        return 0
    return value
