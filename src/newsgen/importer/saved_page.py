"""A saved web page of a published article as a newsgen article.

page_article() reads one ``.html`` file: its bytes decoded in the character set
the page declares or, failing that, the one detected (importer/page_decode.py);
its metadata from the page's own structured data (importer/page_metadata.py),
then what trafilatura finds (a well-kept extraction library: it scores a token
F1 of about 0.96 on the public article-extraction benchmark, see
benchmarks/extraction.py); its body, the main text trafilatura finds, as HTML
with headings, quotes, lists, tables, links and pictures kept, turned into
Markdown by importer/html_markdown.py, with pictures and their captions made
figures and what a scraper copies along (share prompts, "Related" lists,
comment sections: importer/boilerplate.py) dropped.

The article gets the headline, date, ``updated``, byline, section (renamed by
the section map), tags, summary, the lead picture with its caption and credit,
the canonical address's path as an alias, and ``extra.page`` (the address),
by which a second import finds it. It runs in a page worker
(importer/page_workers.py): lxml and trafilatura are native code and may take
long on a hostile page. No writing here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import lxml.html
import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement

from newsgen.content.fields import parse_moment
from newsgen.importer.boilerplate import Effect, boilerplate
from newsgen.importer.html_markdown import html_to_markdown
from newsgen.importer.imported import Note, NoteKind
from newsgen.importer.media import picture_stem
from newsgen.importer.page_body import SavedWith, body_html
from newsgen.importer.page_decode import decode_page
from newsgen.importer.page_metadata import LeadImage, PageMeta, page_metadata
from newsgen.importer.text_parts import caption as split_credit
from newsgen.importer.wordpress import (
    ImportedPost,
    Skipped,
    WordPressOptions,
    section_and_tags,
    yaml_text,
)
from newsgen.input_files import read_regular
from newsgen.sanitize import split_url
from newsgen.urls import make_slug

MAX_PAGE_BYTES = 20_000_000
"""A saved page may weigh this much (20 MB: the heaviest news pages with inline data)."""
_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>~#\"])")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
GENERIC_NAMES = frozenset({"index", "default", "article", "story", "post", "page", "amp"})
"""Last parts of an address that do not name the article (``…/2019/11/18/index.html``)."""
MIN_YEAR, MAX_YEAR = 1000, 9000
"""The years an article's date may have (the build's own limits)."""
MAX_SUMMARY = 300
"""A page's description longer than this is cut at a sentence (some pages give the
whole article as their description)."""
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,60}$")


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the page says of itself, and what trafilatura found besides."""

    meta: PageMeta
    date: str
    """trafilatura's date (``YYYY-MM-DD``), when the page's own data gives none."""
    author: str
    categories: tuple[str, ...]


def page_article(path: str, options: WordPressOptions) -> ImportedPost | Skipped:
    """Return the article the saved page at ``path`` becomes, or why it becomes none.
    Raises OSError (NotAFile too) when the file cannot be read."""
    data = read_regular(Path(path), MAX_PAGE_BYTES)[0]
    decoded = decode_page(data)
    notes = [] if decoded.charset in ("utf-8", "utf-8-sig") else [
        Note(1, NoteKind.WARNING, f"read as {decoded.charset} ({decoded.how})")
    ]  # fmt: skip
    try:
        tree = lxml.html.document_fromstring(decoded.text)
    except (ParserError, ValueError) as error:
        return Skipped(1, "", f"is not an HTML page ({error})")
    facts = _facts(tree)
    headline = _headline(facts.meta)
    if not headline:
        return Skipped(1, "", "the page has no headline (no og:title, JSON-LD headline or <title>)")
    published = _moment(facts.meta.published) or _moment(facts.date)
    if published is None:
        return Skipped(1, headline, "the page gives no date (JSON-LD datePublished, "
                       "article:published_time or a date trafilatura can find)")  # fmt: skip
    notes += _removed_notes(tree)
    slug = _slug(facts.meta.url, headline)
    saved = SavedWith(Path(path).parent, f"images/saved/{make_slug(Path(path).stem) or slug}")
    body, local = body_html(decoded.text, facts.meta.url, headline, saved)
    converted = html_to_markdown(body)
    lead = _lead_image(facts.meta)
    markdown, lead, dropped = _clean_body(converted.markdown, lead)
    notes += [Note(1, NoteKind.DROPPED, why) for why in dropped]
    notes += [Note(1, note.kind, note.text) for note in converted.notes]
    digest = hashlib.sha256(data).hexdigest()
    front = _front_matter(facts, headline, published, lead, options)
    front["extra"] = {"page": {"url": facts.meta.url} if facts.meta.url else {"sha256": digest}}
    text = "---\n" + yaml_text({"headline": headline, "slug": slug, **front}) + "---\n"
    identity = facts.meta.url or "sha256:" + digest
    section = make_slug(str(front["section"]))
    return ImportedPost(1, section, slug, text + markdown, tuple(notes), f"{identity}#",
                        _old_urls(facts.meta.url), tuple(local.items()))  # fmt: skip


def _facts(tree: HtmlElement) -> PageFacts:
    meta = page_metadata(tree)
    found = trafilatura.extract_metadata(tree, default_url=meta.url or None)
    if found is None:
        return PageFacts(meta, "", "", ())
    meta.headline = meta.headline or (found.title or "")
    meta.description = meta.description or (found.description or "")
    meta.site_name = meta.site_name or (found.sitename or "")
    meta.tags = meta.tags or [t for t in (found.tags or []) if t][:20]
    return PageFacts(meta, found.date or "", found.author or "", tuple(found.categories or ()))


def _headline(meta: PageMeta) -> str:
    """The headline, without the `` | Site name`` a page title often ends with."""
    headline = " ".join(meta.headline.split())
    suffix = _SITE_SUFFIX.search(headline)
    if suffix and meta.site_name and meta.site_name.lower() in suffix.group(0).lower():
        headline = headline[: suffix.start()]
    return headline


def _moment(text: str) -> datetime | date | None:
    """An ISO 8601 date or moment (content/fields.py's parse_moment()), to the second;
    None when there is none, or a placeholder such as ``0001-01-01T00:00:00Z`` (some
    sites' templates write one for an empty date)."""
    moment = parse_moment(text)
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return moment.date() if len(text.strip()) == 10 else moment.replace(microsecond=0)


def _removed_notes(tree: HtmlElement) -> list[Note]:
    """What the page ran or framed, which its article does not carry."""
    counts = {
        "scripts": len(tree.xpath("//script[not(@type='application/ld+json')]")),
        "iframes": len(tree.xpath("//iframe")),
        "event attributes (on…)": len(tree.xpath("//@*[starts-with(name(), 'on')]")),
        "javascript: links": len(tree.xpath("//a[starts-with(@href, 'javascript:')]")),
    }
    listed = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    if not listed:
        return []
    return [Note(1, NoteKind.DROPPED, f"removed {listed}: a static page does not run them")]


def _lead_image(meta: PageMeta) -> LeadImage | None:
    return meta.image


_FIGURE = re.compile(
    r'^!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?P<src>\S+?)(?: "(?P<title>.*)")?\)$', re.S
)


def _clean_body(markdown: str, lead: LeadImage | None) -> tuple[str, LeadImage | None, list[str]]:
    """Return the body without boilerplate blocks (and why each went) and the lead
    picture: the page's own, its caption found beside it in the body when the page's
    data gives none (that figure then leaves the body, shown once), else the body's
    first figure."""
    kept: list[str] = []
    dropped: list[str] = []
    related = False
    for block in markdown.split("\n\n"):
        text = " ".join(_MARKDOWN_LINK.sub(r"\1", block).replace("\\", "").split()).strip("\u200b ")
        if not text and not block.startswith("!["):
            continue
        found = boilerplate(text) if len(text) < 200 else None
        if related and (block.startswith(("- ", "1. ")) or (len(text) < 120 and "](" in block)):
            dropped.append(f"removed a related link: {text[:60]}")
            continue
        related = False
        if found is not None:
            dropped.append(f"removed {found.reason}: {text[:60]}")
            if found.effect is Effect.COMMENTS:
                break
            related = found.effect is Effect.RELATED
            continue
        figure = _FIGURE.match(block)
        if figure is not None and (lead is None or _same_picture(figure["src"], lead.url)):
            title = _UNESCAPE.sub(r"\1", figure["title"] or "")
            if lead is None and kept and not all(b.startswith("![") for b in kept):
                kept.append(block)  # a picture further down is not the lead
                continue
            lead = _with_caption(lead, figure["src"], figure["alt"].replace("\\", ""), title)
            continue
        kept.append(block)
    return "\n\n".join(kept).strip() + "\n", lead, dropped


def _with_caption(lead: LeadImage | None, src: str, alt: str, caption: str) -> LeadImage:
    """The lead picture: the page's own, given the caption it lacks, else the figure's."""
    if lead is None:
        return LeadImage(src, alt, caption)
    url = src if src.startswith("/") else lead.url  # the copy saved with the page, if any
    return LeadImage(url, lead.alt or alt, lead.caption or caption, lead.credit)


def _same_picture(one: str, other: str) -> bool:
    """True when two addresses show the same picture (resized copies too:
    ``photo-1024x683.jpg`` is ``photo.jpg``)."""

    return picture_stem(one) == picture_stem(other) and bool(picture_stem(one))


def _front_matter(
    facts: PageFacts,
    headline: str,
    published: datetime | date,
    lead: LeadImage | None,
    options: WordPressOptions,
) -> dict[str, object]:
    meta = facts.meta
    front: dict[str, object] = {"date": published.isoformat()}
    modified = _moment(meta.modified)
    if modified is not None and type(modified) is type(published) and _later(modified, published):
        front["updated"] = modified.isoformat()
    named = meta.section or next(iter(facts.categories), "")
    categories = [_section_name(named)] if named else []
    section, tags = section_and_tags(categories, meta.tags, options)
    front["section"] = section
    authors = [_BY.sub("", name) for name in meta.authors or [facts.author] if name]
    if authors:
        front["byline"] = authors if len(authors) > 1 else authors[0]
    if tags:
        front["tags"] = tags
    if meta.description:
        front["summary"] = _summary(meta.description)
    if lead is not None:
        front["images"] = [_image_entry(lead)]
    alias = split_url(meta.url).path if meta.url else ""
    if alias not in ("", "/") and not split_url(meta.url).query:
        front["aliases"] = [alias]
    return front


def _section_name(text: str) -> str:
    """The first section a page names (``news,politics``), in words when it is a slug
    (``general-news`` → ``General news``)."""
    first = text.split(",")[0].strip()
    if " " not in first and "-" in first:
        first = first.replace("-", " ").capitalize()
    return first


def _summary(text: str) -> str:
    """``text`` cut to MAX_SUMMARY characters, at the end of a sentence when one ends in
    the second half, else at a word, with an ellipsis."""
    if len(text) <= MAX_SUMMARY:
        return text
    cut = text[:MAX_SUMMARY]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end > MAX_SUMMARY // 2:
        return cut[: end + 1]
    return cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _later(one: datetime | date, other: datetime | date) -> bool:
    try:
        return one > other  # type: ignore[operator]
    except TypeError:  # one aware, one naive: compare as written
        return one.replace(tzinfo=None) > other.replace(tzinfo=None)  # type: ignore[union-attr,call-arg]


def _image_entry(lead: LeadImage) -> dict[str, str]:
    caption, credit = lead.caption, lead.credit
    if caption and not credit:
        split = split_credit(caption)
        if split is not None:
            caption, credit = split.caption, split.credit
    entry = {"src": lead.url, "alt": lead.alt, "caption": caption, "credit": credit}
    return {key: value for key, value in entry.items() if value}


def _slug(url: str, headline: str) -> str:
    """The old address's last part (``…/storm-hits-coast.html`` → ``storm-hits-coast``),
    so that the new address ends as the old one did; else the headline's."""
    last = _EXTENSION.sub("", PurePosixPath(split_url(url).path).name) if url else ""
    if last.lower() in GENERIC_NAMES:
        last = ""
    return make_slug(last) or make_slug(headline) or "page"


def _old_urls(url: str) -> tuple[str, ...]:
    return (url,) if url else ()
