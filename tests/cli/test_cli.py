"""CLI tests: run the installed ``newsgen`` command in a subprocess."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import html5lib
import pytest

import newsgen
from commands import default_ctrl_c, find_newsgen
from page_checks import remove_script

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "sites" / "basic"


NEWSGEN = find_newsgen()
MARKER = ".newsgen-output"
SUMMARY = re.compile(
    r"^Built (?P<articles>\d+) articles?, (?P<pages>\d+) pages? written "
    r"\((?P<files>\d+) files? in all\), (?:(?P<unchanged>\d+) unchanged, )?"
    r"(?P<warnings>\d+) warnings?"
    r"(?:, (?P<drafts>\d+) drafts? left out)? in \d+\.\d+ s$"
)
PROBLEM = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+): (?:(?P<field>[\w.\[\]]+): )?(?P<message>.+)$"
)


def newsgen_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSGEN, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_fixture(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


# --------------------------------------------------------------------------
# --version, --help, usage errors
# --------------------------------------------------------------------------


def test_version() -> None:
    result = newsgen_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"newsgen {newsgen.__version__}"


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ((), ("build", "serve", "init", "new", "--version")),
        (("build",), ("--source", "--output", "--base-url", "--drafts", "--quiet")),
        (("serve",), ("--port", "--host", "--source", "--output", "--drafts")),
        (("init",), ("DIR",)),
        (("new",), ("--section", "--date", "--byline", "--source")),
    ],
    ids=["newsgen", "build", "serve", "init", "new"],
)
def test_help(command: tuple[str, ...], options: tuple[str, ...]) -> None:
    result = newsgen_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: newsgen {' '.join(command)}".rstrip())
    for option in options:
        assert option in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("frobnicate",),
        ("build", "--frobnicate"),
        ("serve", "--port", "eighty"),
        ("new", "A headline"),  # --section is required
        ("init",),  # DIR is required
        (),  # no command at all
    ],
    ids=[
        "unknown-command",
        "bad-flag",
        "bad-port",
        "new-without-section",
        "init-without-dir",
        "no-command",
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    result = newsgen_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "usage: newsgen" in result.stderr
    assert_no_traceback(result)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------


def test_build_good_site_prints_one_summary_line(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    result = newsgen_cli("build", "--source", site)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    match = SUMMARY.match(lines[0])
    assert match, lines[0]

    out = site / "public"
    files = [p for p in out.rglob("*") if p.is_file() and p.name != MARKER]
    index = [p for p in files if p.relative_to(out).parts[0] == "pagefind"]
    pages = [p for p in files if p.suffix in (".html", ".xml", ".json", ".txt") and p not in index]
    assert index, "the search index is part of the output"
    assert match["articles"] == "13"
    assert match["warnings"] == "0"
    assert match["drafts"] == "1"
    assert int(match["pages"]) == len(pages)
    assert int(match["files"]) == len(files)
    assert lines[0].startswith(
        f"Built 13 articles, {len(pages)} pages written ({len(files)} files in all), "
        "0 warnings, 1 draft left out in "
    )


def test_build_options_output_drafts_quiet_base_url(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    out = tmp_path / "elsewhere"
    result = newsgen_cli(
        "build",
        "--source",
        site,
        "--output",
        out,
        "--drafts",
        "--base-url",
        "https://staging.example.org/",
    )
    assert result.returncode == 0, result.stderr
    match = SUMMARY.match(result.stdout.strip())
    assert match, result.stdout
    assert (match["articles"], match["drafts"]) == ("14", None)
    assert not (site / "public").exists()
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<link>https://staging.example.org/culture/2024/12/10/critics-clash/</link>" in feed
    assert "gazette.example.com" not in feed

    quiet = newsgen_cli("build", "--source", site, "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert (quiet.stdout, quiet.stderr) == ("", "")
    assert (site / "public" / "index.html").is_file()


BAD_SITE = {
    "newsgen.yaml": """\
        title: Broken Gazette
        base_url: https://broken.example.com/
        timezone: Europe/Berlin
    """,
    "content/world/fine.md": """\
        ---
        headline: Nothing wrong here
        date: 2024-12-16T10:00:00+01:00
        ---
        Body.
    """,
    "content/world/typo.md": """\
        ---
        byline: Anna Berg
        headlne: Typo in the key
        date: 2024-12-16T10:00:00+01:00
        ---
        Body.
    """,
    "content/world/no-date.md": """\
        ---
        headline: No date here
        byline: Anna Berg
        ---
        Body.
    """,
    "content/business/bad-date.md": """\
        ---
        headline: Bad date
        byline: Tom Fischer
        tags: [Markets]
        date: 16/12/2024
        ---
        Body.
    """,
    "content/culture/updated-before-date.md": """\
        ---
        headline: Updated before it was published
        date: 2024-12-16T10:00:00+01:00
        byline: Ines Duarte
        updated: 2024-12-15T09:00:00+01:00
        ---
        Body.
    """,
}


def test_build_bad_site_reports_every_problem_in_one_run(tmp_path: Path) -> None:
    site = tmp_path / "bad"
    write(site, BAD_SITE)
    result = newsgen_cli("build", "--source", site)

    assert result.returncode == 1
    assert_no_traceback(result)
    assert result.stdout == ""
    assert not (site / "public").exists()

    lines = result.stderr.splitlines()
    assert lines, "no output on stderr"
    *problem_lines, last = lines
    parsed = [PROBLEM.match(line) for line in problem_lines]
    assert all(parsed), "lines not in 'path:line: field: message' form:\n" + "\n".join(
        line for line, m in zip(problem_lines, parsed, strict=True) if not m
    )
    found = {(m["path"], int(m["line"]), m["field"]) for m in parsed if m}
    expected = {
        ("content/world/typo.md", 3, "headlne"),
        ("content/world/no-date.md", 1, "date"),  # a missing field: line 1, the whole file
        ("content/business/bad-date.md", 5, "date"),
        ("content/culture/updated-before-date.md", 5, "updated"),
    }
    assert expected <= found, f"missing: {expected - found}\nstderr:\n{result.stderr}"
    assert not [f for f in found if f[0] == "content/world/fine.md"]

    typo = next(line for line in problem_lines if line.startswith("content/world/typo.md:3:"))
    assert "did you mean 'headline'" in typo
    bad_date = next(line for line in problem_lines if line.startswith("content/business/bad-date"))
    assert "16/12/2024" in bad_date
    assert last == f"Build failed: {len(problem_lines)} errors; nothing was written."


@pytest.mark.parametrize(
    "value",
    ["2024-13-45", "2024-02-30T10:00:00"],
    ids=["month-13", "february-30"],
)
def test_build_reports_impossible_calendar_date_without_crashing(
    tmp_path: Path, value: str
) -> None:
    """YAML reads these as timestamps and fails to construct them; that must be a problem line."""
    site = tmp_path / "bad"
    write(
        site,
        {
            "newsgen.yaml": BAD_SITE["newsgen.yaml"],
            "content/world/impossible.md": f"""\
            ---
            headline: An impossible date
            date: {value}
            ---
            Body.
        """,
        },
    )
    result = newsgen_cli("build", "--source", site)
    assert_no_traceback(result)
    assert result.returncode == 1
    assert re.search(r"^content/world/impossible\.md:3: date: ", result.stderr, re.MULTILINE), (
        result.stderr
    )
    assert not (site / "public").exists()


def test_build_without_config_fails_clearly(tmp_path: Path) -> None:
    site = tmp_path / "no-config"
    write(site, {"content/world/a.md": BAD_SITE["content/world/fine.md"]})
    result = newsgen_cli("build", "--source", site)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "newsgen.yaml" in result.stderr
    assert "not found" in result.stderr
    assert "newsgen init" in result.stderr
    assert not (site / "public").exists()


# --------------------------------------------------------------------------
# init, new
# --------------------------------------------------------------------------


def test_init_creates_a_site_that_builds(tmp_path: Path) -> None:
    site = tmp_path / "my-paper"
    result = newsgen_cli("init", site)
    assert result.returncode == 0, result.stderr
    printed = [Path(line) for line in result.stdout.splitlines() if line.endswith((".yaml", ".md"))]
    assert site / "newsgen.yaml" in printed
    assert all(p.is_file() for p in printed)
    assert any(p.suffix == ".md" for p in printed)

    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    match = SUMMARY.match(built.stdout.strip())
    assert match, built.stdout
    assert match["articles"] == "1"
    assert match["warnings"] == "0"
    assert (site / "public" / "index.html").is_file()


def test_init_refuses_an_existing_site(tmp_path: Path) -> None:
    site = tmp_path / "paper"
    assert newsgen_cli("init", site).returncode == 0
    (site / "newsgen.yaml").write_text("title: Mine\nbase_url: https://mine.example/\n")
    before = snapshot(site)

    again = newsgen_cli("init", site)
    assert again.returncode != 0
    assert_no_traceback(again)
    assert "already" in again.stderr
    assert snapshot(site) == before


def test_new_writes_an_article_that_builds_and_never_overwrites(tmp_path: Path) -> None:
    site = tmp_path / "paper"
    assert newsgen_cli("init", site).returncode == 0

    result = newsgen_cli("new", "Headline", "--section", "world", "--date", "2024-12-16", cwd=site)
    assert result.returncode == 0, result.stderr
    article = site / "content" / "world" / "headline.md"
    assert article.is_file()
    assert (site / result.stdout.strip()).resolve() == article.resolve()
    text = article.read_bytes()

    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    summary = SUMMARY.match(built.stdout.strip())
    assert summary, built.stdout
    assert summary["articles"] == "2"
    page = site / "public" / "world" / "2024" / "12" / "16" / "headline" / "index.html"
    root = html5lib.parse(page.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    assert [" ".join(h.xpath("string()").split()) for h in root.xpath("//h1")] == ["Headline"]

    again = newsgen_cli("new", "Headline", "--section", "world", "--date", "2024-12-16", cwd=site)
    assert again.returncode != 0
    assert_no_traceback(again)
    assert "already exists" in again.stderr
    assert again.stdout == ""
    assert article.read_bytes() == text


def test_new_with_source_option_and_bylines(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    result = newsgen_cli(
        "new",
        "Storm closes the ferry port",
        "--section",
        "world",
        "--date",
        "2024-12-21T08:15",
        "--byline",
        "Anna Berg",
        "--byline",
        "Lukas Meyer",
        "--source",
        site,
    )
    assert result.returncode == 0, result.stderr
    article = site / "content" / "world" / "storm-closes-the-ferry-port.md"
    assert Path(result.stdout.strip()).resolve() == article.resolve()
    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    page = site / "public/world/2024/12/21/storm-closes-the-ferry-port/index.html"
    html = page.read_text(encoding="utf-8")
    assert "Anna Berg" in html and "Lukas Meyer" in html


# --------------------------------------------------------------------------
# serve
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Talk to the preview server directly, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def wait_until_serving(process: subprocess.Popen[str], url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"newsgen serve exited with {process.returncode}:\n{err}")
        try:
            with OPENER.open(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    pytest.fail(f"newsgen serve did not answer {url} within {timeout} s")


@contextmanager
def serving(site: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """Run ``newsgen serve`` on a free port; yield its base URL, preview folder and process."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [NEWSGEN, "serve", "--source", str(site), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A runner without job control may ignore SIGINT, and the child would inherit
        # that; give it the default disposition so Ctrl-C (SIGINT) reaches newsgen.
        preexec_fn=default_ctrl_c,
    )
    try:
        wait_until_serving(process, base)
        yield base, site / ".newsgen" / "preview", process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_answers_pages_and_404(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    with serving(site) as (base, preview, process):
        status, content_type, body = fetch(base)
        assert status == 200
        assert content_type.startswith("text/html")
        assert remove_script(body) == (preview / "index.html").read_bytes()
        root = html5lib.parse(body, treebuilder="lxml", namespaceHTMLElements=False)
        assert "Test Gazette" in root.xpath("string(//h1)")

        article = "culture/2024/12/10/critics-clash/"
        status, _, body = fetch(base + article)
        assert status == 200
        assert remove_script(body) == (preview / article / "index.html").read_bytes()

        status, content_type, body = fetch(base + "no/such/page/")
        assert status == 404
        assert content_type.startswith("text/html")
        assert remove_script(body) == (preview / "404.html").read_bytes()
        assert b"Page not found" in body

        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        assert "Traceback" not in err


def test_serve_answers_404_for_a_folder_without_a_page(tmp_path: Path) -> None:
    """/world/2024/ is no page of the site: a static host answers 404, not a file listing."""
    site = copy_fixture(tmp_path)
    with serving(site) as (base, preview, _):
        assert (preview / "world" / "2024").is_dir()
        assert not (preview / "world" / "2024" / "index.html").exists()
        status, _, body = fetch(base + "world/2024/")
        assert status == 404
        assert remove_script(body) == (preview / "404.html").read_bytes()


def test_serve_keeps_running_on_a_bad_site_and_builds_once_it_is_fixed(tmp_path: Path) -> None:
    """The editor sees the problems (terminal and page) and fixes them without restarting."""
    site = copy_fixture(tmp_path)
    article = site / "content" / "culture" / "critics-clash.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("date: ", "date: not a date # ", 1), encoding="utf-8")
    with serving(site) as (base, _, process):
        status, content_type, body = fetch(base)
        assert status == 404  # nothing was ever built
        assert content_type.startswith("text/html")
        assert b"/__newsgen/reload.js" in body  # so the page can show the problems
        article.write_text(good, encoding="utf-8")
        deadline = time.monotonic() + 20
        while fetch(base)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert fetch(base)[0] == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "content/culture/critics-clash.md:" in err
    assert "Build failed" in err
    assert "Traceback" not in err
