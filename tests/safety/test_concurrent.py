"""One output, one build at a time.

Two installed ``newsgen build`` processes are started together into one output
folder, from the same site and from two different sites, round after round:
both must succeed, the later one having waited for the other (and said so),
and the output must equal, byte for byte, a solo build of one of them (of the
one that waited, when the sites differ). A build that finds the output taken
and may not wait (``--wait 0``) or waits too short fails with a message naming
the other build (pid, site, since when), and deletes nothing of it: the first
build, stopped with SIGSTOP in the middle of writing its spare tree, goes on
and finishes right. A build interrupted while it waits says it changed
nothing. The live preview's rebuilds take the same lock.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from commands import default_ctrl_c
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.output.write import DIRTY, MARKER, STAGING_PREFIX, spare_path
from processes import (
    NEWSGEN,
    Digest,
    build_command,
    digest,
    leftovers,
    run_build,
    write_article,
    write_site,
)

ROUNDS = 5
"""Rounds of each kind of race (two builds started together)."""
WAITED = "waiting for another build to finish with the output folder"


@dataclass
class Sites:
    one: Path
    two: Path
    big: Path
    """A bigger site, whose cache is warm: its builds spend their time writing."""
    ref_one: Digest
    ref_two: Digest


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """Two small sites (different titles and headlines), a bigger one, and the solo
    builds of the small ones."""
    base = tmp_path_factory.mktemp("two-sites")
    one = write_site(base / "one", 30, title="One")
    two = write_site(base / "two", 30, title="Two")
    big = write_site(base / "big", 150, title="Big")
    build(BuildOptions(one, base / "ref-one", cache=False))
    build(BuildOptions(two, base / "ref-two", cache=False))
    build(BuildOptions(big, base / "ref-big"))
    return Sites(one, two, big, digest(base / "ref-one"), digest(base / "ref-two"))


def race(first: Path, second: Path, output: Path) -> tuple[tuple[int, str], tuple[int, str]]:
    """Start builds of ``first`` and ``second`` into ``output`` together; return the exit
    code and standard error of each."""
    processes = [
        subprocess.Popen(
            build_command(source, output),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for source in (first, second)
    ]
    results = []
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        results.append((process.returncode, stderr))
    return results[0], results[1]


def check_round(output: Path, results: tuple[tuple[int, str], ...], refs: list[Digest]) -> bool:
    """Check one race; return True when one build waited for the other."""
    for code, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr, stderr
    waited = [WAITED in stderr for _, stderr in results]
    assert not all(waited), results
    final = digest(output)
    if any(waited):  # the one that waited built last
        assert final == refs[waited.index(True)]
    else:
        assert final in refs
    assert leftovers(output.parent) == []
    spare = spare_path(output)
    assert not spare.exists() or ((spare / MARKER).is_file() and not (spare / DIRTY).exists())
    return any(waited)


def test_two_builds_of_one_site_into_one_output_take_turns(sites: Sites, tmp_path: Path) -> None:
    source, ref_one = Path(shutil.copytree(sites.one, tmp_path / "one")), sites.ref_one
    output = tmp_path / "out" / "public"
    waits = 0
    for number in range(ROUNDS):
        write_article(source, 0, "One story 0")  # the same text, a new mtime: read again
        waits += check_round(output, race(source, source, output), [ref_one, ref_one])
        assert number or output.is_dir()
    assert waits, "the builds never ran at the same time: the test proved nothing"


def test_two_builds_of_two_sites_into_one_output_take_turns(sites: Sites, tmp_path: Path) -> None:
    one, two, ref_one, ref_two = sites.one, sites.two, sites.ref_one, sites.ref_two
    output = tmp_path / "out" / "public"
    waits = 0
    for number in range(ROUNDS):
        first, second = (one, two) if number % 2 else (two, one)
        refs = [ref_one, ref_two] if first == one else [ref_two, ref_one]
        waits += check_round(output, race(first, second, output), refs)
    assert waits, "the builds never ran at the same time: the test proved nothing"


def test_builds_of_other_sites_between_two_of_one_site_leave_no_trace(
    sites: Sites, tmp_path: Path
) -> None:
    """One after the other into one folder: one, two, big, one. The last build of one
    must not link a file that another site's build made in place of one it recorded
    (new files often take the inode numbers of the files they replace)."""
    output = tmp_path / "out" / "public"
    for source in (sites.one, sites.two, sites.big, sites.one):
        build(BuildOptions(source, output))
    assert digest(output) == sites.ref_one


# --------------------------------------------------------------------------
# a build that may not wait: a clear message, and the other build's work intact
# --------------------------------------------------------------------------


def wait_until(condition: object, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


@contextlib.contextmanager
def stopped_while_writing(source: Path, output: Path) -> Iterator[subprocess.Popen[str]]:
    """Start a build of ``source`` into ``output`` and stop it (SIGSTOP) while it
    writes the spare tree; let it go on at the end of the block."""
    process = subprocess.Popen(
        build_command(source, output, "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: (spare_path(output) / DIRTY).exists() or process.poll() is not None)
        process.send_signal(signal.SIGSTOP)
        assert process.poll() is None, "the build ended before it could be stopped"
        yield process
    finally:
        process.send_signal(signal.SIGCONT)
        if process.poll() is None:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def spare_files(output: Path) -> dict[str, int]:
    """Every file of the spare tree with its inode."""
    spare = spare_path(output)
    return {str(p.relative_to(spare)): p.lstat().st_ino for p in spare.rglob("*") if p.is_file()}


def test_a_build_that_may_not_wait_names_the_other_and_touches_nothing(
    sites: Sites, tmp_path: Path
) -> None:
    """The first build is stopped while it writes the spare tree. A build with ``--wait
    0`` fails at once, one with ``--wait 0.3`` after saying whom it waits for, one
    interrupted while it waits says it changed nothing; none touches the first's work,
    which then finishes right, and a build with the default wait goes after it."""
    output = tmp_path / "out" / "public"
    for source in (sites.one, sites.two):  # an output with a spare tree, holding site two
        build(BuildOptions(source, output))
    with stopped_while_writing(sites.big, output) as first:
        before = spare_files(output)
        refused = run_build(sites.two, output, "--wait", "0")
        assert refused.returncode == 1, refused.stderr
        message = refused.stderr
        assert f"pid {first.pid} on " in message, message
        assert f"building {sites.big} into {output} since " in message, message
        assert re.search(r"since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", message), message
        assert "--wait SECONDS" in message and "Traceback" not in message, message
        waited = run_build(sites.one, output, "--wait", "0.3")
        assert waited.returncode == 1, waited.stderr
        assert f"{WAITED} {output}" in waited.stderr and "waited 0.3 s" in waited.stderr
        assert interrupted_while_waiting(sites.one, output, tmp_path / "waiting.log")
        assert spare_files(output) == before, "the refused builds touched the first's spare"
        assert (spare_path(output) / DIRTY).exists()
        assert digest(output) == sites.ref_two
        log = tmp_path / "later.log"
        with log.open("w") as stderr:
            later = subprocess.Popen(build_command(sites.one, output), stderr=stderr)
        wait_until(lambda: WAITED in log.read_text() or later.poll() is not None)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    assert later.wait(timeout=60) == 0, log.read_text()
    assert f"{WAITED} {output} (up to 600 s): pid {first.pid}" in log.read_text()
    assert digest(output) == sites.ref_one
    assert leftovers(output.parent) == []


def interrupted_while_waiting(source: Path, output: Path, log: Path) -> bool:
    """Start a build of ``source`` into ``output`` (taken by another), Ctrl-C it while it
    waits; return True when it says it changed nothing."""
    with log.open("w") as stderr:
        waiting = subprocess.Popen(
            build_command(source, output), stderr=stderr, preexec_fn=default_ctrl_c
        )
    try:
        wait_until(lambda: WAITED in log.read_text())
        waiting.send_signal(signal.SIGINT)
        assert waiting.wait(timeout=30) == 130
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.wait()
    said = log.read_text()
    assert "Traceback" not in said, said
    return f"interrupted before this build changed anything in {output}" in said


def test_builds_leave_no_lock_file(sites: Sites, tmp_path: Path) -> None:
    output = tmp_path / "out" / "public"
    assert run_build(sites.one, output).returncode == 0
    assert sorted(p.name for p in output.parent.iterdir()) == ["public"]
    assert not (sites.one / ".newsgen" / "build.lock").exists()


# --------------------------------------------------------------------------
# the live preview's rebuilds take the output's lock
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def page(port: int, path: str) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def test_the_preview_rebuild_waits_for_a_build_of_its_output_then_works(
    sites: Sites, tmp_path: Path
) -> None:
    source, big = Path(shutil.copytree(sites.one, tmp_path / "one")), sites.big
    output, port = tmp_path / "preview" / "public", free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        command = [NEWSGEN, "serve", "--source", str(source), "--output", str(output)]
        server = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=default_ctrl_c,
        )
    try:
        wait_until(lambda: "Serving" in log.read_text() or server.poll() is not None)
        assert "One story 29" in page(port, "/")
        with stopped_while_writing(big, output) as first:
            write_article(source, 29, "One story 29, revised")
            wait_until(lambda: WAITED in log.read_text())
            assert f"pid {first.pid}" in log.read_text()
            assert "revised" not in page(port, "/")
        assert first.wait(timeout=60) == 0
        wait_until(lambda: "revised" in page(port, "/"))
        assert "Build failed" not in log.read_text()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert not any(n.startswith(STAGING_PREFIX) for n in os.listdir(output.parent))
