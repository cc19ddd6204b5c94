"""Safety tests: broken and hostile inputs from ``tests/fixtures/bad/``.

Each folder there (but ``_base``) is one case: the files that differ from the
shared good site ``_base/``, an ``expected.yaml`` and, when files cannot live
in git as they are, a ``case.yaml``. For each case the good site is copied,
built once (the output is snapshotted, marker file included), the case is laid
over it, and the site is built again into the same output. Then:

- the exit code is the expected one;
- every expected message is on standard error, naming path, line and field;
- nothing printed a traceback or an internal error;
- a failed build left the previous output byte for byte as it was, and no
  staging or retired folder beside it;
- a build that must succeed (hostile but valid content) wrote pages in which
  no ``javascript:``/``data:`` URL and no element made from the hostile text
  survives, in the HTML and in the feeds' ``content:encoded``.

``expected.yaml``::

    description: what the case is about
    exit: 1                      # or 0 for hostile content that must build
    via: cli                     # run the installed CLI in a subprocess (default: in-process)
    timeout: 5                   # seconds the CLI may take (default 30); longer is a hang
    messages: [...]              # on stderr; a string, a list of strings all on one line,
                                 # or {any_of: [...]} of such items
    warnings: [...]              # the same, for warnings
    must_not_exist: [HACKED]     # paths relative to the site root that nothing may create
    forbidden_elements: [marquee]   # exit 0: element names that no output may contain
    forbidden_bytes: ["\\x07"]   # exit 0: text that no output file may contain
    output_contains: {path: [...]}  # exit 0: raw text an output file must contain

``case.yaml`` (all optional)::

    remove: [paths]              # base files to delete first
    files: {path: text}          # UTF-8 files written at test time
    raw_files: {path: [parts]}   # each part {text|hex|base64: ..., times: N}, concatenated
    symlinks: {link: target}     # made at test time; '{outside}' is a folder outside the site
    fifos: [paths]               # named pipes, made at test time
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml

from commands import find_newsgen
from newsgen.cli import main as newsgen_main
from page_checks import is_search_page_own

REPO_ROOT = Path(__file__).resolve().parents[2]
BAD = REPO_ROOT / "tests" / "fixtures" / "bad"
BASE = BAD / "_base"
CASES = sorted(p for p in BAD.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
MARKER = ".newsgen-output"
LEFTOVER_PREFIXES = (".newsgen-staging-", ".newsgen-retired-")
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"

URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "poster", "cite", "data",
    "background", "longdesc", "manifest", "ping", "xlink:href", "content",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
# The default theme uses none of these; hostile text must never produce them.
NEVER_ELEMENTS = {"script", "iframe", "object", "embed", "frame", "frameset", "base", "form",
                  "svg", "math", "style", "applet", "marquee"}  # fmt: skip

OUTSIDE_ARTICLE = """\
---
headline: Leaked secret from outside the site
date: 2024-01-20
---
TOP SECRET outside content.
"""
OUTSIDE_TEXT = "TOP SECRET outside static\n"


NEWSGEN = find_newsgen()


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], cwd: Path, timeout: float = 30) -> Run:
    """Run the installed ``newsgen`` command; never with NEWSGEN_DEBUG.

    A run that outlives ``timeout`` is killed and reported as exit code -1.
    """
    env = {k: v for k, v in os.environ.items() if k != "NEWSGEN_DEBUG"}
    try:
        done = subprocess.run(
            [NEWSGEN, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired as hung:
        out = hung.stdout.decode() if isinstance(hung.stdout, bytes) else hung.stdout or ""
        err = hung.stderr.decode() if isinstance(hung.stderr, bytes) else hung.stderr or ""
        return Run(-1, out, err + f"[killed: still running after {timeout} s]\n")
    return Run(done.returncode, done.stdout, done.stderr)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Return {relative path: bytes} of each file under ``folder`` ('<dir>' for folders)."""
    found: dict[str, bytes | str] = {}
    for directory, dirnames, filenames in os.walk(folder):
        here = Path(directory)
        for name in dirnames:
            found[(here / name).relative_to(folder).as_posix()] = "<dir>"
        for name in filenames:
            path = here / name
            found[path.relative_to(folder).as_posix()] = (
                f"<link to {os.readlink(path)}>" if path.is_symlink() else path.read_bytes()
            )
    return found


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(LEFTOVER_PREFIXES))


def load_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data or {}


def raw_bytes(parts: list[dict[str, Any]]) -> bytes:
    data = b""
    for part in parts:
        if "text" in part:
            chunk = part["text"].encode("utf-8")
        elif "hex" in part:
            chunk = bytes.fromhex(part["hex"])
        else:
            chunk = base64.b64decode(part["base64"])
        data += chunk * int(part.get("times", 1))
    return data


def lay_over(case: Path, site: Path, outside: Path) -> None:
    """Apply ``case`` to the copy of the base site at ``site``."""
    spec = load_yaml(case / "case.yaml")
    for name in spec.get("remove", []):
        target = site / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    for path in sorted(case.rglob("*")):
        relative = path.relative_to(case)
        if relative.as_posix() in ("expected.yaml", "case.yaml") or path.is_dir():
            continue
        destination = site / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    for name, text in spec.get("files", {}).items():
        destination = site / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
    for name, parts in spec.get("raw_files", {}).items():
        destination = site / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(raw_bytes(parts))
    for name, target in spec.get("symlinks", {}).items():
        link = site / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target.replace("{outside}", str(outside)))
    for name in spec.get("fifos", []):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(site / name)


def make_outside(folder: Path) -> Path:
    """A folder outside the site that links in the cases point at."""
    folder.mkdir()
    (folder / "secret.md").write_text(OUTSIDE_ARTICLE, encoding="utf-8")
    (folder / "secret.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    return folder


def stderr_lines_with(stderr: str, wanted: str | list[str] | dict[str, Any]) -> bool:
    """Return True when one line of ``stderr`` contains every string of ``wanted``.

    ``{any_of: [...]}`` is satisfied by any one of its items.
    """
    if isinstance(wanted, dict):
        return any(stderr_lines_with(stderr, item) for item in wanted["any_of"])
    parts = [wanted] if isinstance(wanted, str) else wanted
    return any(all(part in line for part in parts) for line in stderr.splitlines())


# ---------------------------------------------------------------------------
# HTML and feed checks for builds that must succeed
# ---------------------------------------------------------------------------


def scheme_of(url: str) -> str:
    """The scheme a browser sees: controls and whitespace anywhere are dropped."""
    cleaned = "".join(ch for ch in url if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()
    return cleaned.split(":", 1)[0] + ":" if ":" in cleaned else ""


def parse_html(html: str | bytes, fragment: bool) -> tuple[ET.Element, list[str]]:
    """Parse ``html`` as html5lib does; return the tree and every parse error."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    tree = parser.parseFragment(html) if fragment else parser.parse(html)
    errors = [f"parse error at {where}: {code} {data or ''}" for where, code, data in parser.errors]
    return tree, errors


def is_json_ld(element: ET.Element) -> bool:
    """True for a JSON-LD data block whose text is valid JSON (data, never run)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() != "script" or element.get("type") != "application/ld+json":
        return False
    try:
        json.loads(element.text or "")
    except ValueError:
        return False
    return True


def html_hazards(
    html: str | bytes, forbidden: set[str], fragment: bool = False, page: str = ""
) -> list[str]:
    """Return what is wrong in ``html`` (the output file ``page``): parse errors,
    bad-scheme URLs, handlers, elements."""
    tree, found = parse_html(html, fragment)
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        allowed = is_json_ld(element) or is_search_page_own(page, element)
        if tag.lower() in forbidden and not allowed:
            found.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...> event handler")
            plain_meta = tag == "meta" and name == "content" and "http-equiv" not in element.attrib
            if (
                name in URL_ATTRIBUTES
                and scheme_of(value).startswith(BAD_SCHEMES)
                and not plain_meta
            ):
                found.append(f"<{tag} {name}={value[:40]!r}>")
    return list(dict.fromkeys(found))  # each distinct fault once


def check_built_output(output: Path, expected: dict[str, Any]) -> None:
    forbidden = NEVER_ELEMENTS | set(expected.get("forbidden_elements", []))
    files = snapshot(output)
    problems: list[str] = []
    html_files = [name for name in files if name.endswith(".html")]
    assert html_files, "a successful build wrote no HTML"
    for name in html_files:
        problems += [f"{name}: {p}" for p in html_hazards(files[name], forbidden, page=name)]
    for name in (n for n in files if n.endswith(".xml")):
        root = ET.fromstring(files[name])
        for encoded in root.iter(CONTENT_NS):
            hazards = html_hazards(encoded.text or "", forbidden, fragment=True)
            problems += [f"{name} content:encoded: {p}" for p in hazards]
    for text in expected.get("forbidden_bytes", []):
        needle = text.encode("utf-8")
        problems += [f"{name}: contains {text!r}" for name, data in files.items()
                     if name.endswith((".html", ".xml")) and isinstance(data, bytes)
                     and needle in data]  # fmt: skip
    assert not problems, "unsafe output:\n" + "\n".join(problems)
    for name, wanted in expected.get("output_contains", {}).items():
        assert name in files, f"{name} was not written; written: {sorted(files)}"
        page = files[name]
        assert isinstance(page, bytes)
        for text in wanted:
            assert text.encode("utf-8") in page, f"{name} lacks {text!r}"


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good base site, built once through the installed CLI."""
    root = tmp_path_factory.mktemp("base-build")
    site = Path(shutil.copytree(BASE, root / "site"))
    output = root / "public"
    result = run_cli(["build", "--source", str(site), "--output", str(output)], cwd=root)
    assert result.code == 0, result.stderr
    assert result.stderr == "", result.stderr
    assert (output / MARKER).is_file()
    return output


def test_cases_exist() -> None:
    assert len(CASES) >= 35
    for case in CASES:
        expected = load_yaml(case / "expected.yaml")
        assert expected.get("exit") in (0, 1), f"{case.name}: expected.yaml needs exit: 0 or 1"
        assert expected.get("messages") or expected.get("warnings"), case.name


def test_base_site_builds_cleanly(base_output: Path) -> None:
    files = snapshot(base_output)
    assert sum(1 for name in files if name.endswith("/index.html")) >= 6
    check_built_output(base_output, {})


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(
    case: Path,
    base_output: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = load_yaml(case / "expected.yaml")
    site = Path(shutil.copytree(BASE, tmp_path / "site"))
    output = tmp_path / "out" / "public"
    output.parent.mkdir()
    shutil.copytree(base_output, output, symlinks=True)
    before = snapshot(output)
    assert MARKER in before
    lay_over(case, site, make_outside(tmp_path / "outside"))

    args = ["build", "--source", str(site), "--output", str(output)]
    monkeypatch.chdir(site)  # a relative path in a hostile tag would land here
    if expected.get("via") == "cli":
        result = run_cli(args, cwd=site, timeout=expected.get("timeout", 30))
    else:
        monkeypatch.delenv("NEWSGEN_DEBUG", raising=False)
        capsys.readouterr()
        sigterm = signal.getsignal(signal.SIGTERM)
        try:
            code = newsgen_main(args)
        finally:  # main() turns SIGTERM into KeyboardInterrupt; give pytest its handler back
            signal.signal(signal.SIGTERM, sigterm)
        captured = capsys.readouterr()
        result = Run(code, captured.out, captured.err)

    # Every check runs, so that a failing case shows everything that is wrong with it.
    wrong: list[str] = []
    for stream in (result.stdout, result.stderr):
        if "Traceback" in stream or "internal error" in stream:
            wrong.append("a traceback or internal error was printed")
    if result.code == -1:
        wrong.append("the build hung and was killed")
    elif result.code != expected["exit"]:
        wrong.append(f"exit code {result.code}, expected {expected['exit']}")
    for wanted in expected.get("messages", []) + expected.get("warnings", []):
        if not stderr_lines_with(result.stderr, wanted):
            wrong.append(f"no stderr line with {wanted!r}")
    for name in expected.get("must_not_exist", []):
        if (site / name).exists() or (tmp_path / name).exists():
            wrong.append(f"{name} was created: a YAML tag ran")
    if "hacked" in result.stdout:
        wrong.append("'hacked' was printed: a YAML tag ran")
    if leftovers(output):
        wrong.append(f"left beside the output: {leftovers(output)}")

    if expected["exit"] != 0:
        if "nothing was written" not in result.stderr:
            wrong.append("no 'Build failed: N errors; nothing was written.' line on stderr")
        after = snapshot(output)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if changed:
            wrong.append(f"the failed build changed the output: {changed}")
    elif result.code == 0:
        try:
            check_built_output(output, expected)
        except AssertionError as error:
            wrong.append(str(error))
        published = snapshot(output).values()
        for secret in (b"TOP SECRET", b"Leaked secret"):
            if any(isinstance(data, bytes) and secret in data for data in published):
                wrong.append("a file from outside the site was published")

    shown = f"\n--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}"
    assert not wrong, "\n".join(wrong) + shown
