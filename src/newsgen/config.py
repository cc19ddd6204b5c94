"""``newsgen.yaml``: the schema, its defaults, and load_config().

Each key is declared once in CONFIG_KEYS with what it means; unknown keys and
wrong types are errors naming the line and the closest known key.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from newsgen.errors import BuildFailed, Problems, did_you_mean
from newsgen.home_settings import parse_home_settings
from newsgen.image_settings import parse_image_settings
from newsgen.input_files import read_regular, unreadable_message, utf8_problem
from newsgen.models import SectionConfig, SiteConfig
from newsgen.sanitize import WEB_SCHEMES, url_scheme, web_url_problem
from newsgen.social_image import StaticReader, read_static_head, social_image_problem
from newsgen.urls import NAME_BYTES
from newsgen.yaml_source import LoadedMapping, YamlError, load_yaml_mapping

CONFIG_FILE = "newsgen.yaml"
MAX_CONFIG_BYTES = 1 << 20
"""newsgen.yaml is not even read beyond this; its YAML may hold 64 KiB (load_yaml_mapping)."""
DEFAULT_PERMALINK = "/{section}/{yyyy}/{mm}/{dd}/{slug}/"
PERMALINK_FIELDS = ("section", "yyyy", "mm", "dd", "slug")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """One documented key of ``newsgen.yaml``."""

    name: str
    kind: type | tuple[type, ...]
    default: Any
    help: str


CONFIG_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("title", str, None, "the site's name (required)"),
    ConfigKey("base_url", str, None, "absolute http(s) URL of the site root (required)"),
    ConfigKey("description", str, "", "one sentence about the site, for feeds"),
    ConfigKey("language", str, "en", "BCP 47 language tag of the site"),
    ConfigKey("timezone", str, "UTC", "IANA time zone of the newsroom, e.g. Europe/Berlin"),
    ConfigKey("permalink", str, DEFAULT_PERMALINK, "article URL pattern"),
    ConfigKey("per_page", int, 20, "articles per listing page"),
    ConfigKey("feed_items", int, 50, "articles per RSS feed"),
    ConfigKey("sections", list, [], "section titles and order: names or {name, title}"),
    ConfigKey("markdown", dict, {}, "Markdown options: unsafe_html"),
    ConfigKey("publisher", dict, {}, "publisher for structured data: name, logo"),
    ConfigKey("search", bool, True, "build the search index and the /search/ page"),
    ConfigKey(
        "images",
        dict,
        {},
        "how pictures are processed: widths, formats, quality, max_pixels, keep_credit, "
        "warn_remote",
    ),
    ConfigKey(
        "home",
        dict,
        {},
        "how the front page is made up: top, latest, block_size, blocks, recent_hours",
    ),
    ConfigKey("favicon", str, "", "the site's icon: a file in static/ (SVG, PNG or ICO)"),
    ConfigKey("touch_icon", str, "", "the icon phones show: a 180x180 PNG in static/"),
    ConfigKey("compress", bool, False, "write .gz and .br copies of text files beside them"),
    ConfigKey(
        "default_image",
        str,
        "",
        "social image (og:image) of articles without images: a file in static/ of at least "
        "200x200 pixels, or an http(s) URL",
    ),
)
_KEYS_BY_NAME = {key.name: key for key in CONFIG_KEYS}
_STAND_INS = {"title": "untitled", "base_url": "https://example.invalid/"}
_MARKDOWN_KEYS = ("unsafe_html",)
_PUBLISHER_KEYS = ("name", "logo")
_SECTION_KEYS = ("name", "title", "description")
_ICON_TYPES = {"favicon": (".svg", ".png", ".ico"), "touch_icon": (".png",)}


def load_config(
    site_root: Path,
    base_url_override: str | None = None,
    static_files: frozenset[str] | None = None,
) -> SiteConfig:
    """Read and validate ``SITE_ROOT/newsgen.yaml``.

    Returns the SiteConfig; raises BuildFailed with every problem found.
    ``base_url_override`` (from ``--base-url``) replaces the file's base_url.
    With ``static_files`` (the site's and theme's, ``images/logo.png``), a
    ``publisher.logo`` site path must name one of them.
    """
    shown = CONFIG_FILE
    text = _read_config(site_root)
    try:
        loaded = load_yaml_mapping(text.replace("\r\n", "\n"), 1, what=CONFIG_FILE)
    except YamlError as error:
        problems = Problems()
        problems.error(shown, error.line, error.field, error.message)
        raise BuildFailed(problems) from None
    reader = partial(read_static_head, site_root / "static")
    return parse_config(loaded, shown, base_url_override, static_files, reader)


def require_site(site_root: Path) -> None:
    """Raise BuildFailed, saying how to make one, when ``site_root`` holds no
    ``newsgen.yaml`` at all (neither a file nor a link): it is no newsgen site."""
    path = site_root / CONFIG_FILE
    if not (path.exists() or path.is_symlink()):
        raise _not_a_site(site_root)


def _not_a_site(site_root: Path) -> BuildFailed:
    here = "this folder" if site_root == Path(".") else str(site_root)
    message = (
        f"no such file, so {here} is not a newsgen site; create one with "
        f"'newsgen init {site_root}', or give the site's folder with --source DIR"
    )
    return BuildFailed(_single(str(site_root / CONFIG_FILE), message, line=0))


def _read_config(site_root: Path) -> str:
    """Return the text of ``SITE_ROOT/newsgen.yaml``; raise BuildFailed when it is
    missing, not a regular file, or not UTF-8."""
    path = site_root / CONFIG_FILE
    try:
        data, _ = read_regular(path, MAX_CONFIG_BYTES)
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        if path.is_symlink():
            message = "is a broken symbolic link; restore its target or replace it with a file"
        else:
            raise _not_a_site(site_root) from None
    except OSError as error:
        message = unreadable_message(error)
    except UnicodeDecodeError as error:
        line, message = utf8_problem(data, error)
        raise BuildFailed(_single(CONFIG_FILE, message, line)) from None
    raise BuildFailed(_single(CONFIG_FILE, message))


def parse_config(
    loaded: LoadedMapping,
    shown: str,
    base_url_override: str | None,
    static_files: frozenset[str] | None = None,
    read_static: StaticReader | None = None,
) -> SiteConfig:
    """Validate a loaded ``newsgen.yaml`` mapping; raise BuildFailed on any error.

    A ``publisher.logo`` site path is checked against ``static_files``, when
    given; ``read_static`` reads the head of a file in ``static/``, to check the
    size of a local ``default_image`` (None: not checked).
    """
    problems = Problems()
    data = dict(loaded.data)
    if base_url_override is not None:
        data["base_url"] = base_url_override
    values: dict[str, Any] = {}
    for name in map(str, data):
        if name not in _KEYS_BY_NAME:
            problems.error(
                shown,
                loaded.line_of(name),
                name,
                f"unknown key{did_you_mean(name, _KEYS_BY_NAME)}",
            )
    for key in CONFIG_KEYS:
        value = data.get(key.name)
        if value is None:  # missing, or written as 'key:' with nothing after it
            value = key.default
        line = loaded.line_of(key.name)
        if value is None:
            problems.error(shown, line, key.name, f"is required: {key.help}")
        elif not _is_kind(value, key.kind):
            problems.error(shown, line, key.name, f"must be {_kind_name(key.kind)}: {key.help}")
        else:
            values[key.name] = value
            continue
        # A stand-in lets the remaining checks run, so that one run reports every error.
        values[key.name] = key.default if key.default is not None else _STAND_INS[key.name]
    blame_base_url = "--base-url" if base_url_override is not None else None
    config = _build_config(
        values, loaded, shown, problems, (static_files, read_static), blame_base_url
    )
    if problems.has_errors() or config is None:
        raise BuildFailed(problems)
    return config


def _build_config(
    values: dict[str, Any],
    loaded: LoadedMapping,
    shown: str,
    problems: Problems,
    static: tuple[frozenset[str] | None, StaticReader | None],
    base_url_option: str | None,
) -> SiteConfig | None:
    """Check the values of newsgen.yaml against each other; a problem with a base URL
    given on the command line (``base_url_option``) is blamed on that option."""
    static_files, read_static = static

    def fail(name: str, message: str) -> None:
        if name == "base_url" and base_url_option:
            problems.error(base_url_option, 0, None, message)
        else:
            problems.error(shown, loaded.line_of(name), name, message)

    base_url = values["base_url"].strip()
    if not re.match(r"^https?://[^/\s]+", base_url):
        fail(
            "base_url",
            f"'{base_url}' is not an absolute http(s) URL, e.g. https://news.example.com/",
        )
    elif web_url_problem(base_url):
        fail("base_url", str(web_url_problem(base_url)))
    if not base_url.endswith("/"):
        base_url += "/"
    if not values["title"].strip():
        fail("title", "must not be empty")
    if not _LANGUAGE.match(values["language"]):
        fail("language", f"'{values['language']}' is not a language tag like 'en' or 'en-GB'")
    timezone = _parse_timezone(values["timezone"], lambda message: fail("timezone", message))
    permalink_problem = check_permalink(values["permalink"])
    if permalink_problem:
        fail("permalink", permalink_problem)
    for name in ("per_page", "feed_items"):
        if values[name] < 1:
            fail(name, f"must be at least 1, not {values[name]}")
    sections = _parse_sections(values["sections"], loaded, shown, problems)
    unsafe_html = _parse_markdown(values["markdown"], loaded, shown, problems)
    publisher = _parse_publisher(values, base_url, loaded, shown, problems, static_files)
    default_image = _parse_default_image(
        values["default_image"], base_url, read_static, lambda m: fail("default_image", m)
    )
    images = parse_image_settings(values["images"], loaded, shown, problems)
    home = parse_home_settings(values["home"], loaded, shown, problems)
    icons = {
        name: _parse_icon(name, values[name], static_files, lambda m, n=name: fail(n, m))
        for name in _ICON_TYPES
    }
    if problems.has_errors() or timezone is None:
        return None
    return SiteConfig(
        title=values["title"].strip(),
        base_url=base_url,
        language=values["language"],
        timezone=timezone,
        permalink=values["permalink"],
        per_page=values["per_page"],
        feed_items=values["feed_items"],
        sections=sections,
        unsafe_html=unsafe_html,
        description=values["description"].strip(),
        publisher_name=publisher[0],
        publisher_logo=publisher[1],
        search=values["search"],
        default_image=default_image,
        images=images,
        home=home,
        favicon=icons["favicon"],
        touch_icon=icons["touch_icon"],
        compress=values["compress"],
    )


def check_permalink(pattern: str) -> str | None:
    """Return what is wrong with a permalink pattern, or None when it is usable."""
    if not (pattern.startswith("/") and pattern.endswith("/")):
        return f"'{pattern}' must start and end with '/', e.g. {DEFAULT_PERMALINK}"
    names = re.findall(r"\{([^{}]*)\}", pattern)
    outside = re.sub(r"\{[^{}]*\}", "", pattern)
    if "{" in outside or "}" in outside:
        return f"'{pattern}' has a stray '{{' or '}}'; braces only go around placeholders"
    unknown = [name for name in names if name not in PERMALINK_FIELDS]
    if unknown:
        return (
            f"unknown placeholder{did_you_mean(unknown[0], PERMALINK_FIELDS)}; "
            f"use {', '.join('{' + f + '}' for f in PERMALINK_FIELDS)}"
        )
    if "slug" not in names:
        return "must contain {slug} so that every article gets its own URL"
    if ".." in pattern or "//" in pattern or "\\" in pattern:
        return f"'{pattern}' must not contain '..', '//' or backslashes"
    for part in pattern.strip("/").split("/"):
        if part.startswith(".newsgen-"):
            return f"'{part}': names starting with '.newsgen-' are newsgen's own; choose another"
        if len(re.sub(r"\{[^{}]*\}", "", part).encode("utf-8")) > NAME_BYTES:
            return f"'{part[:40]}…' is longer than a folder name may be ({NAME_BYTES} bytes)"
    return None


def _parse_timezone(name: str, fail: Any) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, _zone_names(), n=1, cutoff=0.6)
        fix = f"did you mean '{close[0]}'?" if close else "use a name like 'Europe/London' or 'UTC'"
        fail(f"'{name}' is not an IANA time zone; {fix}")
        return None


@functools.cache
def _zone_names() -> list[str]:
    """Every IANA time zone name this Python knows, sorted."""
    return sorted(available_timezones())


def _parse_sections(
    entries: list[Any], loaded: LoadedMapping, shown: str, problems: Problems
) -> tuple[SectionConfig, ...]:
    sections: list[SectionConfig] = []
    for index, entry in enumerate(entries):
        where = f"sections[{index}]"
        line = loaded.line_of(where)
        if isinstance(entry, str) and entry.strip():
            sections.append(SectionConfig(entry.strip(), entry.strip()))
            continue
        if not isinstance(entry, dict):
            problems.error(shown, line, where, "must be a section name or {name: ..., title: ...}")
            continue
        _report_unknown_keys(entry, where, _SECTION_KEYS, loaded, shown, problems)
        name, title = entry.get("name"), entry.get("title", entry.get("name"))
        description = entry.get("description") or ""
        if not isinstance(name, str) or not name.strip():
            problems.error(shown, line, f"{where}.name", "is required: the section's name")
        elif not isinstance(title, str) or not title.strip():
            problems.error(shown, line, f"{where}.title", "must be non-empty text")
        elif not isinstance(description, str):
            field = f"{where}.description"
            problems.error(shown, loaded.line_of(field), field, "must be text: one sentence")
        else:
            text = " ".join(description.split())
            sections.append(SectionConfig(name.strip(), title.strip(), text))
    return tuple(sections)


def _parse_markdown(
    options: dict[str, Any], loaded: LoadedMapping, shown: str, problems: Problems
) -> bool:
    _report_unknown_keys(options, "markdown", _MARKDOWN_KEYS, loaded, shown, problems)
    unsafe = options.get("unsafe_html", False)
    if not isinstance(unsafe, bool):
        problems.error(
            shown,
            loaded.line_of("markdown.unsafe_html"),
            "markdown.unsafe_html",
            "must be true or false",
        )
        return False
    return unsafe


def _report_unknown_keys(
    mapping: dict[Any, Any],
    where: str,
    known: tuple[str, ...],
    loaded: LoadedMapping,
    shown: str,
    problems: Problems,
) -> None:
    """Record an error, with a suggestion, for each key of ``mapping`` not in ``known``."""
    for key in map(str, mapping):
        if key not in known:
            field = f"{where}.{key}"
            problems.error(
                shown, loaded.line_of(field), field, f"unknown key{did_you_mean(key, known)}"
            )


def _parse_publisher(
    values: dict[str, Any],
    base_url: str,
    loaded: LoadedMapping,
    shown: str,
    problems: Problems,
    static_files: frozenset[str] | None,
) -> tuple[str, str]:
    """Return the publisher's name (default: the title) and absolute logo URL (or "")."""
    options = values["publisher"]
    _report_unknown_keys(options, "publisher", _PUBLISHER_KEYS, loaded, shown, problems)
    name, logo = options.get("name") or values["title"], options.get("logo") or ""
    for key, value in (("name", name), ("logo", logo)):
        if not isinstance(value, str):
            problems.error(
                shown, loaded.line_of(f"publisher.{key}"), f"publisher.{key}", "must be text"
            )
            return "", ""
    if logo.startswith("/") and static_files is not None and logo[1:] not in static_files:
        problems.error(
            shown,
            loaded.line_of("publisher.logo"),
            "publisher.logo",
            f"'{logo}' names no file in static/ (looked for static{logo}); "
            "add the file, or give an http(s) URL",
        )
    if logo.startswith("/"):
        logo = base_url.rstrip("/") + logo
    elif logo and url_scheme(logo) in WEB_SCHEMES and web_url_problem(logo):
        problems.error(
            shown, loaded.line_of("publisher.logo"), "publisher.logo", str(web_url_problem(logo))
        )
    elif logo and url_scheme(logo) not in WEB_SCHEMES:
        problems.error(
            shown,
            loaded.line_of("publisher.logo"),
            "publisher.logo",
            f"'{logo}' must be a site path like /images/logo.png or an http(s) URL",
        )
    return name.strip(), logo


def _parse_icon(
    name: str, value: str, static_files: frozenset[str] | None, fail: Callable[[str], None]
) -> str:
    """Return the site path of an icon (``favicon``, ``touch_icon``) or "", reporting
    through ``fail`` a value that is no file in ``static/`` of a type browsers take."""
    value = value.strip()
    if not value:
        return ""
    kinds = _ICON_TYPES[name]
    if not value.startswith("/") or value.startswith("//"):
        fail(f"'{value}' must be a site path of a file in static/, like /icons/{name}{kinds[0]}")
    elif not value.lower().endswith(kinds):
        fail(f"'{value}' must be a {' or '.join(k[1:].upper() for k in kinds)} file")
    elif static_files is not None and value[1:] not in static_files:
        fail(f"'{value}' names no file in static/ (looked for static{value}); add the file")
    else:
        return value
    return ""


def _parse_default_image(
    value: str, base_url: str, read_static: StaticReader | None, fail: Callable[[str], None]
) -> str:
    """Return the absolute URL of ``default_image`` (or ""), reporting through ``fail`` a
    value that is no site path or http(s) URL, and a local file whose size is unknown
    or too small (social_image.py)."""
    value = value.strip()
    if not value:
        return ""
    if value.startswith("/") and not value.startswith("//"):
        if read_static is not None:
            problem = social_image_problem(value, read_static)
            if problem:
                fail(problem)
        return base_url.rstrip("/") + value
    if url_scheme(value) in WEB_SCHEMES:
        problem = web_url_problem(value)
        if problem is None:
            return value
        fail(problem)
        return ""
    fail(f"'{value}' must be a site path like /images/social.jpg (in static/) or an http(s) URL")
    return ""


def _is_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and kind is int:
        return False
    return isinstance(value, kind)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        list: "a list",
        dict: "a mapping",
        bool: "true or false",
    }
    return names.get(kind, str(kind)) if isinstance(kind, type) else "a value"


def _single(path: str, message: str, line: int = 1) -> Problems:
    problems = Problems()
    problems.error(path, line, None, message)
    return problems
