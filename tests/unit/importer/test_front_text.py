"""importer/front_text.py: a value changed in its own field, as yaml_text() wrote it."""

from __future__ import annotations

from newsgen.importer.front_text import edit_field, replace_value
from newsgen.importer.wordpress import yaml_text

HEAD = yaml_text({
    "headline": "2019", "slug": "2019", "byline": ["Ana", "2019"], "tags": ["2019", "x"],
    "aliases": ["/sport/", "/2019/old/"], "extra": {"id": "2019"},
})  # fmt: skip


def test_a_value_yaml_quotes_is_found_in_its_own_field_only():
    changed = replace_value(HEAD, "slug", "2019", "2019-2")
    assert "slug: 2019-2\n" in changed and changed.count("'2019'") == HEAD.count("'2019'") - 1
    assert "headline: '2019'\n" in changed  # the same text elsewhere stays
    tags = replace_value(HEAD, "tags", "2019", "Twenty")
    assert "tags:\n- Twenty\n- x\n" in tags and "byline:\n- Ana\n- '2019'\n" in tags


def test_a_field_not_there_or_not_holding_the_value_is_left_alone():
    assert replace_value(HEAD, "section", "2019", "x") == HEAD
    assert replace_value(HEAD, "slug", "2020", "x") == HEAD


def test_a_list_left_empty_is_removed():
    dropped = edit_field(HEAD, "aliases", lambda lines: "aliases:\n")
    assert "aliases" not in dropped and dropped.endswith("extra:\n  id: '2019'\n")
