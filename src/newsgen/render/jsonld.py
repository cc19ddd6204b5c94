"""Structured data for search engines and link previews: schema.org JSON-LD.

Pure functions: each builder takes the Site (or its config) and models and
returns plain dicts, in the order the properties should appear; json_ld()
turns one into the text of a ``<script type="application/ld+json">``
element that no headline can break out of. render/templates.py exposes them to
templates as the globals ``news_article_ld(site, article)`` and
``breadcrumbs_ld(site, trail)`` and the filter ``json_ld``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from markupsafe import Markup

from newsgen.models import Article, Image, Rendition, Site, SiteConfig
from newsgen.urls import absolute

SCHEMA_CONTEXT = "https://schema.org"

# Characters that may not appear raw inside a <script> element's JSON: `<` (so that
# `</script>` and `<!--` can never appear), `>` and `&` (for good measure, and for
# XHTML parsers), and the line separators JavaScript once treated as newlines.
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")

# Labels in front of a credit that say what kind of picture it is, not who made it.
_CREDIT_LABEL_RE = re.compile(
    r"^\s*(?:(?:photo(?:graph)?|picture|image|illustration|map(?: illustration)?|chart|"
    r"graphic|video|drawing|cartoon)s?\s*(?::|by\b)|by\b)\s*",
    re.IGNORECASE,
)
# Words that mark a credit as an organisation rather than a person.
# fmt: off
_ORGANISATION_WORDS = frozenset((
    "afp", "agency", "agencies", "ap", "archive", "archives", "associated", "bureau", "centre",
    "center", "collection", "company", "corp", "corporation", "council", "courtesy", "department",
    "dpa", "epa", "esa", "foundation", "getty", "gmbh", "government", "group", "images", "inc",
    "institute", "library", "limited", "ltd", "media", "ministry", "museum", "nasa", "news",
    "newsroom", "office", "photos", "pool", "press", "reuters", "service", "shutterstock",
    "society", "staff", "studio", "studios", "survey", "team", "university", "wire",
))
# fmt: on


def json_ld(data: Any) -> Markup:
    """Return ``data`` as JSON that is safe as the whole content of a ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\uXXXX`` escapes. They can
    only occur inside JSON strings, where the escapes mean the same characters, so
    the JSON parses to exactly ``data`` while ``</script>`` or ``<!--`` in any
    headline can never end the element or change how HTML parses it.
    """
    text = pretty_json(data)
    return Markup(_SCRIPT_UNSAFE_RE.sub(lambda match: _SCRIPT_UNSAFE[match.group()], text))


def pretty_json(data: Any, indent: str = "\n") -> str:
    """Return ``data`` (dicts with string keys, lists, strings, numbers, booleans, None)
    as ``json.dumps(data, ensure_ascii=False, indent=2)`` writes it, in a quarter of
    the time: with ``indent`` set, json.dumps uses its Python encoder, not its C one.
    Raises TypeError for anything else."""
    if isinstance(data, str):
        return encode_basestring(data)
    if isinstance(data, dict):
        if not data:
            return "{}"
        inner = indent + "  "
        items = [
            f"{encode_basestring(key)}: {pretty_json(value, inner)}" for key, value in data.items()
        ]
        return "{" + inner + ("," + inner).join(items) + indent + "}"
    if isinstance(data, list | tuple):
        if not data:
            return "[]"
        inner = indent + "  "
        return "[" + inner + ("," + inner).join(pretty_json(v, inner) for v in data) + indent + "]"
    if data is None or isinstance(data, bool):
        return {None: "null", True: "true", False: "false"}[data]
    if isinstance(data, int | float):
        return json_number(data)
    raise TypeError(f"{type(data).__name__} is not JSON")


def json_number(number: int | float) -> str:
    """Return ``number`` as json.dumps writes it."""
    if isinstance(number, int):
        return int.__repr__(number)
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "Infinity" if number > 0 else "-Infinity"
    return float.__repr__(number)


def iso(moment: datetime, config: SiteConfig) -> str:
    """Return ``moment`` as ISO 8601 in the site's time zone (as the ``isodate`` filter)."""
    return moment.astimezone(config.timezone).isoformat(timespec="seconds")


def publisher(site: Site) -> dict[str, Any]:
    """Return the schema.org Organization that publishes the site."""
    config = site.config
    data: dict[str, Any] = {
        "@type": "Organization",
        "name": config.publisher_name or config.title,
        "url": config.base_url,
    }
    if config.publisher_logo:
        data["logo"] = {
            "@type": "ImageObject",
            "url": absolute(config.base_url, config.publisher_logo),
        }
    return data


def credit_creator(credit: str) -> dict[str, str]:
    """Return the Person or Organization a picture credit names.

    ``Jo Example`` and ``Photo by Jo Example`` are a Person named ``Jo Example``;
    ``Omar Haj Kadour/AFP via Getty Images``, ``Reuters`` and ``Illustration:
    newsgen example`` are Organizations. A label such as ``Photo by`` or
    ``Chart:`` is left out of the name.
    """
    name = _CREDIT_LABEL_RE.sub("", credit).strip() or credit.strip()
    return {"@type": "Person" if _looks_like_person(name) else "Organization", "name": name}


def _looks_like_person(name: str) -> bool:
    if any(mark in name for mark in "/,;:&@()") or " via " in name.casefold():
        return False
    words = name.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(word.casefold().strip(".") in _ORGANISATION_WORDS for word in words):
        return False
    return all(word[0].isupper() and not any(c.isdigit() for c in word) for word in words)


def image_object(
    image: Image, base_url: str = "", shape: Rendition | None = None
) -> dict[str, Any]:
    """Return an article image as a schema.org ImageObject: the picture itself, or one
    of its ``shape`` crops (a Rendition: root-relative, made absolute on ``base_url``),
    with its size when the build knows it."""
    data: dict[str, Any] = {"@type": "ImageObject", "url": image.absolute_url}
    if shape is not None:
        data["url"] = absolute(base_url, shape.url)
        data["width"], data["height"] = shape.width, shape.height
    elif image.picture is not None and image.picture.width:
        data["width"], data["height"] = image.picture.width, image.picture.height
    if image.caption:
        data["caption"] = image.caption
    if image.credit:
        data["creditText"] = image.credit
        data["creator"] = credit_creator(image.credit)
    return data


def article_images(article: Article, base_url: str) -> list[dict[str, Any]]:
    """Return the article's images as ImageObjects: the lead image's 16:9, 4:3 and 1:1
    crops first (Google's three recommended shapes) when the build made them."""
    lead, others = article.images[0], article.images[1:]
    shapes = lead.picture.structured if lead.picture is not None else ()
    first = [image_object(lead, base_url, shape) for shape in shapes] or [image_object(lead)]
    return first + [image_object(image) for image in others]


def news_article(site: Site, article: Article) -> dict[str, Any]:
    """Return the schema.org NewsArticle describing ``article``."""
    config = site.config
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "NewsArticle",
        "headline": article.headline,
    }
    if article.summary:
        data["description"] = article.summary
    data["url"] = article.permalink
    if article.id:
        data["identifier"] = article.guid
    data["inLanguage"] = config.language
    data["datePublished"] = iso(article.date, config)
    data["dateModified"] = iso(article.modified, config)
    if article.authors:
        data["author"] = [
            {"@type": "Person", "name": author.name, "url": absolute(config.base_url, author.url)}
            for author in article.authors
        ]
    if article.images:
        data["image"] = article_images(article, config.base_url)
    data["publisher"] = publisher(site)
    data["mainEntityOfPage"] = {"@type": "WebPage", "@id": article.permalink}
    data["articleSection"] = article.section.title
    if article.tags:
        data["keywords"] = [tag.name for tag in article.tags]
    if article.sources:
        data["citation"] = [
            {"@type": "CreativeWork", "name": source.name, "url": source.url}
            for source in article.sources
        ]
    if article.corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": iso(correction.date, config),
            }
            for correction in article.corrections
        ]
    data["isAccessibleForFree"] = True
    return data


def breadcrumbs(site: Site, trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Return a schema.org BreadcrumbList: the home page, then ``trail``.

    ``trail`` holds ``(name, url)`` pairs from the top down, ending with the
    page itself; urls are root-relative (``/tags/syria/``, as the models give
    them) or absolute. Every ``item`` is written as an absolute URL.
    """
    config = site.config
    steps = [(config.title, config.base_path), *trail]
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": absolute(config.base_url, url),
            }
            for position, (name, url) in enumerate(steps, start=1)
        ],
    }
