"""Anchor benchmarks: newsgen's cold build against Hugo's and Pelican's on the same corpus.

``python benchmarks/anchors.py [--articles 10000] [--rounds 3]``:

1. installs what is missing: Hugo from Debian's packages (``apt-get install
   -y hugo``) and Pelican with python-markdown into their own venv
   (``benchmarks/.venv-anchors``, never the project's ``.venv``);
2. generates the corpus once (``corpus.py``) and writes the very same
   articles as a newsgen site, a Hugo site and a Pelican site: the same
   Markdown bodies (links to other articles in each one's own form), dates,
   headlines, slugs, bylines and tags; sections are Hugo sections and Pelican
   categories. Hugo and Pelican use the minimal themes in
   ``benchmarks/anchors/``, which make the pages the three have in common:
   article pages, paginated section and tag pages, a tag index, a home page
   and one RSS feed with full content (newsgen makes more: author, date
   archive and corrections pages, more feeds, sitemaps, JSON-LD);
3. measures cold builds in alternating rounds (newsgen, Hugo, Pelican,
   newsgen, ...), each with its output and caches set aside beforehand, not
   deleted (measure.set_aside() says why), and in each round Pelican's
   rebuild with its content cache after one article's body is edited, beside
   newsgen's rebuild after the same edit;
4. prints newsgen's wall time over each anchor's and everyone's peak memory,
   and appends them to ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import corpus
from measure import SET_ASIDE, Measurement, Summary, run_measured, set_aside, summarise
from run import (
    BUILD_TIME,
    RESULTS,
    chosen_article,
    edit_body,
    environment_lines,
    find_newsgen,
    publish_report,
)

HERE = Path(__file__).resolve().parent
ANCHORS = HERE / "anchors"
DEFAULT_VENV = HERE / ".venv-anchors"
ARTICLE_LINK = re.compile(r"\]\(\.\./([^)\s]+\.md)\)")
"""A link to another article's source, as corpus.py writes it: ``](../world/x.md)``."""

HUGO_TARGET = 1.5
"""newsgen's cold build, its search index included (the corpus has search on; Hugo and
Pelican build none), may take at most this times Hugo's wall time (issue 18; without
the index it was 1.0)."""
PELICAN_TARGET = 1 / 8
"""... and at most this times Pelican's (at least 8 times faster)."""


# --------------------------------------------------------------------------- tools


def ensure_hugo() -> Path:
    """Return the ``hugo`` command, installing Debian's package when it is missing."""
    found = shutil.which("hugo")
    if found:
        return Path(found)
    if os.geteuid() != 0:
        raise SystemExit("hugo is missing: run `sudo apt-get install -y hugo` and try again")
    print("Installing Hugo (apt-get install -y hugo) ...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True, env=env)
    return Path(shutil.which("hugo") or "/usr/bin/hugo")


def ensure_pelican(venv: Path) -> Path:
    """Return the ``pelican`` command of ``venv``, creating the venv and installing it if needed."""
    pelican = venv / "bin" / "pelican"
    if pelican.exists():
        return pelican
    print(f"Installing Pelican into {venv} (pip install pelican markdown) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "pelican", "markdown"], check=True)
    return pelican


def tool_version(command: Sequence[str]) -> str:
    """Return the first line a ``--version``-like command prints."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


# --------------------------------------------------------------------------- sites


@dataclass(frozen=True, slots=True)
class Sites:
    """The three generated sites of one corpus."""

    newsgen: Path
    hugo: Path
    pelican: Path


def write_sites(root: Path, count: int, seed: int) -> Sites:
    """Write the corpus as a newsgen, a Hugo and a Pelican site under ``root``."""
    sites = Sites(root / "newsgen", root / "hugo", root / "pelican")
    corpus.write_site(sites.newsgen, count, seed)
    prepare_hugo(sites.hugo)
    prepare_pelican(sites.pelican)
    images = sites.newsgen / "static" / "images"
    shutil.copytree(images, sites.hugo / "static" / "images")
    shutil.copytree(images, sites.pelican / "content" / "images")
    for article in corpus.generate(count, seed):
        write_file(sites.hugo / "content" / article.path, hugo_article(article))
        write_file(sites.pelican / "content" / article.path, pelican_article(article))
    return sites


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def prepare_hugo(site: Path) -> None:
    """Lay out the Hugo site: config (with a permalink per section), layouts, static."""
    shutil.copytree(ANCHORS / "hugo", site)
    pattern = "/:section/:year/:month/:day/:slug/"
    permalinks = "".join(f"  {folder}: {pattern}\n" for folder, _, _ in corpus.SECTIONS)
    with (site / "config.yaml").open("a", encoding="utf-8") as config:
        config.write(f"permalinks:\n{permalinks}")


def prepare_pelican(site: Path) -> None:
    """Lay out the Pelican site: settings pointing at the minimal theme and a cache."""
    site.mkdir(parents=True)
    settings = (ANCHORS / "pelican" / "pelicanconf.py").read_text(encoding="utf-8")
    settings += (
        f"\nTHEME = {str(ANCHORS / 'pelican' / 'theme')!r}\nCACHE_PATH = {str(site / 'cache')!r}\n"
    )
    (site / "pelicanconf.py").write_text(settings, encoding="utf-8")


def hugo_article(article: corpus.Article) -> str:
    """Return ``article`` as a Hugo content file (YAML front matter)."""
    q = corpus.yaml_string
    lines = [
        "---",
        f"title: {q(article.headline)}",
        f"date: {article.date.isoformat()}",
        f"slug: {article.slug}",
        "authors: [" + ", ".join(q(name) for name in article.bylines) + "]",
        "tags: [" + ", ".join(q(tag) for tag in article.tags) + "]",
    ]
    if article.updated:
        lines.append(f"lastmod: {article.updated.isoformat()}")
    if article.summary:
        lines.append(f"summary: {q(article.summary)}")
    if article.images:
        lines.append("images:")
        for image in article.images:
            lines += [
                f"  - src: {image.src}",
                f"    caption: {q(image.caption)}",
                f"    credit: {q(image.credit)}",
                f"    alt: {q(image.alt)}",
            ]
    if article.sources:
        lines.append("sources:")
        for name, url in article.sources:
            lines += [f"  - name: {q(name)}", f"    url: {url}"]
    lines.append("---")
    body = ARTICLE_LINK.sub(r']({{< relref "/\1" >}})', article.body)
    return "\n".join(lines) + "\n" + body


def pelican_article(article: corpus.Article) -> str:
    """Return ``article`` as a Pelican Markdown file (its ``Key: value`` metadata)."""
    lines = [
        f"Title: {article.headline}",
        f"Date: {article.date.isoformat()}",
        f"Category: {section_title(article.section)}",
        f"Tags: {', '.join(article.tags)}",
        f"Authors: {', '.join(article.bylines)}",
        f"Slug: {article.slug}",
    ]
    if article.updated:
        lines.append(f"Modified: {article.updated.isoformat()}")
    if article.summary:
        lines.append(f"Summary: {article.summary}")
    if article.images:
        lead = article.images[0]
        lines += [
            f"Lead_image: {lead.src}",
            f"Lead_caption: {lead.caption}",
            f"Lead_credit: {lead.credit}",
            f"Lead_alt: {lead.alt}",
        ]
    body = ARTICLE_LINK.sub(r"]({filename}/\1)", article.body)
    return "\n".join(lines) + "\n\n" + body


def section_title(folder: str) -> str:
    """Return the display title of a section folder."""
    return next(title for name, title, _ in corpus.SECTIONS if name == folder)


# --------------------------------------------------------------------------- builds


@dataclass(frozen=True, slots=True)
class Tool:
    """How to make a cold build of one site with one generator."""

    name: str
    site: Path
    output: Path
    command: list[str]
    state: tuple[Path, ...]
    """Folders set aside before a cold build: the output and every cache."""

    def cold(self) -> Measurement:
        """Set aside output and caches (measure.set_aside(), beside the site), then build
        and measure."""
        set_aside(self.state, self.site.parent)
        return self.build()

    def build(self) -> Measurement:
        """Build as things are and measure."""
        env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_TIME}
        return run_measured(self.command, cwd=self.site, env=env)


def make_tools(
    sites: Sites, newsgen: Path, hugo: Path, pelican: Path, extra: list[str]
) -> list[Tool]:
    """Return newsgen, Hugo and Pelican, in the order every round runs them."""
    n, h, p = sites.newsgen, sites.hugo, sites.pelican
    return [
        Tool(
            "newsgen",
            n,
            n / "public",
            [str(newsgen), "build", "--source", str(n), "--output", str(n / "public"), *extra],
            (n / "public", n / ".newsgen-spare-public", n / ".newsgen"),
        ),
        Tool(
            "Hugo",
            h,
            h / "public",
            [
                str(hugo),
                "--source",
                str(h),
                "--destination",
                str(h / "public"),
                "--cacheDir",
                str(h / ".hugo-cache"),
            ],
            (h / "public", h / "resources", h / ".hugo-cache"),
        ),
        Tool(
            "Pelican",
            p,
            p / "output",
            [
                str(pelican),
                str(p / "content"),
                "--settings",
                str(p / "pelicanconf.py"),
                "--output",
                str(p / "output"),
            ],
            (p / "output", p / "cache"),
        ),
    ]


def edited_rebuild(tool: Tool, edit: Callable[[str], str], resync: bool) -> Measurement:
    """Edit the chosen article's body, rebuild and measure, then revert it.

    With ``resync`` an unmeasured build follows the revert, so the tool's
    state matches the sources again.
    """
    path = chosen_article(tool.site)
    original = path.read_bytes()
    path.write_bytes(edit(original.decode("utf-8")).encode("utf-8"))
    try:
        measurement = tool.build()
    finally:
        path.write_bytes(original)
    if resync:
        tool.build()
    return measurement


def count_pages(output: Path) -> int:
    """Return how many HTML and XML files a build wrote."""
    return sum(1 for path in output.rglob("*") if path.suffix in (".html", ".xml"))


def run_rounds(tools: list[Tool], rounds: int, verbose: bool) -> dict[str, list[Measurement]]:
    """Run the alternating rounds; return the measurements under their row names."""
    newsgen, _, pelican = tools
    rows: dict[str, list[Measurement]] = {}
    for number in range(1, rounds + 1):
        print(f"Round {number} of {rounds}", flush=True)
        for tool in tools:
            record(rows, f"{tool.name} cold", tool.cold(), verbose)
        record(
            rows,
            "Pelican one body edited (cache)",
            edited_rebuild(pelican, edit_body, resync=False),
            verbose,
        )
        record(
            rows,
            "newsgen one body edited",
            edited_rebuild(newsgen, edit_body, resync=True),
            verbose,
        )
    return rows


def record(rows: dict[str, list[Measurement]], name: str, m: Measurement, verbose: bool) -> None:
    """Add ``m`` to ``rows[name]`` and print it."""
    rows.setdefault(name, []).append(m)
    if verbose:
        print(
            f"  {name:34} {m.wall:8.2f} s wall {m.cpu:8.2f} s CPU {m.peak_mb:7.0f} MB", flush=True
        )


# --------------------------------------------------------------------------- report


def report_table(summaries: dict[str, Summary], pages: dict[str, int]) -> str:
    """Return the Markdown table: every row, and newsgen's cold time over each cold time."""
    newsgen_cold = summaries["newsgen cold"].wall
    lines = [
        "| build | wall s | wall min–max s | CPU s | peak MB | pages | newsgen cold ÷ this |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in summaries.items():
        tool = name.split()[0]
        ratio = f"{newsgen_cold / s.wall:.2f}" if name.endswith("cold") else ""
        shown_pages = f"{pages[tool]:,}" if name.endswith("cold") and tool in pages else ""
        lines.append(
            f"| {name} | {s.wall:.2f} | {s.wall_min:.2f}–{s.wall_max:.2f} | {s.cpu:.2f} | "
            f"{s.peak_mb:.0f} | {shown_pages} | {ratio} |"
        )
    return "\n".join(lines)


def verdicts(summaries: dict[str, Summary]) -> list[str]:
    """Return the issue's two anchor targets, each with its verdict."""
    newsgen = summaries["newsgen cold"].wall
    hugo = newsgen / summaries["Hugo cold"].wall
    pelican = newsgen / summaries["Pelican cold"].wall
    return [
        f"- newsgen cold ÷ Hugo cold = {hugo:.2f} (target ≤ {HUGO_TARGET:g}) "
        f"{'✓' if hugo <= HUGO_TARGET else '✗'}",
        f"- newsgen cold ÷ Pelican cold = {pelican:.3f}, i.e. {1 / pelican:.1f}× faster "
        f"(target ≥ 8× faster) {'✓' if pelican <= PELICAN_TARGET else '✗'}",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (10000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--newsgen", type=Path, default=None, help="the newsgen command to run")
    parser.add_argument(
        "--venv", type=Path, default=DEFAULT_VENV, help="Pelican's venv (benchmarks/.venv-anchors)"
    )
    parser.add_argument("--extra-args", default="", help="more arguments for newsgen build")
    parser.add_argument("--workdir", type=Path, default=None, help="where to put temporary sites")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Markdown file to append to")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--quiet", action="store_true", help="do not print every build")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Install the anchors, build the three sites in rounds, report and append the results."""
    args = parse_args(argv)
    newsgen = (args.newsgen or find_newsgen()).resolve()
    hugo, pelican = ensure_hugo(), ensure_pelican(args.venv.resolve())
    extra = shlex.split(args.extra_args)
    tmp = Path(tempfile.mkdtemp(prefix=f"newsgen-anchors-{args.articles}-", dir=args.workdir))
    try:
        started = time.perf_counter()
        sites = write_sites(tmp, args.articles, args.seed)
        print(
            f"{args.articles:,} articles written for newsgen, Hugo and Pelican "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        tools = make_tools(sites, newsgen, hugo, pelican, extra)
        rows = run_rounds(tools, args.rounds, not args.quiet)
        pages = {tool.name: count_pages(tool.output) for tool in tools}
    finally:
        if args.keep:
            shutil.rmtree(tmp / SET_ASIDE, ignore_errors=True)
            print(f"Sites kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    summaries = {name: summarise(measurements) for name, measurements in rows.items()}
    report = "\n".join(
        [
            f"## Anchors: {args.articles:,} articles, cold builds",
            "",
            *environment_lines(newsgen, extra),
            f"- {tool_version([str(hugo), 'version'])}",
            f"- Pelican {tool_version([str(pelican), '--version'])}",
            f"- figures: median of {args.rounds} alternating round"
            f"{'s' if args.rounds != 1 else ''}; pages = HTML and XML files written",
            "",
            report_table(summaries, pages),
            "",
            *verdicts(summaries),
            "",
        ]
    )
    return publish_report(report, args.results)


if __name__ == "__main__":
    sys.exit(main())
