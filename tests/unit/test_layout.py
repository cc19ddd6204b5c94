"""The package layout (docs/architecture.md): stages as subpackages whose imports flow
one way, from the commands down to the models, so that a cycle cannot come back."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import newsgen

PACKAGE = Path(newsgen.__file__).parent

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"base"}),  # the top-level modules below: models, errors, config, urls, ...
    frozenset({"cache"}),
    frozenset({"markdown"}),
    frozenset({"content"}),
    frozenset({"site"}),
    frozenset({"images"}),  # after the Site, before rendering: the pictures pages show
    frozenset({"feeds"}),
    frozenset({"render"}),
    frozenset({"search"}),
    frozenset({"output"}),
    frozenset({"pagehelper"}),
    frozenset({"build"}),
    frozenset({"preview", "importer"}),
    frozenset({"commands"}),  # cli.py, scaffold.py, __main__.py
)
"""Each layer may import itself and the layers above it in this list, never below."""
COMMANDS = frozenset({"cli", "scaffold", "__main__"})
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}


def unit_of(module: str) -> str:
    """The layer name of ``newsgen.X...``: its package, or base/commands for a top-level
    module."""
    parts = module.split(".")
    assert parts[0] == "newsgen"
    if len(parts) == 1:
        return "base"  # ``from newsgen import __version__``
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "commands" if parts[1] in COMMANDS else "base"


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of newsgen, as ``newsgen.a.b`` with its file."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def imports_of(path: Path) -> Iterator[str]:
    """Every newsgen module ``path`` imports, at its top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "newsgen":
                yield node.module
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: a relative import; write newsgen.… in full")
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "newsgen")


def test_every_package_has_a_layer_and_a_docstring():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    packages.discard("theme")  # the default theme's files, packaged as data
    assert packages == set(RANK) - {"base", "commands"}
    for name in packages:
        assert ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))


def test_imports_flow_one_way_from_the_commands_to_the_models():
    upward = []
    for name, path in modules():
        source = unit_of(name)
        for target in imports_of(path):
            if RANK[unit_of(target)] > RANK[source]:
                upward.append(f"{name} imports {target} ({source} -> {unit_of(target)})")
    assert upward == []


def test_no_two_modules_import_each_other():
    graph = {name: set(imports_of(path)) for name, path in modules()}
    cycles = [
        (a, b) for a, targets in graph.items() for b in targets if a < b and a in graph.get(b, ())
    ]
    assert cycles == []


def test_a_module_name_of_more_words_has_underscores():
    squashed = {"quickbuild", "quickwrite", "renderpool", "renderhelper", "jsonfeed", "xmltext"}
    names = {path.stem for _, path in modules()}
    assert names & squashed == set()
