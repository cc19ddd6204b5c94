"""Watching a site for saves: which files count, and when a burst of changes is over.

Editors save through temporary files (``.article.md.swp``, ``4913``,
``article.md~``, ``.#article.md``) and ``git checkout`` changes hundreds of
files at once. The watcher ignores the temporary files and the Debouncer
turns each burst into one rebuild: it fires once no change has arrived for
``quiet`` seconds, or ``longest`` seconds after the burst began, whichever
comes first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from newsgen.config import CONFIG_FILE
from newsgen.content.authors import AUTHORS_FILE
from newsgen.input_files import is_ignored_name

WATCHED_FOLDERS = ("content", "templates", "static")
WATCHED_FILES = (CONFIG_FILE, AUTHORS_FILE)

IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", ".newsgen", "__pycache__", ".idea", ".vscode"})


def is_ignored(path: PurePath) -> bool:
    """True when a change to ``path`` should not cause a rebuild: a hidden file, an
    editor's temporary or swap file (input_files.is_ignored_name), or anything
    inside a version-control or cache folder."""
    if any(part in IGNORED_FOLDERS for part in path.parts):
        return True
    return is_ignored_name(path.name)


def is_watched(site_root: Path, path: Path) -> bool:
    """True when ``path`` is an input of the site at ``site_root`` and not ignored."""
    try:
        relative = path.relative_to(site_root)
    except ValueError:
        return False
    if not relative.parts or is_ignored(relative):
        return False
    if len(relative.parts) == 1:
        return relative.name in WATCHED_FILES or relative.name in WATCHED_FOLDERS
    return relative.parts[0] in WATCHED_FOLDERS


class Debouncer:
    """Collects changed paths and says when a burst of changes has ended.

    Thread-safe: the watcher thread calls ``add``, the rebuild thread calls
    ``wait``. ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        quiet: float = 0.05,
        longest: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet = quiet
        self.longest = longest
        self.clock = clock
        self._changed: set[str] = set()
        self._first = self._last = 0.0
        self._condition = threading.Condition()
        self._closed = False

    def add(self, paths: Iterable[str]) -> None:
        """Record changed ``paths`` (a burst begins with the first)."""
        with self._condition:
            now = self.clock()
            if not self._changed:
                self._first = now
            self._changed.update(paths)
            self._last = now
            self._condition.notify_all()

    def due(self) -> bool:
        """True when changes are pending and the burst is over (quiet, or too long)."""
        with self._condition:
            return self._due(self.clock())

    def _due(self, now: float) -> bool:
        if not self._changed:
            return False
        return now - self._last >= self.quiet or now - self._first >= self.longest

    def wait(self, timeout: float | None = None) -> set[str] | None:
        """Block until a burst is over and return its paths; None on close or timeout."""
        deadline = None if timeout is None else self.clock() + timeout
        with self._condition:
            while not self._closed:
                now = self.clock()
                if self._due(now):
                    changed, self._changed = self._changed, set()
                    return changed
                if deadline is not None and now >= deadline:
                    return None
                self._condition.wait(self._sleep(now, deadline))
            return None

    def _sleep(self, now: float, deadline: float | None) -> float:
        if self._changed:
            until = min(self._last + self.quiet, self._first + self.longest)
        else:
            until = now + 0.5
        if deadline is not None:
            until = min(until, deadline)
        return max(until - now, 0.001)

    def close(self) -> None:
        """Wake and end every ``wait``."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()


def start_watching(site_root: Path, debouncer: Debouncer) -> Callable[[], None]:
    """Watch the inputs of the site at ``site_root``, feeding changes to ``debouncer``.

    Returns a function that stops watching. Uses watchdog (inotify on Linux).
    """
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    root = site_root.resolve()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            if event.is_directory and event.event_type == "modified":
                return  # a folder's own time stamp: its files' events follow
            paths = [event.src_path, getattr(event, "dest_path", "") or ""]
            changed = [str(p) for p in paths if p and is_watched(root, Path(_text(p)).absolute())]
            if changed:
                debouncer.add(changed)

    observer = Observer()
    handler = Handler()
    observer.schedule(handler, str(root), recursive=False)  # newsgen.yaml, authors.yaml
    for name in WATCHED_FOLDERS:
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)
    observer.daemon = True
    observer.start()

    def stop() -> None:
        observer.stop()
        observer.join(timeout=2)

    return stop


def _text(path: str | bytes) -> str:
    return path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
