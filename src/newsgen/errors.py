"""Problems found in a site, and the exceptions that carry them to the CLI.

Every message a user sees names a file and a line. Stages collect problems in a
:class:`Problems` list instead of stopping at the first one, so that one run
reports everything that is wrong; the build then fails once with all of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors fail the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file, as shown to the user."""

    path: str
    """The file, relative to the site root where possible (``content/world/a.md``)."""
    line: int
    """1-based line number in ``path``; 1 when the problem concerns the whole file, 0 when
    there is no line to show (a file that is missing, a command-line option)."""
    field: str | None
    """The front matter or config field concerned (``sources[0].url``), if any."""
    message: str
    """What is wrong and, where possible, what would fix it."""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line > 0 else f"{self.path}: "
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{prefix}{field}{self.message}"


class Problems:
    """An ordered collection of problems found during one run."""

    def __init__(self, items: Iterable[Problem] = ()) -> None:
        self._items: list[Problem] = list(items)

    def error(self, path: str, line: int, field: str | None, message: str) -> None:
        """Record an error (a problem that fails the build)."""
        self._items.append(Problem(path, line, field, message, Severity.ERROR))

    def warning(self, path: str, line: int, field: str | None, message: str) -> None:
        """Record a warning (reported, but the build still succeeds)."""
        self._items.append(Problem(path, line, field, message, Severity.WARNING))

    def extend(self, other: Iterable[Problem]) -> None:
        """Add every problem of ``other``."""
        self._items.extend(other)

    @property
    def errors(self) -> list[Problem]:
        """The problems that fail the build, in the order found."""
        return [p for p in self._items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that do not fail the build, in the order found."""
        return [p for p in self._items if p.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        """Return True when at least one error was recorded."""
        return any(p.severity is Severity.ERROR for p in self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class NewsgenError(Exception):
    """Base of every error newsgen reports to a user; carries the exit code."""

    exit_code = 1


class UsageError(NewsgenError):
    """The command line was wrong (exit code 2)."""

    exit_code = 2


class BuildFailed(NewsgenError):
    """Content, config or templates had errors; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=_problem_order)
        count = len([p for p in self.problems if p.severity is Severity.ERROR])
        super().__init__(f"build failed with {count} error{'s' if count != 1 else ''}")


def _problem_order(problem: Problem) -> tuple[str, int]:
    return (problem.path, problem.line)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``" 'x'; did you mean 'y'?"`` for the closest known name, or the list of
    known names when none is close (the end of an "unknown key" message)."""
    choices = sorted(known)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if close:
        return f" '{name}'; did you mean '{close[0]}'?"
    return f" '{name}'; known keys are {', '.join(choices)}"
