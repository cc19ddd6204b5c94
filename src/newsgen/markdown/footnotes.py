"""Footnotes of a Markdown body, numbered as markdown-it-py (mdit-py-plugins) numbers them.

markdown-it.rs gives each note an id in the order it meets them; the numbers
readers see are the order of first references in the source, and each
reference's place among those to its note (``[1]``, ``[1:1]``). markdown/html.py
writes the notes with these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsgen.markdown.inline import MAX_NESTING, CannotWrite, Node


@dataclass(slots=True)
class Footnotes:
    """The footnotes of a body, numbered as markdown-it-py numbers them: in the order of
    their first references in the source (a reference inside a note counts where the
    note is written)."""

    numbers: dict[int, int] = field(default_factory=dict)
    """Display number of each referenced note, by the parser's ``def_id``."""
    refs: dict[int, tuple[int, int]] = field(default_factory=dict)
    """``(number, how many references to it came before)`` of each reference, by the
    byte offset where it starts."""
    counts: dict[int, int] = field(default_factory=dict)
    """References to each note, by display number."""
    bodies: dict[int, list[Node]] = field(default_factory=dict)
    """The blocks of each note (of an inline note: its inline nodes), by ``def_id``."""

    @classmethod
    def of(cls, root: Node) -> Footnotes:
        """Return the footnotes of the tree ``root``."""
        notes = cls()
        found: list[tuple[int, int]] = []
        notes._collect(root.children, 0, found, 0)
        for position, identifier in sorted(found):
            number = notes.numbers.setdefault(identifier, len(notes.numbers) + 1)
            notes.refs[position] = (number, notes.counts.get(number, 0))
            notes.counts[number] = notes.counts.get(number, 0) + 1
        return notes

    def _collect(
        self, nodes: Sequence[Node], position: int, found: list[tuple[int, int]], depth: int
    ) -> None:
        """Note the references and note bodies in ``nodes`` (at ``position`` or later)."""
        if depth > 2 * MAX_NESTING:  # blocks and inline nodes both
            raise CannotWrite()
        for node in nodes:
            name = node.name
            span = node.srcmap
            here = span[0] if span else position
            if name == "footnote_ref":
                found.append((here, node.meta["def_id"]))
                continue
            children = node.children
            if name == "footnote_inline":  # its reference, and its note when inside another
                reference = next(child for child in children if child.name == "footnote_ref")
                found.append((here, reference.meta["def_id"]))
                for note in children:
                    if note.name == "footnote_def":
                        self.bodies[reference.meta["def_id"]] = note.children
                        self._collect(note.children, here, found, depth + 1)
                continue
            if name == "footnote_def" and "def_id" in node.meta:
                self.bodies[node.meta["def_id"]] = children
            if children:
                self._collect(children, here, found, depth + 1)
