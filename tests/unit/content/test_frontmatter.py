"""newsgen.content.frontmatter: splitting an article at its fences, loading YAML with key lines."""

from __future__ import annotations

import time
from datetime import date

import pytest
import yaml

from newsgen.content.frontmatter import (
    FrontMatterError,
    normalise_text,
    split_front_matter,
)
from newsgen.yaml_source import (
    MAX_FRONT_MATTER_BYTES,
    LoadedMapping,
    YamlError,
    _Loader,
    load_yaml_mapping,
)

# --- normalise_text + split_front_matter ----------------------------------------------


def test_split_plain_article():
    split = split_front_matter("---\nheadline: Hi\ndate: 2024-12-16\n---\nBody line.\n")
    assert split.front_matter == "headline: Hi\ndate: 2024-12-16"
    assert split.front_matter_line == 2
    assert split.body == "Body line.\n"
    assert split.body_line == 5


def test_normalise_removes_bom():
    assert normalise_text("\ufeff---\na: 1\n---\n") == "---\na: 1\n---\n"


def test_split_after_bom_is_removed():
    split = split_front_matter(normalise_text("\ufeff---\nheadline: Hi\n---\nBody\n"))
    assert split.front_matter == "headline: Hi"
    assert split.body == "Body\n"


def test_normalise_turns_crlf_and_cr_into_lf():
    assert normalise_text("a\r\nb\rc\n") == "a\nb\nc\n"


def test_split_crlf_article():
    split = split_front_matter(normalise_text("---\r\nheadline: Hi\r\n---\r\nBody\r\nMore\r\n"))
    assert split.front_matter == "headline: Hi"
    assert split.body == "Body\nMore\n"
    assert "\r" not in split.body


def test_split_without_front_matter_is_an_error_on_line_1():
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter("Just a body.\n")
    assert caught.value.line == 1
    assert "no front matter" in caught.value.message


def test_split_unclosed_front_matter_is_an_error():
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter("---\nheadline: Hi\ndate: 2024-12-16\nBody without a fence\n")
    assert caught.value.line == 1
    assert "never closed" in caught.value.message


@pytest.mark.parametrize("text", ["", "\n\n", "   \n"])
def test_split_empty_file_is_an_error(text):
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter(text)
    assert caught.value.line == 1
    assert "empty" in caught.value.message


def test_split_accepts_dots_as_closing_fence():
    split = split_front_matter("---\nheadline: Hi\n...\nBody\n")
    assert split.front_matter == "headline: Hi"
    assert split.body == "Body\n"
    assert split.body_line == 4


def test_split_fence_with_trailing_spaces():
    split = split_front_matter("---  \nheadline: Hi\n---   \nBody\n")
    assert split.front_matter == "headline: Hi"
    assert split.body == "Body\n"


def test_split_empty_front_matter():
    split = split_front_matter("---\n---\nBody\n")
    assert split.front_matter == ""
    assert split.body == "Body\n"


def test_split_keeps_later_rules_in_body():
    split = split_front_matter("---\na: 1\n---\nOne\n\n---\n\nTwo\n")
    assert split.body == "One\n\n---\n\nTwo\n"


# --- load_yaml_mapping: values and lines ------------------------------------------------


def test_load_returns_values_and_key_lines():
    loaded = load_yaml_mapping("headline: Hi\ndate: 2024-12-16\n", first_line=2)
    assert loaded.data["headline"] == "Hi"
    assert loaded.lines == {"headline": 2, "date": 3}
    assert loaded.first_line == 2


def test_load_records_nested_list_item_lines():
    text = (
        "headline: Hi\n"  # 2
        "sources:\n"  # 3
        "  - name: A\n"  # 4
        "    url: https://a.example/\n"  # 5
        "  - name: B\n"  # 6
        "    url: https://b.example/\n"  # 7
    )
    loaded = load_yaml_mapping(text, first_line=2)
    assert loaded.lines["sources"] == 3
    assert loaded.lines["sources[0]"] == 4
    assert loaded.lines["sources[1]"] == 6
    assert loaded.lines["sources[1].name"] == 6
    assert loaded.lines["sources[1].url"] == 7


def test_load_records_nested_mapping_lines():
    loaded = load_yaml_mapping("extra:\n  kicker: Hot\n  score: 3\n", first_line=5)
    assert loaded.lines["extra.kicker"] == 6
    assert loaded.lines["extra.score"] == 7


def test_line_of_falls_back_to_parent_then_first_line():
    loaded = load_yaml_mapping("sources:\n  - name: A\n", first_line=2)
    assert loaded.line_of("sources[0].url") == 3  # missing key: its list item
    assert loaded.line_of("sources[4]") == 2  # missing item: the list
    assert loaded.line_of("headline") == 2  # missing top-level key: first line
    assert LoadedMapping({}, {}, 7).line_of("anything.deep[3]") == 7


def test_load_empty_text_is_an_empty_mapping():
    loaded = load_yaml_mapping("", first_line=2)
    assert loaded.data == {}
    assert loaded.lines == {}


def test_load_comments_only_is_an_empty_mapping():
    assert load_yaml_mapping("# nothing here\n", first_line=2).data == {}


# --- load_yaml_mapping: refusals -------------------------------------------------------


def test_duplicate_key_is_an_error_on_its_second_line():
    text = "headline: One\ndate: 2024-12-16\nheadline: Two\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert caught.value.line == 4
    assert "'headline' is given twice" in caught.value.message


def test_duplicate_nested_key_is_an_error_on_its_line():
    text = "sources:\n  - name: A\n    url: https://a.example/\n    name: B\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert caught.value.line == 5
    assert "'name' is given twice" in caught.value.message


def test_alias_is_rejected_on_the_line_of_the_alias():
    # The user wrote '*h' on line 3; line 2 only defines the anchor.
    text = "headline: &h Hello\nsummary: *h\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert caught.value.line == 3
    assert "aliases" in caught.value.message


def test_alias_of_a_mapping_is_rejected():
    text = "extra: &e\n  a: 1\nimages:\n  - *e\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert "aliases" in caught.value.message


def test_merge_key_is_rejected():
    text = "base: &b\n  a: 1\nextra:\n  <<: *b\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert caught.value.line == 5
    assert "merge keys" in caught.value.message or "aliases" in caught.value.message


def test_anchor_without_alias_is_rejected():
    # The docstring and docs/writing-articles.md say anchors are refused, not only aliases.
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping("headline: &h Hello\n", first_line=2)
    assert caught.value.line == 2


def test_alias_bomb_is_rejected_quickly():
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for index in range(1, 10):
        prev, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    text = "\n".join(lines) + "\n"
    # CPU time of this process: another test on the other core does not count
    started = time.process_time()
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert time.process_time() - started < 1.0
    assert "aliases" in caught.value.message


def test_front_matter_over_64_kib_is_rejected():
    text = "summary: " + "x" * MAX_FRONT_MATTER_BYTES + "\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert caught.value.line == 2
    assert "64 KiB" in caught.value.message


def test_front_matter_limit_counts_bytes_not_characters():
    text = "summary: " + "ü" * (MAX_FRONT_MATTER_BYTES // 2) + "\n"  # two bytes each
    assert len(text) < MAX_FRONT_MATTER_BYTES
    with pytest.raises(YamlError):
        load_yaml_mapping(text, first_line=2)


def test_front_matter_just_under_limit_is_accepted():
    text = "summary: " + "x" * (MAX_FRONT_MATTER_BYTES - 20) + "\n"
    assert load_yaml_mapping(text, first_line=2).data["summary"].startswith("xxx")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "list"), ("just text\n", "single value"), ("42\n", "single value")],
)
def test_non_mapping_is_rejected(text, kind):
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert caught.value.line == 2
    assert f"must be a mapping of 'key: value' lines, not a {kind}" in caught.value.message


def test_invalid_yaml_names_its_line():
    text = "headline: Hi\ndate: 2024-12-16\ntags: [a, b\nsummary: x\n"
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert "not valid YAML" in caught.value.message
    assert 4 <= caught.value.line <= 6


def test_invalid_yaml_line_is_offset_by_first_line():
    text = "headline: Hi\nbad: : :\n  - x\n"
    with pytest.raises(YamlError) as at_1:
        load_yaml_mapping(text, first_line=1)
    with pytest.raises(YamlError) as at_10:
        load_yaml_mapping(text, first_line=10)
    assert at_10.value.line - at_1.value.line == 9


def test_tab_indentation_error_names_line():
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping("headline: Hi\nsources:\n\t- x\n", first_line=2)
    assert caught.value.line == 4


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30", "2024-12-16 25:00:00"])
def test_impossible_yaml_timestamp_stays_text(value):
    # YAML reads these as timestamps and datetime() refuses them; they are kept as
    # text so that the field's own check reports them (not a bare ValueError).
    loaded = load_yaml_mapping(f"headline: Hi\ndate: {value}\n", first_line=2)
    assert loaded.data["date"] == value
    assert loaded.lines["date"] == 3


def test_valid_yaml_timestamp_is_a_date():
    loaded = load_yaml_mapping("date: 2024-02-29\n", first_line=2)
    assert loaded.data["date"] == date(2024, 2, 29)


def test_custom_what_appears_in_message():
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping("- a\n", first_line=1, what="newsgen.yaml")
    assert caught.value.message.startswith("newsgen.yaml must be a mapping")


def test_python_tags_are_not_constructed():
    with pytest.raises(YamlError):
        load_yaml_mapping("x: !!python/object/apply:os.system ['true']\n", first_line=2)


@pytest.mark.parametrize(
    "text",
    [
        "headline: Vote\ndate: 2024-05-01 09:30\ncount: 1_000\nshare: .5\nlive: yes\nnote: ~",
        "tags:\n  - a\n  - b: c\n    d: [1, 2.5, no]\nempty: {}\nnone: []",
        "set: !!set {x, y}\nbin: !!binary aGk=\nplain: !!str 12",  # tags of other kinds
        "? [a, b]\n: pair\nafter: 1",  # a key that is not a scalar (PyYAML refuses it)
        "pairs: !!omap [{a: 1}, {b: 2}]\nheadline: x",
    ],
)
def test_values_are_pyyaml_s_safe_values_with_a_line_for_every_key(text):
    try:
        expected = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        with pytest.raises(YamlError):
            load_yaml_mapping(text, 2)
        return
    loaded = load_yaml_mapping(text, 2)
    assert loaded.data == expected
    for key in expected:
        assert loaded.lines[str(key)] == 2 + next(
            number for number, line in enumerate(text.split("\n")) if line.startswith(str(key))
        )


# --- values whose conversion breaks Python ----------------------------------------------------

HUGE = "1" + "0" * 5000  # Python refuses to turn over 4,300 digits into text (or back)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (f"headline: {HUGE}\n", 2, "headline"),
        (f"headline: x\ntags: [a, -{HUGE}]\n", 3, "tags[1]"),
        (f"sources:\n  - url: https://a.example/\n    name: {HUGE}\n", 4, "sources[0].name"),
        (f"extra:\n  count: 0x{'f' * 5000}\n", 3, "extra.count"),
        (f"{'7' * 200}: key\n", 2, "7" * 200),  # a key too (YAML keys hold 1,024 at most)
        (f"tags: !!set {{a, {HUGE}}}\n", 2, f"tags.{HUGE}"),  # PyYAML's constructor's path
    ],
)
def test_an_integer_of_over_100_digits_is_an_error_at_its_field(text, line, field):
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, first_line=2)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert "digits, more than newsgen reads (100); put it in quotes if it is text" in (
        caught.value.message
    )


def test_an_integer_of_100_digits_and_a_quoted_huge_one_are_fine():
    loaded = load_yaml_mapping(f"a: {'9' * 100}\nb: '{HUGE}'\n", first_line=2)
    assert loaded.data == {"a": int("9" * 100), "b": HUGE}


@pytest.mark.parametrize("value", [".inf", "-.Inf", ".nan", "1.0e+999", "-1.5e+400"])
def test_a_number_that_is_not_finite_is_an_error_at_its_field(value):
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(f"headline: x\nsummary: {value}\n", first_line=2)
    assert (caught.value.line, caught.value.field) == (3, "summary")
    assert (
        caught.value.message == f"'{value}' is not a finite number; put it in quotes if it is text"
    )


def test_nesting_deeper_than_20_is_an_error_naming_the_top_field():
    assert load_yaml_mapping("extra: " + "[" * 20 + "]" * 20, first_line=2).data
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping("headline: x\nextra: " + "[" * 21 + "]" * 21, first_line=2)
    assert (caught.value.line, caught.value.field) == (3, "extra")
    assert "nested more than 20 deep" in caught.value.message


def test_nesting_that_libyaml_refuses_is_invalid_yaml_not_a_crash():
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping("extra: " + "[" * 2000 + "]" * 2000, first_line=2)
    assert caught.value.line == 2


def test_a_number_in_a_key_that_is_a_list_is_an_error_not_a_crash():
    # Such keys go to PyYAML's own constructor, past the checks of each value.
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(f"? [{HUGE}]\n: x\n", first_line=2)
    assert caught.value.line == 2
