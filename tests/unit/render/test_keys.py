"""Keys of what each output is made from (render/keys.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import jinja2
from unit_helpers import make_article, make_config

from newsgen.build.fingerprint import base_key
from newsgen.models import Site
from newsgen.render.keys import InputKeys
from newsgen.render.pages import page_jobs
from newsgen.site.assemble import build_site


def environment(templates: dict[str, str]) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)


def keys_for(site: Site, digests: dict[str, str], templates: dict[str, str] | None = None):
    return InputKeys(site, "base", digests, environment(templates or {}))


def two_articles():
    first = make_article("First story", tags=["Climate"], bylines=["Ann Lee"])
    second = make_article("Second story", section="Sport")
    return first, second


def digests_of(*articles, changed: str | None = None) -> dict[str, str]:
    return {a.source_path: ("new" if a.source_path == changed else "old") for a in articles}


def test_an_article_key_follows_its_file_bytes_and_path():
    first, second = two_articles()
    site = build_site(make_config(), [first, second])
    same = keys_for(site, digests_of(first, second))
    edited = keys_for(site, digests_of(first, second, changed=first.source_path))
    assert same.article(first) == keys_for(site, digests_of(first, second)).article(first)
    assert same.article(first) != edited.article(first)
    assert same.article(second) == edited.article(second)
    moved = replace(first, source_path="content/world/elsewhere.md")
    assert same.article(first) != keys_for(site, {moved.source_path: "old"}).article(moved)


def test_an_article_key_follows_the_names_the_site_gave_it():
    first, second = two_articles()
    renamed = replace(first, tags=(replace(first.tags[0], name="CLIMATE"),))
    site = build_site(make_config(), [first, second])
    digests = digests_of(first, second)
    assert keys_for(site, digests).article(first) != keys_for(site, digests).article(renamed)


def test_an_article_with_resolved_links_counts_by_its_body_too():
    first, _ = two_articles()
    linking = replace(first, link_refs=(object(),))  # only its truthiness matters here
    moved = replace(linking, body_html=first.body_html.replace("Body", "Moved"))
    site = build_site(make_config(), [first])
    digests = digests_of(first)
    assert keys_for(site, digests).article(linking) != keys_for(site, digests).article(moved)


def test_an_article_not_read_from_a_file_counts_by_all_of_it():
    first, _ = two_articles()
    site = build_site(make_config(), [first])
    edited = replace(first, summary="Another summary.")
    assert keys_for(site, {}).article(first) != keys_for(site, {}).article(edited)


def test_a_page_key_counts_the_site_parts_its_templates_name():
    first, second = two_articles()
    templates = {
        "page.html": '{% extends "base.html" %}{{ site.latest }}',
        "base.html": '{% from "macros.html" import m %}{{ site.sections }}',
        "macros.html": "{% macro m() %}{{ site.tag_counts }}{% endmacro %}",
        "plain.html": "{{ site.config.title }}",
    }
    one = build_site(make_config(), [first])
    both = build_site(make_config(), [first, second])
    digests = digests_of(first, second)
    keys_one, keys_both = keys_for(one, digests, templates), keys_for(both, digests, templates)
    assert keys_one.of("page.html", one) != keys_both.of("page.html", both)
    assert keys_one.of("plain.html", one) == keys_both.of("plain.html", both)


def test_a_listing_page_key_changes_with_its_items_only():
    first, second = two_articles()
    third = make_article("Third story", section="Sport")
    config = make_config(per_page=1)
    before = build_site(config, [first, second])
    after = build_site(config, [first, second, third])
    digests = digests_of(first, second, third)

    def listing_keys(site: Site) -> dict[str, str]:
        keys = keys_for(site, digests, {"section.html": "{{ page }}"})
        return {
            job.output_path: keys.of(job.template, *job.context.values())
            for job in page_jobs(site)
            if job.template == "section.html"
        }

    old, new = listing_keys(before), listing_keys(after)
    assert old["world/index.html"] == new["world/index.html"]
    assert old["sport/index.html"] != new["sport/index.html"]


def test_the_base_key_covers_every_part():
    assert base_key("1", b"template") == base_key("1", b"template")
    assert base_key("1", b"template") != base_key("1", b"template v2")
    assert base_key("1", (False, True)) != base_key("1", (True, False))


def test_a_missing_template_names_no_site_parts(tmp_path: Path):
    first, _ = two_articles()
    site = build_site(make_config(), [first])
    keys = keys_for(site, digests_of(first))
    assert keys.of("missing.html", site) == keys.of("missing.html", site)
