"""Live reload for ``newsgen serve``: tell open pages when a rebuild is done or failed.

Pages get a small script, injected into HTML responses by the preview server
only (the built files carry none). It listens on a Server-Sent Events stream
at EVENTS_PATH. After a good rebuild the server sends ``reload`` with the
pages that moved (an article renamed: its old URL and its new one); the page
goes to its new place, or reloads, which shows the 404 page if it is gone.
After a failed rebuild the server sends ``problems``, and the script shows
every problem as ``path:line: message`` over the page until the next good
build. A page opened while the last build has failed gets the problems
straight away.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

EVENTS_PATH = "/__newsgen/events"
SCRIPT_PATH = "/__newsgen/reload.js"
MAX_STREAMS = 100
"""Event streams held open at once; a browser keeps at most six per server."""
RETRY_SECONDS = 10
"""How long a page beyond MAX_STREAMS waits before it connects again."""


@dataclass(frozen=True, slots=True)
class BuildState:
    """The outcome of the latest build, as open pages learn it."""

    number: int
    """Counts builds since the server started; pages reload when it grows."""
    problems: tuple[str, ...] = ()
    """``path:line: message`` of each problem; empty after a good build."""
    moved: Mapping[str, str] = field(default_factory=dict)
    """URL path -> new URL path of the pages that moved in this build."""

    def event(self) -> bytes:
        """Return this state as one Server-Sent Event."""
        kind = "problems" if self.problems else "reload"
        data = {"build": self.number, "problems": list(self.problems), "moved": dict(self.moved)}
        return f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode()


def retry_later() -> bytes:
    """Return the Server-Sent Events field that has a page connect again after
    RETRY_SECONDS when its stream ends."""
    return f"retry: {RETRY_SECONDS * 1000}\n\n".encode()


class ReloadHub:
    """Holds the latest BuildState and wakes the event streams waiting for a new one."""

    def __init__(self, max_streams: int = MAX_STREAMS) -> None:
        self._state = BuildState(0)
        self._condition = threading.Condition()
        self._closed = False
        self._streams = threading.BoundedSemaphore(max_streams)

    def open_stream(self) -> bool:
        """Take a place for one held-open event stream; False when all ``max_streams``
        are taken. Give it back with close_stream()."""
        return self._streams.acquire(blocking=False)

    def close_stream(self) -> None:
        """Give back the place open_stream() took."""
        self._streams.release()

    @property
    def state(self) -> BuildState:
        """The latest build's state."""
        with self._condition:
            return self._state

    def built(self, moved: Mapping[str, str] | None = None) -> BuildState:
        """Record a good build (with the pages that moved) and return its state."""
        return self._publish(problems=(), moved=moved or {})

    def failed(self, problems: Sequence[str]) -> BuildState:
        """Record a failed build and return its state."""
        return self._publish(problems=tuple(problems) or ("the build failed",), moved={})

    def _publish(self, problems: tuple[str, ...], moved: Mapping[str, str]) -> BuildState:
        with self._condition:
            self._state = BuildState(self._state.number + 1, problems, dict(moved))
            self._condition.notify_all()
            return self._state

    def next_state(self, after: int, timeout: float) -> BuildState | None:
        """Wait for a build numbered above ``after``; None on timeout or close."""
        with self._condition:
            self._condition.wait_for(
                lambda: self._closed or self._state.number > after, timeout=timeout
            )
            if self._closed or self._state.number <= after:
                return None
            return self._state

    @property
    def closed(self) -> bool:
        """True once the server is stopping."""
        return self._closed

    def close(self) -> None:
        """End every event stream."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()


def inject_script(html: bytes, build: int) -> bytes:
    """Return ``html`` with the reload script added before ``</body>`` (or at the end);
    ``build`` is the number of the build the page comes from."""
    tag = f'<script src="{SCRIPT_PATH}" data-build="{build}"></script>'.encode()
    index = html.lower().rfind(b"</body>")
    if index < 0:
        return html + tag
    return html[:index] + tag + html[index:]


RELOAD_SCRIPT = """\
(() => {
  "use strict";
  const OVERLAY = "newsgen-problems";
  const pageBuild = Number(document.currentScript.dataset.build);
  function showProblems(problems) {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,20,.93);color:#fff;font:15px/1.5 ui-monospace,monospace;" +
        "padding:2rem;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "";
    const title = document.createElement("h2");
    title.textContent = "newsgen: the build failed; this page shows the last good build";
    title.style.cssText = "color:#ff8a80;font:bold 18px sans-serif;margin:0 0 1rem";
    box.appendChild(title);
    const list = document.createElement("ul");
    for (const problem of problems) {
      const item = document.createElement("li");
      item.className = "newsgen-problem";
      item.textContent = problem;
      list.appendChild(item);
    }
    box.appendChild(list);
  }
  function hideProblems() {
    const box = document.getElementById(OVERLAY);
    if (box) box.remove();
  }
  function connect() {
    const source = new EventSource("EVENTS_PATH");
    source.addEventListener("problems", (event) => {
      showProblems(JSON.parse(event.data).problems);
    });
    source.addEventListener("reload", (event) => {
      const state = JSON.parse(event.data);
      if (state.build <= pageBuild) { hideProblems(); return; }
      const moved = state.moved[location.pathname];
      if (moved) location.replace(moved + location.hash);
      else location.reload();
    });
    return source;
  }
  // A page left for another may stay in the back/forward cache with its connection
  // open; browsers allow six per server, so after a few pages the preview would stall.
  let source = connect();
  window.addEventListener("pagehide", () => source.close());
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) source = connect();
  });
})();
""".replace("EVENTS_PATH", EVENTS_PATH)
