"""Markdown that crashed or stalled the parser: built by the installed ``newsgen`` in a
subprocess with a time limit, as a user builds.

Before markdown/guard.py, 50,000 nested ``> `` or ``1. `` killed the process with SIGSEGV
(or the pool with BrokenProcessPool), and 40,000 reference definitions took 85 s.
Now each such body is refused with ``path:line: body: ...`` (the article's line
where the limit is passed), all of them in one run, with exit code 1 and no
traceback; bodies within the limits build. The time limits only catch a crash's
absence of an answer or a stall of minutes, they are no speed target (that is
benchmarks/markdown_stress.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import html5lib

from commands import find_newsgen
from newsgen.markdown.guard import MAX_DEFINITIONS_IN_A_ROW, MAX_EMPHASIS_IN_PARAGRAPH

LIMIT_SECONDS = 60
FRONT = "---\nheadline: {name}\ndate: 2024-01-01\n---\nIntro line.\n\n"
BODY_LINE = 7
"""The 1-based file line of a body's third line (after the front matter and intro)."""
FILLERS = 200
"""Ordinary articles beside the hostile ones: enough for the build to parse in a pool."""


def definitions(count: int) -> str:
    return "".join(f"[r{i}]: https://e.example/{i}\n" for i in range(count))


HOSTILE = {
    "quotes": "> " * 50_000 + "x\n",
    "ordered": "1. " * 50_000 + "x\n",
    "bullets": "- " * 50_000 + "x\n",
    "definitions": definitions(40_000) + "[r1]\n",
    "emphasis": "*a**" * (MAX_EMPHASIS_IN_PARAGRAPH // 2) + "\n",
    "inline-notes": "^[" * 5_000 + "x" + "]" * 5_000 + "\n",
}
EXPECTED = {
    "quotes": (BODY_LINE, "a line opens more than 100 levels of block quotes and lists"),
    "ordered": (BODY_LINE, "a line opens more than 100 levels of block quotes and lists"),
    "bullets": (BODY_LINE, "a line opens more than 100 levels of block quotes and lists"),
    "definitions": (
        BODY_LINE + MAX_DEFINITIONS_IN_A_ROW,
        f"more than {MAX_DEFINITIONS_IN_A_ROW:,} link reference and footnote definitions",
    ),
    "emphasis": (BODY_LINE, f"more than {MAX_EMPHASIS_IN_PARAGRAPH:,} emphasis marks"),
    "inline-notes": (BODY_LINE, "more than 1,000 inline footnotes"),
}
WITHIN = {
    "quotes-100": "> " * 100 + "deep\n",
    "lists-40": "1. " * 20 + "- " * 20 + "deep\n",
    "definitions": "\n".join(definitions(MAX_DEFINITIONS_IN_A_ROW) for _ in range(2)) + "[r1]\n",
    "emphasis": ("**a** *b* " * 400 + "\n\n") * 10 + "*a**" * 1_200 + "\n",
    "brackets": "[" * 20_000 + "\n\n" + "![" * 10_000 + "\n\n" + "<" * 20_000 + "\n",
    "odd-hosts": "[x](https://a]b.example/) <https://a[b.example/> [v6](https://[::1]/)\n",
}


def write_site(root: Path, bodies: dict[str, str], fillers: int = 0) -> None:
    (root / "content" / "world").mkdir(parents=True)
    (root / "newsgen.yaml").write_text(
        "title: Stress\nbase_url: https://stress.example/\nsearch: false\n", encoding="utf-8"
    )
    for name, body in bodies.items():
        text = FRONT.format(name=name) + body
        (root / "content" / "world" / f"{name}.md").write_bytes(text.encode("utf-8"))
    for number in range(fillers):
        text = FRONT.format(name=f"Filler {number}") + f"Filler *{number}*.\n"
        (root / "content" / "world" / f"filler-{number}.md").write_bytes(text.encode("utf-8"))


def run_build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_newsgen(), "build", "--source", str(root), "--output", str(root / "public"), *extra],
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
        check=False,
    )


def test_crashing_and_stalling_bodies_are_refused_at_their_lines(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_site(root, HOSTILE, fillers=FILLERS)
    done = run_build(root, "--jobs", "2")  # parsed in a process pool, as big builds are
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "BrokenProcessPool" not in done.stderr
    for name, (line, message) in EXPECTED.items():
        expected = f"content/world/{name}.md:{line}: body: {message}"
        assert expected in done.stderr, (expected, done.stderr[-2000:])
    assert not (root / "public").exists()


def test_bodies_within_the_limits_build(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_site(root, WITHIN)
    done = run_build(root)
    assert done.returncode == 0, done.stderr[-2000:]
    parser = html5lib.HTMLParser(strict=True)
    for page in (root / "public" / "world").rglob("index.html"):
        parser.parse(page.read_bytes())
    hosts = next((root / "public" / "world").rglob("odd-hosts/index.html")).read_text("utf-8")
    assert 'href="https://a%5Db.example/"' in hosts
    assert 'href="https://a%5Bb.example/"' in hosts
    assert 'href="https://[::1]/"' in hosts


def test_the_preview_s_in_process_rebuild_refuses_a_crashing_body(tmp_path: Path) -> None:
    # The live preview parses saved articles in its own process (a quick rebuild, or
    # a full build of few articles): the guard answers there too, so a body that used
    # to crash markdown-it.rs cannot take the server down. This test is that process.
    from newsgen.build.options import BuildOptions
    from newsgen.build.pipeline import build
    from newsgen.errors import BuildFailed

    root = tmp_path / "site"
    write_site(root, {"story": "A story.\n"})
    out = root / "public"
    build(BuildOptions(root, out))
    build(BuildOptions(root, out))  # leaves a spare tree: the next edit is quick
    story = root / "content" / "world" / "story.md"
    story.write_bytes((FRONT.format(name="story") + HOSTILE["quotes"]).encode("utf-8"))
    try:
        build(BuildOptions(root, out))
    except BuildFailed as failed:
        shown = [str(problem) for problem in failed.problems]
    else:
        raise AssertionError("the build did not fail")
    assert shown == [
        f"content/world/story.md:{BODY_LINE}: body: a line opens more than 100 levels of "
        "block quotes and lists (> or list markers at its start); at most 100 are allowed"
    ]
    story.write_bytes((FRONT.format(name="story") + "Fixed.\n").encode("utf-8"))
    build(BuildOptions(root, out))
    assert b"Fixed." in next(out.rglob("story/index.html")).read_bytes()
