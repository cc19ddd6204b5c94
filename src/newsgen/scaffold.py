"""``newsgen init`` and ``newsgen new``: create a site, create an article file."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import yaml

from newsgen.config import CONFIG_FILE, load_config
from newsgen.content.fields import parse_moment
from newsgen.errors import NewsgenError, UsageError
from newsgen.urls import make_slug

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


def init_site(directory: Path) -> list[Path]:
    """Create a site in ``directory``: ``newsgen.yaml`` and one sample article.

    Returns the files created. Raises NewsgenError when ``directory`` already
    holds a site.
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
    return [config_path, article]


def new_article(
    site_root: Path, headline: str, section: str, when: str | None, bylines: list[str]
) -> Path:
    """Write a new article file under ``content/<section>/`` and return its path.

    Raises UsageError for an unusable headline, section or date, and
    NewsgenError when the file already exists (it is never overwritten).
    """
    config = load_config(site_root)
    slug, section_slug = make_slug(headline), make_slug(section)
    if not headline.strip() or not slug:
        raise UsageError("the headline needs letters or digits to make a file name from")
    if not section_slug:
        raise UsageError(f"section '{section}' needs letters or digits to make a folder name from")
    moment = _moment(when, config.timezone)
    path = site_root / "content" / section_slug / f"{slug}.md"
    if path.exists():
        raise NewsgenError(
            f"{path} already exists; it was not overwritten (choose another headline)"
        )
    front = {
        "id": str(uuid.uuid4()),
        "headline": headline.strip(),
        "date": moment.isoformat(),
        "section": section.strip(),
    }
    if bylines:
        front["byline"] = bylines if len(bylines) > 1 else bylines[0]
    front["tags"] = []
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n"
    text += "\nWrite the first paragraph here: it becomes the summary unless you set one.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _moment(when: str | None, zone: object) -> datetime:
    if when is None:
        return datetime.now(tz=zone).replace(microsecond=0)  # type: ignore[arg-type]
    parsed = parse_moment(when)
    if parsed is None:
        raise UsageError(
            f"--date '{when}' is not an ISO 8601 date like 2024-12-16 or 2024-12-16T09:30"
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)  # type: ignore[arg-type]
