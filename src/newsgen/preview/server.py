"""``newsgen serve``: build the site for preview and serve it on loopback.

The handler serves files of the output directory only: every request path is
decoded, checked and resolved (symbolic links included) before a file is
opened, and requests whose ``Host`` is not this server's address are refused,
so that a web page elsewhere cannot reach the preview through DNS rebinding.

Every answer is a complete HTTP response with ``X-Content-Type-Options:
nosniff``, hostile requests included: a path too long for any file (414), a
request line or header too long (http.server's 414 and 431), HTTP/0.9 or two
``Host`` headers (400). Connections, their limits and errors: preview/http_server.py.
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import posixpath
import socket
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsgen.build.options import BuildOptions, BuildReport
from newsgen.errors import UsageError
from newsgen.preview.http_server import PreviewServer, report_internal_error
from newsgen.preview.live_reload import (
    EVENTS_PATH,
    RELOAD_SCRIPT,
    SCRIPT_PATH,
    ReloadHub,
    inject_script,
    retry_later,
)
from newsgen.preview.rebuild import Previewer
from newsgen.preview.watch import Debouncer, start_watching

KEEPALIVE_SECONDS = 15.0
REQUEST_TIMEOUT = 30.0
"""Seconds a connection may stay silent while sending its request, or while not reading
its answer, before it is dropped."""
MAX_PATH_LENGTH = 2048
"""Longer request paths are answered 414: no file of a site has such a name."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".mjs": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
    # Files of a Pagefind index (newsgen's before it wrote its own), which an output
    # built by an older newsgen may still hold.
    ".pagefind": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
}


def resolve_request_path(root: Path, raw_path: str) -> Path | None:
    """Return the file or folder under ``root`` that a request path names, or None.

    None for anything that would leave ``root``: ``..`` in any encoding,
    backslashes, NUL bytes, encoded slashes, and symbolic links pointing out.
    """
    path = urlsplit(raw_path).path
    if "\\" in path or "%2f" in path.lower() or "%5c" in path.lower():
        return None
    try:
        decoded = unquote(path, errors="strict") if "%" in path else path
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded or not decoded.startswith("/"):
        return None
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if any(part.strip() in ("..", "...") or part.startswith("..") for part in parts):
        return None
    real_root = root.resolve()
    candidate = real_root.joinpath(*parts).resolve()
    if candidate != real_root and real_root not in candidate.parents:
        return None
    return candidate


def look_up(root: Path, raw_path: str) -> Path | str | None:
    """Return the file under ``root`` a request path names (a folder's ``index.html``),
    the path to redirect to for a folder named without its final slash (a ``str``), or
    None when there is nothing to serve (see resolve_request_path)."""
    try:
        target = resolve_request_path(root, raw_path)
        if target is not None and target.is_dir():
            path = urlsplit(raw_path).path
            if not path.endswith("/"):
                return posixpath.normpath("/" + path.lstrip("/")) + "/"
            target = target / "index.html"
        return target if target is not None and target.is_file() else None
    except (OSError, RuntimeError, ValueError):  # a name too long; a loop of links
        return None


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Answers GET and HEAD with files of the output directory and the site's 404 page."""

    server_version = "newsgen-preview"
    default_request_version = "HTTP/1.0"  # an unreadable request line is answered with headers
    timeout = REQUEST_TIMEOUT

    def __init__(
        self,
        *args: object,
        root: Path,
        allowed_hosts: frozenset[str],
        any_ip: bool = False,
        hub: ReloadHub | None = None,
    ) -> None:
        self.root = root
        self.allowed_hosts = allowed_hosts
        self.any_ip = any_ip
        self.hub = hub
        self._status_sent = False
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        """Serve a file, a folder's ``index.html``, a redirect to add a slash, or 404."""
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        """Like GET, without the body."""
        self._respond(send_body=False)

    def parse_request(self) -> bool:
        """Read the request line and headers (see BaseHTTPRequestHandler); False once a
        request is answered with an error. HTTP/0.9 (a request line without a version)
        is refused: its answer would carry neither a status line nor headers."""
        if len(self.raw_requestline.split()) != 2:
            return super().parse_request()
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.command, self.request_version, self.close_connection = "", "HTTP/1.0", True
        self.send_error(400, "HTTP/0.9 is not supported")
        return False

    def send_response_only(self, code: int, message: str | None = None) -> None:
        """Start the answer with its status line (see BaseHTTPRequestHandler)."""
        self._status_sent = True
        super().send_response_only(code, message)

    def end_headers(self) -> None:
        """End the headers of any answer, errors included, with ``nosniff`` among them."""
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing: the terminal is kept for build messages (a bug met while
        answering is reported by report_internal_error)."""

    def _respond(self, send_body: bool) -> None:
        """Answer the request; a client that went away is let go, a bug is reported and
        answered 500 when no answer has begun."""
        try:
            self._answer(send_body)
        except (ConnectionError, TimeoutError):  # the client left, or stopped reading
            self.close_connection = True
        except Exception as error:
            self.close_connection = True
            report_internal_error(error)
            if not self._status_sent:
                self._send_plain(500, "Internal Server Error", send_body)

    def _answer(self, send_body: bool) -> None:
        try:
            path = urlsplit(self.path).path
        except ValueError:  # "http://[::1/": not a URL
            self._send_plain(400, "Bad Request: not a request target", send_body)
            return
        if not self._host_allowed():
            self._send_plain(400, "Bad Request: unknown Host header", send_body)
            return
        if len(path) > MAX_PATH_LENGTH:
            self._send_plain(414, "URI Too Long", send_body)
            return
        if self.hub is not None and self._answer_live_reload(path, send_body):
            return
        found = look_up(self.root, self.path)
        if isinstance(found, str):
            self._redirect(found, send_body)
        elif found is None:
            self._send_not_found(send_body)
        else:
            self._send_file(200, found, send_body)

    def _answer_live_reload(self, path: str, send_body: bool) -> bool:
        """Answer the live-reload script and event stream; False for other paths."""
        if path == SCRIPT_PATH:
            self._send_bytes(
                200, "text/javascript; charset=utf-8", RELOAD_SCRIPT.encode(), send_body
            )
            return True
        if path == EVENTS_PATH:
            self._stream_events(send_body)
            return True
        return False

    def _stream_events(self, send_body: bool) -> None:
        """Send the latest build's state, then each new one, until the page goes away;
        beyond the hub's streams, the state and when to ask again."""
        assert self.hub is not None
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not send_body:
            return
        if not self.hub.open_stream():
            self.wfile.write(retry_later() + self.hub.state.event())
            return
        try:
            self._follow_builds()
        finally:
            self.hub.close_stream()

    def _follow_builds(self) -> None:
        """Send the latest build's state, then each new one, until the page goes away."""
        assert self.hub is not None
        state = self.hub.state
        try:
            self.wfile.write(state.event())
            self.wfile.flush()
            while not self.hub.closed:
                following = self.hub.next_state(state.number, timeout=KEEPALIVE_SECONDS)
                if following is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    state = following
                    self.wfile.write(state.event())
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            return

    def _host_allowed(self) -> bool:
        """True for one ``Host`` header naming this server (and a target that names no
        other, ``GET http://host/ HTTP/1.1``)."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return False
        authority = urlsplit(self.path).netloc or hosts[0]
        return all(host_allowed(h, self.allowed_hosts, self.any_ip) for h in (hosts[0], authority))

    def _redirect(self, location: str, send_body: bool) -> None:
        # Location is a path on this server only: never "//other.host/".
        self.send_response(301)
        self.send_header("Location", "/" + location.lstrip("/"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_not_found(self, send_body: bool) -> None:
        page = self.root / "404.html"
        if page.is_file():
            self._send_file(404, page, send_body)
        elif self.hub is not None:  # no good build yet: a page that can show the problems
            body = b"<!doctype html><title>Not Found</title><body><h1>Not Found</h1></body>"
            self._send_bytes(404, CONTENT_TYPES[".html"], self._with_script(body), send_body)
        else:
            self._send_plain(404, "Not Found", send_body)

    def _send_file(self, status: int, path: Path, send_body: bool) -> None:
        try:
            with path.open("rb") as handle:  # an open file survives a rebuild's swap
                body = handle.read()
        except OSError:
            self._send_plain(404, "Not Found", send_body)
            return
        kind = content_type(path)
        if kind == CONTENT_TYPES[".html"]:
            body = self._with_script(body)
        self._send_bytes(status, kind, body, send_body)

    def _with_script(self, body: bytes) -> bytes:
        return body if self.hub is None else inject_script(body, self.hub.state.number)

    def _send_bytes(self, status: int, kind: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _send_plain(self, status: int, text: str, send_body: bool) -> None:
        body = (text + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def preview_server(host: str, port: int, output: Path, hub: ReloadHub | None) -> PreviewServer:
    """Return a PreviewServer listening on ``host:port`` (port 0: any free one) that
    serves ``output``, with live reload through ``hub`` when given.

    Raises UsageError when the address cannot be bound.
    """
    try:
        server = PreviewServer((host, port), PreviewHandler)
    except OSError as error:
        raise UsageError(_cannot_listen(host, port, error)) from None
    server.RequestHandlerClass = partial(  # type: ignore[assignment]
        PreviewHandler,
        root=output,
        allowed_hosts=allowed_hosts(host, server.server_address[1]),
        any_ip=host in ("0.0.0.0", "::"),
        hub=hub,
    )
    return server


def _cannot_listen(host: str, port: int, error: OSError) -> str:
    """Return why ``host:port`` cannot be listened on, and what to do about it."""
    said = f"cannot listen on {host}:{port}: {error.strerror or error}"
    if error.errno == errno.EADDRINUSE:
        return (
            f"{said}; another program (another newsgen serve?) uses it: stop it or "
            f"choose another port, e.g. --port {port + 1 if 0 < port < 65535 else 8001}"
        )
    if error.errno == errno.EACCES:
        return f"{said}; ports below 1024 need administrator rights: choose e.g. --port 8000"
    if error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(
        error, socket.gaierror
    ):
        return f"{said}; --host must be an address of this machine, e.g. 127.0.0.1"
    return said


def content_type(path: Path) -> str:
    """Return the Content-Type for a file name."""
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Return the ``Host`` header values this server answers to.

    The bound address and the loopback names, with the port. A server bound
    to every address (``0.0.0.0`` or ``::``) also answers to any IP address
    (see host_allowed), but never to other DNS names, which is what a DNS
    rebinding attack sends.
    """
    names = {host.lower(), "localhost", "127.0.0.1", "[::1]"}
    if ":" in host and not host.startswith("["):
        names.add(f"[{host.lower()}]")
    return frozenset(f"{name}:{port}" for name in names)


def host_allowed(header: str, allowed: frozenset[str], bound_to_all: bool) -> bool:
    """Return True when a request's ``Host`` header names this server."""
    host = header.strip().lower()
    if host in allowed:
        return True
    if not bound_to_all:
        return False
    name, _, port = host.rpartition(":")
    ports = {entry.rpartition(":")[2] for entry in allowed}
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return port in ports


def serve(
    source: Path,
    output: Path,
    host: str,
    port: int,
    drafts: tuple[bool, bool],
    describe: Callable[[BuildReport], str],
) -> int:
    """Build ``source`` into ``output`` for ``http://host:port/``, serve it, and rebuild
    on every save until Ctrl-C; open pages reload by themselves.

    ``drafts`` is (include drafts, include articles dated after the build time).
    ``describe`` makes the summary line of a build. Returns the exit code;
    raises UsageError when the port cannot be bound.
    """
    if not _is_loopback(host):
        print(f"warning: serving on {host}: other machines can reach this preview", file=sys.stderr)
    hub = ReloadHub()
    server = preview_server(host, port, output, hub)  # before building: a busy port fails fast
    url = f"http://{_url_host(host)}:{server.server_address[1]}/"
    options = BuildOptions(
        source, output, url, *drafts, precompress=False, spare_ready=True, waiting=_say
    )
    previewer = Previewer(options, hub, describe)
    try:
        previewer.rebuild(first=True)
    except BaseException:
        server.server_close()
        raise
    debouncer = Debouncer()
    stop_watching = start_watching(source, debouncer)
    rebuilder = threading.Thread(target=previewer.run, args=(debouncer,), name="rebuild")
    rebuilder.start()
    print(f"Serving {output} at {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        hub.close()  # ends the pages' event streams
        stop_watching()
        debouncer.close()
        rebuilder.join()  # a rebuild under way finishes: its staging folder is removed
        server.server_close()
        print("Stopped.", file=sys.stderr)
    return 0


def _say(line: str) -> None:
    """Print a note of a rebuild's (it waits for another build) to the terminal."""
    print(f"newsgen: {line}", file=sys.stderr, flush=True)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
