"""The read stage of a build: every input found, read where its stat changed, and
fingerprinted; nothing parsed or rendered yet (build/pipeline.py decides from it
whether anything is to be done)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from newsgen import __version__
from newsgen.build.fingerprint import (
    LastBuild,
    QuickFound,
    base_key,
    inputs_fingerprint,
    output_manifest,
    with_articles,
)
from newsgen.build.inputs import default_theme, template_bytes, template_dirs
from newsgen.build.options import GENERATOR, BuildOptions, BuildReport
from newsgen.cache.articles import ArticleCache
from newsgen.cache.codec import is_whole
from newsgen.cache.file_hashes import file_hashes
from newsgen.config import CONFIG_FILE
from newsgen.content.authors import AUTHORS_FILE
from newsgen.content.discover import discover_content
from newsgen.content.load import LoadSettings, SourceBytes, body_reloader, read_sources
from newsgen.errors import Problems
from newsgen.models import SiteConfig
from newsgen.output.write import Copy


@dataclass(frozen=True, slots=True)
class ReadInputs:
    """What the read stage found: every input of the build but the articles' contents."""

    copies: list[Copy]
    """The files of ``static/`` (the site's and the theme's) to copy."""
    problems: Problems
    settings: LoadSettings
    sources: list[SourceBytes]
    """Every article file's bytes (or its cached key)."""
    templates: list[tuple[str, bytes]]
    """Every template file by name, with its bytes (read once per build)."""
    found: QuickFound
    """The fingerprints of the inputs, for the checks that may skip work."""
    last: LastBuild | None
    """What the last build of this output left, when it is whole."""
    file_digests: dict[str, str]
    """The hash of each static file (``images/a.jpg``) and file beside an article
    (``content/world/a/map.png``), by that name."""


def read_inputs(
    options: BuildOptions,
    config: SiteConfig,
    cache: ArticleCache,
    static: tuple[list[Copy], Problems],
) -> ReadInputs:
    """Discover the content, read the article files, templates and other inputs, and
    fingerprint them all (the plan: nothing is parsed or rendered yet)."""
    root, output = options.source, str(options.output_dir.resolve())
    copies, problems = static
    tree = discover_content(root, problems)
    # Absolute: the cache keys and the cached articles' image paths are then the same
    # whichever folder the build is started from (a build with ``--source site`` and
    # one started inside ``site/`` share their cached articles).
    content = (root / "content").absolute()
    settings = LoadSettings(config, content, frozenset(copy.path for copy in copies), tree.assets)
    sources = read_sources(tree, settings, problems, cache)
    cache.reload = body_reloader(sources, settings)  # for a body the cache cannot give back
    templates = template_bytes(template_dirs(root, default_theme()), problems)
    read_files = [(CONFIG_FILE, root / CONFIG_FILE), (AUTHORS_FILE, root / AUTHORS_FILE)]
    other_files = [(copy.path, copy.source) for copy in copies]
    assets = os.path.join(content, "")
    other_files += [(f"content/{asset}", assets + asset) for asset in tree.assets]
    hashed = file_hashes(other_files, cache if cache.stores else None)
    shown_options = [options.drafts, options.future, options.base_url, options.precompress]
    others = inputs_fingerprint((), [*read_files, *templates], hashed, shown_options)
    inputs = with_articles(others, [(i.source.content_relative, i.digest) for i in sources])
    last = complete_last_build(cache.last_build(output))
    manifest = output_manifest(options.output_dir)
    found = QuickFound(
        others,
        inputs,
        {item.source.shown: item.digest for item in sources},
        {item.source.shown: item.key for item in sources},
        base_key(__version__, GENERATOR, config, (options.drafts, options.future), templates),
        manifest,
    )
    return ReadInputs(copies, problems, settings, sources, templates, found, last, dict(hashed))


def complete_last_build(last: object) -> LastBuild | None:
    """Return ``last`` when it is a whole LastBuild holding a whole BuildReport (one
    pickled by an older newsgen may lack fields), else None."""
    whole = is_whole(last, LastBuild) and is_whole(last.report, BuildReport)  # type: ignore[attr-defined]
    return last if whole else None  # type: ignore[return-value]
