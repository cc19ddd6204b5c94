"""Saved pages read behind a guard: each in a worker process, with a time limit.

lxml (libxml2) and trafilatura are native code and heuristics that a hostile
or broken page could crash or keep busy for long. page_articles() reads each
page with importer/saved_page.py in a worker of guarded.run_guarded(), which
may spend CPU_SECONDS on it; a page that stops its worker, or raises, is
reported as failed with its file, and the other pages are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from newsgen import guarded
from newsgen.importer.wordpress import ImportedPost, Skipped, WordPressOptions
from newsgen.input_files import NotAFile

CPU_SECONDS = 60
"""CPU time one page may take (a large news page takes well under a second; a 5 MB
page of 60,000 paragraphs, 14 s)."""
STOPPED = (
    f"stopped the worker that read it (the HTML parser crashed, or it took more than "
    f"{CPU_SECONDS} s): the page is damaged or hostile; save it again"
)

PageOutcome = ImportedPost | Skipped | str
"""The article a page becomes, why it becomes none, or (text) why it cannot be read."""


def page_articles(
    files: Sequence[Path], options: WordPressOptions, jobs: int = 2
) -> list[PageOutcome]:
    """Return what each saved page of ``files`` becomes, in order; each outcome's line
    (and its notes') is the file's number, from 1."""
    calls = [(str(file), options) for file in files]
    outcomes = guarded.run_guarded(read_page, calls, jobs, ["newsgen.importer.saved_page"])
    numbered: list[PageOutcome] = []
    for number, outcome in enumerate(outcomes, 1):
        if outcome is None:
            numbered.append(STOPPED)
        elif isinstance(outcome, str):
            numbered.append(outcome)
        elif isinstance(outcome, Skipped):
            numbered.append(replace(outcome, line=number))
        else:
            notes = tuple(replace(note, line=number) for note in outcome.notes)
            numbered.append(replace(outcome, line=number, notes=notes))
    return numbered


def read_page(path: str, options: WordPressOptions) -> PageOutcome:
    """In a worker: return what the page at ``path`` becomes (saved_page.page_article()),
    or why it cannot be read; never raises."""
    from newsgen.importer.saved_page import page_article

    guarded.limit_cpu(CPU_SECONDS)
    try:
        return page_article(path, options)
    except NotAFile as error:
        return str(error)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    except (MemoryError, RecursionError):
        return "is too large or too deeply nested to read: save the article's page alone"
    except Exception as error:  # a bug in a parser must not end the import
        return f"cannot be read as a page ({type(error).__name__}: {error})"
