"""Links between articles: a Markdown link to another article's ``.md`` file
becomes a link to that article's permalink.

The Markdown stage marks such links ``newsgen-ref:TARGET``; this stage,
which sees every article, swaps each mark for the target's URL, or reports
the link at its line when the target is missing or not being published.
No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from html import escape
from urllib.parse import unquote

from newsgen.errors import Problems
from newsgen.models import Article
from newsgen.sanitize import REF_SCHEME

_MARK = re.compile(r'href="' + re.escape(REF_SCHEME) + r'([^"#]*)(#[^"]*)?"')


def resolve_article_links(
    published: list[Article],
    everything: Iterable[Article],
    problems: Problems,
    sources: Iterable[str] = (),
) -> list[Article]:
    """Return ``published`` with links to article sources pointing at their pages.

    ``everything`` holds all loaded articles, drafts and future ones too, and
    ``sources`` the path of every article file found (``content/world/a.md``),
    those that failed to load too, so that a link to one of those gets a message
    saying why it cannot be made rather than that its target does not exist.
    """
    urls = article_urls(published)
    loaded = {content_path(a.source_path) for a in everything}
    held_back = loaded - urls.keys()
    failed = {content_path(path) for path in sources} - loaded
    resolved = []
    for article in published:
        for ref in article.link_refs:
            if ref.target not in urls:
                why = f"links to content/{ref.target}, which " + _why(ref.target, held_back, failed)
                problems.error(article.source_path, ref.line, None, why)
        resolved.append(with_links_resolved(article, urls))
    return resolved


def _why(target: str, held_back: set[str], failed: set[str]) -> str:
    """Return why a link to ``target`` cannot be made, and what to do about it."""
    if target in held_back:
        return "is a draft or scheduled for later; fix the path or remove the link"
    if target in failed:
        return "has errors (reported for that file); fix those and this link works"
    return "does not exist; fix the path or remove the link"


def article_urls(published: Iterable[Article]) -> dict[str, str]:
    """Return the URL of each of ``published`` by its path in ``content/`` (``world/a.md``)."""
    return {content_path(a.source_path): a.url for a in published}


def with_links_resolved(article: Article, urls: Mapping[str, str]) -> Article:
    """Return ``article`` with each link to an article source swapped for its URL in
    ``urls`` (article_urls()), or ``#`` when it has none (resolve_article_links()
    reports those)."""
    if not article.link_refs:
        return article

    def swap(match: re.Match[str]) -> str:
        url = urls.get(unquote(match.group(1)), "#")
        return f'href="{escape(url)}{match.group(2) or ""}"'

    return replace(article, body_html=_MARK.sub(swap, str(article.body_html)))


def content_path(source_path: str) -> str:
    """Return an article's path in ``content/``, as links name it: ``content/world/a.md`` ->
    ``world/a.md``."""
    return source_path.removeprefix("content/")
