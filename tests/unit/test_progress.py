"""The terminal progress bar (progress.py)."""

from __future__ import annotations

import io

from newsgen.progress import ProgressBar, progress_line


def test_progress_line_shows_stage_bar_counts_and_percent():
    line = progress_line("writing", 5, 10, 80)
    assert line.startswith("writing")
    assert "[" + "#" * 15 + "." * 15 + "]" in line
    assert "5/10" in line and "50%" in line


def test_progress_line_fits_narrow_terminals_and_odd_counts():
    assert len(progress_line("writing", 3, 7, 20)) <= 19
    assert "100%" in progress_line("loading", 9, 3)
    assert "0/1" in progress_line("loading", 0, 0)


def test_the_bar_waits_for_its_delay_then_draws_and_clears():
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=60)
    bar("writing", 1, 2)
    assert stream.getvalue() == ""
    bar.clear()
    assert stream.getvalue() == ""
    bar = ProgressBar(stream, delay=0, interval=0)
    bar("writing", 1, 2)
    assert "1/2" in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r")


def test_the_bar_redraws_at_most_every_interval_but_always_at_the_end():
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=0, interval=60)
    for done in range(1, 5):
        bar("writing", done, 4)
    drawn = stream.getvalue().count("\r")
    assert drawn == 2  # the first and the last
