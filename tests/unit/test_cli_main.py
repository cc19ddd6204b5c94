"""newsgen.cli, in process: exit codes, messages and the summary line.

(The installed ``newsgen`` command is tested in tests/cli/; this module is named
test_cli_main so that it does not clash with tests/cli/test_cli.py.)
"""

from __future__ import annotations

import pytest
from unit_helpers import article_text

from newsgen.build.options import BuildReport
from newsgen.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main, summary_line
from newsgen.errors import Problem, Severity


def test_no_command_is_usage_error(capsys):
    assert main([]) == EXIT_USAGE
    assert "usage" in capsys.readouterr().err.lower()


def test_unknown_option_is_usage_error():
    with pytest.raises(SystemExit) as caught:
        main(["build", "--nope"])
    assert caught.value.code == 2


def test_build_success_prints_summary(make_site, capsys):
    root = make_site({"content/world/a.md": article_text("Kremlin talks")})
    assert main(["build", "--source", str(root)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("Built 1 article, ")
    assert (root / "public" / "index.html").is_file()


def test_build_quiet_prints_nothing(make_site, capsys):
    root = make_site({"content/world/a.md": article_text(body="")})
    assert main(["build", "--source", str(root), "--quiet"]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_build_failure_prints_problems_and_exits_1(make_site, capsys):
    root = make_site({"content/world/a.md": "---\nheadlne: X\ndate: 2024-12-16\n---\nBody\n"})
    assert main(["build", "--source", str(root)]) == EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert "content/world/a.md:1: headline: is required" in err
    assert any(
        line.startswith("content/world/a.md:2: headlne: unknown key 'headlne'") for line in err
    )
    assert err[-1] == "Build failed: 2 errors; nothing was written."
    assert not (root / "public").exists()


def test_output_error_exits_1(make_site, capsys):
    root = make_site({"content/world/a.md": article_text()})
    assert main(["build", "--source", str(root), "--output", str(root)]) == EXIT_FAILED
    assert capsys.readouterr().err.startswith("newsgen: output ")


def report(**changes):
    values = dict(articles=1, pages=1, files=1, drafts_skipped=0, seconds=0.123, warnings=())
    values.update(changes)
    return BuildReport(**values)


def test_summary_line_singular():
    assert summary_line(report()) == (
        "Built 1 article, 1 page written (1 file in all), 0 warnings in 0.12 s"
    )


def test_summary_line_plural_with_drafts_and_warnings():
    warning = Problem("a", 1, None, "w", Severity.WARNING)
    line = summary_line(
        report(articles=3, pages=9, files=12, drafts_skipped=2, warnings=(warning,))
    )
    assert line == (
        "Built 3 articles, 9 pages written (12 files in all), 1 warning, "
        "2 drafts left out in 0.12 s"
    )


def test_an_os_error_without_a_file_name_is_said_plainly(make_site, capsys, monkeypatch):
    """An OSError that names no file (a write to an open file) reads ``newsgen: No space
    left on device``, never ``newsgen: : No space left on device``."""
    import errno
    import os

    import newsgen.build.pipeline

    def full(options):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(newsgen.build.pipeline, "build", full)
    root = make_site({"content/world/a.md": article_text()})
    assert main(["build", "--source", str(root)]) == EXIT_FAILED
    assert capsys.readouterr().err == "newsgen: No space left on device\n"
