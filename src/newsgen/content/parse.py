"""Turn one article file's text into a validated Article, or into problems.

load_article() does no I/O: the caller reads the file and passes its text,
and the set of files that exist (for local images) comes in LoadContext.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from newsgen.content.body_images import find_body_images
from newsgen.content.context import LoadContext
from newsgen.content.discover import SourceFile
from newsgen.content.editorial import (
    article_folder,
    read_aliases,
    read_authors,
    read_corrections,
    read_id,
    read_tags,
)
from newsgen.content.fields import MISSING, FieldReader, describe
from newsgen.content.front_images import read_images, warn_remote
from newsgen.content.frontmatter import normalise_text, split_front_matter
from newsgen.content.placeholder import placeholder_line
from newsgen.content.placement import PLACEMENT_KEYS, read_placement
from newsgen.errors import Problems, did_you_mean
from newsgen.markdown.figures import with_figures
from newsgen.markdown.guard import BodyRefused
from newsgen.markdown.renderer import Markdown, RenderedBody, plain_summary, render_markdown
from newsgen.models import Article, LinkRef, Section, SiteConfig, Source
from newsgen.sanitize import (
    is_safe_url,
    remove_forbidden_characters,
    strip_forbidden,
    web_url_problem,
)
from newsgen.urls import (
    NAME_BYTES,
    absolute,
    article_path,
    href,
    is_valid_slug,
    make_slug,
    output_file,
)
from newsgen.yaml_source import LoadedMapping, YamlError, load_yaml_mapping

FRONT_MATTER_KEYS = (
    "headline",
    "date",
    "section",
    "slug",
    "summary",
    "byline",
    "tags",
    "sources",
    "images",
    "updated",
    "draft",
    "extra",
    "id",
    "corrections",
    "aliases",
    *PLACEMENT_KEYS,
)
SOURCE_KEYS = ("name", "url")
MAX_SLUG_LENGTH = 200
"""A ``slug:`` may be this long (a headline's slug is cut at 80 characters)."""


def load_article(
    source: SourceFile, text: str, context: LoadContext, problems: Problems
) -> Article | None:
    """Validate ``text`` (the contents of ``source``) and return its Article.

    Every problem is recorded in ``problems``; returns None when the article
    has errors and cannot be built.
    """
    before = len(problems.errors)
    clean = remove_forbidden_characters(normalise_text(text))
    if clean.removed:
        problems.warning(
            source.shown,
            clean.first_line,
            None,
            f"removed {clean.removed} control or non-character code point(s), "
            "which pages and feeds cannot carry",
        )
    try:
        split = split_front_matter(clean.text)
        loaded = load_yaml_mapping(split.front_matter, split.front_matter_line)
    except YamlError as error:  # FrontMatterError too
        problems.error(source.shown, error.line, error.field, error.message)
        return None
    loaded, cleaned_fields = _without_forbidden_characters(loaded)
    reader = FieldReader(loaded, source.shown, problems)
    for field in cleaned_fields:
        reader.warning(field, "control or non-character code points were removed from it")
    for key in map(str, loaded.data):
        if key not in FRONT_MATTER_KEYS:
            hint = "; site-specific fields go under 'extra:'"
            reader.error(str(key), f"unknown key{did_you_mean(str(key), FRONT_MATTER_KEYS)}{hint}")
    article = _build_article(source, split.body, split.body_line, reader, context)
    if len(problems.errors) > before:
        return None
    return article


def _build_article(
    source: SourceFile, body: str, body_line: int, reader: FieldReader, context: LoadContext
) -> Article | None:
    config = context.config
    headline = reader.text("headline", reader.get("headline"), required=True)
    published = reader.moment("date", reader.get("date"), config.timezone, required=True)
    updated = reader.moment("updated", reader.get("updated"), config.timezone)
    if published and updated and updated < published:
        reader.error(
            "updated", f"{updated.isoformat()} is earlier than date {published.isoformat()}"
        )
    section = _section(source, reader, config)
    slug = _slug(reader, headline)
    bylines, authors = read_authors(reader, config)
    tags = read_tags(reader, config)
    sources = _sources(reader)
    draft = reader.flag("draft", reader.get("draft"))
    _refuse_placeholder(reader, body, body_line, draft)
    extra = _extra(reader)
    summary_text = reader.text("summary", reader.get("summary"))
    article_id, aliases = read_id(reader), read_aliases(reader)
    corrections = read_corrections(reader, config, published)
    placement = read_placement(reader, config)
    rendered = _render_body(reader, body, body_line, context.markdown, source)
    if not body.strip():
        reader.warning("headline", "the article has no body text")
    _report_removed_links(reader, body_line, rendered.removed_links)
    site_path = None
    if headline and published and section and slug:
        local = published.astimezone(config.timezone)
        site_path = article_path(config.permalink, section.slug, slug, local)
    url = href(config.base_path, site_path or "/")
    images, assets = read_images(reader, source, context, url)  # checked even when others failed
    page_folder = url[len(config.base_path.rstrip("/")) :].lstrip("/")
    locate = (context.static_files, context.content_assets, context.content_root, page_folder)
    html = with_figures(rendered.html)
    found = find_body_images(reader, rendered.html, body, body_line, source, locate)
    shown, beside, remote = found
    warn_remote(reader, config, images, remote)
    if not (site_path and headline and published and section and slug):
        return None
    assets += [asset for asset in beside if asset not in assets]
    return Article(
        source_path=source.shown,
        headline=headline,
        date=published,
        updated=updated,
        section=section,
        slug=slug,
        summary=summary_text or plain_summary(rendered.first_paragraph),
        bylines=tuple(bylines),
        tags=tuple(tags),
        sources=tuple(sources),
        images=tuple(images),
        draft=draft,
        extra=extra,
        body_html=html,
        url=url,
        permalink=absolute(config.base_url, url),
        output_path=output_file(site_path),
        assets=tuple(assets),
        id=article_id,
        authors=tuple(authors),
        corrections=tuple(corrections),
        aliases=tuple(aliases),
        link_refs=tuple(
            LinkRef(body_line + line, target) for line, target in rendered.article_links
        ),
        body_images=tuple(shown),
        standfirst=summary_text or "",
        label=placement.label,
        featured=placement.featured,
        priority=placement.priority,
        pin_until=placement.pin_until,
    )


def _refuse_placeholder(reader: FieldReader, body: str, body_line: int, draft: bool) -> None:
    """Report, as an error, the placeholder line of an article that is not a draft."""
    line = None if draft else placeholder_line(body)
    if line is not None:
        reader.problems.error(
            reader.shown,
            body_line + line,
            "body",
            "still holds the placeholder text 'newsgen new' wrote, and the article is not a "
            "draft; write the story in its place, or keep 'draft: true' until it is ready",
        )


def _render_body(
    reader: FieldReader, body: str, body_line: int, markdown: Markdown, source: SourceFile
) -> RenderedBody:
    """Return the rendered body; a body over a limit (markdown/guard.py) is an error at its line."""
    try:
        return render_markdown(markdown, body, article_folder(source.content_relative))
    except BodyRefused as refused:
        reader.problems.error(reader.shown, body_line + refused.line, "body", refused.message)
        return RenderedBody("", "")


def _report_removed_links(
    reader: FieldReader, body_line: int, removed: tuple[tuple[int, str], ...]
) -> None:
    for line, url in removed:
        why = (
            "only http(s), mailto and relative links are kept"
            if not is_safe_url(url)
            else "its address cannot be read (a host with [ or ] that is no IPv6 address); "
            "write [ as %5B and ] as %5D"
        )
        reader.problems.warning(
            reader.shown, body_line + line, None, f"link '{url[:60]}' was removed: {why}"
        )


def _section(source: SourceFile, reader: FieldReader, config: SiteConfig) -> Section | None:
    value = reader.get("section")
    if value is MISSING and source.folder_section is not None:
        name: str | None = folder_title(source.folder_section)
    elif value is MISSING:
        reader.error(
            "section",
            "is required for an article outside a section folder; "
            "add 'section: world' or move the file into content/world/",
        )
        return None
    else:
        name = reader.text("section", value, required=True)
    if name is None:
        return None
    slug = make_slug(name)
    if not slug:
        reader.error("section", f"'{name}' has no letters or digits to make a URL from")
        return None
    _warn_of_a_section_typo(reader, slug, name, config)
    url = href(config.base_path, f"/{slug}/")
    return Section(slug=slug, title=name, url=url, feed_url=url + "feed.xml")


def _warn_of_a_section_typo(reader: FieldReader, slug: str, name: str, config: SiteConfig) -> None:
    """Warn when ``section:`` names none of newsgen.yaml's sections but one close to them
    (``Wrold``): it would quietly start a section of its own."""
    if not config.sections or reader.get("section") is MISSING:
        return
    listed = {make_slug(s.name): s.name for s in config.sections}
    listed.update({make_slug(s.title): s.name for s in config.sections})
    if slug in listed:
        return
    close = difflib.get_close_matches(slug, list(listed), n=1, cutoff=0.75)
    if close:
        reader.warning(
            "section",
            f"'{name}' is none of the sections in newsgen.yaml; did you mean "
            f"'{listed[close[0]]}'? (as written, it makes a section of its own)",
        )


def _slug(reader: FieldReader, headline: str | None) -> str | None:
    value = reader.get("slug")
    if value is MISSING:
        if headline is None:
            return None
        slug = make_slug(headline)
        if not slug:
            reader.error(
                "headline", "has no letters or digits to make a URL from; add a 'slug:' field"
            )
            return None
        return slug
    given = reader.text("slug", value, required=True)
    if given is None:
        return None
    if not is_valid_slug(given):
        better = make_slug(given)
        fix = f"; use '{better}'" if better else ""
        reader.error(
            "slug", f"'{given}' may only hold lowercase letters, digits and single hyphens{fix}"
        )
        return None
    if len(given) > MAX_SLUG_LENGTH:
        reader.error(
            "slug",
            f"is {len(given):,} characters long; a slug may have at most {MAX_SLUG_LENGTH} "
            f"(it names a folder, and file systems allow {NAME_BYTES} bytes): shorten it, "
            f"e.g. to '{make_slug(given)}'",
        )
        return None
    return given


def _sources(reader: FieldReader) -> list[Source]:
    sources: list[Source] = []
    for path, item in reader.mapping_list("sources", reader.get("sources"), SOURCE_KEYS):
        url = reader.text(f"{path}.url", item.get("url", MISSING), required=True)
        name = reader.text(f"{path}.name", item.get("name", MISSING))
        if url is None:
            continue
        problem = web_url_problem(url)
        if problem is not None:
            reader.error(f"{path}.url", problem)
            continue
        sources.append(Source(name=name or _host(url), url=url))
    return sources


def _without_forbidden_characters(loaded: LoadedMapping) -> tuple[LoadedMapping, list[str]]:
    """Return ``loaded`` with forbidden characters removed from every text value.

    YAML escapes (``"\x1b"``, ``"\ufffe"``) can put them back after the file
    text was cleaned. Also returns the dotted paths of the values changed.
    """
    changed: list[str] = []

    def clean(value: Any, path: str) -> Any:
        if isinstance(value, str):
            stripped = strip_forbidden(value)
            if stripped != value:
                changed.append(path)
            return stripped
        if isinstance(value, list):
            return [clean(item, f"{path}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, dict):
            return {
                key: clean(item, f"{path}.{key}" if path else str(key))
                for key, item in value.items()
            }
        return value

    data = clean(loaded.data, "")
    return (replace(loaded, data=data) if changed else loaded), changed


def _extra(reader: FieldReader) -> Mapping[str, Any]:
    value = reader.get("extra")
    if value is MISSING or value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        reader.error("extra", f"must be a mapping of site-specific fields, not {describe(value)}")
        return MappingProxyType({})
    return MappingProxyType(value)


def _host(url: str) -> str:
    """Return the host of an http(s) URL, or "" when it has none."""
    rest = url.split(":", 1)[1]
    return rest[2:].split("/", 1)[0] if rest.startswith("//") else ""


def folder_title(folder: str) -> str:
    """Return a section name from a folder name: ``middle-east`` -> ``Middle East``.

    A folder name with capitals is kept as written.
    """
    words = folder.replace("_", " ").replace("-", " ").split()
    if folder != folder.lower():
        return " ".join(words)
    return " ".join(word.capitalize() for word in words)
