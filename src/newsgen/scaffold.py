"""``newsgen init`` and ``newsgen new``: create a site, create an article file."""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from newsgen.config import CONFIG_FILE, load_config
from newsgen.content.discover import known_sections
from newsgen.content.fields import parse_moment
from newsgen.content.placeholder import PLACEHOLDER
from newsgen.errors import NewsgenError, UsageError
from newsgen.models import SectionConfig
from newsgen.urls import is_valid_slug, make_slug

SITE_CONFIG = """\
# newsgen site configuration; every key is described in newsgen's docs/configuration.md.
title: {title}
base_url: https://news.example.com/
description: Local news, as it happens.
language: en
timezone: UTC
per_page: 20
feed_items: 50
sections:
  - name: news
    title: News
"""

SAMPLE_ARTICLE = """\
---
headline: Welcome to your newsgen archive
date: {date}
byline: The Newsroom
tags: [newsgen]
summary: This sample article shows the front matter an article can hold.
---
This is the first article of your archive. Write articles as Markdown files
under `content/`: the folder an article lies in is its section.

## What next

Run `newsgen new "A headline" --section news` to start a new article, then
`newsgen build` to build the site into `public/`.
"""


GITIGNORE_LINES = ("/public/", "/.newsgen/", "/.newsgen-*")
"""What ``git add .`` must never take: the output, the cache and preview, and what a
build keeps beside its output: the spare, staging and retired folders and the lock
(``.newsgen-spare-public`` ...; output/directory.py names them)."""
GITIGNORE_HEAD = "# newsgen: the built site, the cache and a build's working folders\n"


def init_site(directory: Path) -> list[Path]:
    """Create a site in ``directory``: ``newsgen.yaml``, one sample article and a
    ``.gitignore`` (added to when there is one).

    Returns the files created or changed. Raises NewsgenError when ``directory``
    already holds a site.
    """
    config_path = directory / CONFIG_FILE
    if config_path.exists() or (directory / "content").exists():
        raise NewsgenError(
            f"{directory} already holds a site ({CONFIG_FILE} or content/); not touched"
        )
    article = directory / "content" / "news" / "welcome-to-your-newsgen-archive.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    title = yaml.safe_dump(directory.resolve().name.replace("-", " ").title() or "News").strip()
    title = title.removesuffix("...").strip()
    config_path.write_text(SITE_CONFIG.format(title=title), encoding="utf-8")
    today = datetime.now().astimezone().replace(microsecond=0, second=0)
    article.write_text(SAMPLE_ARTICLE.format(date=today.isoformat()), encoding="utf-8")
    ignore = _write_gitignore(directory / ".gitignore")
    return [config_path, article, *([ignore] if ignore else [])]


def _write_gitignore(path: Path) -> Path | None:
    """Add the lines of GITIGNORE_LINES that ``path`` lacks (creating it); return
    ``path``, or None when it had them all."""
    try:
        had = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        had = ""
    present = {line.strip() for line in had.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in present]
    if not missing:
        return None
    gap = "\n" if had and not had.endswith("\n") else ""
    gap += "\n" if had else ""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(gap + GITIGNORE_HEAD + "\n".join(missing) + "\n")
    return path


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What ``newsgen new`` was asked to write."""

    headline: str
    section: str
    date: str | None = None
    """ISO 8601 date or datetime; None: now."""
    bylines: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    slug: str | None = None
    """The URL and file name slug; None: made from the headline."""
    summary: str | None = None
    draft: bool = True
    image: NewImage | None = None


@dataclass(frozen=True, slots=True)
class NewImage:
    """The lead image of a new article (an ``images`` entry)."""

    src: str
    caption: str = ""
    credit: str = ""
    alt: str = ""


def new_article(site_root: Path, wanted: NewArticle) -> Path:
    """Write a new article file under ``content/<section>/`` and return its path.

    The article is a draft unless ``wanted.draft`` is False, and its body holds
    PLACEHOLDER, which the build refuses to publish. Raises UsageError for an
    unusable headline, section, slug or date (a section name close to one of the
    site's is taken for a typo), and NewsgenError when the file already exists
    (it is never overwritten).
    """
    config = load_config(site_root)
    section_slug = _section_folder(site_root, wanted.section, config.sections)
    slug = _slug(wanted)
    moment = _moment(wanted.date, config.timezone)
    path = site_root / "content" / section_slug / f"{slug}.md"
    if path.exists():
        raise NewsgenError(
            f"{path} already exists; it was not overwritten (choose another headline or --slug)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(article_text(wanted, moment, slug))
    return path


def article_text(wanted: NewArticle, moment: datetime, slug: str) -> str:
    """Return the text of the new article file: front matter, then the placeholder body."""
    front: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "headline": wanted.headline.strip(),
        "date": moment.isoformat(),
        "section": wanted.section.strip(),
    }
    if wanted.slug is not None:
        front["slug"] = slug
    if wanted.bylines:
        front["byline"] = list(wanted.bylines) if len(wanted.bylines) > 1 else wanted.bylines[0]
    front["tags"] = list(wanted.tags)
    if wanted.summary and wanted.summary.strip():
        front["summary"] = wanted.summary.strip()
    if wanted.image is not None:
        image = {"src": wanted.image.src, "caption": wanted.image.caption}
        image.update({k: v for k in ("credit", "alt") if (v := getattr(wanted.image, k))})
        front["images"] = [image]
    front["draft"] = wanted.draft
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n"
    return text + "\n" + PLACEHOLDER + "\n"


def _slug(wanted: NewArticle) -> str:
    if wanted.slug is None:
        slug = make_slug(wanted.headline)
        if not wanted.headline.strip() or not slug:
            raise UsageError("the headline needs letters or digits to make a file name from")
        return slug
    if not is_valid_slug(wanted.slug):
        better = make_slug(wanted.slug)
        fix = f"; use --slug {better}" if better else ""
        raise UsageError(
            f"--slug '{wanted.slug}' must be lowercase letters and digits joined by hyphens{fix}"
        )
    if not wanted.headline.strip():
        raise UsageError("the headline must not be empty")
    return wanted.slug


def _section_folder(site_root: Path, section: str, configured: Sequence[SectionConfig]) -> str:
    """Return the folder of ``section``; raise UsageError when it has no letters or
    digits, or is not one of the site's sections but close to one (a typo)."""
    slug = make_slug(section)
    if not slug:
        raise UsageError(f"section '{section}' needs letters or digits to make a folder name from")
    known = known_sections(site_root / "content", configured)
    if slug in known or not known:
        return known.get(slug, slug)
    close = difflib.get_close_matches(slug, sorted(set(known.values())), n=1, cutoff=0.75)
    if close:
        raise UsageError(
            f"--section '{section}' is none of this site's sections; did you mean "
            f"'{close[0]}'? (to start a new section, create the folder content/{slug}/ first)"
        )
    return slug


def _moment(when: str | None, zone: object) -> datetime:
    if when is None:
        return datetime.now(tz=zone).replace(microsecond=0)  # type: ignore[arg-type]
    parsed = parse_moment(when)
    if parsed is None:
        raise UsageError(
            f"--date '{when}' is not an ISO 8601 date like 2024-12-16 or 2024-12-16T09:30"
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)  # type: ignore[arg-type]
