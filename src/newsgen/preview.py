"""The rebuild loop of ``newsgen serve``: build, watch, rebuild what a save changed.

Each rebuild is an ordinary incremental build (see build.py) into the
preview folder, so a failed one leaves the last good preview in place. The
outcome goes to the terminal (the problems, then one summary line with the
time) and to open pages through the ReloadHub.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TextIO

from .build import BuildOptions, BuildReport, build
from .errors import BuildFailed, NewsgenError
from .livereload import BuildState, ReloadHub
from .watch import Debouncer


class Previewer:
    """Builds the preview and rebuilds it after each burst of changes."""

    def __init__(
        self,
        options: BuildOptions,
        hub: ReloadHub,
        describe: Callable[[BuildReport], str],
        terminal: TextIO = sys.stderr,
    ) -> None:
        self.options = options
        self.hub = hub
        self.describe = describe
        self.terminal = terminal
        self._urls: Mapping[str, str] = {}
        self._lock = threading.Lock()

    def rebuild(self, changed: int = 0, *, first: bool = False) -> BuildState:
        """Build once; tell the terminal and open pages how it went; return the new state.

        Problems in the content are shown and the previous preview kept; on the
        ``first`` build other errors (an unsafe output folder) are raised.
        """
        with self._lock:
            try:
                report = build(self.options)
            except BuildFailed as failure:
                lines = [str(problem) for problem in failure.problems]
                count = f"{len(lines)} problem{'s' if len(lines) != 1 else ''}"
                self._say(*lines, f"Build failed: {count}; the preview shows the last good build.")
                return self.hub.failed(lines)
            except NewsgenError as error:
                if first:
                    raise
                self._say(f"Build failed: {error}")
                return self.hub.failed([f"newsgen: {error}"])
            # Later rebuilds keep the search index of the first: Pagefind takes
            # seconds to minutes on a large archive, a preview must reload at once.
            self.options = replace(self.options, refresh_search=False)
            moved = moved_pages(self._urls, report.article_urls)
            self._urls = report.article_urls
            self._say(*(str(p) for p in report.warnings), self._summary(report, changed))
            return self.hub.built(moved)

    def run(self, debouncer: Debouncer) -> None:
        """Rebuild after each burst of changes until ``debouncer`` is closed."""
        while True:
            changed = debouncer.wait()
            if changed is None:
                return
            self.rebuild(len(changed))

    def _summary(self, report: BuildReport, changed: int) -> str:
        cause = f"{changed} file{'s' if changed != 1 else ''} changed: " if changed else ""
        return cause + self.describe(report)

    def _say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.terminal, flush=True)


def moved_pages(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, str]:
    """Return old URL -> new URL for articles (by source file) whose URL changed."""
    return {
        url: after[source]
        for source, url in before.items()
        if source in after and after[source] != url
    }
