"""Split an article's text into front matter and body (yaml_source.py loads the YAML).

No I/O here: callers read the file and pass its text.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsgen.yaml_source import YamlError

FENCE = "---"


class FrontMatterError(YamlError):
    """The text has no usable front matter (empty, no fences): a YamlError, so that one
    ``except YamlError`` catches every problem of an article's front matter."""


@dataclass(frozen=True, slots=True)
class SplitText:
    """An article's text cut into its two parts."""

    front_matter: str
    """The YAML between the fences."""
    front_matter_line: int
    """1-based file line of the first YAML line."""
    body: str
    """The Markdown after the closing fence."""
    body_line: int
    """1-based file line of the first body line."""


def normalise_text(text: str) -> str:
    """Return ``text`` without a leading BOM and with CRLF/CR line endings as LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> SplitText:
    """Split normalised ``text`` at its ``---`` fences.

    Raises FrontMatterError when the file is empty, has no opening fence or
    never closes its front matter.
    """
    if not text.strip():
        raise FrontMatterError(1, "the file is empty; an article needs front matter and a body")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise FrontMatterError(
            1, "no front matter: start the file with a '---' line, then headline, date, ..."
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return SplitText(front, 2, body, index + 2)
    raise FrontMatterError(1, "front matter is never closed: add a '---' line after it")
