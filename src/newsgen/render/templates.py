"""The Jinja environment and the HTML pages of a Site.

Templates come from the site's ``templates/`` first, then the default theme,
file by file. Autoescape is on for every template; templates receive the
models of ``newsgen.models`` and the filters listed in FILTERS.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from newsgen import __version__
from newsgen.cache.bodies import BodyUnavailable
from newsgen.cache.compiled_templates import Note, compiled_templates
from newsgen.errors import Problem, Problems
from newsgen.feeds.dates import aware
from newsgen.images.markup import body_with_pictures, picture
from newsgen.models import SiteConfig
from newsgen.render.fragments import FragmentCache
from newsgen.render.freshness import card_time_text, freshness
from newsgen.render.icons import icon_path, touch_icon_path
from newsgen.render.jsonld import breadcrumbs, json_ld, news_article
from newsgen.render.pages import PageJob
from newsgen.site.paginate import reading_number
from newsgen.urls import absolute, href

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".json")
REMEMBERED_MOMENTS = 20_000
"""Moments each date filter keeps the text of, at most (a few MB)."""


def make_environment(
    template_dirs: Sequence[Path],
    config: SiteConfig,
    compiled: Path | None = None,
    note: Note | None = None,
    now: datetime | None = None,
    assets: Mapping[str, str] | None = None,
) -> jinja2.Environment:
    """Return the Jinja environment: autoescaping, strict undefined, newsgen's filters.

    ``compiled``, when given, is a folder where compiled templates are kept
    between builds (cache/compiled_templates.py: an entry is used only while its
    template's text is unchanged and it matches its checksum; entries are
    written atomically); ``note`` is told of damage found there. ``now``, the
    build's time, is what the ``card_time`` filter dates stories by (freshness.py);
    ``assets`` maps stylesheets and scripts to their hashed names (assets.py), which
    ``static_url()`` gives.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        bytecode_cache=_bytecode_cache(compiled, note) if compiled is not None else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no stat of each template per page
        extensions=[FragmentCache],  # {% cache %}: fragments rendered once per build
    )
    env.filters.update(_filters(config))
    env.filters["card_time"] = _card_time(config, now, env.filters["date"])
    hashed = dict(assets or {})
    env.globals["asset_names"] = hashed
    env.globals["static_url"] = lambda path: href(
        config.base_path, "/" + hashed.get(path.lstrip("/"), path.lstrip("/"))
    )
    env.globals["icon_url"] = lambda: href(config.base_path, icon_path(config))
    env.globals["touch_icon_url"] = lambda: href(config.base_path, touch_icon_path(config))
    env.globals["site_url"] = lambda path: href(config.base_path, path)
    env.globals["absolute_url"] = lambda path: absolute(config.base_url, path)
    env.globals["news_article_ld"] = lambda site, article: json_ld(news_article(site, article))
    env.globals["breadcrumbs_ld"] = lambda site, trail: json_ld(breadcrumbs(site, trail))
    env.globals["picture"] = picture
    env.globals["reading_number"] = reading_number
    env.filters["with_pictures"] = body_with_pictures
    return env


def _card_time(
    config: SiteConfig, now: datetime | None, date_text: Callable[[datetime], str]
) -> Callable[[datetime], str]:
    """Return the ``card_time`` filter: what a card shows of a moment (freshness.py)."""
    zone = config.timezone
    moment_now = None if now is None else aware(now, zone)

    def card_time(moment: datetime) -> str:
        fresh = freshness(moment, moment_now, zone)
        return card_time_text(moment, fresh, zone, date_text(moment))

    return card_time


def _bytecode_cache(folder: Path, note: Note | None) -> jinja2.BytecodeCache | None:
    """Return the cache of compiled templates in ``folder`` (None when it cannot be
    made); its files are named after the newsgen and Jinja versions that compiled them
    and the extensions their code calls by name (FragmentCache's module path, which
    compiled code names, changes when the module moves)."""
    extensions = hashlib.sha256(FragmentCache.identifier.encode()).hexdigest()[:8]
    return compiled_templates(folder, f"{__version__}-{jinja2.__version__}-{extensions}", note)



def render_page(env: jinja2.Environment, job: PageJob, problems: Problems) -> bytes | None:
    """Return the UTF-8 bytes of the page ``job``; on a template error record it and
    return None."""
    html = render_template(env, job.template, dict(job.context), job.source, problems)
    return None if html is None else html.encode("utf-8")


def render_template(
    env: jinja2.Environment, name: str, context: dict[str, Any], source: str, problems: Problems
) -> str | None:
    """Render template ``name`` with ``context``; on error record it and return None."""
    try:
        return env.get_template(name).render(context)
    except BodyUnavailable:  # not the template's fault: the build says what it is
        raise
    except Exception as error:  # a filter may fail too (a date filter given none)
        problems.extend([template_problem(error, name, source)])
        return None


def template_problem(error: Exception, name: str, source: str) -> Problem:
    """Return a Problem naming the template file and line where ``error`` happened."""
    path, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if not path:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.endswith(TEMPLATE_SUFFIXES):
                path, line = frame.filename, frame.lineno
                break
    message = getattr(error, "message", None) or str(error)
    return Problem(
        path=str(path or name),
        line=line or 1,
        field=None,
        message=f"template error while rendering {source}: {message}",
    )


def _filters(config: SiteConfig) -> dict[str, Callable[..., str]]:
    zone = config.timezone

    @_remembered
    def isodate(moment: datetime) -> str:  # HTML's <time> takes at most milliseconds
        return moment.astimezone(zone).isoformat(timespec="seconds")

    @_remembered
    def date(moment: datetime) -> str:
        local = moment.astimezone(zone)
        return f"{local.day} {local.strftime('%B %Y')}"

    @_remembered
    def date_time(moment: datetime) -> str:
        local = moment.astimezone(zone)
        if (local.hour, local.minute) == (0, 0):
            return date(local)
        return f"{date(local)}, {local:%H:%M} {local.tzname()}"

    return {
        "isodate": isodate,
        "date": date,
        "datetime": date_time,
        "names": join_names,
        "absolute_url": lambda path: absolute(config.base_url, path),
        "json_ld": json_ld,
    }


def _remembered(format_moment: Callable[[datetime], str]) -> Callable[[datetime], str]:
    """Return ``format_moment`` remembering what it returned for each moment (a build
    shows each article's date on a dozen pages; equal moments give equal text)."""
    known: dict[datetime, str] = {}

    def remembered(moment: datetime) -> str:
        try:
            return known[moment]
        except KeyError:
            if len(known) >= REMEMBERED_MOMENTS:  # a huge archive: start again
                known.clear()
            text = known[moment] = format_moment(moment)
            return text
        except TypeError:  # not hashable: not a datetime, let the filter say so
            return format_moment(moment)

    return remembered


def join_names(names: Sequence[str]) -> str:
    """Return names as prose: ``A``, ``A and B``, ``A, B and C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
