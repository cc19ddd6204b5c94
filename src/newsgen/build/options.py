"""What a build is asked to do (BuildOptions, the CLI's flags) and what it did
(BuildReport): the types every command that builds shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsgen import __version__
from newsgen.build.locks import DEFAULT_WAIT, Waiting
from newsgen.errors import Problem

GENERATOR = f"newsgen {__version__}"
"""What newsgen calls itself in the files it writes (feeds' generator, the base key)."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and where; the CLI's flags."""

    source: Path
    """The site root, holding ``newsgen.yaml`` and ``content/``."""
    output: Path | None = None
    """The output directory; default ``SOURCE/public``."""
    base_url: str | None = None
    """Replaces ``base_url`` from ``newsgen.yaml`` (for previews and staging hosts)."""
    drafts: bool = False
    """Build drafts too."""
    future: bool = False
    """Build articles dated after the build time too."""
    now: datetime | None = None
    """The build time (default: the clock); decides scheduled articles and the news sitemap."""
    jobs: int | None = None
    """Processes to parse articles in (default: every core this process may use); above
    1, a build that renders many article pages has a helper process render them."""
    cache: bool = True
    """Use and update the article cache in ``SOURCE/.newsgen/``."""
    progress: Callable[[str, int, int], None] | None = None
    """Told ``(stage, done, total)`` as the build goes (the CLI's progress bar)."""
    refresh_search: bool = True
    """Index the site again when an indexed page changed; False keeps the output's
    index while it has one (the live preview, whose rebuilds must be quick)."""
    precompress: bool = True
    """Write the ``.gz`` and ``.br`` copies ``compress: true`` asks for; False leaves
    them out (the live preview, whose output is never deployed and whose rebuilds
    must be quick)."""
    spare_ready: bool = False
    """After a build that left no spare tree (a new output folder), make one at once,
    so that the next rebuild can be quick (the live preview)."""
    wait: float = DEFAULT_WAIT
    """Seconds to wait for another build of the same output folder or site to finish
    before giving up (build/locks.py)."""
    waiting: Waiting | None = None
    """Told a line saying whom the build waits for, when it has to (the CLI prints it)."""

    @property
    def output_dir(self) -> Path:
        """The output directory to write."""
        return self.output if self.output is not None else self.source / "public"


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a successful build did."""

    articles: int
    """Articles published."""
    pages: int
    """HTML pages and feeds in the output."""
    files: int
    """All files in the output, copies included (written or unchanged)."""
    drafts_skipped: int
    """Drafts left out (0 with ``--drafts``)."""
    seconds: float
    """Wall time of the build."""
    warnings: tuple[Problem, ...] = field(default=())
    """Problems that did not fail the build."""
    future_skipped: int = 0
    """Articles dated after the build time left out (0 with ``--future``)."""
    unchanged: int = 0
    """Files whose bytes the previous output already had (kept, not rewritten)."""
    cache_hits: int = 0
    """Articles taken from the cache instead of being parsed and rendered."""
    article_urls: Mapping[str, str] = field(default_factory=dict)
    """The URL path of each published article by its source file (``content/world/a.md``)."""
    quick: bool = False
    """True when only article bodies changed and the build rendered just the files
    that show them (build/quick_rebuild.py)."""
    pictures_made: int = 0
    """Picture files processed (images/): those whose copies the cache did not hold."""
