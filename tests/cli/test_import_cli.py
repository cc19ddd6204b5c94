"""``newsgen import`` through the installed command, in a subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from commands import find_newsgen
from photos import tiny_picture

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "import"
SEED = FIXTURES / "seed-article.txt"
SEED_PATH = (
    "content/world/kremlin-no-concrete-decisions-made-on-future-of-russian-bases-in-syria.md"
)
SITE_CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.com/
timezone: Europe/Berlin
sections: [world, local, business, science, culture]
"""
SEED_OPTIONS = ("--date", "2024-12-16", "--image", "/images/idlib-hts-flags.jpg")


NEWSGEN = find_newsgen()


def newsgen_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSGEN, *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )


def make_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "idlib-hts-flags.jpg").write_bytes(tiny_picture())
    (root / "newsgen.yaml").write_text(SITE_CONFIG, encoding="utf-8")
    return root


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def without_id(markdown: str) -> str:
    return "\n".join(line for line in markdown.splitlines() if not line.startswith("id: "))


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def test_import_writes_the_article_where_it_belongs(site: Path) -> None:
    result = newsgen_cli("import", SEED, *SEED_OPTIONS, "--source", site)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{site / SEED_PATH}\n"
    assert result.stderr.splitlines() == [
        f'{SEED}:8: not placed: source marker "(source)": the text gives no URL for it; '
        "add the source under 'sources:' with its URL",
        f"{SEED}:36: dropped: photo caption repeated (kept the copy on line 38): "
        '"Members of Hayat Tahrir al-Sham (HTS) wave flags in Syria\'s northwestern city o…"',
        f'{SEED}:56: not placed: source marker "(source)": the text gives no URL for it; '
        "add the source under 'sources:' with its URL",
        f'{SEED}:60: dropped: source link without a target: "Source link"',
        f'{SEED}:62: dropped: comment section: "Leave a Reply"',
        f'{SEED}:64: dropped: comment policy: "This site uses Akismet to reduce spam. '
        'Learn how your comment data is processed."',
    ]
    written = (site / SEED_PATH).read_text(encoding="utf-8")
    expected = (FIXTURES / "seed-article.expected.md").read_text(encoding="utf-8")
    assert without_id(written) == without_id(expected)
    assert written.splitlines()[1].startswith("id: ")


def test_import_never_overwrites(site: Path) -> None:
    assert newsgen_cli("import", SEED, *SEED_OPTIONS, "--source", site).returncode == 0
    before = snapshot(site)
    again = newsgen_cli("import", SEED, "--date", "2025-01-01", "--source", site)
    assert again.returncode == 1
    assert_no_traceback(again)
    assert f"{SEED}:3: error: {SEED_PATH} already exists; it was not overwritten" in again.stderr
    assert again.stdout == ""
    assert snapshot(site) == before


def test_dry_run_prints_the_markdown_and_writes_nothing(site: Path) -> None:
    before = snapshot(site)
    result = newsgen_cli("import", SEED, *SEED_OPTIONS, "--dry-run", "--source", site)
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == before
    assert result.stdout.startswith("---\nid: ")
    expected = (FIXTURES / "seed-article.expected.md").read_text(encoding="utf-8")
    assert without_id(result.stdout) == without_id(expected)
    assert result.stderr.splitlines()[-1] == f"{SEED}: would write {SEED_PATH}"


def test_a_file_that_cannot_be_imported_fails_alone(site: Path) -> None:
    no_date, wire = FIXTURES / "no-date.txt", FIXTURES / "wire-dateline.txt"
    result = newsgen_cli("import", no_date, wire, "--source", site)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert f"{no_date}:1: error: no publication date found" in result.stderr
    assert "give it with --date, e.g. --date 2024-12-16" in result.stderr
    assert result.stderr.splitlines()[-1] == "newsgen: 1 of 2 files could not be imported"
    wire_path = (
        "content/world/russia-says-talks-with-syria-s-new-rulers-will-decide-fate-of-its-bases.md"
    )
    assert result.stdout == f"{site / wire_path}\n"
    assert (site / wire_path).is_file()


def test_no_section_line_asks_for_section(site: Path) -> None:
    no_section = FIXTURES / "no-section.txt"
    result = newsgen_cli("import", no_section, "--source", site)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"{no_section}:1: error: no section line above the headline (like 'World News'); "
        "give the section with --section (this site's sections: world, local, business, "
        "science, culture)\n"
    )
    fixed = newsgen_cli("import", no_section, "--section", "business", "--source", site)
    assert fixed.returncode == 0, fixed.stderr
    assert (site / "content/business/northwind-cells-reports-its-first-annual-profit.md").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "16/12/2024"), "--date '16/12/2024' is not an ISO 8601 date"),
        (("--section", "!!!"), "--section '!!!' needs letters or digits"),
        ((FIXTURES / "no-date.txt", "--image", "/a.jpg"), "--image gives the photos of one file"),
    ],
    ids=["bad-date", "bad-section", "image-with-two-files"],
)
def test_usage_errors_exit_2(site: Path, args: tuple, message: str) -> None:
    before = snapshot(site)
    result = newsgen_cli("import", SEED, *args, "--source", site)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert_no_traceback(result)
    assert snapshot(site) == before


def test_no_files_is_a_usage_error(site: Path) -> None:
    result = newsgen_cli("import", "--source", site)
    assert result.returncode == 2
    assert "usage: newsgen import" in result.stderr


def test_not_a_site(tmp_path: Path) -> None:
    result = newsgen_cli("import", SEED, "--date", "2024-12-16", "--source", tmp_path)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "newsgen.yaml" in result.stderr


def test_help_lists_the_options() -> None:
    result = newsgen_cli("import", "--help")
    assert result.returncode == 0
    for option in ("FILE", "--section", "--date", "--byline", "--image", "--source", "--dry-run"):
        assert option in result.stdout


def test_imported_site_builds(site: Path, tmp_path: Path) -> None:
    imports = [
        (SEED, *SEED_OPTIONS),
        (FIXTURES / "wire-dateline.txt",),
        (FIXTURES / "blog-share-comments.txt",),
        (FIXTURES / "several-photos.txt",),
        (FIXTURES / "no-section.txt", "--section", "business"),
        (FIXTURES / "no-date.txt", "--date", "2025-03-01"),
    ]
    for args in imports:
        result = newsgen_cli("import", *args, "--source", site)
        assert result.returncode == 0, result.stderr
    built = newsgen_cli("build", "--source", site)
    assert built.returncode == 0, built.stderr
    # the only warnings: pictures the imported copy names on other sites
    assert all("is a remote picture" in line for line in built.stderr.splitlines())
    assert built.stdout.startswith("Built 6 articles: ")
    warnings = len(built.stderr.splitlines())
    assert f", {warnings} warning{'' if warnings == 1 else 's'} in " in built.stdout


def test_everything_a_file_lacks_is_said_in_one_run(site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.txt"
    bare.write_text("it was all said before, and nothing more.\n", encoding="utf-8")
    result = newsgen_cli("import", bare, "--source", site)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[1].split(":")[0].split(";")[0] for line in errors] == [
        "no headline found",
        "no section line above the headline (like 'World News')",
        "no publication date found",
    ]


def test_a_folder_under_content_is_a_section_for_import(site: Path, tmp_path: Path) -> None:
    (site / "content" / "sport").mkdir(parents=True)
    story = tmp_path / "cup.txt"
    story.write_text("Sport\n\nEastmere win the cup\n\nMarch 3, 2024\n\nThey won.\n")
    result = newsgen_cli("import", story, "--source", site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(site / "content/sport/eastmere-win-the-cup.md")
