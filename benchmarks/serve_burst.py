"""Preview server under a burst: 200 connections at once, each asking for the front page.

``python benchmarks/serve_burst.py [--articles 1000] [--connections 200] [--rounds 5]``
writes a corpus (``corpus.py``), starts ``newsgen serve`` on it and, in each
round, opens every connection at once (non-blocking), sends ``GET /`` on each
and times until the last whole answer has arrived. It prints the median and
the slowest round, and appends them to ``benchmarks/results.md``. The target
(issue 15) is every connection answered within a second; the test suite
checks only that all are answered (tests/safety/test_serve_hostile.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import corpus

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests")]

from commands import default_ctrl_c, find_newsgen  # noqa: E402

RESULTS = HERE / "results.md"
TARGET_S = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(newsgen: str, site: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start ``newsgen serve`` and return once it answers."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [newsgen, "serve", "--source", str(site), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=default_ctrl_c,
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"newsgen serve exited: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"newsgen serve did not start: {log.read_text()}")


def burst(port: int, connections: int, timeout: float = 60) -> tuple[float, int]:
    """Open ``connections`` at once, send ``GET /`` on each; return the seconds until
    the last answer was complete, and how many were answered 200."""
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    selector = selectors.DefaultSelector()
    received: dict[socket.socket, bytes] = {}
    started = time.perf_counter()
    sockets = [socket.socket() for _ in range(connections)]
    for sock in sockets:
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        selector.register(sock, selectors.EVENT_WRITE)
    left = connections
    while left and time.perf_counter() - started < timeout:
        for key, events in selector.select(timeout=1):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                if events & selectors.EVENT_WRITE:
                    sock.sendall(request)
                    selector.modify(sock, selectors.EVENT_READ)
                    continue
                chunk = sock.recv(65536)
            except OSError:  # refused or reset: counted as not answered
                chunk = b""
            received[sock] = received.get(sock, b"") + chunk
            if not chunk:
                selector.unregister(sock)
                left -= 1
    seconds = time.perf_counter() - started
    answered = sum(received.get(sock, b"").startswith(b"HTTP/1.0 200") for sock in sockets)
    for sock in sockets:
        sock.close()
    return seconds, answered


def report(articles: int, connections: int, rounds: list[tuple[float, int]], newsgen: str) -> str:
    times = [seconds for seconds, _ in rounds]
    answered = min(count for _, count in rounds)
    median = statistics.median(times)
    verdict = "✓" if max(times) < TARGET_S and answered == connections else "✗"
    lines = [
        f"## Preview server: {connections} connections at once, {articles:,} articles",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        f"- newsgen: `{newsgen}`",
        f"- rounds: {len(rounds)} (each: connect all, send GET / on each, read every answer)",
        "",
        "| median s | slowest s | fewest answered | target |",
        "|---:|---:|---:|---|",
        f"| {median:.3f} | {max(times):.3f} | {answered} of {connections} "
        f"| all within {TARGET_S:.0f} s {verdict} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="corpus size (1000)")
    parser.add_argument("--connections", type=int, default=200, help="at once (200)")
    parser.add_argument("--rounds", type=int, default=5, help="bursts to time (5)")
    parser.add_argument("--newsgen", default=None, help="the newsgen command to measure")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown file to append to")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsgen-burst-bench-"))
    try:
        site = work / "site"
        corpus.write_site(site, args.articles)
        port = free_port()
        newsgen = args.newsgen or find_newsgen()
        server = start_server(newsgen, site, port, work / "serve.log")
        try:
            rounds = []
            for _ in range(args.rounds):
                rounds.append(burst(port, args.connections))
                time.sleep(0.5)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        text = report(args.articles, args.connections, rounds, newsgen)
        print(text)
        with args.results.open("a", encoding="utf-8") as results:
            results.write("\n" + text)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
