"""Live reload: the event stream's messages, the hub, the injected script (preview/live_reload.py),
and how the preview names moved pages (preview/rebuild.py)."""

from __future__ import annotations

import json
import threading

from newsgen.preview.live_reload import (
    RELOAD_SCRIPT,
    SCRIPT_PATH,
    BuildState,
    ReloadHub,
    inject_script,
)
from newsgen.preview.rebuild import moved_pages


def parse(event: bytes) -> tuple[str, dict]:
    kind, data, blank = event.decode().split("\n", 2)
    assert blank == "\n"
    return kind.removeprefix("event: "), json.loads(data.removeprefix("data: "))


def test_a_good_build_is_a_reload_event_with_the_moved_pages():
    kind, data = parse(BuildState(3, (), {"/old/": "/new/"}).event())
    assert kind == "reload"
    assert data == {"build": 3, "problems": [], "moved": {"/old/": "/new/"}}


def test_a_failed_build_is_a_problems_event():
    kind, data = parse(BuildState(4, ("content/a.md:3: date: not a date",)).event())
    assert kind == "problems"
    assert data["problems"] == ["content/a.md:3: date: not a date"]


def test_the_hub_numbers_builds_and_wakes_waiters():
    hub = ReloadHub()
    assert hub.state.number == 0
    woken: list[BuildState | None] = []
    waiter = threading.Thread(target=lambda: woken.append(hub.next_state(0, timeout=5)))
    waiter.start()
    hub.built({"/a/": "/b/"})
    waiter.join(timeout=5)
    assert woken and woken[0] is not None and woken[0].moved == {"/a/": "/b/"}
    failed = hub.failed(["x"])
    assert failed.number == 2 and failed.problems == ("x",)
    assert hub.failed([]).problems == ("the build failed",)
    assert hub.next_state(3, timeout=0.01) is None
    hub.close()
    assert hub.closed and hub.next_state(3, timeout=5) is None


def test_the_script_goes_before_the_body_end_with_the_build_number():
    page = b"<html><body><p>Story</p></body></html>"
    injected = inject_script(page, 7)
    assert injected.endswith(b'data-build="7"></script></body></html>')
    assert SCRIPT_PATH.encode() in injected
    assert inject_script(b"<p>no body end</p>", 1).startswith(b"<p>no body end</p><script")


def test_the_script_builds_the_overlay_from_text_only():
    assert "innerHTML" not in RELOAD_SCRIPT  # problems can quote any text: never as HTML
    assert "textContent" in RELOAD_SCRIPT and "EventSource" in RELOAD_SCRIPT


def test_moved_pages_are_the_articles_whose_url_changed():
    before = {"content/a.md": "/a/", "content/b.md": "/b/", "content/gone.md": "/gone/"}
    after = {"content/a.md": "/a-renamed/", "content/b.md": "/b/", "content/new.md": "/new/"}
    assert moved_pages(before, after) == {"/a/": "/a-renamed/"}
