"""newsgen.yaml_source: a YAML error says how to fix its usual causes, at its line."""

from __future__ import annotations

import pytest

from newsgen.yaml_source import YamlError, load_yaml_mapping


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        (
            "headline: Bad YAML: colon inside\n",
            2,
            'the value holds ": ", so put it in quotes: headline: "Bad YAML: colon inside"',
        ),
        (
            'headline: Time: 10:30 "sharp"\n',
            2,
            'put it in quotes: headline: "Time: 10:30 \\"sharp\\""',
        ),
        ("date: 2024-12-16\n\tsection: world\n", 3, "indent with spaces, not tabs"),
        ("tags:\n  - a\n\t- b\n", 4, "indent with spaces, not tabs"),
        (
            'headline: "Talks resume\ndate: 2024-12-16\n',
            2,
            "a quote opened on this line is never closed",
        ),
        ("headline: 'Talks resume\n", 2, "a quote opened on this line is never closed"),
        ("headline: x\n  date: y\n", 3, "this line is indented more than the key above it"),
        ('path: "C:\\new\\x"\n', 2, "use single quotes for a value with backslashes"),
        ("byline: @janedoe\n", 2, "must be put in quotes"),
    ],
)
def test_yaml_errors_say_how_to_fix_them(text: str, line: int, hint: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping(text, 2)
    assert caught.value.line == line
    assert caught.value.message.startswith("front matter is not valid YAML: ")
    assert hint in caught.value.message


def test_an_unusual_yaml_error_is_said_without_a_guess() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml_mapping("a: [1, 2\n", 1)
    assert "; " not in caught.value.message.removeprefix("front matter is not valid YAML: ")
