"""Shared fixtures: throwaway sites built in a temp dir."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

BASIC_CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.com/
description: A test site.
language: en
timezone: Europe/Berlin
per_page: 3
feed_items: 5
"""

MakeSite = Callable[..., Path]


def article_text(
    headline: str = "A headline",
    date: str = "2024-12-16T10:00:00+01:00",
    body: str = "First paragraph of the story.\n\nSecond paragraph.",
    **fields: str,
) -> str:
    """Return an article file's text; extra ``fields`` are raw YAML values."""
    lines = [f"headline: {json.dumps(headline)}" if headline is not None else "", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    front = "\n".join(line for line in lines if line)
    return f"---\n{front}\n---\n{body}\n"


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Return a function that writes a site into a fresh temp dir and returns its root.

    ``files`` maps paths relative to the site root to their text (dedented) or
    bytes; ``config`` replaces newsgen.yaml (None leaves it out).
    """
    counter = iter(range(1000))

    def make(
        files: dict[str, str | bytes] | None = None, config: str | None = BASIC_CONFIG
    ) -> Path:
        root = tmp_path / f"site{next(counter)}"
        (root / "content").mkdir(parents=True)
        if config is not None:
            (root / "newsgen.yaml").write_text(config, encoding="utf-8")
        for name, data in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(textwrap.dedent(data), encoding="utf-8")
        return root

    return make
