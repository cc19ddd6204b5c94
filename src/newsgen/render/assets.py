"""Stylesheets and scripts under content-hashed names, so hosts may cache them for ever.

Every ``.css`` and ``.js`` file in the ``css/`` and ``js/`` folders of the
site's ``static/`` (or, where the site has none of that name, the theme's) is
published twice: under its own name, and under a name holding the start of
the SHA-256 of its bytes (``css/newsgen.3f9a1c2b7d.css``). Templates link the
hashed one through ``static_url()``; a changed file gets a new name, so a
reader's browser never mixes an old stylesheet with a new page. A script that
imports another by a relative path (``./search-engine.js``) is published with
that import pointed at the other's hashed name too.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ASSET_FOLDERS = ("css", "js")
ASSET_SUFFIXES = (".css", ".js")
HASH_LENGTH = 10
MAX_ASSET_BYTES = 4 << 20
"""A larger stylesheet or script is published under its own name only."""
_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\./[\w./-]+\.js)\2""")


@dataclass(frozen=True, slots=True)
class Asset:
    """One stylesheet or script published under a hashed name."""

    path: str
    """Its own path below the output (``css/newsgen.css``)."""
    hashed: str
    """Its hashed path (``css/newsgen.3f9a1c2b7d.css``)."""
    data: bytes
    """What is published under the hashed name."""


def find_assets(static_roots: Sequence[Path]) -> dict[str, Asset]:
    """Return the stylesheets and scripts of ``static_roots`` (site first, then theme) by
    their own path; a file unreadable or too large is left out (the static copy
    reports it)."""
    found: dict[str, bytes] = {}
    for root in reversed(static_roots):  # the site's files win
        for folder in ASSET_FOLDERS:
            for path in _files(root / folder):
                data = _read(path)
                if data is not None:
                    found[f"{folder}/{path.relative_to(root / folder).as_posix()}"] = data
    scripts = {path: data for path, data in found.items() if path.endswith(".js")}
    hashed = {path: _hashed_name(path, data) for path, data in found.items() if path not in scripts}
    for path, data in _with_hashed_imports(scripts, {}).items():
        found[path] = data
        hashed[path] = _hashed_name(path, data)
    return {path: Asset(path, hashed[path], found[path]) for path in sorted(found)}


def asset_urls(assets: Mapping[str, Asset]) -> dict[str, str]:
    """Return the hashed path of each asset by its own path (what ``static_url()`` maps)."""
    return {path: asset.hashed for path, asset in assets.items()}


def _with_hashed_imports(scripts: dict[str, bytes], done: dict[str, bytes]) -> dict[str, bytes]:
    """Return each script with its relative imports of other scripts pointed at their
    hashed names (imported scripts first; an import cycle keeps its plain names)."""
    visiting: set[str] = set()

    def resolve(path: str) -> bytes:
        if path in done:
            return done[path]
        visiting.add(path)
        text = scripts[path].decode("utf-8", "surrogateescape")

        def point(match: re.Match[str]) -> str:
            target = str(PurePosixPath(path).parent / match.group(3)[2:])
            target = os.path.normpath(target)
            if target not in scripts or target in visiting:
                return match.group(0)
            name = PurePosixPath(_hashed_name(target, resolve(target))).name
            quote = match.group(2)
            return f"{match.group(1)}{quote}./{_relative(path, target, name)}{quote}"

        data = _IMPORT.sub(point, text).encode("utf-8", "surrogateescape")
        visiting.discard(path)
        done[path] = data
        return data

    for path in scripts:
        resolve(path)
    return done


def _relative(importer: str, target: str, name: str) -> str:
    """Return the path from ``importer``'s folder to ``target``'s folder plus ``name``."""
    folder = PurePosixPath(target).parent
    inner = os.path.relpath(str(folder), str(PurePosixPath(importer).parent))
    return name if inner == "." else f"{inner}/{name}"


def _hashed_name(path: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{path}.{digest}"


def _files(folder: Path) -> list[Path]:
    """Return the regular stylesheets and scripts below ``folder`` (not following links
    to folders), sorted; hidden files are left out."""
    found: list[Path] = []
    if not folder.is_dir() or folder.is_symlink():
        return found
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            path = Path(current) / name
            if name.startswith(".") or not name.endswith(ASSET_SUFFIXES):
                continue
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _read(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > MAX_ASSET_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None
