"""newsgen.content.placeholder: the placeholder line of a new article is found."""

from __future__ import annotations

import pytest

from newsgen.content.placeholder import PLACEHOLDER, PLACEHOLDERS, placeholder_line


@pytest.mark.parametrize("placeholder", sorted(PLACEHOLDERS))
def test_a_placeholder_line_is_found_at_its_line(placeholder: str) -> None:
    assert placeholder_line(f"First.\n\n  {placeholder}\n") == 2


@pytest.mark.parametrize(
    "body",
    ["", "The story.\n", f"He wrote: {PLACEHOLDER}\n", "Write the story here.\n"],
)
def test_other_text_is_no_placeholder(body: str) -> None:
    assert placeholder_line(body) is None
