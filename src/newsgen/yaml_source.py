"""YAML mappings loaded safely with the line of every key: an article's front matter,
``newsgen.yaml`` and ``authors.yaml``.

No I/O here: callers read the file and pass its text. Anchors and aliases, tags
other than the plain scalars, numbers too long to print and nesting too deep are
refused with the line they are at.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml is about eight times faster; fall back to pure Python when absent
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, but an impossible date (2024-02-30) stays text.

    PyYAML raises a bare ValueError for such timestamps; kept as text, the
    field's own check reports it with its line and what to write instead.
    """


def _timestamp_or_text(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

MAX_FRONT_MATTER_BYTES = 64 * 1024
"""A mapping's YAML may hold this many bytes (unless its caller says otherwise)."""
MAX_DEPTH = 20
"""Lists and mappings nest at most this deep (an article's own fields need 3)."""
MAX_DIGITS = 100
"""A number may have at most this many digits (Python refuses to print 4,300)."""


class YamlError(ValueError):
    """YAML that cannot be used (not valid, not a mapping, too deep, ...); ``line`` is
    1-based within the file and ``field`` (``sources[0].url``) names the value
    concerned, when it is one value."""

    def __init__(self, line: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class LoadedMapping:
    """A YAML mapping with the file line of every key, nested keys included."""

    data: dict[str, Any]
    """The loaded values."""
    lines: dict[str, int]
    """Line of each key by its dotted path: ``headline``, ``sources[1].url``."""
    first_line: int
    """The line to blame for a missing key."""

    def line_of(self, path: str) -> int:
        """Return the line of ``path``, or of its nearest parent, or ``first_line``."""
        found = self.find_line(path)
        return self.first_line if found is None else found

    def find_line(self, path: str) -> int | None:
        """Return the line of ``path`` or of its nearest recorded parent, or None."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def load_yaml_mapping(
    text: str, first_line: int, what: str = "front matter", max_bytes: int = MAX_FRONT_MATTER_BYTES
) -> LoadedMapping:
    """Load ``text`` as a YAML mapping safely, recording each key's file line.

    ``first_line`` is the file line on which ``text`` starts. Raises
    YamlError for invalid YAML, a document that is not a mapping,
    a key given twice, anchors and aliases, or more than 64 KiB of text.
    """
    if len(text.encode("utf-8")) > max_bytes:
        raise YamlError(
            first_line, f"{what} is larger than {max_bytes // 1024} KiB; move long text to the body"
        )
    loader = _Loader(text)
    try:
        if "&" in text or "*" in text:  # cheap test first: most front matter has neither
            _refuse_anchors(text, first_line)
        node = loader.get_single_node()
        if node is None:
            return LoadedMapping({}, {}, first_line)
        if not isinstance(node, yaml.MappingNode):
            raise YamlError(
                first_line, f"{what} must be a mapping of 'key: value' lines, not a {_kind(node)}"
            )
        lines: dict[str, int] = {}
        try:
            data = _construct(loader, node, "", first_line - 1, lines, set())
        except YamlError:
            raise
        except (_Unusual, yaml.YAMLError, ValueError, TypeError):
            lines.clear()  # PyYAML's own way: every check first, then its constructor
            _record_lines(loader, node, "", first_line - 1, lines, set())
            data = _construct_document(loader, node, first_line, what)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at_end = mark is not None and mark.index >= len(text.rstrip())
        if error.context_mark and (at_end or "end of stream" in str(error.problem)):
            mark = error.context_mark  # an unclosed quote or bracket: blame where it opened
        line = first_line + mark.line if mark else first_line
        lines = text.splitlines()
        hint = yaml_hint(error, lines[mark.line] if mark and mark.line < len(lines) else "")
        raise YamlError(line, f"{what} is not valid YAML: {error.problem}{hint}") from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, f"{what} is not valid YAML: {error}") from None
    except RecursionError:  # the pure-Python composer, on lists nested a thousand deep
        raise YamlError(first_line, f"{what} is nested too deeply") from None
    finally:
        loader.dispose()
    return LoadedMapping(data, lines, first_line)


def yaml_hint(error: yaml.MarkedYAMLError, line: str) -> str:
    """Return how to fix the usual causes of ``error`` on ``line`` (the text of the line
    it points at), starting with "; ", or "" when the cause is not a usual one."""
    problem, context = str(error.problem or ""), str(error.context or "")
    if "tab character" in problem or "'\\t'" in problem:
        return "; indent with spaces, not tabs"
    if "end of stream" in problem and "quoted scalar" in context:
        return "; a quote opened on this line is never closed: close it at the end of the value"
    if "unknown escape character" in problem or "hexdecimal" in problem:
        return (
            "; inside double quotes a backslash starts an escape: use single quotes "
            "for a value with backslashes"
        )
    if "mapping values are not allowed" in problem:
        key, sep, value = line.partition(": ")
        if sep and (": " in value or value.rstrip().endswith(":")):
            quoted = value.strip().replace("\\", "\\\\").replace('"', '\\"')
            return f'; the value holds ": ", so put it in quotes: {key.strip()}: "{quoted}"'
        return "; this line is indented more than the key above it: line the keys up"
    if "cannot start any token" in problem:
        return "; a value that starts with this character must be put in quotes"
    if "could not find expected ':'" in problem:
        return "; every line must be 'key: value' (or a list item '- value' under a key)"
    return ""


def _construct_document(loader: Any, node: yaml.Node, first_line: int, what: str) -> Any:
    """Return PyYAML's construction of ``node``, which _record_lines() has checked.

    Raises YamlError for a value no check foresaw that makes a Python
    conversion fail, so that it never escapes as a crash.
    """
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        message = f"{what} holds a value newsgen cannot read: {error}"
        raise YamlError(first_line, message) from None


def _refuse_anchors(text: str, first_line: int) -> None:
    """Raise YamlError at the first alias, or else the first anchor, in ``text``.

    Aliases let a few lines expand into gigabytes (an "alias bomb") and make
    one edit change several fields unseen; an article is clearer without them.
    """
    anchor_line = None
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                first_line + event.start_mark.line,
                f"YAML aliases ('*{event.anchor}') are not allowed; write the value out",
            )
        if getattr(event, "anchor", None) and anchor_line is None:
            anchor_line = (first_line + event.start_mark.line, event.anchor)
    if anchor_line is not None:
        raise YamlError(
            anchor_line[0], f"YAML anchors ('&{anchor_line[1]}') are not allowed; remove it"
        )


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"


class _Unusual(Exception):
    """A node _construct leaves to PyYAML's constructor (a tag or key of another kind)."""


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_NUMBER_TAGS = frozenset((_INT, _FLOAT))
_NOT_DIGITS = re.compile(r"^[-+]?0[xXoObB]|[^0-9a-fA-F]")
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)


def _construct(
    loader: Any,
    node: yaml.Node,
    path: str,
    offset: int,
    lines: dict[str, int],
    visited: set[int],
    depth: int = 0,
) -> Any:
    """Return the value of ``node`` as PyYAML's safe constructor would, recording lines
    and refusing what _record_lines refuses, in one walk: front matter is plain
    mappings, lists and scalars, for which PyYAML's general machinery (which can
    build recursive objects) takes most of the load. Raises _Unusual for anything
    else (a tag it leaves to PyYAML, a key that is not a scalar)."""
    if id(node) in visited or depth > MAX_DEPTH:  # checked inline: this is the hot path
        _check_node(node, path, offset, visited, depth)
    visited.add(id(node))
    kind = type(node)
    if kind is yaml.ScalarNode and node.tag in _SCALAR_TAGS:
        if node.tag in _NUMBER_TAGS:
            return _number(loader, node, path, offset)
        return loader.yaml_constructors[node.tag](loader, node)
    if kind is yaml.MappingNode and node.tag == _MAP:
        data: dict[Any, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unusual()
            key = str(key_node.value)
            line = offset + key_node.start_mark.line + 1
            _check_key(key_node, key, line, seen)
            child = f"{path}.{key}" if path else key
            lines[child] = line
            value = _construct(loader, value_node, child, offset, lines, visited, depth + 1)
            data[_construct(loader, key_node, child, offset, lines, visited, depth + 1)] = value
        return data
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        items = []
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines[child] = offset + item.start_mark.line + 1
            items.append(_construct(loader, item, child, offset, lines, visited, depth + 1))
        return items
    raise _Unusual()


def _check_node(node: yaml.Node, path: str, offset: int, visited: set[int], depth: int) -> None:
    """Refuse a node met before (an alias) and one nested deeper than MAX_DEPTH."""
    if id(node) in visited:
        raise YamlError(
            offset + node.start_mark.line + 1,
            "YAML aliases ('*name') are not allowed; write the value out",
        )
    visited.add(id(node))
    if depth > MAX_DEPTH:
        raise YamlError(
            offset + node.start_mark.line + 1,
            f"lists and mappings are nested more than {MAX_DEPTH} deep in it; "
            "write the value flatter",
            re.split(r"[.\[]", path, maxsplit=1)[0] or None,  # the field, not 20 levels of it
        )


def _number(loader: Any, node: yaml.ScalarNode, path: str, offset: int) -> Any:
    """Return the value of an int or float scalar; raise YamlError for one newsgen
    cannot use: more than MAX_DIGITS digits (Python cannot even print 4,300), or
    not finite (``.inf``, ``.nan``, ``1.0e+999``)."""
    tag, text = node.tag, node.value
    if tag == _INT and len(text) > MAX_DIGITS:
        digits = len(_NOT_DIGITS.sub("", text))
        if digits > MAX_DIGITS:
            raise YamlError(
                offset + node.start_mark.line + 1,
                f"the number {text[:12]}… has {digits:,} digits, more than newsgen reads "
                f"({MAX_DIGITS}); put it in quotes if it is text",
                path or None,
            )
    value = loader.yaml_constructors[tag](loader, node)
    if tag == _FLOAT and not math.isfinite(value):
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise YamlError(
            offset + node.start_mark.line + 1,
            f"'{shown}' is not a finite number; put it in quotes if it is text",
            path or None,
        )
    return value


def _check_key(key_node: yaml.Node, key: str, line: int, seen: set[str]) -> None:
    """Refuse a merge key or a key given twice; note ``key`` as seen."""
    if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
        raise YamlError(line, "YAML merge keys ('<<') are not allowed")
    if key in seen:
        raise YamlError(
            line, f"'{key}' is given twice; keep one (YAML would silently drop the other)"
        )
    seen.add(key)


def _record_lines(
    loader: Any,
    node: yaml.Node,
    path: str,
    offset: int,
    lines: dict[str, int],
    visited: set[int],
    depth: int = 0,
) -> None:
    """Fill ``lines`` with the line of every key and list item below ``node``, refusing
    what _construct() refuses (numbers it cannot use, nesting too deep).

    An alias makes the composer hand out the same node twice; meeting a node
    again is refused, which also stops alias bombs before they are expanded.
    """
    _check_node(node, path, offset, visited, depth)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = offset + key_node.start_mark.line + 1
            _check_key(key_node, key, line, seen)
            child = f"{path}.{key}" if path else key
            lines[child] = line
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _NUMBER_TAGS:
                _number(loader, key_node, child, offset)
            _record_lines(loader, value_node, child, offset, lines, visited, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines[child] = offset + item.start_mark.line + 1
            _record_lines(loader, item, child, offset, lines, visited, depth + 1)
    elif isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS:
        _number(loader, node, path, offset)
