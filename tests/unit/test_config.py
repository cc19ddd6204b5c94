"""newsgen.config: load_config on real newsgen.yaml files."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from unit_helpers import no_hang

from newsgen.config import DEFAULT_PERMALINK, check_permalink, load_config
from newsgen.errors import BuildFailed
from newsgen.models import SectionConfig

MINIMAL = "title: Test Gazette\nbase_url: https://gazette.example.com/\n"


def config_of(make_site, text):
    return load_config(make_site(config=text))


def failures(make_site, text, base_url=None):
    """Return the problems of a config that must fail to load."""
    with pytest.raises(BuildFailed) as caught:
        load_config(make_site(config=text), base_url)
    return caught.value.problems


def one(problems, field):
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


# --- defaults and basic values -----------------------------------------------------------


def test_minimal_config_gets_defaults(make_site):
    config = config_of(make_site, MINIMAL)
    assert config.title == "Test Gazette"
    assert config.base_url == "https://gazette.example.com/"
    assert config.description == ""
    assert config.language == "en"
    assert config.timezone == ZoneInfo("UTC")
    assert config.permalink == DEFAULT_PERMALINK == "/{section}/{yyyy}/{mm}/{dd}/{slug}/"
    assert config.per_page == 20
    assert config.feed_items == 50
    assert config.sections == ()
    assert config.unsafe_html is False
    assert config.search is True


def test_search_can_be_turned_off(make_site):
    assert config_of(make_site, MINIMAL + "search: false\n").search is False
    assert config_of(make_site, MINIMAL + "search: true\n").search is True
    assert config_of(make_site, MINIMAL + "search:\n").search is True  # empty: the default


def test_search_must_be_true_or_false(make_site):
    problem = one(failures(make_site, MINIMAL + "search: 'no'\n"), "search")
    assert problem.line == 3
    assert problem.message.startswith("must be true or false")


def test_full_config_is_read(make_site):
    config = config_of(
        make_site,
        MINIMAL
        + (
            "description: '  News, daily. '\n"
            "language: en-GB\n"
            "timezone: Europe/Berlin\n"
            "permalink: /{yyyy}/{slug}/\n"
            "per_page: 7\n"
            "feed_items: 9\n"
            "markdown:\n  unsafe_html: true\n"
        ),
    )
    assert config.description == "News, daily."
    assert config.language == "en-GB"
    assert config.timezone == ZoneInfo("Europe/Berlin")
    assert config.permalink == "/{yyyy}/{slug}/"
    assert (config.per_page, config.feed_items) == (7, 9)
    assert config.unsafe_html is True


def test_conftest_basic_config_loads(make_site):
    config = load_config(make_site())
    assert config.title == "Test Gazette"
    assert config.per_page == 3


def test_bom_and_crlf_config_loads(make_site):
    root = make_site(config=None)
    (root / "newsgen.yaml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    assert load_config(root).title == "Test Gazette"


# --- required keys ------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["title", "base_url"])
def test_required_keys(make_site, missing):
    text = "\n".join(line for line in MINIMAL.splitlines() if not line.startswith(missing))
    problem = one(failures(make_site, text + "\n"), missing)
    assert (problem.path, problem.line) == ("newsgen.yaml", 1)
    assert problem.message.startswith("is required")


def test_title_must_not_be_blank(make_site):
    problem = one(failures(make_site, "title: '  '\nbase_url: https://x.example/\n"), "title")
    assert (problem.line, problem.message) == (1, "must not be empty")


def test_all_problems_reported_together(make_site):
    problems = failures(make_site, "titel: X\nper_page: ten\nlanguage: 5\n")
    fields = {p.field for p in problems}
    assert {"titel", "per_page", "language", "title", "base_url"} <= fields


# --- unknown keys -------------------------------------------------------------------------


def test_unknown_key_with_suggestion_and_line(make_site):
    problem = one(failures(make_site, MINIMAL + "per_pgae: 5\n"), "per_pgae")
    assert (problem.path, problem.line) == ("newsgen.yaml", 3)
    assert problem.message == "unknown key 'per_pgae'; did you mean 'per_page'?"
    assert (
        str(problem) == "newsgen.yaml:3: per_pgae: unknown key 'per_pgae'; did you mean 'per_page'?"
    )


def test_unknown_key_without_close_match_lists_keys(make_site):
    problem = one(failures(make_site, MINIMAL + "zzz: 5\n"), "zzz")
    assert "known keys are" in problem.message and "timezone" in problem.message


def test_unknown_non_text_key_is_reported_not_a_crash(make_site):
    problems = failures(make_site, MINIMAL + "2024: 5\n")
    assert [(p.line, p.field) for p in problems] == [(3, "2024")]


# --- types --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("per_page: ten", "per_page", "must be a whole number"),
        ("per_page: 2.5", "per_page", "must be a whole number"),
        ("per_page: true", "per_page", "must be a whole number"),
        ("feed_items: '5'", "feed_items", "must be a whole number"),
        ("language: 5", "language", "must be text"),
        ("timezone: [UTC]", "timezone", "must be text"),
        ("sections: world", "sections", "must be a list"),
        ("markdown: true", "markdown", "must be a mapping"),
    ],
)
def test_wrong_types(make_site, line, field, expected):
    problem = one(failures(make_site, MINIMAL + line + "\n"), field)
    assert problem.line == 3
    assert problem.message.startswith(expected)


def test_optional_key_left_empty_takes_its_default(make_site):
    # 'description:' with no value is YAML null; description is optional, so it must
    # not be reported as "is required".
    config = config_of(make_site, MINIMAL + "description:\n")
    assert config.description == ""


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/Berln", "", "../../etc/passwd"])
def test_bad_timezone(make_site, zone):
    problem = one(failures(make_site, MINIMAL + f"timezone: '{zone}'\n"), "timezone")
    assert problem.line == 3
    assert "is not an IANA time zone" in problem.message


@pytest.mark.parametrize("language", ["english", "en_GB", "e", "", "en-"])
def test_bad_language(make_site, language):
    problem = one(failures(make_site, MINIMAL + f"language: '{language}'\n"), "language")
    assert problem.line == 3
    assert "is not a language tag" in problem.message


@pytest.mark.parametrize("language", ["en", "de", "en-GB", "zh-Hant-TW", "fil"])
def test_good_language(make_site, language):
    assert config_of(make_site, MINIMAL + f"language: {language}\n").language == language


@pytest.mark.parametrize(("field", "value"), [("per_page", 0), ("per_page", -3), ("feed_items", 0)])
def test_counts_must_be_at_least_1(make_site, field, value):
    problem = one(failures(make_site, MINIMAL + f"{field}: {value}\n"), field)
    assert (problem.line, problem.message) == (3, f"must be at least 1, not {value}")


def test_per_page_1_is_fine(make_site):
    assert config_of(make_site, MINIMAL + "per_page: 1\n").per_page == 1


# --- base_url -----------------------------------------------------------------------------


def test_base_url_gets_trailing_slash(make_site):
    config = config_of(make_site, "title: T\nbase_url: https://example.com/news\n")
    assert config.base_url == "https://example.com/news/"
    assert config.base_path == "/news/"


def test_base_url_without_path(make_site):
    config = config_of(make_site, "title: T\nbase_url: https://example.com\n")
    assert config.base_url == "https://example.com/"
    assert config.base_path == "/"


@pytest.mark.parametrize("url", ["example.com", "ftp://example.com/", "/news/", "https://"])
def test_base_url_must_be_absolute_http(make_site, url):
    problem = one(failures(make_site, f"title: T\nbase_url: '{url}'\n"), "base_url")
    assert problem.line == 2
    assert "is not an absolute http(s) URL" in problem.message


def test_base_url_override_replaces_file_value(make_site):
    config = load_config(make_site(config=MINIMAL), "http://127.0.0.1:8000")
    assert config.base_url == "http://127.0.0.1:8000/"


def test_base_url_override_supplies_missing_base_url(make_site):
    config = load_config(make_site(config="title: T\n"), "https://staging.example.com/news/")
    assert config.base_url == "https://staging.example.com/news/"


def test_base_url_override_is_validated_and_blamed_on_the_option(make_site):
    problems = failures(make_site, MINIMAL, base_url="not a url")
    assert [(p.path, p.line, p.field) for p in problems] == [("--base-url", 0, None)]
    assert str(problems[0]).startswith("--base-url: 'not a url' is not an absolute http(s) URL")


def test_a_base_url_in_the_file_is_blamed_on_its_line(make_site):
    problems = failures(make_site, "title: T\nbase_url: notaurl\n")
    assert [(p.path, p.line, p.field) for p in problems] == [("newsgen.yaml", 2, "base_url")]


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("Europe/Londn", "did you mean 'Europe/London'?"),
        ("America/New York", "did you mean 'America/New_York'?"),
        ("Nowhere at all", "use a name like 'Europe/London' or 'UTC'"),
    ],
)
def test_an_unknown_time_zone_gets_the_closest_name(make_site, zone, hint):
    [problem] = failures(make_site, MINIMAL + f"timezone: {zone}\n")
    assert problem.field == "timezone"
    assert problem.message.endswith(hint)


# --- permalink ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("/{section}/{yyyy}/", "must contain {slug}"),
        ("/{section}/{year}/{slug}/", "unknown placeholder 'year'"),
        ("/{section}/{slg}/", "unknown placeholder 'slg'; did you mean 'slug'?"),
        ("{section}/{slug}/", "must start and end with '/'"),
        ("/{section}/{slug}", "must start and end with '/'"),
        ("/{section}/../{slug}/", "must not contain '..'"),
        ("/{section}//{slug}/", "must not contain '..', '//'"),
        ("/{slug!r}/", "unknown placeholder"),
        ("/.newsgen-output/{slug}/", "names starting with '.newsgen-' are newsgen's own"),
        ("/{section}/.newsgen-x{yyyy}/{slug}/", "'.newsgen-x{yyyy}': names starting with"),
        ("/" + "n" * 256 + "/{slug}/", "is longer than a folder name may be (255 bytes)"),
    ],
)
def test_bad_permalink(make_site, pattern, expected):
    problem = one(failures(make_site, MINIMAL + f"permalink: '{pattern}'\n"), "permalink")
    assert problem.line == 3
    assert expected in problem.message


@pytest.mark.parametrize("pattern", ["/{slug}/}/", "/{slug}/{/", "/{{slug}}/{slug}/"])
def test_permalink_with_stray_braces_is_refused(make_site, pattern):
    # str.format() would fail (or produce literal braces) on these later, while
    # building article paths; the config check must catch them.
    assert check_permalink(pattern) is not None
    assert one(failures(make_site, MINIMAL + f"permalink: '{pattern}'\n"), "permalink").line == 3


@pytest.mark.parametrize(
    "pattern", ["/{section}/{yyyy}/{mm}/{dd}/{slug}/", "/{slug}/", "/news/{yyyy}-{mm}-{dd}-{slug}/"]
)
def test_good_permalink(pattern):
    assert check_permalink(pattern) is None


# --- sections -----------------------------------------------------------------------------


def test_sections_strings_and_mappings(make_site):
    config = config_of(
        make_site,
        MINIMAL
        + ("sections:\n  - name: world\n    title: World News\n  - local\n  - name: business\n"),
    )
    assert config.sections == (
        SectionConfig("world", "World News"),
        SectionConfig("local", "local"),
        SectionConfig("business", "business"),
    )


def test_section_unknown_key(make_site):
    text = MINIMAL + "sections:\n  - name: world\n    titel: World News\n"
    problem = one(failures(make_site, text), "sections[0].titel")
    assert problem.line == 5
    assert problem.message == "unknown key 'titel'; did you mean 'title'?"


def test_section_name_required(make_site):
    problem = one(
        failures(make_site, MINIMAL + "sections:\n  - title: World\n"), "sections[0].name"
    )
    assert problem.line == 4
    assert problem.message.startswith("is required")


@pytest.mark.parametrize("entry", ["''", "5", "[world]"])
def test_section_entry_must_be_name_or_mapping(make_site, entry):
    problem = one(failures(make_site, MINIMAL + f"sections:\n  - x\n  - {entry}\n"), "sections[1]")
    assert problem.line == 5


def test_section_title_must_be_text(make_site):
    text = MINIMAL + "sections:\n  - name: world\n    title: ''\n"
    assert one(failures(make_site, text), "sections[0].title").line == 4


# --- markdown -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["'yes'", "1", "[true]"])
def test_markdown_unsafe_html_must_be_bool(make_site, value):
    text = MINIMAL + f"markdown:\n  unsafe_html: {value}\n"
    problem = one(failures(make_site, text), "markdown.unsafe_html")
    assert (problem.line, problem.message) == (4, "must be true or false")


def test_markdown_unknown_key(make_site):
    text = MINIMAL + "markdown:\n  unsafe_htm: true\n"
    problem = one(failures(make_site, text), "markdown.unsafe_htm")
    assert problem.line == 4
    assert "did you mean 'unsafe_html'?" in problem.message


# --- the file itself ----------------------------------------------------------------------


def test_missing_file(make_site):
    root = make_site(config=None)
    with pytest.raises(BuildFailed) as caught:
        load_config(root)
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.field) == (str(root / "newsgen.yaml"), 0, None)
    assert str(problem).startswith(f"{root}/newsgen.yaml: no such file, so {root} is not")
    assert f"newsgen init {root}" in problem.message and "--source" in problem.message


def test_invalid_yaml_names_line(make_site):
    [problem] = failures(make_site, MINIMAL + "sections: [a, b\nper_page: 3\n")
    assert problem.path == "newsgen.yaml"
    assert problem.line >= 3
    assert "newsgen.yaml is not valid YAML" in problem.message


def test_duplicate_key_names_second_line(make_site):
    [problem] = failures(make_site, MINIMAL + "title: Again\n")
    assert (problem.line, problem.field) == (3, None)
    assert "'title' is given twice" in problem.message


def test_config_must_be_a_mapping(make_site):
    [problem] = failures(make_site, "- title\n- base_url\n")
    assert problem.message == "newsgen.yaml must be a mapping of 'key: value' lines, not a list"


def test_empty_file_reports_required_keys(make_site):
    problems = failures(make_site, "")
    assert {p.field for p in problems} == {"title", "base_url"}


def test_not_utf8_file(make_site):
    root = make_site(config=None)
    (root / "newsgen.yaml").write_bytes(b"title: Caf\xe9\nbase_url: https://x.example/\n")
    with pytest.raises(BuildFailed) as caught:
        load_config(root)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("newsgen.yaml", 1)
    assert problem.message.startswith("is not UTF-8: byte 0xe9 at offset 10")


# --- default_image ---------------------------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[2]
WIDE = (REPO_ROOT / "static" / "images" / "default-social.jpg").read_bytes()  # 1200x630
SMALL = (REPO_ROOT / "tests" / "fixtures" / "images" / "chromium-321x123.png").read_bytes()


def with_image(make_site, value, files):
    return make_site(config=MINIMAL + f"default_image: {value}\n", files=files)


def test_default_image_is_none_by_default(make_site):
    assert config_of(make_site, MINIMAL).default_image == ""


def test_a_local_default_image_of_proper_size_becomes_an_absolute_url(make_site):
    files = {"static/images/social.jpg": WIDE}
    config = load_config(with_image(make_site, "/images/social.jpg", files), None)
    assert config.default_image == "https://gazette.example.com/images/social.jpg"
    staging = load_config(
        with_image(make_site, "/images/social.jpg", files), "https://staging.example.com/news/"
    )
    assert staging.default_image == "https://staging.example.com/news/images/social.jpg"


def test_an_http_default_image_is_taken_as_it_is(make_site):
    url = "https://cdn.example.com/social.png"
    assert config_of(make_site, MINIMAL + f"default_image: {url}\n").default_image == url


@pytest.mark.parametrize(
    ("files", "value", "expected"),
    [
        ({"static/images/s.png": SMALL}, "/images/s.png", "static/images/s.png is 321x123 pixels"),
        ({"static/images/s.png": b"not an image"}, "/images/s.png", "cannot read the size"),
        ({}, "/images/none.png", "names no file in static/ (looked for static/images/none.png)"),
        ({"static/images/s.png": WIDE}, "/images/../images/s.png", "not a file static/ can serve"),
        ({"static/images/.s.png": WIDE}, "/images/.s.png", "is not a file static/ can serve"),
        ({"static/images/s/x.png": WIDE}, "/images/s", "not a regular file"),
        ({}, "images/s.png", "must be a site path like /images/social.jpg"),
        ({}, "javascript:alert(1)", "must be a site path like /images/social.jpg"),
        ({}, "//cdn.example.com/s.png", "must be a site path like /images/social.jpg"),
    ],
)
def test_a_default_image_that_cannot_be_used_is_an_error_at_its_line(
    make_site, files, value, expected
):
    with pytest.raises(BuildFailed) as caught:
        load_config(with_image(make_site, value, files))
    problem = one(caught.value.problems, "default_image")
    assert problem.path == "newsgen.yaml" and problem.line == 3
    assert expected in problem.message


def test_a_default_image_linked_from_outside_static_is_an_error(make_site, tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(WIDE)
    root = with_image(make_site, "/images/s.jpg", {})
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "s.jpg").symlink_to(outside)
    with pytest.raises(BuildFailed) as caught:
        load_config(root)
    problem = one(caught.value.problems, "default_image")
    assert "is a link to a file outside static/" in problem.message


def test_a_too_small_default_image_is_reported_with_the_other_problems(make_site):
    text = MINIMAL + "language: '??'\ndefault_image: /images/s.png\n"
    problems = failures_with(make_site, text, {"static/images/s.png": SMALL})
    assert {p.field for p in problems} == {"language", "default_image"}


def failures_with(make_site, text, files):
    with pytest.raises(BuildFailed) as caught:
        load_config(make_site(config=text, files=files))
    return list(caught.value.problems)


# --- the file itself: never read unless it is a regular file ------------------------------------


def only_problem(root):
    with no_hang(), pytest.raises(BuildFailed) as caught:
        load_config(root)
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.field) == ("newsgen.yaml", 1, None)
    return problem.message


def test_a_named_pipe_is_refused_not_read(make_site):
    root = make_site(config=None)
    os.mkfifo(root / "newsgen.yaml")
    assert only_problem(root) == (
        "is a named pipe (FIFO), not a regular file; replace it with a file"
    )


def test_a_folder_or_a_device_is_refused(make_site):
    root = make_site(config=None)
    (root / "newsgen.yaml").mkdir()
    assert only_problem(root).startswith("is a folder, not a regular file")
    (root / "newsgen.yaml").rmdir()
    (root / "newsgen.yaml").symlink_to("/dev/zero")
    assert only_problem(root).startswith("is a device, not a regular file")


def test_a_broken_link_is_not_called_missing(make_site):
    root = make_site(config=None)
    (root / "newsgen.yaml").symlink_to("elsewhere.yaml")
    assert only_problem(root).startswith("is a broken symbolic link")


def test_a_huge_number_is_an_error_at_its_field(make_site):
    problem = one(failures(make_site, MINIMAL + "per_page: 1" + "0" * 5000 + "\n"), "per_page")
    assert problem.line == 3
    assert "has 5,001 digits" in problem.message


# --- publisher -----------------------------------------------------------------------------------


def test_publisher_logo_site_path_must_name_a_static_file(make_site):
    root = make_site(config=MINIMAL + "publisher:\n  logo: /images/logo.png\n")
    config = load_config(root, static_files=frozenset({"images/logo.png"}))
    assert config.publisher_logo == "https://gazette.example.com/images/logo.png"
    with pytest.raises(BuildFailed) as caught:
        load_config(root, static_files=frozenset({"images/other.png"}))
    problem = one(caught.value.problems, "publisher.logo")
    assert problem.line == 4
    assert problem.message.startswith(
        "'/images/logo.png' names no file in static/ (looked for static/images/logo.png)"
    )


def test_publisher_logo_url_or_unknown_static_files_are_not_checked(make_site):
    root = make_site(config=MINIMAL + "publisher:\n  logo: https://cdn.example/logo.png\n")
    assert load_config(root, static_files=frozenset()).publisher_logo.startswith("https://cdn")
    root = make_site(config=MINIMAL + "publisher:\n  logo: /images/logo.png\n")
    assert load_config(root).publisher_logo.endswith("/images/logo.png")  # newsgen new
