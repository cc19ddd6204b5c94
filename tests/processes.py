"""Real ``newsgen build`` processes for the process, lock and interrupt tests: sites sized
to use the parse pool and the page helper, the processes a build has, snapshots of
output folders.

Not a test module; tests import it by name (``tests/`` is on ``sys.path`` through
its conftest.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from commands import default_ctrl_c, find_newsgen
from newsgen.content.load import PARALLEL_THRESHOLD
from newsgen.output.write import RETIRED_PREFIX, STAGING_PREFIX
from newsgen.pagehelper.pool import HELPER_PAGES
from page_checks import reproducible

NEWSGEN = find_newsgen()
POOL_ARTICLES = max(HELPER_PAGES, PARALLEL_THRESHOLD) + 20
"""Enough articles for a cold build (with ``--jobs 2``) to parse them in the process pool
and to have the page helper render their pages."""
START = dt.datetime(2021, 1, 1, 6, 0, tzinfo=dt.UTC)

Digest = dict[str, str]


def write_site(root: Path, articles: int, search: bool = False, title: str = "Gazette") -> Path:
    """Write a site of ``articles`` short articles into ``root``; return ``root``."""
    config = (
        f"title: {title}\nbase_url: https://example.com/\ntimezone: UTC\n"
        f"per_page: 20\nfeed_items: 10\nsearch: {str(search).lower()}\n"
    )
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "newsgen.yaml").write_text(config, encoding="utf-8")
    for n in range(articles):
        write_article(root, n, f"{title} story {n}")
    return root


def write_article(root: Path, n: int, headline: str) -> None:
    """Write article ``n`` of a site made by write_site() with ``headline``."""
    section = ("world", "local", "business")[n % 3]
    path = root / "content" / section / f"story-{n:04d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    when = (START + dt.timedelta(hours=7 * n)).isoformat()
    path.write_text(
        f"---\nheadline: {json.dumps(headline)}\ndate: {when}\ntags: [t{n % 20}]\n---\n"
        f"The council met on Tuesday to discuss item {n}. Residents asked questions.\n",
        encoding="utf-8",
    )


def build_command(source: Path, output: Path, *extra: str) -> list[str]:
    """Return the command line of ``newsgen build`` from ``source`` into ``output``."""
    return [NEWSGEN, "build", "--source", str(source), "--output", str(output), *extra]


def run_build(source: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``newsgen build`` to its end (60 s at most: a hang fails the test)."""
    command = build_command(source, output, *extra)
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def start_build(source: Path, output: Path, *extra: str) -> subprocess.Popen[str]:
    """Start ``newsgen build`` as the leader of a session of its own: every process it
    starts, at any depth, is in that session (see session())."""
    return subprocess.Popen(
        build_command(source, output, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_ctrl_c,
    )


@dataclass(frozen=True)
class Running:
    """A live process, as /proc shows it."""

    pid: int
    parent: int
    name: str


def session(leader: int) -> list[Running]:
    """Return the live processes (zombies left out) of the session ``leader`` started,
    the leader too while it lives."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, parent, _, sid = stat[stat.rindex(")") + 2 :].split()[:4]
        if int(sid) == leader and state not in ("Z", "X"):
            found.append(Running(int(entry), int(parent), name))
    return found


def descendants(pid: int) -> list[Running]:
    """Return the live processes below ``pid``, found through /proc/PID/task/*/children
    (cheap enough to ask every few milliseconds, where session() reads all of /proc)."""
    found: list[Running] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                try:
                    name = Path(f"/proc/{child}/comm").read_text().strip()
                except OSError:
                    continue
                if is_alive(child):
                    found.append(Running(child, parent, name))
                    pending.append(child)
    return found


def is_alive(pid: int) -> bool:
    """True while process ``pid`` runs (a zombie has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def gone_within(leader: int, pids: list[int], seconds: float) -> list[Running]:
    """Wait up to ``seconds`` for every process of session ``leader`` and each of ``pids``
    to end; return those still running then."""
    deadline = time.monotonic() + seconds
    while True:
        left = [p for p in session(leader) if p.pid != leader]
        left += [Running(pid, 0, "?") for pid in pids if is_alive(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def wait_for(
    process: subprocess.Popen[str], moment: Callable[[list[Running]], bool], limit: float = 60
) -> list[Running] | None:
    """Watch the session of ``process`` until ``moment`` is true of its other processes;
    return them then, or None when the build ended first."""
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        others = descendants(process.pid)
        if moment(others):
            return others
        time.sleep(0.002)
    return None


def digest(directory: Path) -> Digest:
    """Return {relative path: sha256} of every file under ``directory``, but the search
    index's files that Pagefind never writes twice the same (search.reproducible)."""
    found: Digest = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and reproducible(relative):
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(parent: Path) -> list[str]:
    """Names of the staging and retired folders in ``parent``."""
    prefixes = (STAGING_PREFIX, RETIRED_PREFIX)
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(prefixes))
