"""Can every output of a build be written? Two sources never share an output path
(as any disk may see it: case and Unicode normalisation folded), no path is one
newsgen keeps for itself or longer than the file system allows, and nothing lands
in the search index's folder. Checked over every page, feed and copied file before
anything is written.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgen.errors import Problems
from newsgen.output.pagefind import INDEX_DIR
from newsgen.output.write import Copy
from newsgen.render.outputs import PlannedFile


def output_key(path: str) -> str:
    """Return the form of an output path under which two paths collide on some disk.

    Case-insensitive file systems (macOS, Windows) and Unicode normalisation
    (NFC vs NFD) both make different strings name the same file.
    """
    return unicodedata.normalize("NFC", path).casefold()


@dataclass(frozen=True, slots=True)
class Claim:
    """A source's claim on an output path, with where in the source it comes from."""

    path: str
    """The output file, relative to the output directory."""
    origin: str
    """A source file (``content/a.md``, ``static/x.css``) or a generated page (``site feed``)."""
    line: int = 1
    """The line in ``origin`` that made the claim."""
    field: str | None = None
    """The front matter field that made the claim (``aliases[0]``), or None."""


def find_collisions(claims: Iterable[Claim], problems: Problems) -> None:
    """Record an error for each output path claimed twice, or needed as file and folder.

    Each error is reported where an editor can fix it: on the claim made by a
    front matter field (an alias) rather than on a page, and on a source
    file rather than on a generated page.
    """
    claimed: dict[str, Claim] = {}
    for claim in claims:
        key = output_key(claim.path)
        if key in claimed:
            other = claimed[key]
            how = (
                ""
                if other.path == claim.path
                else f" ({other.path} differs only in case or accents)"
            )
            _report(
                problems, claim, other, f"writes {claim.path}, which {{other}} also writes{how}"
            )
        else:
            claimed[key] = claim
    for key, claim in claimed.items():
        folder = key.rpartition("/")[0]
        while folder:
            if folder in claimed:
                file_claim = claimed[folder]
                message = f"{file_claim.path} is a file, but {{other}} needs a folder of that name"
                _report(problems, file_claim, claim, message + f" for {claim.path}")
                break
            folder = folder.rpartition("/")[0]


OWN_NAMES = ".newsgen-"
"""The start of the names newsgen keeps for itself: the marker ``.newsgen-output``, the
spare tree's ``.newsgen-dirty`` and the folders beside the output."""


@dataclass(frozen=True, slots=True)
class NameLimits:
    """What the file system of the output allows, in bytes of UTF-8."""

    name: int = 255
    """The longest file or folder name (NAME_MAX: 255 on ext4, XFS, Btrfs, APFS)."""
    path: int = 4096
    """The longest path from the output folder down (PATH_MAX less the output's own path)."""
    depth: int = 100
    """The most folders a path may go down: far more than any site needs, and few enough
    for every tool that walks folders one inside the other (Python's among them)."""


def find_unwritable(claims: Iterable[Claim], limits: NameLimits, problems: Problems) -> None:
    """Record an error for each output path that names one of newsgen's own files (a
    part starting with ``.newsgen-``) or that the file system cannot hold (a part or
    the whole path too long, or too many folders deep), on the claim's source file
    and line."""
    for claim in claims:
        path = claim.path
        if OWN_NAMES in path and any(part.startswith(OWN_NAMES) for part in path.split("/")):
            _refuse(
                problems,
                claim,
                f"names starting with '{OWN_NAMES}' are newsgen's own (the marker of its "
                "output, its spare and staging folders); choose another path",
            )
        if path.count("/") > limits.depth:
            deep = f"it is more than {limits.depth} folders deep"
            _refuse(problems, claim, f"{deep}; {_shorten(claim)}")
        if len(path) <= limits.name and path.isascii():
            continue  # no part can be too long: most paths stop here
        size = len(path.encode("utf-8"))
        long = [part for part in path.split("/") if len(part.encode("utf-8")) > limits.name]
        if long:
            length = len(long[0].encode("utf-8"))
            _refuse(
                problems,
                claim,
                f"its name '{long[0][:40]}…' is {length} bytes long, and the file system of "
                f"the output allows at most {limits.name}; {_shorten(claim)}",
            )
        elif size > limits.path:
            _refuse(
                problems,
                claim,
                f"the path is {size} bytes long, and the file system of the output allows "
                f"at most {limits.path} below it; {_shorten(claim)}",
            )


def _refuse(problems: Problems, claim: Claim, why: str) -> None:
    message = f"would be written to {claim.path}: {why}"
    problems.error(claim.origin, claim.line, claim.field, message)


def _shorten(claim: Claim) -> str:
    """Say what to shorten so that ``claim`` fits."""
    if claim.field:
        return "shorten it"
    if claim.origin.startswith("content/") and claim.path.endswith("index.html"):
        return "give the article a shorter 'slug:' (or a shorter permalink in newsgen.yaml)"
    return "rename the file"


def _report(problems: Problems, first: Claim, second: Claim, message: str) -> None:
    """Record ``message`` on the claim an editor can change, naming the other."""
    reporter, other = (
        (first, second) if _fixability(first) >= _fixability(second) else (second, first)
    )
    fix = (
        "; remove or change that alias"
        if reporter.field
        else "; rename one of them or give the article a different 'slug:'"
    )
    if reporter.origin == other.origin:
        fix = "; this file claims the same path twice"
    problems.error(
        reporter.origin, reporter.line, reporter.field, message.format(other=other.origin) + fix
    )


def _fixability(claim: Claim) -> int:
    """2 for a front matter field, 1 for a source file, 0 for a generated page."""
    if claim.field:
        return 2
    return 1 if claim.origin.startswith(("content/", "static/", "templates/")) else 0


def name_limits(output: Path) -> NameLimits:
    """Return the longest name and path the file system of ``output`` allows below it
    (asked of the nearest folder that exists; the usual Linux limits when it cannot say)."""
    folder = output.absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    limits = NameLimits()
    try:
        name = os.pathconf(folder, "PC_NAME_MAX")
        path = os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError):
        return limits
    below = len(os.fsencode(output.absolute())) + 1
    name = name if name > 0 else limits.name
    path = path if path > 0 else limits.path
    return NameLimits(name, max(path - below - 1, 0), limits.depth)


def check_outputs(
    outputs: list[PlannedFile],
    copies: list[Copy],
    problems: Problems,
    search: bool,
    limits: NameLimits,
) -> None:
    """Record an error for each output path two sources claim, that newsgen keeps for
    itself or the file system cannot hold, and that lies in the search index's folder."""
    claims = [Claim(c.path, c.origin) for c in copies]
    claims += [Claim(o.path, o.source, o.line, o.field) for o in outputs]
    find_collisions(claims, problems)
    find_unwritable(claims, limits, problems)
    if search:  # the search index's folder is the index's alone
        for claim in claims:
            if claim.path.casefold().split("/", 1)[0] == INDEX_DIR:
                problems.error(
                    claim.origin,
                    claim.line,
                    claim.field,
                    f"would be written to {claim.path}, but {INDEX_DIR}/ holds the search "
                    "index; move it, or turn search off with 'search: false' in newsgen.yaml",
                )
