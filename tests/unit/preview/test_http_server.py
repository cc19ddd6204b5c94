"""The preview's HTTP server (preview/http_server.py): its limit on connections, and how it
reports a client that went away (not at all) and a bug (one line, 500)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from newsgen.preview import server as serve
from newsgen.preview.http_server import PreviewServer
from newsgen.preview.server import PreviewHandler, allowed_hosts, preview_server

Start = Callable[[PreviewServer], int]


@pytest.fixture
def start() -> Iterator[Start]:
    """Run servers in threads; stop them after the test."""
    running: list[tuple[PreviewServer, threading.Thread]] = []

    def run(server: PreviewServer) -> int:
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((server, thread))
        return int(server.server_address[1])

    yield run
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<p>front page</p>")
    return tmp_path


def get(port: int, path: str = "/") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        return b"".join(iter(lambda: sock.recv(65536), b""))


def test_connections_beyond_the_limit_are_answered_503_and_places_come_back(root, start):
    server = PreviewServer(("127.0.0.1", 0), PreviewHandler, max_connections=2)
    port = server.server_address[1]
    server.RequestHandlerClass = partial(  # type: ignore[assignment]
        PreviewHandler, root=root, allowed_hosts=allowed_hosts("127.0.0.1", port)
    )
    start(server)
    holding = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    for sock in holding:
        sock.sendall(b"GET / HTTP/1.1\r\n")  # each holds a place, its request unfinished
    time.sleep(0.1)
    busy = get(port)
    assert busy.startswith(b"HTTP/1.0 503 Service Unavailable\r\n")
    assert b"X-Content-Type-Options: nosniff\r\n" in busy and b"Retry-After: 1\r\n" in busy
    holding.pop().close()
    deadline = time.monotonic() + 10
    answer = get(port)
    while not answer.startswith(b"HTTP/1.0 200") and time.monotonic() < deadline:
        time.sleep(0.02)  # the place comes back once the server has seen the close
        answer = get(port)
    assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"<p>front page</p>")
    holding.pop().close()


def test_a_bug_while_answering_is_a_500_and_one_line(root, start, monkeypatch, capsys):
    def broken(root: Path, raw_path: str) -> None:
        raise LookupError("no way")

    monkeypatch.setattr(serve, "look_up", broken)
    port = start(preview_server("127.0.0.1", 0, root, None))
    answer = get(port)
    assert answer.startswith(b"HTTP/1.0 500 ")
    assert b"X-Content-Type-Options: nosniff\r\n" in answer
    assert answer.endswith(b"\r\n\r\nInternal Server Error\n")
    assert capsys.readouterr().err == (
        "newsgen: internal error: LookupError: no way. This is a bug in newsgen; "
        "NEWSGEN_DEBUG=1 shows the traceback (while answering a request)\n"
    )
    monkeypatch.setenv("NEWSGEN_DEBUG", "1")
    assert get(port).startswith(b"HTTP/1.0 500 ")
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.endswith("(while answering a request)\n")


@pytest.mark.parametrize(
    "error",
    [ConnectionResetError(104, "reset"), BrokenPipeError(32, "pipe"), TimeoutError("slow")],
)
def test_a_client_that_went_away_is_no_error(root, capsys, error: OSError):
    server = preview_server("127.0.0.1", 0, root, None)
    try:
        try:
            raise error
        except OSError:
            server.handle_error(None, ("127.0.0.1", 1))
    finally:
        server.server_close()
    assert capsys.readouterr().err == ""
