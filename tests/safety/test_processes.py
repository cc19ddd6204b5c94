"""Killed builds leave nothing behind; interrupted builds tell the truth.

The kill tests run the installed ``newsgen build`` (``--jobs 2``) on a site big
enough for a cold build to parse in the process pool and to have the page
helper render the article pages, each build the leader of a session of its
own, so that every process it starts can be found in /proc. They SIGKILL it
at a moment of the build (parse workers running; the page helper rendering;
the new tree being written, on a small site without search and on one with its
index) and check that within two seconds no process of that build is
left, then that the next build, told to wait for no other (``--wait 0``),
starts at once, succeeds and gives the right site byte for byte.

The interrupt tests send SIGINT or SIGTERM to real builds around the swap of
the new site into the output folder: in a process that signals itself at an
exact point (before or after the swap, between the two renames of the
fallback swap, while the build records what it did), and from outside at the
moment the new tree is being written. Whatever the moment, the message must
say what the output folder holds: the old site, or the new one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from commands import default_ctrl_c
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.output.write import DIRTY, STAGING_PREFIX, spare_path
from photos import photograph
from processes import (
    POOL_ARTICLES,
    Digest,
    Running,
    digest,
    gone_within,
    leftovers,
    run_build,
    start_build,
    wait_for,
    write_article,
    write_site,
)

JOBS = ("--jobs", "2")


@dataclass
class KillSite:
    root: Path
    output: Path
    reference: Digest


def _kill_site(base: Path, articles: int, search: bool) -> KillSite:
    root = write_site(base / "site", articles, search=search)
    reference = base / "reference"
    done = run_build(root, reference, *JOBS, "--quiet")
    assert done.returncode == 0, done.stderr
    return KillSite(root, base / "out" / "public", digest(reference))


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> KillSite:
    """A site for the pool and the helper, without search, and its right output."""
    return _kill_site(tmp_path_factory.mktemp("kill"), POOL_ARTICLES, search=False)


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> KillSite:
    """A small site with search on: its index is written before the swap."""
    return _kill_site(tmp_path_factory.mktemp("kill-search"), POOL_ARTICLES, search=True)


def cold(site: KillSite) -> None:
    """Remove the site's cache and everything of its output folder: the next build is a
    cold one, which parses in the pool and has the helper render."""
    shutil.rmtree(site.root / ".newsgen", ignore_errors=True)
    shutil.rmtree(site.output.parent, ignore_errors=True)
    site.output.parent.mkdir()


def writing(output: Path) -> bool:
    """True while a build fills a staging folder or the spare tree of ``output``."""
    staging = any(p.name.startswith(STAGING_PREFIX) for p in output.parent.iterdir())
    return staging or (spare_path(output) / DIRTY).exists()


def moment(name: str, output: Path) -> Callable[[list[Running]], bool]:
    """Return the test of the build's other processes that says ``name`` has come."""
    seen_pool = False

    def parsing(others: list[Running]) -> bool:
        return len(others) >= 3  # the page helper and two parse workers

    def rendering(others: list[Running]) -> bool:  # the pool is gone, the helper works
        nonlocal seen_pool
        seen_pool = seen_pool or parsing(others)
        return seen_pool and len(others) == 1

    def written(others: list[Running]) -> bool:
        return len(others) >= 1 and writing(output)

    def pictures(others: list[Running]) -> bool:  # resource tracker, fork server, 2 workers
        return len(others) >= 4

    moments = {"parsing": parsing, "rendering": rendering, "writing": written}
    return {**moments, "pictures": pictures}[name]


def kill_at(site: KillSite, name: str) -> None:
    """SIGKILL a cold build at moment ``name``; check that none of its processes
    outlives it by two seconds, and that the next build starts at once and is right."""
    cold(site)
    process = start_build(site.root, site.output, *JOBS, "--quiet")
    try:
        others = wait_for(process, moment(name, site.output))
        process.kill()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert others is not None, f"the build ended before {name}: {process.stderr.read()}"  # type: ignore[union-attr]
    assert others, f"the build had no other process at {name}"
    left = gone_within(process.pid, [p.pid for p in others], 2.0)
    assert left == [], f"killed at {name}, these outlived the build by 2 s: {left} (had {others})"
    after = run_build(site.root, site.output, *JOBS, "--wait", "0")
    assert after.returncode == 0, f"the next build after a kill at {name}: {after.stderr}"
    assert digest(site.output) == site.reference
    assert leftovers(site.output.parent) == []


@pytest.mark.parametrize("name", ["parsing", "rendering", "writing"])
def test_sigkill_leaves_no_process_and_no_lock(plain_site: KillSite, name: str) -> None:
    kill_at(plain_site, name)


def test_sigkill_while_a_search_site_is_written_and_indexed(search_site: KillSite) -> None:
    kill_at(search_site, "writing")  # the index is written into the new tree, as its pages


@pytest.fixture(scope="module")
def compressed_site(tmp_path_factory: pytest.TempPathFactory) -> KillSite:
    """A site with ``compress: true``: each page's .gz and .br copies are written with it."""
    base = tmp_path_factory.mktemp("kill-compress")
    root = write_site(base / "site", POOL_ARTICLES, search=False)
    config = root / "newsgen.yaml"
    config.write_text(config.read_text() + "compress: true\n")
    reference = base / "reference"
    done = run_build(root, reference, *JOBS, "--quiet")
    assert done.returncode == 0, done.stderr
    assert (reference / "index.html.gz").is_file() and (reference / "index.html.br").is_file()
    return KillSite(root, base / "out" / "public", digest(reference))


def test_sigkill_while_compressed_copies_are_written(compressed_site: KillSite) -> None:
    kill_at(compressed_site, "writing")  # the copies are outputs like the pages they copy


@pytest.fixture(scope="module")
def picture_site(tmp_path_factory: pytest.TempPathFactory) -> KillSite:
    """A small site whose articles each lead with a photograph: a cold build spends
    seconds in the image workers."""
    base = tmp_path_factory.mktemp("kill-pictures")
    root = write_site(base / "site", 0)
    for n in range(6):
        (root / "static" / "images").mkdir(parents=True, exist_ok=True)
        (root / "static" / "images" / f"p{n}.jpg").write_bytes(photograph((1200, 800), seed=n))
        (root / "content" / "world").mkdir(parents=True, exist_ok=True)
        (root / "content" / "world" / f"p{n}.md").write_text(
            f"---\nheadline: Picture story {n}\ndate: 2024-03-{n + 1:02d}T10:00:00Z\n"
            f"images:\n  - src: /images/p{n}.jpg\n    alt: A scene\n---\nBody {n}.\n"
        )
    reference = base / "reference"
    done = run_build(root, reference, *JOBS, "--quiet")
    assert done.returncode == 0, done.stderr
    return KillSite(root, base / "out" / "public", digest(reference))


def test_sigkill_while_pictures_are_made_leaves_no_worker(picture_site: KillSite) -> None:
    """The image workers are forked by a fork server, not by the build: they watch the
    build's process themselves (lifeline.die_with_process()) and end with it, and the
    fork server ends with them."""
    kill_at(picture_site, "pictures")


# --------------------------------------------------------------------------
# interrupts around the swap tell the truth
# --------------------------------------------------------------------------


@dataclass
class AB:
    root: Path
    output: Path
    a: Digest
    b: Digest


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A small site's source as A, and the right output of A and of B (A edited, with
    articles added); built once."""
    base = tmp_path_factory.mktemp("ab")
    source = write_site(base / "a", 30)
    build(BuildOptions(source, base / "ref-a", cache=False))
    shutil.copytree(source, base / "b")
    change_to_b(base / "b")
    build(BuildOptions(base / "b", base / "ref-b", cache=False))
    return source, base / "ref-a", base / "ref-b"


@pytest.fixture
def ab(tmp_path: Path, versions: tuple[Path, Path, Path]) -> AB:
    """The output folder holds A (a copy, its files hard links: newsgen never writes into
    a file of the output); the site's source is B."""
    source, ref_a, ref_b = versions
    root = Path(shutil.copytree(source, tmp_path / "site"))
    change_to_b(root)
    output = tmp_path / "out" / "public"
    shutil.copytree(ref_a, output, copy_function=os.link)
    return AB(root, output, digest(ref_a), digest(ref_b))


def change_to_b(root: Path) -> None:
    for n in range(0, 30, 4):
        write_article(root, n, f"Story {n}, revised")
    for n in range(30, 33):
        write_article(root, n, f"Fresh story {n}")


def holds(ab: AB) -> str:
    """Say which site the output folder holds: "A", "B" or "neither"."""
    found = digest(ab.output) if ab.output.is_dir() else None
    return "A" if found == ab.a else "B" if found == ab.b else "neither"


def told(stderr: str) -> str:
    """Say which site the message of an interrupted build says the output holds."""
    if "is unchanged" in stderr or "before this build changed anything" in stderr:
        return "A"
    if "holds the new site" in stderr:
        return "B"
    return f"neither ({stderr.strip()[-300:]!r})"


SIGNAL_ITSELF = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import newsgen.build.full_build, newsgen.output.quick_write, newsgen.output.write
    from newsgen.cli import main

    point, number = sys.argv[1], getattr(signal, sys.argv[2])

    def interrupt(at):
        if at == point:
            os.kill(os.getpid(), number)  # the handler runs before the next line

    real_exchange = newsgen.output.write.exchange_directories
    def exchange(first, second):
        if point == "between the renames":
            return False  # the fallback swap: two renames
        interrupt("before the swap")
        done = real_exchange(first, second)
        interrupt("after the swap")
        return done
    newsgen.output.write.exchange_directories = exchange
    newsgen.output.quick_write.exchange_directories = exchange

    real_rename = Path.rename
    def rename(self, target):
        done = real_rename(self, target)
        if Path(target).name.startswith(newsgen.output.write.RETIRED_PREFIX):
            interrupt("between the renames")
        return done
    Path.rename = rename

    real_state = newsgen.build.full_build.make_quick_state
    def state(*args, **kwargs):
        interrupt("while recording")
        return real_state(*args, **kwargs)
    newsgen.build.full_build.make_quick_state = state

    sys.exit(main(sys.argv[3:]))
    """
)


@pytest.mark.parametrize(
    ("point", "number", "expected"),
    [
        ("before the swap", "SIGINT", "A"),
        ("after the swap", "SIGTERM", "B"),
        ("between the renames", "SIGTERM", "A"),
        ("while recording", "SIGINT", "B"),
    ],
)
def test_an_interrupt_at_the_swap_says_what_the_output_holds(
    ab: AB, point: str, number: str, expected: str
) -> None:
    command = [sys.executable, "-c", SIGNAL_ITSELF, point, number]
    command += ["build", "--source", str(ab.root), "--output", str(ab.output), "--quiet"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=60, preexec_fn=default_ctrl_c
    )  # a runner may start the tests ignoring SIGINT, and children inherit that
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert holds(ab) == expected
    assert told(done.stderr) == expected, done.stderr
    assert leftovers(ab.output.parent) == []


@pytest.mark.parametrize(("number", "delay"), [(signal.SIGINT, 0.0), (signal.SIGTERM, 0.01)])
def test_a_signal_from_outside_while_writing_says_what_the_output_holds(
    ab: AB, number: signal.Signals, delay: float
) -> None:
    """The installed command, signalled as it writes the new tree: just before the swap,
    or just after it, the message must match the output folder."""
    process = start_build(ab.root, ab.output, "--quiet")
    try:
        wait_for(process, lambda others: writing(ab.output))
        time.sleep(delay)
        process.send_signal(number)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode == 0:  # it had finished
        assert holds(ab) == "B"
        return
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert told(stderr) == holds(ab) != "neither", stderr
