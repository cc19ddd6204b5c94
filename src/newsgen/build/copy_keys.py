"""Static files and article images that cost nothing when unchanged.

The writer links a copied file (a file of ``static/``, an image beside an article)
from the live output when the live file has the same bytes; comparing them means
reading both. A build records, beside the page keys, the ``stat`` of each copy's
source (size, modification and change times, inode: what file_hashes trusts) with
the inode of the output file made from it; the next build finds the source with
the same stat and the output file the same file, and links it without reading
either. A source changed within RACY_SECONDS of the build is not recorded (the
clock might not show a second change), so it is compared again next time.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Mapping, Sequence

from newsgen.cache.file_hashes import racy, stat_key
from newsgen.output.write import Copy

COPY_KEY = "copy "
"""How the key of a copied file starts among the page keys (a page's key is a hash)."""


def source_keys(copies: Sequence[Copy]) -> dict[str, str]:
    """Return the key of each copy's source, by output path: its stat, unless it is
    missing or racy (then it has none)."""
    started = time.time_ns()
    keys: dict[str, str] = {}
    for copy in copies:
        try:
            info = os.stat(copy.source)
        except OSError:
            continue
        if not racy(info, started):
            keys[copy.path] = COPY_KEY + stat_key(info)
    return keys


def known_copies(
    copies: Sequence[Copy], keys: Mapping[str, str], recorded: Mapping[str, tuple[str, int]]
) -> list[Copy]:
    """Return ``copies``, each whose source has the key (``keys``) recorded with its
    output file (``recorded``: path -> (key, inode)) naming that file's inode as
    ``known``: the writer links it if the live output still has that file."""
    known = []
    for copy in copies:
        key, was = keys.get(copy.path), recorded.get(copy.path)
        if key is not None and was is not None and was[0] == key:
            copy = dataclasses.replace(copy, known=was[1])
        known.append(copy)
    return known


def copy_keys(keys: Mapping[str, str], inodes: Mapping[str, int]) -> dict[str, tuple[str, int]]:
    """Return what to remember of each copy written: its source's key, its inode."""
    return {path: (key, inodes[path]) for path, key in keys.items() if path in inodes}
