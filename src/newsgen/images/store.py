"""The cache of made pictures: ``SITE/.newsgen/images/``, files and their records.

Files sit under ``img/`` with the names they have in the output (so the output
links or copies them from here). Each unit's record says what it made; records
are kept in 256 books (``records/KE.json``, by the first two characters of the
key), so a build of 100,000 pictures reads 256 small files, not 200,000, and a
book is written (to a temporary name, then renamed) only after the files its
new records name. A record whose files are not all there, or a book that cannot
be read, is as good as none: those units are made again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsgen.images.jobs import Made, UnitResult

RECORDS = "records"


class RecordBook:
    """The records of the made units in a cache folder, read a book at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._books: dict[str, dict[str, UnitResult]] = {}
        self._listings: dict[str, frozenset[str]] = {}
        self._changed: set[str] = set()

    def get(self, key: str) -> UnitResult | None:
        """Return the record of unit ``key`` when it and all its files are in the folder."""
        result = self._book(key[:2]).get(key)
        if result is None:
            return None
        for made in result.files:
            folder, _, name = made.name.rpartition("/")
            if name not in self._listing(folder):
                return None
        return result

    def put(self, result: UnitResult) -> None:
        """Record ``result`` (its files written); saved by save()."""
        self._book(result.key[:2])[result.key] = result
        self._changed.add(result.key[:2])
        for made in result.files:
            folder, _, _ = made.name.rpartition("/")
            self._listings.pop(folder, None)

    def save(self) -> None:
        """Write the books changed since they were read. Raises OSError."""
        for prefix in sorted(self._changed):
            records = [_as_json(result) for result in self._books[prefix].values()]
            write_file(self.folder / RECORDS / f"{prefix}.json", json.dumps(records).encode())
        self._changed.clear()

    def _book(self, prefix: str) -> dict[str, UnitResult]:
        book = self._books.get(prefix)
        if book is None:
            book = self._books[prefix] = _read_book(self.folder / RECORDS / f"{prefix}.json")
        return book

    def _listing(self, folder: str) -> frozenset[str]:
        listing = self._listings.get(folder)
        if listing is None:
            try:
                listing = frozenset(os.listdir(self.folder / folder))
            except OSError:
                listing = frozenset()
            self._listings[folder] = listing
        return listing


def _read_book(path: Path) -> dict[str, UnitResult]:
    try:
        raw = json.loads(path.read_bytes())
        results = [_from_json(item) for item in raw]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {result.key: result for result in results}


def _from_json(raw: dict) -> UnitResult:  # type: ignore[type-arg]
    return UnitResult(
        key=str(raw["key"]),
        files=tuple(Made(str(n), str(r), int(w), int(h), str(e)) for n, r, w, h, e in raw["files"]),
        width=int(raw["width"]),
        height=int(raw["height"]),
        placeholder=str(raw["placeholder"]),
        frames=int(raw["frames"]),
        vector=bool(raw["vector"]),
        notes=tuple(map(str, raw["notes"])),
    )


def _as_json(result: UnitResult) -> dict[str, object]:
    return {
        "key": result.key,
        "files": [[m.name, m.role, m.width, m.height, m.extension] for m in result.files],
        "width": result.width,
        "height": result.height,
        "placeholder": result.placeholder,
        "frames": result.frames,
        "vector": result.vector,
        "notes": list(result.notes),
    }


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary name, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
