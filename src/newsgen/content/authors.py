"""``authors.yaml``: optional profiles (bio, photo, links) for byline names.

```yaml
Lena Brandt:
  bio: Europe correspondent, based in Vienna.
  photo: /images/authors/lena-brandt.jpg
  links:
    - name: Mastodon
      url: https://social.example/@lena
```
"""

from __future__ import annotations

import os
from pathlib import Path

from newsgen.content.fields import MISSING, FieldReader, describe
from newsgen.errors import Problems
from newsgen.input_files import read_regular, unreadable_message, utf8_problem
from newsgen.models import Author, Link, SiteConfig
from newsgen.sanitize import WEB_SCHEMES, url_scheme, web_url_problem
from newsgen.urls import href, make_slug
from newsgen.yaml_source import YamlError, load_yaml_mapping

AUTHORS_FILE = "authors.yaml"
PROFILE_KEYS = ("bio", "photo", "links")
LINK_KEYS = ("name", "url")
MAX_BYTES = 4 * 1024 * 1024


def load_author_profiles(
    site_root: Path, config: SiteConfig, static_files: frozenset[str], problems: Problems
) -> dict[str, Author]:
    """Return the profiles of ``SITE_ROOT/authors.yaml`` by author slug ({} without the file)."""
    text = _read_authors(site_root / AUTHORS_FILE, problems)
    if text is None:
        return {}
    try:
        loaded = load_yaml_mapping(text, 1, what=AUTHORS_FILE, max_bytes=MAX_BYTES)
    except YamlError as error:
        problems.error(AUTHORS_FILE, error.line, error.field, error.message)
        return {}
    reader = FieldReader(loaded, AUTHORS_FILE, problems)
    profiles: dict[str, Author] = {}
    for name, entry in loaded.data.items():
        author = _profile(reader, str(name), entry, config, static_files)
        if author is not None and author.slug in profiles:
            reader.error(
                str(name),
                f"names the same author page as '{profiles[author.slug].name}'; "
                "keep one profile per author",
            )
        elif author is not None:
            profiles[author.slug] = author
    return profiles


def _read_authors(path: Path, problems: Problems) -> str | None:
    """Return the text of ``authors.yaml``, or None when there is none or after
    recording why it cannot be read (a folder, a named pipe, a broken link, not UTF-8)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None  # the file is optional
    except OSError as error:
        problems.error(AUTHORS_FILE, 1, None, unreadable_message(error))
        return None
    try:
        data, _ = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        problems.error(
            AUTHORS_FILE, 1, None, "is a broken symbolic link; remove it or restore its target"
        )
        return None
    except OSError as error:
        problems.error(AUTHORS_FILE, 1, None, unreadable_message(error))
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        line, message = utf8_problem(data, error)
        problems.error(AUTHORS_FILE, line, None, message)
        return None


def _profile(
    reader: FieldReader, name: str, entry: object, config: SiteConfig, static_files: frozenset[str]
) -> Author | None:
    slug = make_slug(name)
    if not slug:
        reader.error(name, "has no letters or digits to make a URL from")
        return None
    if entry is None:
        entry = {}
    if not isinstance(entry, dict):
        reader.error(
            name, f"must be a mapping with {', '.join(PROFILE_KEYS)}, not {describe(entry)}"
        )
        return None
    for key in map(str, entry):
        if key not in PROFILE_KEYS:
            reader.error(f"{name}.{key}", f"unknown key; use {', '.join(PROFILE_KEYS)}")
    bio = reader.text(f"{name}.bio", entry.get("bio")) or ""
    photo = _photo(reader, f"{name}.photo", entry.get("photo"), config, static_files)
    links = []
    for path, item in reader.mapping_list(f"{name}.links", entry.get("links"), LINK_KEYS):
        link_name = reader.text(f"{path}.name", item.get("name", MISSING), required=True)
        url = reader.text(f"{path}.url", item.get("url", MISSING), required=True)
        problem = web_url_problem(url, also=("mailto",)) if url else None
        if link_name and url and problem is None:
            links.append(Link(link_name, url))
        elif link_name and problem:
            reader.error(f"{path}.url", problem)
    url = href(config.base_path, f"/authors/{slug}/")
    return Author(name=name, slug=slug, url=url, bio=bio, photo=photo, links=tuple(links))


def _photo(
    reader: FieldReader, field: str, value: object, config: SiteConfig, static_files: frozenset[str]
) -> str:
    photo = reader.text(field, value) or ""
    if photo and url_scheme(photo) in WEB_SCHEMES and web_url_problem(photo):
        reader.error(field, str(web_url_problem(photo)))
        return ""
    if not photo or url_scheme(photo) in WEB_SCHEMES:
        return photo
    if not photo.startswith("/") or photo.lstrip("/") not in static_files:
        reader.error(
            field, f"'{photo}' must be a file in static/ (like /images/a.jpg) or an http(s) URL"
        )
        return ""
    return href(config.base_path, photo)
