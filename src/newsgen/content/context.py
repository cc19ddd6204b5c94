"""What every article load needs to know about the site (content/parse.py takes it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsgen.markdown.renderer import Markdown
from newsgen.models import SiteConfig


@dataclass(frozen=True, slots=True)
class LoadContext:
    """What every article load needs to know about the site."""

    config: SiteConfig
    markdown: Markdown
    content_root: Path
    static_files: frozenset[str]
    """Files served from the site root, relative to it (``images/a.jpg``)."""
    content_assets: frozenset[str]
    """Non-article files under ``content/``, relative to it."""
