"""Report different names that would share one page, each at the line that writes it.

taxonomy.name_clashes() finds them among the loaded articles, which keep no
line numbers; this module, at the edge of the build, reads the few files
concerned again to say where each name is written (``tags[2]`` on line 7).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsgen.content.frontmatter import FrontMatterError, normalise_text, split_front_matter
from newsgen.errors import Problems
from newsgen.input_files import read_regular
from newsgen.sanitize import remove_forbidden_characters
from newsgen.site.taxonomy import NameClash
from newsgen.yaml_source import LoadedMapping, load_yaml_mapping

_NOUNS = {"tags": "tag", "byline": "author", "section": "section"}
_READ_LIMIT = 1 << 24


def report_name_clashes(root: Path, clashes: list[NameClash], problems: Problems) -> None:
    """Record an error for each name of each clash, at the first file and line writing it."""
    places = _Places(root)
    for clash in clashes:
        noun = _NOUNS[clash.field]
        found = [(name, places.find(name.paths[0], clash.field, name.name)) for name in clash.names]
        for name, (line, field) in found:
            others = [
                f"'{other.name}' ({other.paths[0]}:{other_line})"
                for other, (other_line, _) in found
                if other is not name
            ]
            also = len(name.paths) - 1
            problems.error(
                name.paths[0],
                line,
                field,
                f"{noun} '{name.name}'{_also(also)} is a different {noun} from "
                f"{' and '.join(others)}, yet they would share one page, {clash.url}; rename "
                f"all but one so that their letters or digits differ, or spell them alike "
                f"if they are the same {noun}",
            )


def _also(count: int) -> str:
    if count == 0:
        return ""
    return f" (also in {count} other file{'s' if count != 1 else ''})"


class _Places:
    """Finds where a file writes a name; reads and parses each file once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loaded: dict[str, LoadedMapping | None] = {}

    def find(self, path: str, field: str, name: str) -> tuple[int, str | None]:
        """Return the line and field at which ``path`` writes ``name`` (line 1 and
        the field alone when it cannot tell: a section from the article's folder)."""
        loaded = self._load(path)
        if loaded is None:
            return 1, None
        if path == "authors.yaml":
            return loaded.line_of(name), name
        if path == "newsgen.yaml":
            field = "sections"
        value = loaded.data.get(field)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if _written(item.get("name") if isinstance(item, dict) else item) == name:
                    return loaded.line_of(f"{field}[{index}]"), f"{field}[{index}]"
        if value is None:
            return 1, None
        return loaded.line_of(field), field

    def _load(self, path: str) -> LoadedMapping | None:
        if path not in self.loaded:
            self.loaded[path] = _front_matter(self.root / path, path.startswith("content/"))
        return self.loaded[path]


def _front_matter(file: Path, article: bool) -> LoadedMapping | None:
    """Return the YAML of ``file`` (an article's front matter), or None when it no
    longer loads (it changed since the build read it)."""
    try:
        text = normalise_text(read_regular(file, _READ_LIMIT)[0].decode("utf-8"))
        if not article:
            return load_yaml_mapping(text, 1, max_bytes=_READ_LIMIT)
        split = split_front_matter(remove_forbidden_characters(text).text)
        return load_yaml_mapping(split.front_matter, split.front_matter_line)
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return None


def _written(value: Any) -> str:
    """Return a name as the loader reads it: text with its spaces folded."""
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""
