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
    assert out.startswith("Built 1 article: ")
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
        "Built 1 article: 1 page, 1 file written, 0 warnings in 0.12 s"
    )


def test_summary_line_plural_with_drafts_and_warnings():
    warning = Problem("a", 1, None, "w", Severity.WARNING)
    line = summary_line(
        report(articles=3, pages=9, files=12, drafts_skipped=2, warnings=(warning,))
    )
    assert line == (
        "Built 3 articles: 9 pages, 12 files written, 1 warning, 2 drafts left out in 0.12 s"
    )


@pytest.mark.parametrize(("files", "unchanged", "written"), [(74, 74, 0), (74, 71, 3), (74, 0, 74)])
def test_summary_line_counts_each_file_once_written_or_unchanged(files, unchanged, written):
    """Files written are those whose bytes changed; with the unchanged ones they make the
    whole output, and the line never says more were written than changed."""
    line = summary_line(report(articles=15, pages=50, files=files, unchanged=unchanged))
    said = f"Built 15 articles: 50 pages, {written} files written"
    said += f", {unchanged} unchanged" if unchanged else ""
    assert line == said + ", 0 warnings in 0.12 s"


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


class _Terminal:
    """Standard input at a terminal."""

    def isatty(self) -> bool:
        return True


def test_new_asks_for_the_caption_and_credit_of_an_image_at_a_terminal(
    make_site, capsys, monkeypatch
):
    root = make_site({})
    answers = iter(["The bridge at dawn.", "Jo Roe/Gazette"])
    asked: list[str] = []
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or next(answers))
    argv = ["new", "Bridge", "--section", "world", "--image", "https://example.com/b.jpg"]
    assert main([*argv, "--source", str(root)]) == EXIT_OK
    assert asked == ["Caption: ", "Credit: "]
    written = (root / "content" / "world" / "bridge.md").read_text()
    assert "caption: The bridge at dawn.\n  credit: Jo Roe/Gazette\n" in written


def test_new_asks_nothing_when_not_at_a_terminal_or_when_told(make_site, monkeypatch):
    root = make_site({})
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked " + prompt))
    argv = ["new", "Bridge", "--section", "world", "--image", "https://example.com/b.jpg"]
    assert main([*argv, "--source", str(root)]) == EXIT_OK  # stdin is no terminal here
    monkeypatch.setattr("sys.stdin", _Terminal())
    told = ["--caption", "C", "--credit", "D", "--slug", "bridge-two"]
    assert main([*argv, *told, "--source", str(root)]) == EXIT_OK
