"""The HTTP server under ``newsgen serve``: its connections, their limits, its errors.

A thread for each connection, so that a client that never finishes its
request holds up no other; at most MAX_CONNECTIONS at once (each holds a
thread and a file descriptor), a further one answered 503 at once; a listen
queue of LISTEN_BACKLOG, so that a burst of connections waits in the kernel
rather than being dropped. A client that goes away (or stops reading) is no
error; a bug met while answering is reported in one line, with the traceback
when ``NEWSGEN_DEBUG`` is set, as the command line does, and the server goes on.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import sys
import threading
import traceback
from collections.abc import Callable

from newsgen.preview.rebuild import internal_error_message

MAX_CONNECTIONS = 512
"""Connections served at once (each holds a thread); more are answered 503."""
LISTEN_BACKLOG = 1024
"""Connections the kernel holds for the server to take (the system may cap it lower)."""


class PreviewServer(http.server.ThreadingHTTPServer):
    """The preview's HTTP server: a thread for each connection, at most ``max_connections``
    at once (a further one is answered 503 at once), a listen queue of LISTEN_BACKLOG."""

    daemon_threads = True
    block_on_close = False  # event streams end with the hub
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        handler: Callable[..., http.server.BaseHTTPRequestHandler],
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self._places = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(  # type: ignore[override]
        self, request: socket.socket, client_address: tuple[str, int]
    ) -> None:
        """Answer ``request`` in a thread of its own, or 503 when there are too many."""
        if not self._places.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # no thread to be had
            self._places.release()
            self._refuse(request)

    def process_request_thread(  # type: ignore[override]
        self, request: socket.socket, client_address: tuple[str, int]
    ) -> None:
        """Answer ``request`` (in its thread), then give its place back."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._places.release()

    def handle_error(self, request: object, client_address: object) -> None:
        """Say nothing of a client that went away or stopped reading; report anything else
        as a bug (see report_internal_error)."""
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, ConnectionError | TimeoutError):
            report_internal_error(error)

    def _refuse(self, request: socket.socket) -> None:
        """Answer 503 without reading the request, and close the connection."""
        with contextlib.suppress(OSError):
            request.setblocking(False)
            request.send(BUSY_ANSWER)
        self.shutdown_request(request)


BUSY_TEXT = b"Service Unavailable: too many connections; try again\n"
BUSY_ANSWER = (
    b"HTTP/1.0 503 Service Unavailable\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: " + str(len(BUSY_TEXT)).encode() + b"\r\n"
    b"Retry-After: 1\r\n"
    b"Connection: close\r\n"
    b"X-Content-Type-Options: nosniff\r\n\r\n" + BUSY_TEXT
)


def report_internal_error(error: BaseException) -> None:
    """Print ``error``, a bug met while answering a request, in one line on standard
    error (after its traceback when NEWSGEN_DEBUG is set); the server goes on."""
    with contextlib.suppress(OSError, ValueError):  # no terminal: nowhere to tell
        if os.environ.get("NEWSGEN_DEBUG"):
            traceback.print_exception(error, file=sys.stderr)
        print(
            f"newsgen: {internal_error_message(error)} (while answering a request)",
            file=sys.stderr,
            flush=True,
        )
