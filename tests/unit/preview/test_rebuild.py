"""The rebuild loop of ``newsgen serve`` (preview/rebuild.py) under every kind of failure: a
rebuild that fails for any reason is reported on the terminal and to open pages, and
the next save rebuilds. The build itself is replaced here; tests/safety/test_preview_crash.py
crashes real worker processes."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from newsgen.build.options import BuildOptions, BuildReport
from newsgen.errors import BuildFailed, Problem, Severity
from newsgen.output.write import OutputError
from newsgen.preview import rebuild as preview
from newsgen.preview.live_reload import BuildState, ReloadHub
from newsgen.preview.rebuild import Previewer, internal_error_message
from newsgen.preview.watch import Debouncer

GOOD = BuildReport(articles=3, pages=9, files=12, drafts_skipped=0, seconds=0.05)


def describe(report: BuildReport) -> str:
    return f"Built {report.articles} articles"


class FakeBuild:
    """Stands in for build(): raises the next of ``outcomes`` that is an exception,
    returns GOOD otherwise."""

    def __init__(self, *outcomes: BaseException | None) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self, options: BuildOptions) -> BuildReport:
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return GOOD


@pytest.fixture
def make_previewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[Previewer, io.StringIO]]:
    def make(*outcomes: BaseException | None) -> tuple[Previewer, io.StringIO]:
        monkeypatch.setattr(preview, "build", FakeBuild(*outcomes))
        terminal = io.StringIO()
        options = BuildOptions(tmp_path, tmp_path / "out")
        return Previewer(options, ReloadHub(), describe, terminal), terminal

    return make


@pytest.fixture
def running() -> Iterator[Callable[[Previewer], Debouncer]]:
    """Run a Previewer's loop in a thread, as ``newsgen serve`` does; stop it after."""
    started: list[tuple[Debouncer, threading.Thread]] = []

    def run(previewer: Previewer) -> Debouncer:
        debouncer = Debouncer(quiet=0.01, longest=0.1)
        thread = threading.Thread(target=previewer.run, args=(debouncer,), daemon=True)
        thread.start()
        started.append((debouncer, thread))
        return debouncer

    yield run
    for debouncer, thread in started:
        debouncer.close()
        thread.join(timeout=10)
        assert not thread.is_alive()


def save(debouncer: Debouncer, hub: ReloadHub, number: int) -> BuildState:
    """Report a save and wait for the rebuild it causes (build ``number``)."""
    debouncer.add([f"content/world/story-{number}.md"])
    state = hub.next_state(number - 1, timeout=10)
    assert state is not None and state.number == number, "no rebuild after the save"
    return state


FAILURES = [
    pytest.param(RuntimeError("a bug in newsgen"), "RuntimeError: a bug in newsgen", id="bug"),
    pytest.param(KeyError("world"), "KeyError: 'world'", id="KeyError"),
    pytest.param(MemoryError(), "MemoryError", id="MemoryError"),
    pytest.param(
        RecursionError("maximum recursion depth exceeded"),
        "RecursionError: maximum recursion depth exceeded",
        id="RecursionError",
    ),
    pytest.param(
        BrokenProcessPool("A process in the process pool was terminated abruptly"),
        "a worker process of the build died (BrokenProcessPool)",
        id="BrokenProcessPool",
    ),
    pytest.param(SystemExit(3), "SystemExit: 3", id="SystemExit"),
]


@pytest.mark.parametrize(("error", "shown"), FAILURES)
def test_a_rebuild_that_fails_for_any_reason_is_reported_and_the_next_save_rebuilds(
    make_previewer, running, error: BaseException, shown: str
):
    previewer, terminal = make_previewer(None, error, None)
    assert previewer.rebuild(first=True).problems == ()
    debouncer = running(previewer)

    failed = save(debouncer, previewer.hub, 2)
    message = f"internal error: {shown}. This is a bug in newsgen; NEWSGEN_DEBUG=1 shows"
    assert len(failed.problems) == 1
    assert failed.problems[0].startswith(f"newsgen: {message}")
    assert b'"problems": ["newsgen: internal error' in failed.event()  # the pages' overlay
    lines = terminal.getvalue().splitlines()
    assert lines[-1].startswith(f"Build failed: {message}")
    assert lines[-1].endswith("; the preview shows the last good build.")
    assert "Traceback" not in terminal.getvalue()

    rebuilt = save(debouncer, previewer.hub, 3)  # the loop goes on
    assert rebuilt.problems == ()
    assert terminal.getvalue().splitlines()[-1] == "1 file changed: Built 3 articles"


def test_newsgen_debug_shows_the_traceback_before_the_line(make_previewer, monkeypatch):
    monkeypatch.setenv("NEWSGEN_DEBUG", "1")
    previewer, terminal = make_previewer(ValueError("deep inside"))
    state = previewer.rebuild(1)
    assert state.problems[0].startswith("newsgen: internal error: ValueError: deep inside.")
    text = terminal.getvalue()
    assert text.startswith("Traceback (most recent call last):")
    assert "raise outcome" in text and "ValueError: deep inside\n" in text
    assert text.splitlines()[-1].startswith("Build failed: internal error: ValueError")


def test_a_bug_in_the_first_build_starts_the_preview_with_the_problem(make_previewer):
    previewer, terminal = make_previewer(RuntimeError("first"))
    state = previewer.rebuild(first=True)  # not raised: serve goes on to listen
    assert state.problems[0].startswith("newsgen: internal error: RuntimeError: first.")
    assert terminal.getvalue().startswith("Build failed: internal error: RuntimeError: first.")
    assert previewer.rebuild(1).problems == ()


def test_the_first_build_raises_an_unsafe_output_and_ctrl_c(make_previewer):
    previewer, _ = make_previewer(OutputError("not newsgen's folder"), KeyboardInterrupt())
    with pytest.raises(OutputError):
        previewer.rebuild(first=True)
    with pytest.raises(KeyboardInterrupt):
        previewer.rebuild(first=True)


def test_problems_and_system_errors_of_later_rebuilds_are_no_internal_error(make_previewer):
    problem = Problem("content/a.md", 3, "date", "not a date", Severity.ERROR)
    disk_full = OSError(28, "No space left on device", "/site/public/index.html")
    previewer, terminal = make_previewer(BuildFailed([problem]), disk_full, OutputError("unsafe"))
    assert previewer.rebuild(1).problems == (str(problem),)
    assert previewer.rebuild(1).problems == (
        "newsgen: /site/public/index.html: No space left on device",
    )
    assert previewer.rebuild(1).problems == ("newsgen: unsafe",)
    assert "internal error" not in terminal.getvalue()


class GoneTerminal(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_terminal_that_is_gone_does_not_stop_the_rebuilds(tmp_path, monkeypatch):
    monkeypatch.setattr(preview, "build", FakeBuild(RuntimeError("x"), None))
    options = BuildOptions(tmp_path, tmp_path / "out")
    previewer = Previewer(options, ReloadHub(), describe, GoneTerminal())
    assert previewer.rebuild(1).problems[0].startswith("newsgen: internal error")
    assert previewer.rebuild(1).problems == ()


def test_the_internal_error_line_is_one_line_of_bounded_length():
    error = ValueError("first line\nsecond line\n" + "x" * 5000)
    message = internal_error_message(error)
    assert "\n" not in message
    assert message.startswith("internal error: ValueError: first line second line xxx")
    assert len(message) < preview.MESSAGE_LENGTH + 120
    assert internal_error_message(MemoryError()).startswith("internal error: MemoryError. ")
