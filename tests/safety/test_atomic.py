"""Atomic output: a build that is killed, interrupted or crashes loses nothing.

The kill tests run the installed ``newsgen build`` as a real process on a site
big enough that a build takes about a second, and stop it with SIGKILL, SIGINT
(Ctrl-C) or SIGTERM at delays spread over the build. Afterwards the output
folder must hold, byte for byte, either the old site (A) or the complete new
one (B) -- never a mix, never nothing -- and the next normal build must give
exactly B and leave no staging or retired folder behind.

Most builds fill the spare tree (the site before last, kept beside the
output) instead of a fresh staging folder; the kills land in both kinds of
build. A spare, when present, must be a folder with newsgen's marker.

The fallback swap (two renames, for systems without RENAME_EXCHANGE) is
tested in-process and with a real process that dies between the two renames.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import newsgen.output.write
from commands import default_ctrl_c
from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.output.pagefind import INDEX_DIR, SHARDS_FILE
from newsgen.output.write import (
    DIRTY,
    MARKER,
    MARKER_TEXT,
    RETIRED_PREFIX,
    SPARE_PREFIX,
    STAGING_PREFIX,
    spare_path,
)
from page_checks import SERVED_INDEX, served_index
from photos import tiny_picture

NEWSGEN = str(Path(sys.executable).parent / "newsgen")

BIG_ARTICLES = 400
BIG_PARAGRAPHS = 16
SECTIONS = ("world", "local", "business", "science", "culture")
PARAGRAPH = (
    "The council met on Tuesday evening to discuss the harbour budget, the ferry "
    "timetable and the state of the old sea wall. Residents filled the public "
    "gallery and several asked questions about the cost of the repairs. "
)

Digest = dict[str, str]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def digest(directory: Path) -> Digest:
    """Return {relative path: sha256} of every file (and symlink) under ``directory``,
    but the search index's: instead, under SERVED_INDEX, the hash of what it finds
    (page_checks.served_index), which is the same for an index made in one step or
    kept with a changes shard."""
    found: Digest = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if relative.split("/")[0] == INDEX_DIR:
            continue
        if path.is_symlink():
            found[relative] = "symlink:" + os.readlink(path)
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    if (directory / SHARDS_FILE).is_file():
        found[SERVED_INDEX] = hashlib.sha256(served_index(directory)).hexdigest()
    return found


def leftovers(parent: Path) -> list[str]:
    """Names of staging and retired folders (or files) in ``parent``; the spare is no leftover."""
    return sorted(
        p.name for p in parent.iterdir() if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX))
    )


def assert_spares_ok(parent: Path) -> None:
    """Every spare tree in ``parent`` is a real folder holding newsgen's marker."""
    for spare in parent.glob(f"{SPARE_PREFIX}*"):
        assert spare.is_dir() and not spare.is_symlink(), f"{spare.name} is not a folder"
        marker = spare / MARKER
        assert marker.is_file() and not marker.is_symlink(), f"{spare.name} has no marker"
        assert marker.read_text() == MARKER_TEXT


def is_writing(public: Path) -> bool:
    """True while a build fills a staging folder or brings the spare tree up to date."""
    staging = any(n.startswith(STAGING_PREFIX) for n in leftovers(public.parent))
    return staging or (spare_path(public) / DIRTY).exists()


def describe(actual: Digest | None, a: Digest, b: Digest) -> str:
    """Say how a snapshot differs from A and from B, briefly."""
    if actual is None:
        return "the output folder is MISSING"
    lines = []
    for name, ref in (("A", a), ("B", b)):
        missing = sorted(set(ref) - set(actual))
        extra = sorted(set(actual) - set(ref))
        changed = sorted(k for k in set(ref) & set(actual) if ref[k] != actual[k])
        lines.append(
            f"vs {name}: {len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]}, "
            f"{len(changed)} changed {changed[:3]}"
        )
    return "; ".join(lines)


def run_build(source: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSGEN, "build", "--source", str(source), "--output", str(output), "--quiet", *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def article(headline: str, when: dt.datetime, paragraphs: int = 3, **fields: str) -> str:
    front = [f"headline: {json.dumps(headline)}", f"date: {when.isoformat()}"]
    front += [f"{key}: {value}" for key, value in fields.items()]
    body = "\n\n".join(
        f"{PARAGRAPH}*Paragraph {n}* with [a link](https://example.org/{n})."
        for n in range(1, paragraphs + 1)
    )
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


CONFIG = textwrap.dedent(
    """\
    title: The Atomic Gazette
    base_url: https://atomic.example.com/
    timezone: UTC
    per_page: 10
    feed_items: 20
    """
)

START = dt.datetime(2021, 1, 1, 6, 0, tzinfo=dt.UTC)


def big_article_path(n: int) -> str:
    return f"content/{SECTIONS[n % len(SECTIONS)]}/story-{n:05d}.md"


def write_big_site_a(root: Path) -> None:
    write_files(root, {"newsgen.yaml": CONFIG})
    write_files(
        root,
        {
            big_article_path(n): article(
                f"Story number {n} from the archive",
                START + dt.timedelta(hours=5 * n),
                BIG_PARAGRAPHS,
            )
            for n in range(BIG_ARTICLES)
        },
    )


def change_big_site_to_b(root: Path) -> None:
    """Edit 80 headlines, delete 25 articles and add 25 new ones."""
    for n in range(0, BIG_ARTICLES, 7)[:80]:
        when = START + dt.timedelta(hours=5 * n)
        write_files(
            root,
            {big_article_path(n): article(f"Story number {n}, updated", when, BIG_PARAGRAPHS)},
        )
    for n in range(3, BIG_ARTICLES, 23)[:25]:
        (root / big_article_path(n)).unlink()
    write_files(
        root,
        {
            big_article_path(n): article(
                f"Fresh story {n}",
                START + dt.timedelta(hours=5 * BIG_ARTICLES + n),
                BIG_PARAGRAPHS,
            )
            for n in range(BIG_ARTICLES, BIG_ARTICLES + 25)
        },
    )


@dataclass
class BigSite:
    root: Path
    public: Path
    a_tree: Path
    a: Digest
    b: Digest
    b_seconds: float
    trash: Path
    outcomes: list[KillOutcome] = field(default_factory=list)
    resets: int = 0

    def reset_to_a(self, keep_spare: bool = True) -> None:
        """Put version A back as the output, with no leftovers beside it.

        The spare tree that earlier trials left stays (so that most builds
        update it) unless ``keep_spare`` is False. Old trees are moved aside
        into a trash folder (not beside the output) rather than deleted,
        which keeps each trial fast.
        """
        self.resets += 1
        bin_ = self.trash / str(self.resets)
        bin_.mkdir(parents=True)
        for name in leftovers(self.public.parent):
            (self.public.parent / name).rename(bin_ / name)
        spare = spare_path(self.public)
        if not keep_spare and spare.exists():
            spare.rename(bin_ / spare.name)
        if self.public.exists():
            self.public.rename(bin_ / self.public.name)
        # Hard links make this fast; newsgen never writes into old output files
        # (and test_some_kills_landed_mid_build checks that A's copy is intact).
        shutil.copytree(self.a_tree, self.public, symlinks=True, copy_function=os.link)


@dataclass
class KillOutcome:
    signal_name: str
    delay: float
    running_at_signal: bool
    staging_at_signal: bool  # writing: a staging folder or the spare tree was being filled
    returncode: int
    result: str  # "A", "B", "missing" or "mix"
    leftovers: list[str]
    spare_at_start: bool = False
    stderr: str = ""


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigSite]:
    """A 400-article site built once as A; its source then changed to B.

    B's snapshot and duration are taken from a build over A's output, exactly
    like the builds that the kill tests interrupt.
    """
    base = tmp_path_factory.mktemp("atomic")
    root, public, a_tree = base / "site", base / "public", base / "a-tree"
    write_big_site_a(root)
    result = run_build(root, public)
    assert result.returncode == 0, result.stderr
    shutil.copytree(public, a_tree, symlinks=True)
    a = digest(public)
    change_big_site_to_b(root)
    started = time.monotonic()
    result = run_build(root, public)
    b_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    b = digest(public)
    assert a != b
    assert leftovers(base) == []
    assert (spare_path(public) / MARKER).is_file(), "the replaced site A was not kept as spare"
    site = BigSite(root, public, a_tree, a, b, b_seconds, trash=tmp_path_factory.mktemp("trash"))
    site.reset_to_a()
    yield site
    shutil.rmtree(site.trash, ignore_errors=True)


def classify(site: BigSite) -> tuple[str, Digest | None]:
    if not site.public.exists():
        return "missing", None
    snapshot = digest(site.public)
    if snapshot == site.a:
        return "A", snapshot
    if snapshot == site.b:
        return "B", snapshot
    return "mix", snapshot


def kill_build(
    site: BigSite,
    signum: signal.Signals,
    delay: float,
    after_staging: bool = False,
    keep_spare: bool = True,
) -> KillOutcome:
    """Start a build of B over A and send ``signum`` after ``delay`` seconds.

    With ``after_staging`` the delay counts from the moment the build starts
    writing (a staging folder appears, or the spare tree is marked dirty).
    Without ``keep_spare`` the build finds no spare tree and fills a staging
    folder.
    """
    site.reset_to_a(keep_spare)
    parent = site.public.parent
    spare = spare_path(site.public)
    spare_at_start = spare.is_dir() and not (spare / DIRTY).exists()
    process = subprocess.Popen(
        [NEWSGEN, "build", "--source", str(site.root), "--output", str(site.public), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_ctrl_c,
    )
    try:
        start = time.monotonic()
        if after_staging:
            deadline = start + 30
            while not is_writing(site.public):
                if process.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            start = time.monotonic()
        time.sleep(max(0.0, start + delay - time.monotonic()))
        staging = is_writing(site.public)
        running = process.poll() is None
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    result, snapshot = classify(site)
    outcome = KillOutcome(
        signum.name,
        delay,
        running,
        staging,
        process.returncode,
        result,
        leftovers(parent),
        spare_at_start,
        stderr,
    )
    site.outcomes.append(outcome)
    assert_spares_ok(parent)
    assert result in ("A", "B"), (
        f"after {signum.name} at {delay:.2f}s the output is neither the old nor the new site: "
        f"{describe(snapshot, site.a, site.b)}; stderr: {stderr[-500:]}"
    )
    assert "Traceback" not in stderr, stderr
    return outcome


def assert_next_build_gives_b(site: BigSite) -> None:
    result = run_build(site.root, site.public)
    assert result.returncode == 0, result.stderr
    snapshot = digest(site.public)
    assert snapshot == site.b, describe(snapshot, site.a, site.b)
    assert leftovers(site.public.parent) == []
    assert_spares_ok(site.public.parent)
    assert not (spare_path(site.public) / DIRTY).exists()


def kill_delays(site: BigSite, count: int, first: float) -> list[float]:
    last = site.b_seconds * 1.15
    return [round(first + (last - first) * i / (count - 1), 3) for i in range(count)]


# --------------------------------------------------------------------------
# real processes, real signals
# --------------------------------------------------------------------------


KILL_POINTS = 8


@pytest.mark.parametrize("point", range(KILL_POINTS))
def test_sigkill_leaves_old_or_new_site(big_site: BigSite, point: int) -> None:
    delay = kill_delays(big_site, KILL_POINTS, 0.05)[point]
    outcome = kill_build(big_site, signal.SIGKILL, delay)
    # Leftovers may exist after SIGKILL, but only newsgen's own staging/retired folders.
    own = re.compile(rf"\.newsgen-(staging|retired)-{big_site.public.name}-\d+")
    assert all(own.fullmatch(name) for name in outcome.leftovers), outcome.leftovers
    assert_next_build_gives_b(big_site)


@pytest.mark.parametrize("offset", [0.0, 0.15])
def test_sigkill_while_writing_leaves_old_site(big_site: BigSite, offset: float) -> None:
    """Kill while the spare tree is being updated: the old site must be intact."""
    kill_build(big_site, signal.SIGKILL, offset, after_staging=True)
    assert_next_build_gives_b(big_site)


NO_SPARE_KILL_POINTS = 3


@pytest.mark.parametrize("point", range(NO_SPARE_KILL_POINTS))
def test_sigkill_without_spare_leaves_old_or_new_site(big_site: BigSite, point: int) -> None:
    """The same for builds that find no spare tree and fill a fresh staging folder."""
    delay = kill_delays(big_site, NO_SPARE_KILL_POINTS, 0.3)[point]
    kill_build(big_site, signal.SIGKILL, delay, keep_spare=False)
    assert_next_build_gives_b(big_site)


def test_sigkill_while_writing_staging_leaves_old_site(big_site: BigSite) -> None:
    # At once: filling a fresh staging folder can take well under 50 ms.
    outcome = kill_build(big_site, signal.SIGKILL, 0.0, after_staging=True, keep_spare=False)
    assert not outcome.spare_at_start
    assert_next_build_gives_b(big_site)


def _check_graceful(site: BigSite, outcome: KillOutcome) -> None:
    if outcome.returncode == 0:
        # The signal came after the build had finished.
        assert outcome.result == "B"
    else:
        assert outcome.returncode == 130, (
            f"{outcome.signal_name} at {outcome.delay:.2f}s: exit code {outcome.returncode}"
        )
        # The message says what the output holds: the old site (A) or the new one (B).
        old = ("is unchanged", "before this build changed anything")
        said = old if outcome.result == "A" else ("holds the new site",)
        assert any(words in outcome.stderr for words in said), (outcome.result, outcome.stderr)
    assert outcome.leftovers == [], (
        f"{outcome.signal_name} at {outcome.delay:.2f}s left {outcome.leftovers} beside the output"
    )


SIGINT_POINTS = 3


@pytest.mark.parametrize("point", range(SIGINT_POINTS))
def test_sigint_leaves_old_or_new_site_and_cleans_up(big_site: BigSite, point: int) -> None:
    delay = kill_delays(big_site, SIGINT_POINTS, 0.15)[point]
    outcome = kill_build(big_site, signal.SIGINT, delay)
    _check_graceful(big_site, outcome)
    assert_next_build_gives_b(big_site)


@pytest.mark.parametrize("when", ["early", "writing"])
def test_sigterm_leaves_old_or_new_site_and_cleans_up(big_site: BigSite, when: str) -> None:
    if when == "early":
        outcome = kill_build(big_site, signal.SIGTERM, big_site.b_seconds * 0.4)
    else:
        outcome = kill_build(big_site, signal.SIGTERM, 0.05, after_staging=True)
    _check_graceful(big_site, outcome)
    assert_next_build_gives_b(big_site)


@pytest.mark.parametrize("offset", [0.05])
def test_sigint_while_writing_removes_staging(big_site: BigSite, offset: float) -> None:
    outcome = kill_build(big_site, signal.SIGINT, offset, after_staging=True)
    _check_graceful(big_site, outcome)
    assert_next_build_gives_b(big_site)


def test_some_kills_landed_mid_build(big_site: BigSite) -> None:
    """The kill tests prove something only if some signals hit a running build."""
    outcomes = big_site.outcomes
    if len(outcomes) < 10:
        pytest.skip("run together with the kill tests")
    mid_build = [
        o
        for o in outcomes
        if o.running_at_signal and o.result == "A" and (o.staging_at_signal or o.delay > 0.1)
    ]
    while_writing = [o for o in outcomes if o.running_at_signal and o.staging_at_signal]
    summary = "\n".join(map(str, outcomes))
    assert len(mid_build) >= 4, summary
    assert len(while_writing) >= 2, summary
    assert any(o.spare_at_start for o in while_writing), summary
    assert any(not o.spare_at_start for o in while_writing), summary
    # And some let the build finish, so both outcomes were seen.
    assert any(o.result == "B" for o in outcomes), summary
    assert digest(big_site.a_tree) == big_site.a


# --------------------------------------------------------------------------
# fallback swap: two renames instead of RENAME_EXCHANGE
# --------------------------------------------------------------------------


def small_site(root: Path, version: str) -> None:
    """A small site; ``version`` "A" or "B" differ in headlines, deletions and additions."""
    if root.exists():
        shutil.rmtree(root / "content")
    write_files(root, {"newsgen.yaml": CONFIG})
    files = {}
    for n in range(30):
        if version == "B" and n % 10 == 3:
            continue  # deleted in B
        headline = f"Small story {n}" + (" (revised)" if version == "B" and n % 4 == 0 else "")
        files[big_article_path(n)] = article(headline, START + dt.timedelta(days=n), 1)
    if version == "B":
        for n in range(30, 36):
            files[big_article_path(n)] = article(f"New story {n}", START + dt.timedelta(days=n), 1)
    write_files(root, files)


@pytest.fixture
def ab(tmp_path: Path) -> tuple[Path, Path, Digest, Digest]:
    """A small site's root and output folder, and reference snapshots of A and B."""
    root = tmp_path / "site"
    small_site(root, "A")
    build(BuildOptions(root, tmp_path / "ref-a"))
    small_site(root, "B")
    build(BuildOptions(root, tmp_path / "ref-b"))
    a, b = digest(tmp_path / "ref-a"), digest(tmp_path / "ref-b")
    assert a != b
    small_site(root, "A")
    return root, tmp_path / "public", a, b


def test_fallback_swap_builds_and_rebuilds(
    ab: tuple[Path, Path, Digest, Digest], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, public, a, b = ab
    calls: list[tuple[Path, Path]] = []

    def no_exchange(first: Path, second: Path) -> bool:
        calls.append((first, second))
        return False

    monkeypatch.setattr(newsgen.output.write, "exchange_directories", no_exchange)
    build(BuildOptions(root, public))
    assert digest(public) == a
    small_site(root, "B")
    build(BuildOptions(root, public))
    assert calls, "the fallback path was not taken"
    assert digest(public) == b
    assert digest(spare_path(public)) == a  # the replaced site, kept as the spare
    build(BuildOptions(root, public))
    assert digest(public) == b
    assert leftovers(public.parent) == []
    small_site(root, "A")  # now the spare is updated and swapped in by two renames
    build(BuildOptions(root, public))
    assert digest(public) == a
    assert digest(spare_path(public)) == b
    assert leftovers(public.parent) == []


@pytest.mark.parametrize("with_spare", [False, True])
def test_fallback_crash_between_renames_is_repaired_by_next_build(
    ab: tuple[Path, Path, Digest, Digest], with_spare: bool
) -> None:
    """A real process dies (os._exit) between ``output -> retired`` and ``staging -> output``
    (or ``spare -> output``)."""
    root, public, a, b = ab
    if with_spare:  # the crashing build updates the spare (holding A) into B
        small_site(root, "B")
        build(BuildOptions(root, public))
        small_site(root, "A")
        build(BuildOptions(root, public))
        assert digest(spare_path(public)) == b
    else:
        build(BuildOptions(root, public))
        assert not spare_path(public).exists()
    small_site(root, "B")
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        import newsgen.output.write
        from newsgen.build.pipeline import build
        from newsgen.build.options import BuildOptions
        newsgen.output.write.exchange_directories = lambda first, second: False
        real_rename = Path.rename
        def rename(self, target):
            result = real_rename(self, target)
            if Path(target).name.startswith({RETIRED_PREFIX!r}):
                os._exit(9)  # the power goes out right after the first rename
            return result
        Path.rename = rename
        build(BuildOptions(Path(sys.argv[1]), Path(sys.argv[2])))
        """
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script, str(root), str(public)], capture_output=True, timeout=60
    )
    assert crashed.returncode == 9, crashed.stderr
    # The state between the renames: no output, the old site retired.
    assert not public.exists()
    retired = [n for n in leftovers(public.parent) if n.startswith(RETIRED_PREFIX)]
    assert len(retired) == 1
    assert digest(public.parent / retired[0]) == a

    build(BuildOptions(root, public))
    assert digest(public) == b
    assert leftovers(public.parent) == []
    assert_spares_ok(public.parent)


def test_next_build_restores_retired_site_before_replacing_it(
    ab: tuple[Path, Path, Digest, Digest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output missing + ``.newsgen-retired-public-123``: the old site comes back first.

    Proven by making the next build fail while it writes: the restored old
    site must then be the output.
    """
    root, public, a, _ = ab
    build(BuildOptions(root, public))
    public.rename(public.parent / f"{RETIRED_PREFIX}public-123")
    small_site(root, "B")

    def broken_fill(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(newsgen.output.write, "_fill", broken_fill)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(root, public))
    assert public.is_dir(), "the retired old site was not put back"
    assert digest(public) == a
    assert leftovers(public.parent) == []


def test_failed_build_after_a_crash_still_puts_the_old_site_back(
    ab: tuple[Path, Path, Digest, Digest],
) -> None:
    """After a crash between the renames the site is missing; a failing build must not keep it so.

    Debatable: docs/safety.md says a failed build "writes nothing". But the
    retired tree *is* the site, and the repair is a rename that costs
    nothing; with a content error in the repository the site would otherwise
    stay offline (404 everywhere) until someone fixes the error. Restoring
    it first is what "a failed or interrupted build loses nothing" means.
    """
    root, public, a, _ = ab
    build(BuildOptions(root, public))
    public.rename(public.parent / f"{RETIRED_PREFIX}public-123")
    write_files(root, {"content/world/broken.md": "---\nheadline: [unclosed\n---\nText\n"})
    result = run_build(root, public)
    assert result.returncode == 1
    assert public.is_dir(), f"the old site is still missing; beside it: {leftovers(public.parent)}"
    assert digest(public) == a


def test_next_build_replaces_restored_site(ab: tuple[Path, Path, Digest, Digest]) -> None:
    root, public, _, b = ab
    build(BuildOptions(root, public))
    public.rename(public.parent / f"{RETIRED_PREFIX}public-123")
    # A staging folder of the crashed build, half written.
    half = public.parent / f"{STAGING_PREFIX}public-124"
    (half / "world").mkdir(parents=True)
    (half / "world" / "index.html").write_bytes(b"<html><body>half")
    small_site(root, "B")
    build(BuildOptions(root, public))
    assert digest(public) == b
    assert leftovers(public.parent) == []


def test_fallback_ctrl_c_right_after_first_rename_keeps_old_site(
    ab: tuple[Path, Path, Digest, Digest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C landing just after ``output -> retired`` returns must not leave the output missing.

    Python runs signal handlers between bytecodes, so KeyboardInterrupt can be
    raised right after the first rename, before the ``try`` that would undo it.
    The CLI then says the output is unchanged; it must be there.
    """
    root, public, a, _ = ab
    build(BuildOptions(root, public))
    small_site(root, "B")
    monkeypatch.setattr(newsgen.output.write, "exchange_directories", lambda first, second: False)
    real_rename = Path.rename

    def rename(self: Path, target: str | os.PathLike[str]) -> Path:
        result = real_rename(self, target)
        if Path(target).name.startswith(RETIRED_PREFIX):
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(root, public))
    monkeypatch.undo()
    assert public.is_dir(), (
        f"output missing after an interrupted build; beside it: {leftovers(public.parent)}"
    )
    assert digest(public) == a


@pytest.mark.parametrize("with_spare", [False, True])
def test_fallback_failure_of_second_rename_puts_old_site_back(
    ab: tuple[Path, Path, Digest, Digest], monkeypatch: pytest.MonkeyPatch, with_spare: bool
) -> None:
    root, public, a, _ = ab
    if with_spare:
        small_site(root, "B")
        build(BuildOptions(root, public))
        small_site(root, "A")
    build(BuildOptions(root, public))
    assert spare_path(public).exists() == with_spare
    small_site(root, "B")
    monkeypatch.setattr(newsgen.output.write, "exchange_directories", lambda first, second: False)
    real_rename = Path.rename

    def rename(self: Path, target: str | os.PathLike[str]) -> Path:
        if self.name.startswith((STAGING_PREFIX, SPARE_PREFIX)) and Path(target) == public:
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(newsgen.output.write.OutputError, match="No space left on device"):
        build(BuildOptions(root, public))
    monkeypatch.undo()
    assert digest(public) == a
    assert leftovers(public.parent) == []
    assert_spares_ok(public.parent)


# --------------------------------------------------------------------------
# reproducible output, no stale pages, no tripping over leftovers
# --------------------------------------------------------------------------


def test_same_input_gives_identical_bytes(big_site: BigSite, tmp_path: Path) -> None:
    """B built again into a fresh folder (by another process) equals B built over A."""
    result = run_build(big_site.root, tmp_path / "again")
    assert result.returncode == 0, result.stderr
    assert digest(tmp_path / "again") == big_site.b


def test_same_input_twice_in_process(ab: tuple[Path, Path, Digest, Digest]) -> None:
    root, public, a, _ = ab
    build(BuildOptions(root, public))
    first = {p: (public / p).read_bytes() for p in digest(public) if p != SERVED_INDEX}
    build(BuildOptions(root, public))
    second = {p: (public / p).read_bytes() for p in digest(public) if p != SERVED_INDEX}
    assert first == second
    assert digest(public) == a


def test_deleted_and_renamed_articles_leave_no_stale_pages(tmp_path: Path) -> None:
    root, public = tmp_path / "site", tmp_path / "public"
    when = START
    write_files(
        root,
        {
            "newsgen.yaml": CONFIG,
            "content/world/keep.md": article("Keep this story", when),
            "content/world/gone.md": article("A story to delete", when + dt.timedelta(days=1)),
            "content/world/old-name.md": article(
                "The old headline", when + dt.timedelta(days=2), 1
            ),
            "content/world/picture.md": article(
                "Story with a picture",
                when + dt.timedelta(days=3),
                1,
                images='[{src: pic.png, caption: "A picture"}]',
            ),
            "content/world/pic.png": tiny_picture("PNG"),
            "content/lonely/only.md": article("The only story of its section", when),
        },
    )
    build(BuildOptions(root, public))
    before = set(digest(public))
    gone = "world/2021/01/02/a-story-to-delete/index.html"
    renamed = "world/2021/01/03/the-old-headline/index.html"
    assert {gone, renamed, "lonely/index.html", "lonely/feed.xml"} <= before
    picture = [p for p in before if p.endswith("pic.png")]
    assert picture

    (root / "content/world/gone.md").unlink()
    (root / "content/lonely/only.md").unlink()
    (root / "content/world/picture.md").unlink()
    (root / "content/world/pic.png").unlink()
    write_files(
        root,
        {"content/world/old-name.md": article("The new headline", when + dt.timedelta(days=2))},
    )
    build(BuildOptions(root, public))
    after = digest(public)
    for stale in [gone, renamed, "lonely/index.html", "lonely/feed.xml", *picture]:
        assert stale not in after, f"stale {stale} survived the rebuild"
    assert "world/2021/01/03/the-new-headline/index.html" in after
    build(BuildOptions(root, tmp_path / "fresh"))
    assert after == digest(tmp_path / "fresh")


def test_half_written_leftovers_do_not_trip_the_next_build(
    ab: tuple[Path, Path, Digest, Digest],
) -> None:
    """Leftovers of killed builds are removed; other outputs' leftovers are left alone."""
    root, public, _, b = ab
    build(BuildOptions(root, public))
    parent = public.parent
    for name in (f"{STAGING_PREFIX}public-1", f"{STAGING_PREFIX}public-{os.getpid()}"):
        half = parent / name
        (half / "world" / "2021").mkdir(parents=True)
        (half / "world" / "2021" / "index.html").write_bytes(b"<html><p>trunc")
        (half / "feed.xml").write_bytes(b"")
        (half / "world" / "2021" / "dir-where-a-file-goes").mkdir()
    stale_retired = parent / f"{RETIRED_PREFIX}public-2"
    shutil.copytree(public, stale_retired)
    other = parent / f"{STAGING_PREFIX}other-3"
    other.mkdir()
    (other / "keep.txt").write_text("another output's business")
    small_site(root, "B")
    build(BuildOptions(root, public))
    assert digest(public) == b
    assert (public / MARKER).is_file()
    assert leftovers(parent) == [other.name]
    assert_spares_ok(parent)
    assert (other / "keep.txt").read_text() == "another output's business"


def test_failed_build_changes_nothing(ab: tuple[Path, Path, Digest, Digest]) -> None:
    root, public, a, _ = ab
    build(BuildOptions(root, public))
    write_files(root, {"content/world/broken.md": "---\nheadline: [unclosed\n---\nText\n"})
    result = run_build(root, public)
    assert result.returncode == 1
    assert digest(public) == a
    assert leftovers(public.parent) == []
