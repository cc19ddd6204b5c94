"""Typed readers for front matter fields that report problems with their line.

A FieldReader wraps one loaded front matter; each method returns the cleaned
value, or None after recording an error that names the file, line and field.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from newsgen.errors import Problems, did_you_mean
from newsgen.yaml_source import LoadedMapping

MISSING: Any = object()
MIN_YEAR, MAX_YEAR = 1000, 9000  # far from datetime's limits, where time zone maths overflows


class FieldReader:
    """Reads fields of one front matter mapping, recording problems as it goes."""

    def __init__(self, loaded: LoadedMapping, shown: str, problems: Problems) -> None:
        self.loaded = loaded
        self.shown = shown
        self.problems = problems

    def line(self, field: str) -> int:
        """Return the file line of ``field``, or line 1 for a missing field."""
        found = self.loaded.find_line(field)
        return 1 if found is None else found

    def error(self, field: str, message: str) -> None:
        """Record an error about ``field``."""
        self.problems.error(self.shown, self.line(field), field, message)

    def warning(self, field: str, message: str) -> None:
        """Record a warning about ``field``."""
        self.problems.warning(self.shown, self.line(field), field, message)

    def get(self, field: str) -> Any:
        """Return the raw value of a top-level field, or MISSING."""
        return self.loaded.data.get(field, MISSING)

    def text(self, field: str, value: Any, required: bool = False) -> str | None:
        """Return ``value`` as stripped, whitespace-folded text, or None.

        Records an error when it is not text, or when it is required and
        missing or empty.
        """
        if value is MISSING or value is None:
            if required:
                self.error(field, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(field, f"must be text, not {describe(value)}")
            return None
        folded = " ".join(str(value).split())
        if not folded and required:
            self.error(field, "must not be empty")
            return None
        return folded

    def flag(self, field: str, value: Any) -> bool:
        """Return ``value`` as a boolean (False when missing); errors on other types."""
        if value is MISSING or value is None:
            return False
        if not isinstance(value, bool):
            self.error(field, f"must be true or false, not {describe(value)}")
            return False
        return value

    def text_list(self, field: str, value: Any, allow_single: bool = False) -> list[str]:
        """Return a list of non-empty texts; a lone text is accepted when ``allow_single``."""
        if value is MISSING or value is None:
            return []
        if allow_single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            expected = "a name or a list of names" if allow_single else "a list of texts"
            self.error(field, f"must be {expected}, not {describe(value)}")
            return []
        result: list[str] = []
        for index, item in enumerate(value):
            text = self.text(f"{field}[{index}]", item, required=True)
            if text:
                result.append(text)
        return result

    def mapping_list(self, field: str, value: Any, keys: tuple[str, ...]) -> list[tuple[str, dict]]:
        """Return ``(path, item)`` for each mapping of a list, checking its keys."""
        if value is MISSING or value is None:
            return []
        if not isinstance(value, list):
            self.error(
                field, f"must be a list of {{{', '.join(keys)}}} entries, not {describe(value)}"
            )
            return []
        items: list[tuple[str, dict]] = []
        for index, item in enumerate(value):
            path = f"{field}[{index}]"
            if not isinstance(item, dict):
                self.error(path, f"must be a mapping with {', '.join(keys)}, not {describe(item)}")
                continue
            unknown = [key for key in item if key not in keys]
            for key in unknown:
                self.error(f"{path}.{key}", f"unknown key{did_you_mean(str(key), keys)}")
            if not unknown:
                items.append((path, item))
        return items

    def moment(
        self, field: str, value: Any, zone: ZoneInfo, required: bool = False
    ) -> datetime | None:
        """Return ``value`` as a timezone-aware datetime, or None.

        Accepts YAML dates and datetimes and ISO 8601 text; a value without an
        offset is taken in ``zone``, a bare date as midnight in ``zone``.
        """
        if value is MISSING or value is None:
            if required:
                self.error(
                    field, "is required: an ISO 8601 date like 2024-12-16 or 2024-12-16T09:30"
                )
            return None
        parsed = parse_moment(value)
        if parsed is None:
            self.error(
                field,
                f"{describe(value)} is not an ISO 8601 date or datetime; "
                "write it like 2024-12-16, 2024-12-16 09:30 or 2024-12-16T09:30:00+01:00",
            )
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.error(field, f"year {parsed.year} is out of range; use {MIN_YEAR} to {MAX_YEAR}")
            return None
        return parsed


def parse_moment(value: Any) -> datetime | None:
    """Return a datetime (naive when no offset was given) from YAML or text, or None."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            return None
        if len(text) == 10:  # a bare date
            return datetime.combine(parsed.date(), time())
        return parsed
    return None


def describe(value: Any) -> str:
    """Return a short description of a YAML value for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (date, datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, tuple):  # an entry of !!omap or !!pairs
        return "a key-value pair"
    text = repr(str(value))
    return text if len(text) <= 60 else text[:57] + "...'"
