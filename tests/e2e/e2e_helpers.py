"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Return every file below ``directory`` as {relative path: bytes}."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def file_for(out: Path, url: str) -> Path:
    """Return the output file that serves the root-relative ``url``."""
    relative = url.lstrip("/")
    return out / (relative + "index.html" if relative == "" or relative.endswith("/") else relative)
