"""The preview server (``newsgen serve``) under hostile and broken clients: every
answer is a proper HTTP response with ``nosniff``, no client prints a traceback,
and no client (or crowd of them) keeps the others from being answered.

The server runs as a real subprocess; requests go over raw sockets (see
test_serve_security.py). All traffic stays on this machine.
"""

from __future__ import annotations

import selectors
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve_security import Response, Server, make_site, parse_response, raw_request, serving

from newsgen.preview.live_reload import MAX_STREAMS, RETRY_SECONDS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("hostile")
    site = make_site(base)
    with open(site / "newsgen.yaml", "a", encoding="utf-8") as config:
        config.write("search: false\n")
    with serving(site, base / "out") as running:
        yield running


def assert_quiet(server: Server) -> None:
    """Nothing but the start-up lines on the server's terminal: no traceback, no error."""
    lines = server.stderr().splitlines()
    assert lines[0].startswith("Built ") and lines[1].startswith("Serving "), lines
    assert lines[2:] == []


def assert_proper(response: Response, head: bool = False) -> None:
    assert response.raw.startswith(b"HTTP/1.0 "), response.raw[:100]
    assert response.headers.get("x-content-type-options") == "nosniff", response.headers
    if "content-length" in response.headers and not head:
        assert int(response.headers["content-length"]) == len(response.body)


HOST = "Host: 127.0.0.1:{port}\r\n"
HOSTILE = [
    ("5000 segments", "GET " + "/a" * 5000 + " HTTP/1.1\r\n" + HOST + "\r\n", 414),
    ("3000 dot segments", "GET " + "/x/.." * 3000 + " HTTP/1.1\r\n" + HOST + "\r\n", 414),
    ("a name too long for any file", "GET /" + "n" * 300 + "/ HTTP/1.1\r\n" + HOST + "\r\n", 404),
    ("a request line over 64 KiB", "GET /" + "a" * 70000 + " HTTP/1.1\r\n" + HOST + "\r\n", 414),
    ("a header over 64 KiB", "GET / HTTP/1.1\r\n" + HOST + "X: " + "a" * 70000 + "\r\n\r\n", 431),
    ("200 headers", "GET / HTTP/1.1\r\n" + HOST + "X-A: b\r\n" * 200 + "\r\n", 431),
    ("two Host headers", "GET / HTTP/1.1\r\n" + HOST + "Host: evil.example\r\n\r\n", 400),
    ("the same Host header twice", "GET / HTTP/1.1\r\n" + HOST + HOST + "\r\n", 400),
    ("a NUL byte in the path", "GET /index.html\x00 HTTP/1.1\r\n" + HOST + "\r\n", 404),
    ("invalid percent-encoding", "GET /%zz%g HTTP/1.1\r\n" + HOST + "\r\n", 404),
    ("percent-encoded bytes not UTF-8", "GET /%ff%fe.html HTTP/1.1\r\n" + HOST + "\r\n", 404),
    ("control characters in the path", "GET /\x1b[31mred\x07 HTTP/1.1\r\n" + HOST + "\r\n", 404),
    ("HTTP/0.9", "GET /\r\n\r\n", 400),
    ("HTTP/2.0 in a request line", "GET / HTTP/2.0\r\n" + HOST + "\r\n", 505),
    ("an unknown protocol", "GET / FOO/1.1\r\n" + HOST + "\r\n", 400),
    ("a line that is no request", "GARBAGE\r\n\r\n", 400),
    ("four words", "GET /a b HTTP/1.1\r\n" + HOST + "\r\n", 400),
    ("a target naming another host", "GET http://evil.example/ HTTP/1.1\r\n" + HOST + "\r\n", 400),
    (
        "a target naming this server",
        "GET http://127.0.0.1:{port}/ HTTP/1.1\r\n" + HOST + "\r\n",
        200,
    ),
    ("a target that is no URL", "GET http://[::1/ HTTP/1.1\r\n" + HOST + "\r\n", 400),
    ("OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n", 501),
    ("an unknown method", "BREW /pot HTTP/1.1\r\n" + HOST + "\r\n", 501),
    ("Expect: 100-continue", "GET / HTTP/1.1\r\n" + HOST + "Expect: 100-continue\r\n\r\n", 200),
    ("a folder without its slash", "GET /world HTTP/1.1\r\n" + HOST + "\r\n", 301),
    ("HEAD of a folder without its slash", "HEAD /world HTTP/1.1\r\n" + HOST + "\r\n", 301),
    ("a page that is not there", "GET /nowhere/ HTTP/1.1\r\n" + HOST + "\r\n", 404),
]


@pytest.mark.parametrize(
    ("request_text", "status"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE]
)
def test_a_hostile_request_gets_a_proper_answer(
    server: Server, request_text: str, status: int
) -> None:
    data = request_text.replace("{port}", str(server.port)).encode("latin-1")
    response = raw_request(server.port, data)
    assert response.status == status, response.raw[:200]
    assert_proper(response, head=data.startswith(b"HEAD"))
    if status == 301:
        assert response.headers["location"] == "/world/"
    assert_quiet(server)


def test_a_range_header_gets_the_whole_file(server: Server) -> None:
    request = f"GET /css/newsgen.css HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
    response = raw_request(server.port, (request + "Range: bytes=0-9\r\n\r\n").encode())
    assert response.status == 200
    assert response.body == (server.output / "css" / "newsgen.css").read_bytes()
    assert_proper(response)


def test_clients_that_leave_early_print_nothing(server: Server) -> None:
    """Clients that reset the connection in the middle of their request, right after it,
    or once the answer has begun (a page, the event stream, an image): no traceback, and
    the next client is answered."""
    for number in range(30):
        target = ["/", "/__newsgen/events", "/images/harbour.png"][number % 3]
        request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
        leave = number // 3 % 3  # 0: mid-request, 1: right after it, 2: mid-answer
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.sendall(request[:20] if leave == 0 else request)
            if leave == 2:
                assert sock.recv(10).startswith(b"HTTP/1.0")
    page = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    assert raw_request(server.port, page).status == 200
    time.sleep(0.2)  # the server's threads meet the resets
    assert_quiet(server)


def connect_many(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.socket()
        sock.settimeout(30)
        sock.connect(("127.0.0.1", port))
        sockets.append(sock)
    return sockets


def test_two_hundred_connections_at_once_are_all_answered(server: Server) -> None:
    """All connect before any is answered (the listen queue holds them), then all send;
    every one gets the whole page. How fast: benchmarks/serve_burst.py."""
    selector = selectors.DefaultSelector()
    received: dict[socket.socket, bytes] = {}
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    sockets = [socket.socket() for _ in range(200)]
    try:
        for sock in sockets:
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", server.port))
            selector.register(sock, selectors.EVENT_WRITE)
        deadline = time.monotonic() + 60
        open_count = len(sockets)
        while open_count and time.monotonic() < deadline:
            for key, events in selector.select(timeout=1):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if events & selectors.EVENT_WRITE:
                    sock.sendall(request)  # raises when the connection was refused
                    selector.modify(sock, selectors.EVENT_READ)
                    continue
                chunk = sock.recv(65536)  # raises when the connection was reset
                received[sock] = received.get(sock, b"") + chunk
                if not chunk:
                    selector.unregister(sock)
                    open_count -= 1
        answers = [parse_response(received.get(sock, b"")) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    expected = (server.output / "index.html").read_bytes()
    assert [answer.status for answer in answers] == [200] * 200
    assert all(answer.body.startswith(expected[:1000]) for answer in answers)
    assert all(int(a.headers["content-length"]) == len(a.body) for a in answers)


def test_a_client_that_never_finishes_its_request_holds_up_no_other(server: Server) -> None:
    slow = connect_many(server.port, 3)
    try:
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1")  # and nothing more
        for _ in range(5):
            request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
            assert raw_request(server.port, request).status == 200
        for sock in slow:
            sock.settimeout(0.05)
            with pytest.raises(TimeoutError):
                sock.recv(100)  # still waiting for the rest of its request
    finally:
        for sock in slow:
            sock.close()


def thread_count(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("Threads:")[1].split()[0])


def test_five_hundred_event_streams_hold_a_bounded_number_of_threads(server: Server) -> None:
    """Each held-open stream holds a thread; beyond MAX_STREAMS a page gets the state
    and the time to connect again, and its connection ends."""
    request = f"GET /__newsgen/events HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n"
    streams = connect_many(server.port, 500)
    try:
        for sock in streams:
            sock.sendall(request.encode())
        first: list[bytes] = []
        for sock in streams:
            received = b""
            while not (b"event: " in received and received.endswith(b"\n\n")):
                received += sock.recv(65536)
            first.append(received)
        threads = thread_count(server.process.pid)
        told_to_retry = [r for r in first if b"\r\n\r\nretry: " in r]
        assert all(r.startswith(b"HTTP/1.0 200") and b"nosniff" in r for r in first)
        assert all(b"event: reload\ndata: {" in r for r in first)
        assert 500 - MAX_STREAMS <= len(told_to_retry) < 500
        assert all(f"retry: {RETRY_SECONDS * 1000}\n\n".encode() in r for r in told_to_retry)
        assert threads < MAX_STREAMS + 40, threads
        request_page = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
        assert raw_request(server.port, request_page).status == 200
    finally:
        for sock in streams:
            sock.close()
    assert_quiet(server)
