"""build.quick_attempt: what a build trusts of the quick state it finds in the cache."""

from __future__ import annotations

from newsgen.build.quick_state import NO_CHANGES


def test_a_helper_is_worth_starting_when_many_article_pages_will_be_rendered():
    from types import SimpleNamespace

    from newsgen.build.quick_attempt import likely_article_pages

    sources = [
        SimpleNamespace(source=SimpleNamespace(shown=f"content/a{n}.md"), digest=f"d{n}")
        for n in range(5)
    ]
    found = SimpleNamespace(others="templates v1")
    state = SimpleNamespace(
        others="templates v1", digests={f"content/a{n}.md": f"d{n}" for n in range(5)}
    )
    assert likely_article_pages(sources, found, None) == 5  # no last build: all of them
    assert likely_article_pages(sources, found, (state, NO_CHANGES)) == 0
    state.digests["content/a1.md"] = "old"
    del state.digests["content/a2.md"]  # a new file
    assert likely_article_pages(sources, found, (state, NO_CHANGES)) == 2
    found.others = "templates v2"  # a template, the config or an option changed: all
    assert likely_article_pages(sources, found, (state, NO_CHANGES)) == 5
