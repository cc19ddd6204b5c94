"""newsgen.markdown.urls: link URLs, autolink text and fence info strings as markdown-it has."""

from __future__ import annotations

import pytest

from newsgen.markdown.urls import link_text, unescape_info, with_ascii_host


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://m%C3%BCller.example/%C3%B6", "http://xn--mller-kva.example/%C3%B6"),
        ("https://user@%E2%98%83.net:8080/a?b#c", "https://user@xn--n3h.net:8080/a?b#c"),
        ("//%E2%98%83.net/", "//xn--n3h.net/"),
        ("mailto:a@m%C3%BCller.example", "mailto:a@xn--mller-kva.example"),
        ("https://plain.example/%C3%B6", "https://plain.example/%C3%B6"),
        ("ftp://%E2%98%83.net/", "ftp://%E2%98%83.net/"),  # only web and mail hosts
        ("relative/%C3%B6.md", "relative/%C3%B6.md"),
        ("http://%FF.example/", "http://%FF.example/"),  # not UTF-8: left alone
        # Other characters of a host stay percent-encoded, as markdown-it-py writes them.
        ("https://a%5Db.example/", "https://a%5Db.example/"),
        ("https://a%5Bb.example/x", "https://a%5Bb.example/x"),
        (
            "https://a%60%7B%7D%7C%5E%5C%22%3C%3E%25b.example/",
            "https://a%60%7B%7D%7C%5E%5C%22%3C%3E%25b.example/",
        ),
        ("https://a%41b.example/", "https://a%41b.example/"),  # kept as written
        ("https://%5B2001:db8::1%5D:8080/x", "https://[2001:db8::1]:8080/x"),  # IPv6
        ("https://%5B2001:db8::1/x", "https://%5B2001:db8::1/x"),  # no closing bracket
        ("https://%5Babc%5D/", "https://abc/"),  # brackets only around an address
    ],
)
def test_with_ascii_host(url: str, expected: str) -> None:
    assert with_ascii_host(url) == expected


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://xn--n3h.net/", "http://☃.net/"),
        ("http://example.com/α%CE%B2γ%CE%B4", "http://example.com/αβγδ"),
        ("http://example.com/a%2Fb%20c", "http://example.com/a%2Fb c"),  # reserved stay
        ("http://example.com/%E2%28", "http://example.com/%E2("),  # invalid UTF-8 stays
        ("mail@example.com", "mail@example.com"),
    ],
)
def test_link_text(url: str, shown: str) -> None:
    assert link_text(url) == shown


@pytest.mark.parametrize(
    ("info", "read"),
    [
        ("python", "python"),
        ("f&ouml;&ouml;", "föö"),
        ("foo\\+bar", "foo+bar"),
        ("&#x20;", " "),
        ("&bad; &#0;", "&bad; &#0;"),  # unknown names and forbidden code points stay
    ],
)
def test_unescape_info(info: str, read: str) -> None:
    assert unescape_info(info) == read
