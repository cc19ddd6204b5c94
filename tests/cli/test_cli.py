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
from newsgen.content.placeholder import PLACEHOLDER
from page_checks import remove_script

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "sites" / "basic"


NEWSGEN = find_newsgen()
MARKER = ".newsgen-output"
SUMMARY = re.compile(
    r"^Built (?P<articles>\d+) articles?: (?P<pages>\d+) pages?, "
    r"(?P<written>\d+) files? written, (?:(?P<unchanged>\d+) unchanged, )?"
    r"(?:(?P<hits>\d+) cache hits?, )?(?:(?P<pictures>\d+) pictures? processed, )?"
    r"(?P<warnings>\d+) warnings?"
    r"(?:, (?P<drafts>\d+) drafts? left out)?(?:, (?P<future>\d+) future articles? left out)?"
    r" in \d+\.\d+ s$"
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
    assert int(match["written"]) == len(files)
    assert lines[0].startswith(
        f"Built 13 articles: {len(pages)} pages, {len(files)} files written, "
        "1 picture processed, 0 warnings, 1 draft left out in "
    )


def test_a_rebuild_says_what_it_rewrote_and_what_it_kept(tmp_path: Path) -> None:
    """The summary line never says more files were written than changed: a rebuild of
    an unchanged site writes none, and one edited article rewrites a few."""
    site = copy_fixture(tmp_path)
    assert newsgen_cli("build", "--source", site).returncode == 0
    files = sum(1 for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER)
    again = SUMMARY.match(newsgen_cli("build", "--source", site).stdout.strip())
    assert again, "no summary line"
    assert (int(again["written"]), int(again["unchanged"])) == (0, files)
    story = site / "content" / "world" / "harbour-reopens.md"
    story.write_text(story.read_text() + "\nA sentence added.\n")
    edited = SUMMARY.match(newsgen_cli("build", "--source", site).stdout.strip())
    assert edited, "no summary line"
    written, unchanged = int(edited["written"]), int(edited["unchanged"])
    assert 0 < written < files / 2
    assert written + unchanged == sum(
        1 for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER
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
    assert result.stderr.splitlines() == [
        f"{site}/newsgen.yaml: no such file, so {site} is not a newsgen site; create one "
        f"with 'newsgen init {site}', or give the site's folder with --source DIR",
        "Build failed: 1 error; nothing was written.",
    ]
    assert not (site / "public").exists()


def test_commands_other_than_build_do_not_say_build_failed(tmp_path: Path) -> None:
    new = newsgen_cli("new", "Talks", "--section", "world", cwd=tmp_path)
    assert new.returncode == 1
    assert new.stderr.splitlines()[-1] == "newsgen new: 1 error; no article was written."
    assert "Build failed" not in new.stderr and "newsgen.yaml: no such file" in new.stderr
    story = tmp_path / "story.txt"
    story.write_text("World\n\nTalks resume\n\nBERLIN, Dec 16 2024 (Reuters) - Talks.\n")
    imported = newsgen_cli("import", story, cwd=tmp_path)
    assert imported.returncode == 1
    assert "Build failed" not in imported.stderr
    assert imported.stderr.splitlines()[-1] == "newsgen import: 1 error; no file was written."


def test_a_base_url_given_on_the_command_line_is_blamed_on_it(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    result = newsgen_cli("build", "--source", site, "--base-url", "notaurl")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "--base-url: 'notaurl' is not an absolute http(s) URL, e.g. https://news.example.com/"
    )
    assert "newsgen.yaml" not in result.stderr


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


def test_new_writes_a_draft_that_is_published_only_once_written(tmp_path: Path) -> None:
    site = tmp_path / "paper"
    assert newsgen_cli("init", site).returncode == 0

    result = newsgen_cli("new", "Headline", "--section", "news", "--date", "2024-12-16", cwd=site)
    assert result.returncode == 0, result.stderr
    article = site / "content" / "news" / "headline.md"
    assert article.is_file()
    assert (site / result.stdout.strip()).resolve() == article.resolve()
    assert "draft" in result.stderr and "placeholder" in result.stderr
    text = article.read_text()
    assert "draft: true" in text

    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    summary = SUMMARY.match(built.stdout.strip())
    assert summary, built.stdout
    assert (summary["articles"], summary["drafts"]) == ("1", "1")
    page = site / "public" / "news" / "2024" / "12" / "16" / "headline" / "index.html"
    assert not page.exists()

    article.write_text(text.replace("draft: true", "draft: false"))
    refused = newsgen_cli("build", "--source", site)
    assert refused.returncode == 1
    line = text.splitlines().index(PLACEHOLDER) + 1
    assert refused.stderr.startswith(f"content/news/headline.md:{line}: body: still holds the ")
    assert not page.exists()

    article.write_text(text.replace("draft: true", "draft: false").replace(PLACEHOLDER, "Story."))
    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    root = html5lib.parse(page.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    assert [" ".join(h.xpath("string()").split()) for h in root.xpath("//h1")] == ["Headline"]

    edited = article.read_bytes()
    again = newsgen_cli("new", "Headline", "--section", "news", "--date", "2024-12-16", cwd=site)
    assert again.returncode != 0
    assert_no_traceback(again)
    assert "already exists" in again.stderr
    assert again.stdout == ""
    assert article.read_bytes() == edited


def test_new_starts_a_story_in_one_line(tmp_path: Path) -> None:
    site = tmp_path / "paper"
    assert newsgen_cli("init", site).returncode == 0
    (site / "static" / "images").mkdir(parents=True)
    shutil.copy(
        REPO_ROOT / "static" / "images" / "comet-outburst.jpg", site / "static/images/a.jpg"
    )
    result = newsgen_cli(
        "new",
        "Ferry: strike ends",
        "--section",
        "news",
        "--date",
        "2024-12-16",
        "--tags",
        "Transport, Strikes",
        "--tags",
        "Harbour",
        "--slug",
        "ferry-strike-ends",
        "--summary",
        "Crossings resume on Monday.",
        "--no-draft",
        "--image",
        "/images/a.jpg",
        "--caption",
        "The ferry leaves the harbour.",
        "--credit",
        "Jo Roe/Gazette",
        cwd=site,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "content/news/ferry-strike-ends.md"
    article = site / result.stdout.strip()
    article.write_text(article.read_text().replace(PLACEHOLDER, "The strike is over."))
    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    page = site / "public/news/2024/12/16/ferry-strike-ends/index.html"
    root = html5lib.parse(page.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    text = " ".join(root.xpath("string(//body)").split())
    for said in (
        "Ferry: strike ends",
        "Crossings resume on Monday.",
        "Transport",
        "Strikes",
        "Harbour",
        "The ferry leaves the harbour.",
        "Jo Roe/Gazette",
    ):
        assert said in text, said


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--caption", "A caption"], "--caption, --credit and --alt describe an --image"),
        (["--slug", "Not A Slug"], "use --slug not-a-slug"),
        (["--section", "newz"], "did you mean 'news'?"),
    ],
)
def test_new_refuses_what_it_cannot_use(tmp_path: Path, args: list[str], said: str) -> None:
    site = tmp_path / "paper"
    assert newsgen_cli("init", site).returncode == 0
    before = snapshot(site)
    section = [] if "--section" in args else ["--section", "news"]
    result = newsgen_cli("new", "Talks", *section, *args, cwd=site)
    assert result.returncode == 2
    assert_no_traceback(result)
    assert said in result.stderr
    assert snapshot(site) == before


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
    built = newsgen_cli("build", "--source", site, "--drafts")
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


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_refuses_a_port_that_is_none(tmp_path: Path, port: str) -> None:
    site = copy_fixture(tmp_path)
    result = newsgen_cli("serve", "--source", site, "--port", port)
    assert result.returncode == 2
    assert_no_traceback(result)
    assert "internal error" not in result.stderr
    assert "argument --port:" in result.stderr and "port" in result.stderr.splitlines()[-1]
    assert not (site / ".newsgen" / "preview").exists()


def test_serve_says_a_busy_port_is_busy_before_it_builds(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = newsgen_cli("serve", "--source", site, "--port", str(port))
    assert result.returncode == 2
    assert_no_traceback(result)
    [said] = result.stderr.splitlines()
    assert said.startswith(f"newsgen: cannot listen on 127.0.0.1:{port}: Address already in use")
    assert f"choose another port, e.g. --port {port + 1}" in said
    assert not (site / ".newsgen" / "preview").exists()  # nothing was built
    assert time.monotonic() - started < 30


def test_help_states_the_real_defaults_and_examples() -> None:
    top = newsgen_cli("--help").stdout
    assert "examples:" in top and "newsgen init mysite" in top
    serve = " ".join(newsgen_cli("serve", "--help").stdout.split())
    assert "(default: SOURCE/.newsgen/preview)" in serve
    assert "a preview includes them unless --no-drafts is given" in serve
    assert "SOURCE/public" not in serve
    for command in ("build", "serve", "init", "new", "import"):
        usage = newsgen_cli(command, "--help").stdout
        description = usage.split("\n\n")[1]
        assert not description.startswith(("positional", "options")), command


def test_q_is_quiet(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    result = newsgen_cli("build", "--source", site, "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_link_to_an_article_with_errors_is_not_called_missing(tmp_path: Path) -> None:
    site = copy_fixture(tmp_path)
    broken = site / "content" / "world" / "harbour-reopens.md"
    broken.write_text(broken.read_text().replace("date: ", "date: not a date # ", 1))
    linking = site / "content" / "world" / "glacier-survey.md"
    linking.write_text(linking.read_text() + "\nSee [the harbour](harbour-reopens.md).\n")
    result = newsgen_cli("build", "--source", site)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/world/harbour-reopens.md:") for line in lines)
    [link] = [line for line in lines if line.startswith("content/world/glacier-survey.md:")]
    assert "links to content/world/harbour-reopens.md, which has errors" in link
    assert "does not exist" not in result.stderr


def test_init_keeps_build_output_and_the_cache_out_of_git(tmp_path: Path) -> None:
    site = tmp_path / "paper"
    assert newsgen_cli("init", site).returncode == 0
    assert newsgen_cli("build", "--source", site).returncode == 0
    assert newsgen_cli("build", "--source", site).returncode == 0  # leaves a spare tree
    (site / ".newsgen-staging-public-1").mkdir()  # as a killed build leaves it
    (site / ".newsgen-staging-public-1" / "index.html").write_text("x")
    git = ["git", "-C", str(site), "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    listed = subprocess.run([*git, "ls-files"], capture_output=True, text=True, check=True)
    assert sorted(listed.stdout.split()) == [
        ".gitignore",
        "content/news/welcome-to-your-newsgen-archive.md",
        "newsgen.yaml",
    ]


def test_serve_in_a_folder_that_is_no_site_says_so_and_writes_nothing(tmp_path: Path) -> None:
    result = newsgen_cli("serve", "--port", str(free_port()), cwd=tmp_path)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert result.stderr.splitlines() == [
        "newsgen.yaml: no such file, so this folder is not a newsgen site; create one with "
        "'newsgen init .', or give the site's folder with --source DIR",
        "newsgen serve: 1 error; nothing is being served.",
    ]
    assert list(tmp_path.iterdir()) == []  # no .newsgen/ left behind
