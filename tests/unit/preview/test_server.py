"""newsgen.preview.server: the pure helpers of the preview server."""

from __future__ import annotations

import pytest

from newsgen.preview.server import _is_loopback, _url_host


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host, loopback):
    assert _is_loopback(host) is loopback


@pytest.mark.parametrize(("host", "shown"), [("127.0.0.1", "127.0.0.1"), ("::1", "[::1]")])
def test_url_host_brackets_ipv6(host, shown):
    assert _url_host(host) == shown
