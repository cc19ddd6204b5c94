"""``newsgen serve``: build the site for preview and serve it on loopback."""

from __future__ import annotations

import http.server
import ipaddress
import os
import sys
from functools import partial
from pathlib import Path

from .build import BuildOptions, build
from .errors import BuildFailed, UsageError


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files of the output directory; unknown paths get the site's 404 page."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build messages: only errors are logged."""
        if args and str(args[1]).startswith(("4", "5")) and str(args[1]) != "404":
            super().log_message(format, *args)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """Answer a folder without ``index.html`` with 404, as a static host would."""
        self.send_error(404)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer 404 with the site's own ``404.html`` when it has one."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(source: Path, output: Path, host: str, port: int, drafts: bool) -> int:
    """Build ``source`` into ``output`` for ``http://host:port/`` and serve it until Ctrl-C.

    Returns the exit code. Raises BuildFailed when the first build fails and
    UsageError when the port cannot be bound.
    """
    if not _is_loopback(host):
        print(f"warning: serving on {host}: other machines can reach this preview", file=sys.stderr)
    url = f"http://{_url_host(host)}:{port}/"
    try:
        report = build(BuildOptions(source, output, url, drafts))
    except BuildFailed:
        raise
    print(f"Built {report.articles} articles in {report.seconds:.2f} s", file=sys.stderr)
    handler = partial(PreviewHandler, directory=str(output))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    print(f"Serving {output} at {url} (Ctrl-C to stop)", file=sys.stderr)
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.", file=sys.stderr)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
