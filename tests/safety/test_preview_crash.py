"""The live preview when a process of a rebuild crashes: a parse worker or the page
helper killed by SIGSEGV in the middle of a rebuild never takes the server down.

The preview runs in this process as ``newsgen serve`` wires it (preview_server, a
Previewer's loop in a thread, a Debouncer told of each save), with real forked
worker processes; the function a child runs is replaced by one that kills it.
"""

from __future__ import annotations

import faulthandler
import io
import os
import shutil
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsgen.build.options import BuildOptions
from newsgen.cli import summary_line
from newsgen.content import load as loading
from newsgen.pagehelper import helper as renderhelper
from newsgen.pagehelper import pool as renderpool
from newsgen.preview.live_reload import BuildState, ReloadHub
from newsgen.preview.rebuild import Previewer
from newsgen.preview.server import preview_server
from newsgen.preview.watch import Debouncer
from page_checks import remove_script

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "basic"
ARTICLE_PAGE = "world/2023/01/20/ferry-strike-ends-after-nine-days/index.html"


@dataclass
class Live:
    site: Path
    output: Path
    port: int
    hub: ReloadHub
    debouncer: Debouncer
    terminal: io.StringIO

    def get(self, path: str) -> tuple[int, bytes]:
        """GET ``path``; return the status and the body."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
            answer = b"".join(iter(lambda: sock.recv(65536), b""))
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), body

    def first_event(self) -> bytes:
        """The event a page gets on connecting to the event stream: the latest state."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            request = f"GET /__newsgen/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n"
            sock.sendall(request.encode())
            received = b""
            while b"\n\n" not in received.partition(b"\r\n\r\n")[2]:  # one whole event
                received += sock.recv(65536)
        return received.partition(b"\r\n\r\n")[2]

    def save(self, number: int) -> BuildState:
        """Change the site's title (every article parsed and every page rendered again),
        tell the loop, and wait for rebuild ``number``."""
        config = self.site / "newsgen.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("title: Test Gazette", "title: Test Gazette II"))
        self.debouncer.add([str(config)])
        state = self.hub.next_state(number - 1, timeout=60)
        assert state is not None and state.number == number, self.terminal.getvalue()
        return state


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A running preview of the basic fixture (search off, two jobs), after its first build."""
    site = Path(shutil.copytree(FIXTURE, tmp_path / "site"))
    with open(site / "newsgen.yaml", "a", encoding="utf-8") as config:
        config.write("search: false\n")
    output, hub, terminal = tmp_path / "out", ReloadHub(), io.StringIO()
    server = preview_server("127.0.0.1", 0, output, hub)
    port = server.server_address[1]
    options = BuildOptions(site, output, f"http://127.0.0.1:{port}/", True, True, jobs=2)
    previewer = Previewer(options, hub, summary_line, terminal)
    assert previewer.rebuild(first=True).problems == ()
    debouncer = Debouncer(quiet=0.01, longest=0.1)
    threads = [
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True),
        threading.Thread(target=previewer.run, args=(debouncer,), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield Live(site, output, port, hub, debouncer, terminal)
    finally:
        hub.close()
        debouncer.close()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=30)


def crashing_in_children(real: Callable[..., Any], crash: dict[str, bool]) -> Callable[..., Any]:
    """``real``, but a forked child that calls it while ``crash["on"]`` dies of SIGSEGV."""
    parent = os.getpid()

    def crashing(*args: Any) -> Any:
        if crash["on"] and os.getpid() != parent:
            faulthandler.disable()  # pytest's handler would print the crash's stack
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(*args)

    return crashing


def test_a_parse_worker_that_segfaults_fails_the_rebuild_alone(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = live.get("/")
    crash = {"on": True}
    monkeypatch.setattr(loading, "PARALLEL_THRESHOLD", 1)  # parse in worker processes
    monkeypatch.setattr(loading, "load_row", crashing_in_children(loading.load_row, crash))

    failed = live.save(2)
    assert len(failed.problems) == 1
    assert failed.problems[0].startswith(
        "newsgen: internal error: a worker process of the build died (BrokenProcessPool)."
    )
    assert b"internal error: a worker process" in live.first_event()  # the overlay
    last_line = live.terminal.getvalue().splitlines()[-1]
    assert last_line.startswith("Build failed: internal error: a worker process")
    status, body = live.get("/")
    assert (status, body) == (200, before[1].replace(b'data-build="1"', b'data-build="2"'))

    crash["on"] = False  # the next save rebuilds
    rebuilt = live.save(3)
    assert rebuilt.problems == ()
    assert b"Test Gazette II" in live.get("/")[1]
    assert b"event: reload" in live.first_event()


def test_a_page_helper_that_segfaults_leaves_its_pages_to_the_build(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    real_start = renderpool.PageHelper.start.__func__  # type: ignore[attr-defined]

    def start(cls: type[renderpool.PageHelper], cache: Any) -> renderpool.PageHelper | None:
        helper = real_start(cls, cache)
        started.append(helper is not None)
        return helper

    monkeypatch.setattr(renderpool, "HELPER_PAGES", 1)  # a helper for any number of pages
    monkeypatch.setattr(renderpool.PageHelper, "start", classmethod(start))
    monkeypatch.setattr(
        renderhelper, "run_helper", crashing_in_children(renderhelper.run_helper, {"on": 1})
    )

    rebuilt = live.save(2)
    assert started == [True], "no page helper was started: the test proves nothing"
    assert rebuilt.problems == ()
    article = remove_script(live.get("/" + ARTICLE_PAGE)[1])
    assert b"Test Gazette II" in article
    assert article == (live.output / ARTICLE_PAGE).read_bytes()
