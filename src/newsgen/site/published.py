"""An article as the site publishes it: with the site's own Section, Tags and Authors
and its links to other articles resolved. What a quick rebuild and the page helper
need of the Site without building one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from newsgen.models import Article, Author, Section, Tag
from newsgen.site.crossrefs import with_links_resolved
from newsgen.site.taxonomy import with_canonical_names


def as_published(article: Article, site: SiteNames) -> Article:
    """Return ``article``, as loaded, as the site publishes it: with the site-wide
    Section, Tags and Authors of ``site`` (a QuickState or pagehelper.pool.PageSettings),
    and its links to other articles resolved to ``site.urls``."""
    article = with_canonical_names(article, site.sections, site.tags, site.authors)
    return with_links_resolved(article, site.urls)


class SiteNames(Protocol):
    """What as_published() reads: the site-wide names by slug and the articles' URLs."""

    @property
    def sections(self) -> Mapping[str, Section]: ...
    @property
    def tags(self) -> Mapping[str, Tag]: ...
    @property
    def authors(self) -> Mapping[str, Author]: ...
    @property
    def urls(self) -> Mapping[str, str]: ...
