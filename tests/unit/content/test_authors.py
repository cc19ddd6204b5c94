"""newsgen.content.authors: authors.yaml profiles, checked with the line of every problem.

Profiles are written as ``yaml(*lines)``: line ``i`` (0-based) is file line ``i + 1``.
"""

from __future__ import annotations

import os

import pytest
from unit_helpers import make_config, no_hang, one_error

from newsgen.content.authors import load_author_profiles
from newsgen.errors import Problems
from newsgen.models import Author, Link
from newsgen.urls import absolute

STATIC = frozenset({"images/authors/lena.jpg", "images/logo.png"})


def yaml(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def profiles_of(tmp_path, *lines, config=None, static=STATIC, raw=None):
    """Write authors.yaml into a temporary site root and load it."""
    path = tmp_path / "authors.yaml"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(yaml(*lines), encoding="utf-8")
    problems = Problems()
    profiles = load_author_profiles(tmp_path, config or make_config(), static, problems)
    return profiles, problems


# --- valid profiles -------------------------------------------------------------------------------


def test_valid_profiles_by_slug(tmp_path):
    profiles, problems = profiles_of(
        tmp_path,
        "Lena Brandt:",
        "  bio: Europe correspondent,",
        "    based in Vienna.",
        "  photo: /images/authors/lena.jpg",
        "  links:",
        "    - name: Email",
        "      url: mailto:lena@courier.example.com",
        "    - name: Mastodon",
        "      url: https://social.example/@lena",
        "Omar Haddad:",
        "  bio: Science desk.",
    )
    assert list(problems) == []
    assert set(profiles) == {"lena-brandt", "omar-haddad"}
    assert profiles["lena-brandt"] == Author(
        name="Lena Brandt",
        slug="lena-brandt",
        url="/authors/lena-brandt/",
        bio="Europe correspondent, based in Vienna.",
        photo="/images/authors/lena.jpg",
        links=(
            Link("Email", "mailto:lena@courier.example.com"),
            Link("Mastodon", "https://social.example/@lena"),
        ),
    )
    assert profiles["omar-haddad"] == Author(
        "Omar Haddad", "omar-haddad", "/authors/omar-haddad/", bio="Science desk."
    )


def test_empty_profile_is_a_plain_author(tmp_path):
    profiles, problems = profiles_of(tmp_path, "Lena Brandt:")
    assert list(problems) == []
    assert profiles == {
        "lena-brandt": Author("Lena Brandt", "lena-brandt", "/authors/lena-brandt/")
    }


def test_urls_and_static_photo_under_a_base_path(tmp_path):
    config = make_config(base_url="https://example.com/news/")
    profiles, problems = profiles_of(
        tmp_path, "Lena Brandt:", "  photo: /images/authors/lena.jpg", config=config
    )
    assert list(problems) == []
    lena = profiles["lena-brandt"]
    assert lena.url == "/news/authors/lena-brandt/"
    assert lena.photo == "/news/images/authors/lena.jpg"
    assert absolute(config.base_url, lena.photo) == "https://example.com/news/images/authors/lena.jpg"


def test_http_photo_is_kept(tmp_path):
    profiles, problems = profiles_of(
        tmp_path,
        "Lena Brandt:",
        "  photo: https://cdn.example.com/lena.jpg",
        "Omar Haddad:",
        "  photo: http://cdn.example.com/omar.jpg",
    )
    assert list(problems) == []
    assert profiles["lena-brandt"].photo == "https://cdn.example.com/lena.jpg"
    assert profiles["omar-haddad"].photo == "http://cdn.example.com/omar.jpg"
    assert absolute(make_config().base_url, profiles["lena-brandt"].photo) == (
        "https://cdn.example.com/lena.jpg"
    )


def test_bom_and_crlf_are_fine(tmp_path):
    raw = "\ufeffLena Brandt:\r\n  bio: Vienna.\r\n".encode()
    profiles, problems = profiles_of(tmp_path, raw=raw)
    assert list(problems) == []
    assert profiles["lena-brandt"].bio == "Vienna."


def test_missing_file_gives_no_profiles(tmp_path):
    problems = Problems()
    assert load_author_profiles(tmp_path, make_config(), STATIC, problems) == {}
    assert list(problems) == []


def refused(tmp_path):
    """Load profiles from an authors.yaml the test made unreadable; return the one problem."""
    problems = Problems()
    with no_hang():
        assert load_author_profiles(tmp_path, make_config(), STATIC, problems) == {}
    [problem] = problems
    assert (problem.path, problem.line, problem.field) == ("authors.yaml", 1, None)
    return problem.message


def test_a_named_pipe_is_an_error_never_read(tmp_path):
    os.mkfifo(tmp_path / "authors.yaml")
    assert refused(tmp_path) == (
        "is a named pipe (FIFO), not a regular file; replace it with a file"
    )


def test_a_folder_is_an_error_not_a_missing_file(tmp_path):
    (tmp_path / "authors.yaml").mkdir()
    assert refused(tmp_path).startswith("is a folder, not a regular file")


@pytest.mark.parametrize(
    ("target", "message"),
    [("/dev/zero", "is a device"), ("/dev/null", "is a device"), ("gone.yaml", "is a broken")],
)
def test_a_link_to_a_device_or_nothing_is_an_error(tmp_path, target, message):
    (tmp_path / "authors.yaml").symlink_to(target)
    assert refused(tmp_path).startswith(message)


def test_empty_file_gives_no_profiles(tmp_path):
    profiles, problems = profiles_of(tmp_path, raw=b"")
    assert profiles == {}
    assert list(problems) == []


# --- photo ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "photo",
    [
        "/images/authors/missing.jpg",
        "images/authors/lena.jpg",  # not a site path
        "//cdn.example.com/lena.jpg",
        "ftp://cdn.example.com/lena.jpg",
        "javascript:alert(1)",
    ],
)
def test_photo_must_be_a_static_file_or_http_url(tmp_path, photo):
    profiles, problems = profiles_of(
        tmp_path,
        "Omar Haddad:",
        "  bio: Desk.",
        "Lena Brandt:",
        "  bio: Vienna.",
        f'  photo: "{photo}"',
    )
    error = one_error(problems, "Lena Brandt.photo")
    assert (error.path, error.line) == ("authors.yaml", 5)
    assert "must be a file in static/" in error.message
    assert profiles["lena-brandt"].photo == ""


def test_photo_of_wrong_type(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  photo: [a.jpg]")
    error = one_error(problems, "Lena Brandt.photo")
    assert (error.line, error.message) == (2, "must be text, not a list")


# --- links ----------------------------------------------------------------------------------------


def test_link_with_other_scheme_is_an_error_on_its_line(tmp_path):
    profiles, problems = profiles_of(
        tmp_path,
        "Lena Brandt:",
        "  links:",
        "    - name: Site",
        "      url: https://lena.example",
        "    - name: Chat",
        "      url: javascript:alert(1)",
        "    - name: Relative",
        "      url: /about/",
    )
    first = one_error(problems, "Lena Brandt.links[1].url")
    assert (first.path, first.line) == ("authors.yaml", 6)
    assert "must be an absolute http(s) URL or a mailto URL" in first.message
    second = one_error(problems, "Lena Brandt.links[2].url")
    assert second.line == 8
    assert profiles["lena-brandt"].links == (Link("Site", "https://lena.example"),)


def test_link_without_name_or_url(tmp_path):
    _, problems = profiles_of(
        tmp_path,
        "Lena Brandt:",
        "  links:",
        "    - name: Site",
        "    - url: https://lena.example",
    )
    assert (one_error(problems, "Lena Brandt.links[0].url").line, "is required") == (
        3,
        "is required",
    )
    assert one_error(problems, "Lena Brandt.links[1].name").line == 4


def test_unknown_key_in_a_link(tmp_path):
    _, problems = profiles_of(
        tmp_path, "Lena Brandt:", "  links:", "    - name: Site", "      href: https://x.example"
    )
    error = one_error(problems, "Lena Brandt.links[0].href")
    assert error.line == 4
    assert error.message.startswith("unknown key")


def test_links_not_a_list(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  links: https://lena.example")
    assert one_error(problems, "Lena Brandt.links").line == 2


# --- structure ------------------------------------------------------------------------------------


def test_unknown_key_is_an_error_on_its_line(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  bio: Vienna.", "  twitter: '@lena'")
    error = one_error(problems, "Lena Brandt.twitter")
    assert (error.path, error.line) == ("authors.yaml", 3)
    assert "unknown key" in error.message
    assert "bio, photo, links" in error.message


def test_entry_that_is_not_a_mapping_is_an_error(tmp_path):
    profiles, problems = profiles_of(
        tmp_path, "Omar Haddad:", "  bio: Desk.", "Lena Brandt: Europe correspondent"
    )
    error = one_error(problems, "Lena Brandt")
    assert (error.path, error.line) == ("authors.yaml", 3)
    assert "must be a mapping" in error.message
    assert "'Europe correspondent'" in error.message
    assert set(profiles) == {"omar-haddad"}


def test_entry_that_is_a_list_is_an_error(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  - bio")
    assert "not a list" in one_error(problems, "Lena Brandt").message


def test_name_without_letters_is_an_error(tmp_path):
    profiles, problems = profiles_of(tmp_path, "Omar Haddad:", "'🎉':", "  bio: Party.")
    [error] = problems.errors
    assert error.line == 2
    assert "no letters or digits" in error.message
    assert set(profiles) == {"omar-haddad"}


def test_problems_of_a_name_with_dots_are_on_their_line(tmp_path):
    _, problems = profiles_of(
        tmp_path,
        "Omar Haddad:",
        "  bio: Desk.",
        "Dr. J. R. Smith:",
        "  photo: /images/missing.jpg",
    )
    [error] = problems.errors
    assert (error.field, error.line) == ("Dr. J. R. Smith.photo", 4)


def test_invalid_yaml_is_an_error_with_its_line(tmp_path):
    profiles, problems = profiles_of(tmp_path, "Omar Haddad:", "Lena Brandt:", "  bio: a: b")
    assert profiles == {}
    [error] = problems.errors
    assert (error.path, error.line, error.field) == ("authors.yaml", 3, None)
    assert error.message.startswith("authors.yaml is not valid YAML: ")


def test_unclosed_quote_is_blamed_where_it_opens(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  bio: Vienna.", '  photo: "oops')
    [error] = problems.errors
    assert error.line == 3


def test_unclosed_bracket_is_blamed_where_it_opens(tmp_path):
    # The file has three lines; the bracket opens on line 3.
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  bio: Vienna.", "  photo: [oops")
    [error] = problems.errors
    assert "not valid YAML" in error.message
    assert error.line == 3


def test_bad_indentation_is_an_error_with_its_line(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  bio: Vienna.", " photo: x.jpg")
    [error] = problems.errors
    assert error.line == 3
    assert "not valid YAML" in error.message


def test_name_given_twice_is_an_error(tmp_path):
    _, problems = profiles_of(tmp_path, "Lena Brandt:", "  bio: A.", "Lena Brandt:", "  bio: B.")
    [error] = problems.errors
    assert error.line == 3
    assert "given twice" in error.message


def test_top_level_list_is_an_error(tmp_path):
    profiles, problems = profiles_of(tmp_path, "- Lena Brandt")
    assert profiles == {}
    [error] = problems.errors
    assert (error.path, error.line) == ("authors.yaml", 1)
    assert "must be a mapping" in error.message


def test_file_not_utf8_is_an_error(tmp_path):
    profiles, problems = profiles_of(tmp_path, raw="Léna:\n  bio: x\n".encode("latin-1"))
    assert profiles == {}
    [error] = problems.errors
    assert (error.path, error.line) == ("authors.yaml", 1)


def test_every_problem_reported_in_one_run(tmp_path):
    _, problems = profiles_of(
        tmp_path,
        "Lena Brandt:",
        "  photo: /nope.jpg",
        "  links:",
        "    - name: X",
        "      url: ftp://x",
        "Omar Haddad: 5",
        "Zoe Adams:",
        "  bi: typo",
    )
    assert sorted((p.line, p.field) for p in problems.errors) == [
        (2, "Lena Brandt.photo"),
        (5, "Lena Brandt.links[0].url"),
        (6, "Omar Haddad"),
        (8, "Zoe Adams.bi"),
    ]


def test_two_names_with_one_slug_are_not_silently_merged(tmp_path):
    # Both would be the profile of /authors/lena-brandt/; one of them would be lost unseen.
    _, problems = profiles_of(
        tmp_path, "Lena Brandt:", "  bio: First.", "lena brandt:", "  bio: Second."
    )
    [error] = problems.errors
    assert (error.path, error.line) == ("authors.yaml", 3)
    assert "Lena Brandt" in error.message
