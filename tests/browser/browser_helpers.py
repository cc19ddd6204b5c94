"""A running ``newsgen serve`` and a headless Chromium driving it, for the browser tests.

Not a test module; the tests and benchmarks/preview.py import it. Chromium and
chromedriver come from Debian's packages (``make test`` installs them).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from commands import default_ctrl_c, find_newsgen

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Preview:
    """A ``newsgen serve`` process on a free port, with its terminal output in a file."""

    def __init__(self, site: Path, log: Path, extra: tuple[str, ...] = ()) -> None:
        self.site = site
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("SOURCE_DATE_EPOCH", None)
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    find_newsgen(),
                    "serve",
                    "--source",
                    str(site),
                    "--port",
                    str(self.port),
                    *extra,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=default_ctrl_c,  # a shell may have started us ignoring SIGINT
            )

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait until the server answers; raise with its output when it does not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"newsgen serve exited: {self.output()}")
            try:
                urllib.request.urlopen(self.url + "/__newsgen/reload.js", timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"newsgen serve did not start: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """Stop it as Ctrl-C does and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        return self.process.returncode


@contextmanager
def running_preview(site: Path, log: Path, *extra: str) -> Iterator[Preview]:
    preview = Preview(site, log, extra)
    try:
        preview.wait_ready()
        yield preview
    finally:
        preview.stop()


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """Yield a headless Chromium driven by chromedriver."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder and says nothing of each request."""

    def log_message(self, format: str, *args: object) -> None:
        """Say nothing."""


@contextmanager
def serving(folder: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``folder`` with Python's HTTP server (``handler``) on a free port; yield its
    address, ``http://127.0.0.1:PORT``."""
    bound = functools.partial(handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
