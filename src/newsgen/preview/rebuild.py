"""The rebuild loop of ``newsgen serve``: build, watch, rebuild what a save changed.

Each rebuild is an ordinary incremental build (see build/pipeline.py) into the
preview folder, so a failed one leaves the last good preview in place. The
outcome goes to the terminal (the problems, then one summary line with the
time) and to open pages through the ReloadHub.

A rebuild that fails for any reason fails alone: a bug in newsgen (any
exception), a worker process of the build that crashed (BrokenProcessPool),
MemoryError or RecursionError is reported on the terminal and the pages'
overlay as one ``internal error`` line (the traceback too with
``NEWSGEN_DEBUG=1``, as the command line does), and the next save rebuilds.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import BrokenExecutor
from dataclasses import replace
from typing import TextIO

from newsgen.build.options import BuildOptions, BuildReport
from newsgen.build.pipeline import build
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.preview.live_reload import BuildState, ReloadHub
from newsgen.preview.watch import Debouncer

MESSAGE_LENGTH = 300
"""An internal error's own message is cut to this many characters (it may quote a whole
file); NEWSGEN_DEBUG=1 shows it whole."""


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

        Problems in the content, and any other failure of a later rebuild, are
        shown and the previous preview kept. On the ``first`` build a NewsgenError
        (an unsafe output folder) or OSError is raised; a bug is shown like a problem,
        so the server starts and the next save builds again. Ctrl-C is raised.
        """
        with self._lock:
            try:
                return self._build(changed)
            except BuildFailed as failure:
                lines = [str(problem) for problem in failure.problems]
                count = f"{len(lines)} problem{'s' if len(lines) != 1 else ''}"
                self._say(*lines, f"Build failed: {count}; the preview shows the last good build.")
                return self.hub.failed(lines)
            except (NewsgenError, OSError) as error:
                if first:
                    raise
                text = _os_error_text(error) if isinstance(error, OSError) else str(error)
                self._say(f"Build failed: {text}")
                return self.hub.failed([f"newsgen: {text}"])
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # a bug or a dead worker: this rebuild fails alone
                return self._internal_error(error)

    def _build(self, changed: int) -> BuildState:
        """Build, tell the terminal and open pages, and return the new state; raises what
        build() raises."""
        report = build(self.options)
        # Later rebuilds keep the search index of the first: Pagefind takes
        # seconds to minutes on a large archive, a preview must reload at once.
        self.options = replace(self.options, refresh_search=False)
        moved = moved_pages(self._urls, report.article_urls)
        self._urls = report.article_urls
        self._say(*(str(p) for p in report.warnings), self._summary(report, changed))
        return self.hub.built(moved)

    def _internal_error(self, error: BaseException) -> BuildState:
        """Report a rebuild stopped by ``error`` (a bug) in one line, with the traceback
        before it when NEWSGEN_DEBUG is set; return the failed state."""
        message = internal_error_message(error)
        if os.environ.get("NEWSGEN_DEBUG"):
            self._say("".join(traceback.format_exception(error)).rstrip("\n"))
        error.__traceback__ = None  # lets the failed build's memory go before anything else
        self._say(f"Build failed: {message}; the preview shows the last good build.")
        return self.hub.failed([f"newsgen: {message}"])

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
        try:
            for line in lines:
                print(line, file=self.terminal, flush=True)
        except (OSError, ValueError):  # the terminal is gone: the pages still learn it
            pass


def internal_error_message(error: BaseException) -> str:
    """Return the one line that reports ``error``, a bug in newsgen (or a worker process
    that died) that stopped a build: ``internal error: Type: message. ...``."""
    if isinstance(error, BrokenExecutor):
        what = f"a worker process of the build died ({type(error).__name__})"
    else:
        text = " ".join(str(error).split())
        if len(text) > MESSAGE_LENGTH:
            text = text[: MESSAGE_LENGTH - 1] + "…"
        what = type(error).__name__ + (f": {text}" if text else "")
    return f"internal error: {what}. This is a bug in newsgen; NEWSGEN_DEBUG=1 shows the traceback"


def _os_error_text(error: OSError) -> str:
    """``path: reason``, as the command line reports an OSError."""
    return f"{error.filename or ''}: {error.strerror or error}"


def moved_pages(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, str]:
    """Return old URL -> new URL for articles (by source file) whose URL changed."""
    return {
        url: after[source]
        for source, url in before.items()
        if source in after and after[source] != url
    }
