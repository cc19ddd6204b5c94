"""A progress bar on the terminal for builds that take longer than a second.

The build reports ``(stage, done, total)``; the bar appears only on a
terminal, only once the build has run for ``delay`` seconds, redraws at most
ten times a second, and is erased before the summary line is printed.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """Draws ``stage [#####.....] done/total`` on one line of ``stream``."""

    def __init__(self, stream: TextIO, delay: float = 1.0, interval: float = 0.1) -> None:
        self.stream = stream
        self.delay = delay
        self.interval = interval
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` items of ``stage`` are done (when it is time to)."""
        now = time.monotonic()
        if now - self.started < self.delay:
            return
        if now - self._drawn_at < self.interval and done < total:
            return
        self._drawn_at = now
        self.stream.write("\r" + progress_line(stage, done, total, _columns()))
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the bar, if it was drawn."""
        if self._shown:
            self.stream.write("\r" + " " * (_columns() - 1) + "\r")
            self.stream.flush()
            self._shown = False


def progress_line(stage: str, done: int, total: int, columns: int = 80) -> str:
    """Return the bar's text, at most ``columns - 1`` characters wide."""
    total = max(total, 1)
    done = min(max(done, 0), total)
    filled = round(BAR_WIDTH * done / total)
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    text = f"{stage:<10} [{bar}] {done:,}/{total:,} {100 * done // total:3d}%"
    return text[: max(columns - 1, 10)]


def _columns() -> int:
    return shutil.get_terminal_size((80, 24)).columns
