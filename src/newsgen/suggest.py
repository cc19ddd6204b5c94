"""Suggestions for misspelt names ("did you mean 'headline'?")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest known name, or a list of them."""
    choices = sorted(known)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if close:
        return f" '{name}'; did you mean '{close[0]}'?"
    return f" '{name}'; known keys are {', '.join(choices)}"
