"""What each output of a build is made from, as a key: equal keys, equal bytes.

A key hashes newsgen's version, the build options, every template and the
config (the *base* key, shared by every output), and then what that output
shows: for a page, its template's variables, with each Article standing in
as the article's own key and ``site`` standing in as those of its parts the
template names (``site.sections``, ``site.tag_counts``: found in the
template's text and in the templates it extends, includes or imports).

An article's key hashes its file's bytes and path and what the site gave it
after loading: the site-wide Section, Tags and Authors (names chosen across
all articles, author profiles), the keys of its pictures (images/: a changed
picture file changes the copies its page names) and, when it links to other
articles, its body with those links resolved.

A rebuild renders only the outputs whose key differs from the last build's.
Templates are expected to read the site through the ``site`` variable by
name (``site.latest``); a template that hands ``site`` on under another name
(``{% set s = site %}``) would hide what it reads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import fields
from datetime import date, datetime
from functools import cache
from typing import Any

import jinja2

from newsgen.feeds.dates import aware
from newsgen.feeds.rss import FeedPlan
from newsgen.models import (
    Article,
    Author,
    CorrectionEntry,
    FrontPage,
    ListingPage,
    Section,
    SectionBlock,
    Site,
    SiteConfig,
    Tag,
)
from newsgen.render.freshness import freshness

_SITE_PART = re.compile(r"\bsite\.(\w+)")
_TOTAL = re.compile(r"\btotal\b")
_USES = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")
_PLAIN = (str, int, float, bool, type(None), datetime, date)
_PLAIN_TYPES = frozenset(_PLAIN)
_HOLDING_ARTICLES = frozenset({SectionBlock, CorrectionEntry, FeedPlan, FrontPage})
"""Dataclasses that hold Articles, described field by field (the others by their repr)."""


class InputKeys:
    """Keys of the outputs of one build of one site."""

    def __init__(
        self, site: Site, base: str, digests: Mapping[str, str], env: jinja2.Environment
    ) -> None:
        self.site = site
        assets = sorted(env.globals.get("asset_names", {}).items())  # static_url() gives them
        self.base = hashlib.sha256(f"{base}\0{assets!r}".encode()).hexdigest() if assets else base
        self._digests = digests
        self._env = env
        self._articles: dict[str, str] = {}
        zone = site.config.timezone
        self._now = None if site.build_time is None else aware(site.build_time, zone)
        self._site_parts: dict[str, str] = {}
        self._site_texts: dict[str, str] = {}
        self._template_parts = cache(self._parts_of_template)
        self._shows_total = cache(self._reads_total)
        self.described: dict[int, tuple[object, str]] = {}
        """Descriptions of dataclass objects (Tags, pages) by id(), each kept with its
        object so that the id cannot be reused: many pages show the same ones."""
        self._by_value: dict[object, str] = {}
        self._by_id: dict[int, tuple[object, str]] = {}
        """Descriptions of Sections, Tags and Authors by value: articles loaded from
        the cache hold equal but separate copies of them."""

    def article(self, article: Article) -> str:
        """Return the key of ``article``: its file's bytes and path and what the site gave it."""
        known = self._articles.get(article.source_path)
        if known is not None:
            return known
        digest = hashlib.sha256(self._digests.get(article.source_path, "?").encode())
        parts: list[str] = [article.source_path, repr(article.draft), self._named(article.section)]
        parts.append(freshness(article.date, self._now, self.site.config.timezone))  # its cards
        parts += [self._named(tag) for tag in article.tags]
        parts += [self._named(author) for author in article.authors]
        parts += [
            image.picture.key
            for image in (*article.images, *article.body_images)
            if image.picture is not None
        ]  # the files made of its pictures, which its page and cards name
        if article.source_path not in self._digests:  # not loaded from a file: all of it
            parts.append(repr(article))
        elif article.link_refs:  # its links to other articles were resolved into the body
            parts.append(
                hashlib.sha256(str(article.body_html).encode("utf-8", "surrogatepass")).hexdigest()
            )
        digest.update("\0".join(parts).encode("utf-8", "surrogatepass"))
        key = self._articles[article.source_path] = digest.hexdigest()
        return key

    def of(self, template: str | None, *values: Any) -> str:
        """Return the key of an output made with ``template`` (None: no template) from
        ``values``; a ``Site`` among them counts by the parts ``template`` names."""
        parts: list[str] = [self.base, template or ""]
        for value in values:
            if type(value) is Site:
                parts.append(self._site_text(template) if template else "")
            else:
                _walk(value, parts, self)
                if type(value) is ListingPage and (not template or self._shows_total(template)):
                    parts.append(f"total={value.total}")
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def describe(self, value: Any) -> str:
        """Return the description of dataclass object ``value`` (computed once per object)."""
        known = self.described.get(id(value))
        if known is None and type(value) is ListingPage:
            # output_path follows from url and number; the count of pages (total) counts
            # only where the template shows it (of()): a page far from the newest keeps
            # its key as pages are added (site/paginate.py)
            inner = [value.title, repr(value.number), value.url, repr(value.links)]
            inner += [repr(value.newer_url), repr(value.older_url)]
            known_keys = self._articles  # most items' keys are known by now: look them up
            inner += [
                known_keys.get(item.source_path) or self.article(item) for item in value.items
            ]
            known = self.described[id(value)] = (value, "\0".join(inner))
        elif known is None:
            if type(value) in _HOLDING_ARTICLES:
                inner: list[str] = [type(value).__name__]
                for name in _field_names(type(value)):
                    _walk(getattr(value, name), inner, self)
                text = "\0".join(inner)
            else:  # Tags, Sections, page links: their repr shows every field
                text = repr(value)
            known = self.described[id(value)] = (value, text)
        return known[1]

    def _named(self, value: Section | Tag | Author) -> str:
        """Return the description of a Section, Tag or Author (its repr, once per value;
        looked up by identity first: the Site's articles share the site-wide objects)."""
        seen = self._by_id.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        known = self._by_value.get(value)
        if known is None:
            known = self._by_value[value] = repr(value)
        self._by_id[id(value)] = (value, known)
        return known

    def _site_text(self, template: str) -> str:
        """Return the description of the site as ``template`` sees it: its parts' hashes."""
        known = self._site_texts.get(template)
        if known is None:
            names = self._template_parts(template)
            known = "\0".join(f"site.{name}={self._site_part(name)}" for name in names)
            self._site_texts[template] = known
        return known

    def _site_part(self, name: str) -> str:
        known = self._site_parts.get(name)
        if known is None:
            parts: list[str] = []
            value = getattr(self.site, name, None)
            if not isinstance(value, SiteConfig):  # the config is in the base key
                _walk(value, parts, self)
            known = self._site_parts[name] = hashlib.sha256(
                "\0".join(parts).encode("utf-8", "surrogatepass")
            ).hexdigest()
        return known

    def _reads_total(self, name: str) -> bool:
        return reads_total(self._env, name)

    def _parts_of_template(self, name: str) -> tuple[str, ...]:
        """Return the ``site.NAME`` parts read by template ``name`` and those it uses."""
        found: set[str] = set()
        for source in template_sources(self._env, name):
            found.update(site_parts(source))
        return tuple(sorted(found))


def reads_total(env: jinja2.Environment, name: str) -> bool:
    """True when template ``name`` or one it uses names a ``total`` (``page.total``)."""
    return any(_TOTAL.search(text) for text in template_sources(env, name))


def site_parts(text: str) -> list[str]:
    """Return the ``site.NAME`` parts that a template's ``text`` reads."""
    return _SITE_PART.findall(text)


def template_sources(env: jinja2.Environment, name: str) -> Iterator[str]:
    """Yield the text of template ``name`` and of every template it extends, includes
    or imports, each once (missing ones are skipped: rendering reports them)."""
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            continue
        pending.extend(_USES.findall(source))
        yield source


def _walk(value: Any, parts: list[str], keys: InputKeys) -> None:
    """Append a description of ``value`` to ``parts``, articles by their keys."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        parts.append(repr(value))
    elif kind is Article:
        parts.append(keys.article(value))
    elif kind is tuple or kind is list:
        parts.append(f"[{len(value)}")
        known_keys = keys._articles
        for item in value:
            if type(item) is Article:
                parts.append(known_keys.get(item.source_path) or keys.article(item))
            else:
                _walk(item, parts, keys)
    elif kind is Site:
        parts.append("site")
    elif hasattr(kind, "__dataclass_fields__"):
        parts.append(keys.describe(value))
    elif isinstance(value, Mapping):
        parts.append(f"{{{len(value)}")
        for name, item in value.items():
            parts.append(repr(name))
            _walk(item, parts, keys)
    elif isinstance(value, _PLAIN):  # subclasses (a str enum)
        parts.append(repr(value))
    else:
        parts.append(repr(value))


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(spec.name for spec in fields(kind))
