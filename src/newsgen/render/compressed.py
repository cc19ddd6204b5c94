"""Pre-compressed copies of the site's text files (``compress: true``).

Each page, feed, sitemap, stylesheet, script and drawn icon the build plans
gets two siblings, ``NAME.gz`` (gzip, level 9) and ``NAME.br`` (Brotli,
quality 5: within a sixth of its best size at a fiftieth of its time), planned
like any other output: keyed by the file they compress, so an unchanged page
keeps its copies too. A static host serves them in place of the file to
browsers that ask for that encoding (nginx ``gzip_static`` and
``brotli_static``, docs/output-and-deploying.md). Both are written
reproducibly: gzip with no name or time in its header.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from dataclasses import replace

import brotli

from newsgen.render.outputs import PlannedFile

COMPRESSED_SUFFIXES = (".html", ".xml", ".json", ".txt", ".css", ".js", ".svg")
MIN_BYTES = 256
"""Smaller files are written compressed too, for a host that looks for the copy; it
barely matters which it sends."""
COPY_SUFFIXES = (".gz", ".br")
BROTLI_QUALITY = 5
GZIP_LEVEL = 9


def with_compressed(planned: Sequence[PlannedFile]) -> list[PlannedFile]:
    """Return ``planned`` with a ``.gz`` and a ``.br`` copy after each text file. A file
    rendered here is rendered once for all three (its bytes are held until both copies
    are made, which the writer does next)."""
    result: list[PlannedFile] = []
    for item in planned:
        if not item.path.endswith(COMPRESSED_SUFFIXES):
            result.append(item)
            continue
        held = _Held(item.render)
        result.append(replace(item, render=held.render))
        for suffix, compress in zip(COPY_SUFFIXES, (gzip_bytes, brotli_bytes), strict=True):
            key = None if item.key is None else f"{item.key}{suffix}"
            made = PlannedFile(
                item.path + suffix, item.source, key, held.compressed(compress, suffix == ".br")
            )
            result.append(made)
    return result


def gzip_bytes(data: bytes) -> bytes:
    """Return ``data`` gzipped, the same bytes in every build."""
    return gzip.compress(data, GZIP_LEVEL, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    """Return ``data`` compressed with Brotli."""
    return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


class _Held:
    """A file's render, whose bytes its compressed copies take instead of rendering it
    again."""

    def __init__(self, render: Callable[[], bytes | None]) -> None:
        self._render = render
        self._data: bytes | None = None

    def render(self) -> bytes | None:
        self._data = self._render()
        return self._data

    def compressed(
        self, compress: Callable[[bytes], bytes], last: bool
    ) -> Callable[[], bytes | None]:
        def make() -> bytes | None:
            data = self._data if self._data is not None else self._render()
            if last:
                self._data = None  # both copies are made: let the bytes go
            return None if data is None else compress(data)

        return make
