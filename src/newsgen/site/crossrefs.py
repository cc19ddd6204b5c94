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
    published: list[Article], everything: Iterable[Article], problems: Problems
) -> list[Article]:
    """Return ``published`` with links to article sources pointing at their pages.

    ``everything`` holds all loaded articles, drafts and future ones too, so
    that a link to one of those gets a message saying why it cannot be made.
    """
    urls = article_urls(published)
    held_back = {_content_path(a.source_path) for a in everything} - urls.keys()
    resolved = []
    for article in published:
        for ref in article.link_refs:
            if ref.target not in urls:
                why = (
                    "is a draft or scheduled for later"
                    if ref.target in held_back
                    else "does not exist"
                )
                problems.error(
                    article.source_path,
                    ref.line,
                    None,
                    f"links to content/{ref.target}, which {why}; fix the path or remove the link",
                )
        resolved.append(with_links_resolved(article, urls))
    return resolved


def article_urls(published: Iterable[Article]) -> dict[str, str]:
    """Return the URL of each of ``published`` by its path in ``content/`` (``world/a.md``)."""
    return {_content_path(a.source_path): a.url for a in published}


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


def _content_path(source_path: str) -> str:
    """``content/world/a.md`` -> ``world/a.md``."""
    return source_path.removeprefix("content/")
