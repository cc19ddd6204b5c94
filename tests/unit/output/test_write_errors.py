"""newsgen.output.write_errors: what a failed write tells the editor."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from newsgen.models import Kept, Output
from newsgen.output.write import Copy
from newsgen.output.write_errors import cannot, cannot_write

OUT = Path("/srv/www/public")


def failure(code: int, filename: str | None = None) -> OSError:
    return OSError(code, os.strerror(code), filename)


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.ENOSPC, "the disk is full: free some space, then build again"),
        (errno.EDQUOT, "the disk quota is used up: free some space"),
        (errno.EROFS, "the disk is read-only: choose an output folder on a writable disk"),
        (errno.EACCES, "newsgen may not write there: check the permissions"),
        (errno.ENAMETOOLONG, "shorten the slug, alias or file name it comes from"),
    ],
)
def test_each_failure_says_what_to_do(code: int, advice: str) -> None:
    page = Output("world/a/index.html", b"", "content/world/a.md")
    message = cannot_write(OUT, page, failure(code, "index.html"))
    assert message.startswith(
        "cannot write /srv/www/public/world/a/index.html (from content/world/a.md): "
        f"{os.strerror(code)}; "
    )
    assert advice in message
    assert message.endswith(". The site in /srv/www/public is unchanged.")


def test_the_source_of_the_file_is_named_with_its_line_for_an_alias() -> None:
    alias = Output("old/index.html", b"", "content/world/a.md", line=7, field="aliases[0]")
    copy = Copy(Path("/site/static/x.css"), "x.css", "static/x.css")
    kept = Kept("feed.xml", 12)
    code = errno.ENOSPC
    assert "(from content/world/a.md:7: aliases[0])" in cannot_write(OUT, alias, failure(code))
    assert "public/x.css (from static/x.css):" in cannot_write(OUT, copy, failure(code))
    assert "public/feed.xml: No space left" in cannot_write(OUT, kept, failure(code))


def test_a_full_path_in_the_error_is_named_a_bare_name_is_not() -> None:
    said = cannot("make the new site beside", OUT, failure(errno.EROFS, "/srv/www/.x"), OUT)
    assert said.startswith(
        "cannot make the new site beside /srv/www/public: Read-only file system (/srv/www/.x);"
    )
    assert "(index.html)" not in cannot("write", OUT, failure(errno.EIO, "index.html"), OUT)
    other = cannot("write", OUT, failure(errno.EXDEV), OUT)
    assert other == (
        "cannot write /srv/www/public: Invalid cross-device link. "
        "The site in /srv/www/public is unchanged."
    )
