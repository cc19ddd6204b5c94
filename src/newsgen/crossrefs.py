"""Links between articles: a Markdown link to another article's ``.md`` file
becomes a link to that article's permalink.

The Markdown stage marks such links ``newsgen-ref:TARGET``; this stage,
which sees every article, swaps each mark for the target's URL, or reports
the link at its line when the target is missing or not being published.
No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from html import escape
from urllib.parse import unquote

from .errors import Problems
from .links import REF_SCHEME
from .models import Article

_MARK = re.compile(r'href="' + re.escape(REF_SCHEME) + r'([^"#]*)(#[^"]*)?"')


def resolve_article_links(
    published: list[Article], everything: Iterable[Article], problems: Problems
) -> list[Article]:
    """Return ``published`` with links to article sources pointing at their pages.

    ``everything`` holds all loaded articles, drafts and future ones too, so
    that a link to one of those gets a message saying why it cannot be made.
    """
    urls = {_content_path(a.source_path): a.url for a in published}
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
        if not article.link_refs:
            resolved.append(article)
            continue

        def swap(match: re.Match[str]) -> str:
            url = urls.get(unquote(match.group(1)), "#")
            return f'href="{escape(url)}{match.group(2) or ""}"'

        resolved.append(replace(article, body_html=_MARK.sub(swap, article.body_html)))
    return resolved


def _content_path(source_path: str) -> str:
    """``content/world/a.md`` -> ``world/a.md``."""
    return source_path.removeprefix("content/")
