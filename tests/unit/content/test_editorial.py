"""newsgen.content.editorial: tags, bylines, id, corrections and aliases, read through the loader.

Articles are written as ``text(*front_matter_lines)``: front matter line ``i``
(0-based) is file line ``i + 2``; H and D are lines 2 and 3.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from unit_helpers import BERLIN, article_with, load, make_article, make_config, one_error

from newsgen.errors import Problems
from newsgen.models import Correction

PATH = "content/world/story.md"
H = "headline: Kremlin talks"
D = "date: 2024-12-16T10:00:00+01:00"
BODY = "First paragraph of the story.\n"
UUID = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"


def text(*lines: str, body: str = BODY) -> str:
    """Return an article whose front matter is ``lines`` (line 2 onwards)."""
    return article_with(*lines, body=body)


def loaded(*lines: str, **kw):
    """Load an article that must have no errors."""
    article, problems = load(text(H, D, *lines), **kw)
    assert article is not None, [str(p) for p in problems]
    assert not problems.has_errors(), [str(p) for p in problems]
    return article, problems


# --- tags -----------------------------------------------------------------------------------------


def test_tags_become_tag_objects_with_urls():
    article, problems = loaded("tags: [Middle East, Syria]")
    assert list(problems) == []
    assert [(t.name, t.slug, t.url, t.feed_url) for t in article.tags] == [
        ("Middle East", "middle-east", "/tags/middle-east/", "/tags/middle-east/feed.xml"),
        ("Syria", "syria", "/tags/syria/", "/tags/syria/feed.xml"),
    ]
    assert [str(t) for t in article.tags] == ["Middle East", "Syria"]


def test_tag_urls_under_a_base_path():
    article, _ = loaded("tags: [Syria]", config=make_config(base_url="https://x.example/news/"))
    assert article.tags[0].url == "/news/tags/syria/"


def test_duplicate_tags_by_slug_removed_first_spelling_kept():
    article, problems = loaded("tags: [Syria, syria, Middle East, middle-east, SYRIA]")
    assert list(problems) == []
    assert [t.name for t in article.tags] == ["Syria", "Middle East"]


def test_different_tags_with_one_slug_are_an_error_not_a_dropped_tag():
    article, problems = load(text(H, D, "tags:", "  - C++", "  - Software", "  - c", "  - C#"))
    assert article is None
    assert [(p.field, p.line) for p in problems.errors] == [("tags[2]", 7), ("tags[3]", 8)]
    assert problems.errors[0].message == (
        "'c' and 'C++' (tags[0]) are different tags that would share one page, /tags/c/; "
        "rename one so that their letters or digits differ, or spell them alike if they "
        "are the same tag"
    )


def test_different_bylines_with_one_slug_are_an_error():
    article, problems = load(text(H, D, "byline: [C++ Desk, Jane Doe, C Desk]"))
    assert article is None
    problem = one_error(problems, "byline[2]")
    assert problem.message.startswith(
        "'C Desk' and 'C++ Desk' (byline[0]) are different authors that would share one "
        "page, /authors/c-desk/"
    )


def test_one_byline_in_two_spellings_is_kept_once():
    article, problems = loaded("byline: [Jose Garcia, José García]")
    assert list(problems) == []
    assert article.bylines == ("Jose Garcia",)


def test_emoji_only_tag_is_an_error_on_its_line():
    article, problems = load(text(H, D, "tags:", "  - Syria", "  - 🎉🎉"))
    assert article is None
    error = one_error(problems, "tags[1]")
    assert (error.path, error.line) == (PATH, 6)
    assert "no letters or digits" in error.message
    assert "🎉🎉" in error.message


def test_tags_not_a_list_is_an_error():
    _, problems = load(text(H, D, "tags: Syria"))
    error = one_error(problems, "tags")
    assert (error.line, error.message) == (4, "must be a list of texts, not 'Syria'")


def test_no_tags_is_empty():
    article, _ = loaded()
    assert article.tags == ()


# --- byline -> authors ----------------------------------------------------------------------------


def test_byline_string_gives_one_author():
    article, problems = loaded("byline: Lena Brandt")
    assert list(problems) == []
    assert article.bylines == ("Lena Brandt",)
    assert [(a.name, a.slug, a.url) for a in article.authors] == [
        ("Lena Brandt", "lena-brandt", "/authors/lena-brandt/")
    ]


def test_byline_list_gives_authors_in_order():
    article, _ = loaded("byline: [Zoe Adams, Omar Haddad]")
    assert article.bylines == ("Zoe Adams", "Omar Haddad")
    assert [a.slug for a in article.authors] == ["zoe-adams", "omar-haddad"]


def test_emoji_only_byline_string_names_field_byline():
    article, problems = load(text(H, D, "byline: 🎉"))
    assert article is None
    error = one_error(problems, "byline")
    assert (error.line, error.path) == (4, PATH)
    assert "no letters or digits" in error.message


def test_emoji_only_byline_in_list_names_its_index():
    article, problems = load(text(H, D, "byline:", "  - Lena Brandt", "  - 🎉"))
    assert article is None
    error = one_error(problems, "byline[1]")
    assert error.line == 6
    assert [p.field for p in problems.errors] == ["byline[1]"]


def test_byline_number_is_an_error():
    _, problems = load(text(H, D, "byline: 42"))
    error = one_error(problems, "byline")
    assert error.message == "must be a name or a list of names, not the number 42"


# --- id -------------------------------------------------------------------------------------------


def test_id_is_normalised_to_lowercase():
    article, problems = loaded(f"id: {UUID}")
    assert list(problems) == []
    assert article.id == UUID.lower()
    assert article.guid == f"urn:uuid:{UUID.lower()}"


def test_quoted_id_and_braced_id_are_accepted():
    article, _ = loaded(f'id: "{{{UUID}}}"')
    assert article.id == UUID.lower()


def test_no_id_is_none_and_guid_is_permalink():
    article, _ = loaded()
    assert article.id is None
    assert (
        article.guid
        == article.permalink
        == ("https://gazette.example.com/world/2024/12/16/kremlin-talks/")
    )


def test_null_id_is_none():
    article, _ = loaded("id:")
    assert article.id is None


@pytest.mark.parametrize("value", ["not-a-uuid", "3F2504E0-4F89-11D3-9A0C", "12345"])
def test_invalid_id_is_an_error_with_its_line(value):
    article, problems = load(text(H, D, "byline: Lena", f"id: {value}"))
    assert article is None
    error = one_error(problems, "id")
    assert (error.path, error.line) == (PATH, 5)
    assert "is not a UUID" in error.message


def test_id_of_wrong_type_is_one_error():
    article, problems = load(text(H, D, "id: [a, b]"))
    assert article is None
    error = one_error(problems, "id")
    assert error.line == 4
    assert error.message == "must be text, not a list"


# --- corrections ----------------------------------------------------------------------------------


def test_corrections_are_read_and_sorted_oldest_first():
    article, problems = loaded(
        "corrections:",
        "  - date: 2024-12-18T09:00:00+01:00",
        "    text: Second fix.",
        "  - date: 2024-12-17",
        "    text: '  First   fix. '",
    )
    assert list(problems) == []
    assert article.corrections == (
        Correction(datetime(2024, 12, 17, 0, 0, tzinfo=BERLIN), "First fix."),
        Correction(datetime(2024, 12, 18, 9, 0, tzinfo=BERLIN), "Second fix."),
    )


def test_correction_without_text_is_an_error_on_its_line():
    article, problems = load(
        text(H, D, "corrections:", "  - date: 2024-12-17", "  - text: Fine", "    date: 2024-12-18")
    )
    assert article is None
    error = one_error(problems, "corrections[0].text")
    assert (error.line, error.message) == (5, "is required")


def test_correction_without_date_is_an_error_on_its_line():
    article, problems = load(text(H, D, "corrections:", "  - text: Oops"))
    assert article is None
    error = one_error(problems, "corrections[0].date")
    assert error.line == 5
    assert error.message.startswith("is required")


def test_correction_with_bad_date_is_an_error_on_the_date_line():
    _, problems = load(text(H, D, "corrections:", "  - text: Oops", "    date: soon"))
    error = one_error(problems, "corrections[0].date")
    assert error.line == 6
    assert "'soon' is not an ISO 8601" in error.message


def test_unknown_key_in_a_correction():
    article, problems = load(
        text(H, D, "corrections:", "  - date: 2024-12-17", "    text: Oops", "    txt: again")
    )
    assert article is None
    error = one_error(problems, "corrections[0].txt")
    assert error.line == 7
    assert error.message.startswith("unknown key")
    assert "text" in error.message  # suggests the closest known key


def test_corrections_not_a_list_is_an_error():
    _, problems = load(text(H, D, "corrections: Fixed a typo"))
    error = one_error(problems, "corrections")
    assert error.line == 4
    assert error.message.startswith("must be a list of {date, text} entries")


def test_correction_not_a_mapping_is_an_error():
    _, problems = load(text(H, D, "corrections:", "  - Fixed a typo"))
    error = one_error(problems, "corrections[0]")
    assert error.line == 5
    assert error.message.startswith("must be a mapping with date, text")


# --- aliases --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "path"),
    [
        ("old/path", "/old/path/"),
        ("/old/path", "/old/path/"),
        ("old/path/", "/old/path/"),
        ("/old/path/", "/old/path/"),
        ("world/old-slug", "/world/old-slug/"),
        ("/2019/story.html", "/2019/story.html"),
        ("2019/story.html", "/2019/story.html"),
        ("/old.php", "/old.php"),
        ("/världen/gammal/", "/världen/gammal/"),
    ],
)
def test_alias_normalisation(alias, path):
    article, problems = loaded(f'aliases: ["{alias}"]')
    assert list(problems) == []
    assert tuple(str(alias) for alias in article.aliases) == (path,)


@pytest.mark.parametrize(
    "alias", ["//evil.example/x", "javascript:x", "https://evil.example/x", "JavaScript:alert(1)"]
)
def test_alias_with_scheme_or_host_is_warned_and_dropped(alias):
    article, problems = load(text(H, D, "aliases:", "  - /kept/", f'  - "{alias}"'))
    assert article is not None
    assert not problems.has_errors()
    [warning] = problems.warnings
    assert (warning.path, warning.line, warning.field) == (PATH, 6, "aliases[1]")
    assert "is not a path on this site" in warning.message
    assert tuple(str(alias) for alias in article.aliases) == ("/kept/",)


@pytest.mark.parametrize(
    "alias", ["../x", "a/../b", "a\\\\b", "a?b", "a#b", "/", "a//b", "./a", "/a/./b/"]
)
def test_bad_alias_is_an_error_with_its_line(alias):
    article, problems = load(text(H, D, "aliases:", "  - /fine/", f'  - "{alias}"'))
    assert article is None
    error = one_error(problems, "aliases[1]")
    assert (error.path, error.line) == (PATH, 6)
    assert "must be a plain path" in error.message


def test_alias_with_a_part_too_long_for_a_file_name_is_an_error():
    article, problems = load(text(H, D, f"aliases: [/old/{'é' * 128}/]"))  # 256 bytes
    assert article is None
    problem = one_error(problems, "aliases[0]")
    assert problem.line == 4
    assert "has a part longer than 255 bytes between slashes" in problem.message
    assert loaded(f"aliases: [/old/{'a' * 255}/]")[0].aliases[0].path == f"/old/{'a' * 255}/"


def test_aliases_keep_their_order():
    article, _ = loaded("aliases: [b/old, a/old, /z.html]")
    assert tuple(str(alias) for alias in article.aliases) == ("/b/old/", "/a/old/", "/z.html")


def test_same_alias_twice_is_kept_once():
    # Like tags, a repeated alias is one alias: otherwise the article's two redirect
    # pages collide with each other and the build reports the file against itself.
    article, _ = loaded("aliases: [old/a, /old/a/, old/b]")
    assert tuple(str(alias) for alias in article.aliases) == ("/old/a/", "/old/b/")


def test_aliases_not_a_list_is_an_error():
    _, problems = load(text(H, D, "aliases: old/path"))
    assert one_error(problems, "aliases").line == 4


# --- Article.modified and Article.guid ------------------------------------------------------------


DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)


def test_modified_is_the_date_without_updates():
    assert make_article("A", DAY).modified == DAY


def test_modified_is_updated_when_later():
    article = make_article("A", DAY, updated=DAY + timedelta(hours=3))
    assert article.modified == DAY + timedelta(hours=3)


def test_modified_is_the_latest_correction_when_later_than_updated():
    corrections = (
        Correction(DAY + timedelta(days=1), "one"),
        Correction(DAY + timedelta(days=2), "two"),
    )
    article = make_article("A", DAY, updated=DAY + timedelta(hours=3), corrections=corrections)
    assert article.modified == DAY + timedelta(days=2)


def test_modified_is_updated_when_later_than_corrections():
    corrections = (Correction(DAY + timedelta(days=1), "one"),)
    article = make_article("A", DAY, updated=DAY + timedelta(days=5), corrections=corrections)
    assert article.modified == DAY + timedelta(days=5)


def test_modified_through_the_loader():
    article, _ = loaded(
        "updated: 2024-12-17T08:00:00+01:00",
        "corrections:",
        "  - date: 2024-12-19T08:00:00Z",
        "    text: Fixed.",
    )
    assert article.modified == datetime(2024, 12, 19, 9, 0, tzinfo=BERLIN)


def test_guid_uses_id_else_permalink():
    with_id = make_article("A", DAY, id="3f2504e0-4f89-11d3-9a0c-0305e82c3301")
    assert with_id.guid == "urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    without = make_article("A", DAY)
    assert without.guid == without.permalink == ("https://gazette.example.com/world/2024/12/16/a/")


def test_all_editorial_errors_reported_in_one_run():
    problems = Problems()
    load(
        text(
            H,
            D,
            "tags: ['🎉']",
            "id: nope",
            "corrections: [{text: x}]",
            "aliases: ['../up']",
        ),
        problems=problems,
    )
    assert sorted((p.line, p.field) for p in problems.errors) == [
        (4, "tags[0]"),
        (5, "id"),
        (6, "corrections[0].date"),
        (7, "aliases[0]"),
    ]
