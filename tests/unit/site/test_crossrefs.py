"""newsgen.site.crossrefs: links to other articles' .md files become links to their pages.

Articles are loaded through the loader, so the ``newsgen-ref:`` marks in their
HTML are the ones markdown/renderer.py really writes. In ``text(...)`` the front matter
is lines 2-3 and the body starts on line 5.
"""

from __future__ import annotations

from dataclasses import replace

from unit_helpers import load, make_config

from newsgen.errors import Problems
from newsgen.sanitize import REF_SCHEME
from newsgen.site.crossrefs import resolve_article_links

BODY_LINE = 5


def text(headline: str, body: str, date: str = "2024-12-16T10:00:00+01:00") -> str:
    return f"---\nheadline: {headline}\ndate: {date}\n---\n{body}"


def article(path: str, body: str = "Plain body.\n", headline: str = "Story", **kw):
    loaded, problems = load(text(headline, body), path, **kw)
    assert loaded is not None, [str(p) for p in problems]
    assert not problems.has_errors()
    return loaded


def resolve(published, everything=None):
    problems = Problems()
    result = resolve_article_links(published, everything or published, problems)
    return result, problems


def by_path(articles, source_path):
    [found] = [a for a in articles if a.source_path == source_path]
    return found


# --- resolved links -------------------------------------------------------------------------------


def test_relative_link_with_fragment_becomes_article_url():
    a = article("world/a.md", "See [the bridge](../local/other.md#part) now.\n")
    other = article("local/other.md", headline="Bridge closure")
    assert f'href="{REF_SCHEME}local/other.md#part"' in a.body_html  # the real mark
    result, problems = resolve([a, other])
    assert list(problems) == []
    body = by_path(result, "content/world/a.md").body_html
    assert 'href="/local/2024/12/16/bridge-closure/#part"' in body
    assert REF_SCHEME not in body
    assert other.url == "/local/2024/12/16/bridge-closure/"


def test_link_without_fragment_and_in_same_folder():
    a = article("world/a.md", "See [b](b.md) and [c](./sub/c.md).\n")
    b = article("world/b.md", headline="Bee")
    c = article("world/sub/c.md", headline="Sea")
    result, problems = resolve([a, b, c])
    assert list(problems) == []
    body = by_path(result, "content/world/a.md").body_html
    assert 'href="/world/2024/12/16/bee/"' in body
    assert 'href="/world/2024/12/16/sea/"' in body


def test_link_resolved_under_a_base_path():
    config = make_config(base_url="https://example.com/news/")
    a = article("world/a.md", "See [x](../local/other.md).\n", config=config)
    other = article("local/other.md", headline="Other", config=config)
    result, problems = resolve([a, other])
    assert list(problems) == []
    assert 'href="/news/local/2024/12/16/other/"' in by_path(result, a.source_path).body_html


def test_target_order_and_other_articles_untouched():
    plain = article("local/plain.md", headline="Plain")
    a = article("world/a.md", "[p](../local/plain.md)\n")
    result, problems = resolve([plain, a])
    assert list(problems) == []
    assert [x.source_path for x in result] == [plain.source_path, a.source_path]
    assert result[0] is plain  # nothing to resolve: the same object
    assert result[1].link_refs == a.link_refs


def test_several_links_to_the_same_and_different_targets():
    a = article("world/a.md", "[1](../local/o.md) [2](../local/o.md#x) [3](b.md)\n")
    o = article("local/o.md", headline="Oh")
    b = article("world/b.md", headline="Bee")
    result, problems = resolve([a, o, b])
    assert list(problems) == []
    body = by_path(result, a.source_path).body_html
    assert body.count('href="/local/2024/12/16/oh/"') == 1
    assert body.count('href="/local/2024/12/16/oh/#x"') == 1
    assert body.count('href="/world/2024/12/16/bee/"') == 1


def test_percent_encoded_file_name_resolves():
    a = article("world/a.md", "See [x](../local/my%20story.md).\n")
    target = article("local/my story.md", headline="Spaced")
    result, problems = resolve([a, target])
    assert list(problems) == []
    assert 'href="/local/2024/12/16/spaced/"' in by_path(result, a.source_path).body_html


def test_unicode_file_name_resolves_written_raw_or_encoded():
    a = article("world/a.md", "[raw](../kultur/café.md) and [enc](../kultur/caf%C3%A9.md)\n")
    target = article("kultur/café.md", headline="Cafe")
    result, problems = resolve([a, target])
    assert list(problems) == []
    body = by_path(result, a.source_path).body_html
    assert body.count('href="/kultur/2024/12/16/cafe/"') == 2


def test_link_in_angle_brackets_with_space_resolves():
    a = article("world/a.md", "See [x](<../local/my story.md>).\n")
    target = article("local/my story.md", headline="Spaced")
    result, problems = resolve([a, target])
    assert list(problems) == []
    assert 'href="/local/2024/12/16/spaced/"' in by_path(result, a.source_path).body_html


# --- untouched links ------------------------------------------------------------------------------


def test_non_md_and_absolute_links_are_untouched():
    body = (
        "[pdf](../local/report.pdf) [site](/world/) [abs](https://example.com/x.md) "
        "[frag](#part) [mail](mailto:a@example.com) [md-ish](../local/notes.markdown)\n"
    )
    a = article("world/a.md", body)
    assert a.link_refs == ()
    result, problems = resolve([a])
    assert list(problems) == []
    html = result[0].body_html
    assert result[0] is a
    for href in (
        "../local/report.pdf",
        "/world/",
        "https://example.com/x.md",
        "#part",
        "mailto:a@example.com",
        "../local/notes.markdown",
    ):
        assert f'href="{href}"' in html


def test_root_absolute_md_link_is_not_an_article_link():
    a = article("world/a.md", "[x](/local/other.md)\n")
    assert a.link_refs == ()
    result, problems = resolve([a])
    assert list(problems) == []
    assert 'href="/local/other.md"' in result[0].body_html


# --- errors ---------------------------------------------------------------------------------------


def test_missing_target_is_an_error_at_its_line():
    a = article("world/a.md", "Intro.\n\nSee [x](../local/nope.md#part).\n")
    result, problems = resolve([a])
    [error] = problems.errors
    assert (error.path, error.line, error.field) == ("content/world/a.md", BODY_LINE + 2, None)
    assert "content/local/nope.md" in error.message
    assert "does not exist" in error.message
    assert str(error).startswith("content/world/a.md:7: links to content/local/nope.md")
    assert REF_SCHEME not in result[0].body_html  # no mark is left in the page


def test_missing_target_errors_for_each_link():
    a = article("world/a.md", "[x](gone.md)\n\n- [y](../other/gone.md)\n")
    _, problems = resolve([a])
    assert [(p.line, p.message.split(",")[0]) for p in problems.errors] == [
        (BODY_LINE, "links to content/world/gone.md"),
        (BODY_LINE + 2, "links to content/other/gone.md"),
    ]


def test_missing_target_on_second_line_of_a_paragraph_is_reported_on_that_line():
    a = article("world/a.md", "Intro line of a paragraph\ncontinues with [x](../local/nope.md).\n")
    _, problems = resolve([a])
    [error] = problems.errors
    assert error.line == BODY_LINE + 1


def test_draft_or_future_target_gets_its_own_message():
    a = article("world/a.md", "One.\n\nTwo [x](../local/draft.md).\n")
    draft = replace(article("local/draft.md", headline="Draft"), draft=True)
    _, problems = resolve([a], [a, draft])
    [error] = problems.errors
    assert (error.path, error.line) == ("content/world/a.md", BODY_LINE + 2)
    assert "content/local/draft.md" in error.message
    assert "draft or scheduled" in error.message
    assert "does not exist" not in error.message


def test_scheduled_target_gets_the_same_message():
    a = article("world/a.md", "[x](../local/later.md)\n")
    later, _ = load(text("Later", "Body.\n", date="2099-01-01T10:00:00+01:00"), "local/later.md")
    assert later is not None
    _, problems = resolve([a], [a, later])
    [error] = problems.errors
    assert error.line == BODY_LINE
    assert "links to content/local/later.md, which is a draft or scheduled for later" in (
        error.message
    )


def test_links_from_held_back_articles_are_not_checked():
    published = article("world/a.md", headline="Fine")
    draft = article("world/draft.md", "[x](nope.md)\n", headline="Draft")
    result, problems = resolve([published], [published, draft])
    assert list(problems) == []
    assert [x.source_path for x in result] == [published.source_path]


def test_link_to_a_file_outside_content_is_missing():
    a = article("world/a.md", "[x](../../README.md)\n")
    _, problems = resolve([a])
    [error] = problems.errors
    assert error.line == BODY_LINE
    assert "does not exist" in error.message


def test_a_link_to_an_article_that_failed_to_load_says_so():
    """The target has errors of its own, reported for its file: this link is not said
    to point at nothing."""
    a = article("world/a.md", "See [x](../local/broken.md).\n")
    problems = Problems()
    resolve_article_links([a], [a], problems, ["content/world/a.md", "content/local/broken.md"])
    [error] = problems.errors
    assert error.message == (
        "links to content/local/broken.md, which has errors (reported for that file); "
        "fix those and this link works"
    )
