"""Small edits to the front matter an importer wrote, in place.

The importers write each article's front matter once, with yaml_text()
(importer/wordpress.py); the import's transaction then changes a few values
(a slug made unique, an alias dropped, a tag spelt as the site spells it)
without parsing and writing the whole front matter again. Each edit finds
the field's own lines (``key: value``, or ``key:`` and its ``- item`` lines)
and changes a value there as yaml_text() writes it, so that a value YAML must
quote (``slug: '2019'``) is found as written, and the same text in another
field is never touched. No I/O.
"""

from __future__ import annotations

from collections.abc import Callable

from newsgen.importer.wordpress import yaml_text


def replace_value(head: str, key: str, old: str, new: str) -> str:
    """Return the front matter ``head`` with the value ``old`` of field ``key`` (its
    value, or an item of its list) made ``new``; ``head`` as it was when the field does
    not hold ``old``."""
    pairs = ((yaml_text({key: old}), yaml_text({key: new})), (yaml_text([old]), yaml_text([new])))

    def swap(block: str) -> str:
        for before, after in pairs:
            if before in block:
                return block.replace(before, after, 1)
        return block

    return edit_field(head, key, swap)


def edit_field(head: str, key: str, edit: Callable[[str], str]) -> str:
    """Return ``head`` with the lines of field ``key`` (``key:`` and its list items, each
    ending in a newline) replaced by ``edit(lines)``; a field left with no value is
    removed."""
    lines = (head if head.endswith("\n") else head + "\n").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        return head
    end = start + 1
    while end < len(lines) and lines[end].startswith("- "):
        end += 1
    block = "".join(lines[start:end])
    edited = edit(block)
    if edited.strip() == f"{key}:":
        edited = ""  # a list whose items all went
    result = "".join(lines[:start]) + edited + "".join(lines[end:])
    return result if head.endswith("\n") else result.removesuffix("\n")
