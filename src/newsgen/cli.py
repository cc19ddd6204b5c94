"""The ``newsgen`` command: build, serve, init, new, import.

Turns every NewsgenError into a message and an exit code: 0 success,
1 content, config or output errors, 2 usage errors. Commands import their
modules lazily so that ``newsgen --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen import __version__
from newsgen.build.locks import DEFAULT_WAIT
from newsgen.errors import BuildFailed, NewsgenError, Problem, UsageError

if TYPE_CHECKING:
    from newsgen.build.options import BuildReport

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXAMPLES = """\
examples:
  newsgen init mysite                          create a site in mysite/
  cd mysite
  newsgen new "Council approves budget" --section local --tags budget
  newsgen serve                                preview at http://127.0.0.1:8000/
  newsgen build                                build the site into public/
  newsgen import wire-copy.txt --section world turn plain text into an article

Run 'newsgen COMMAND --help' for a command's options; docs/command-line.md has them all.
"""
_FAILED = {  # the last line of a run stopped by problems in the site, by command
    "build": "Build failed: {}; nothing was written.",
    "serve": "newsgen serve: {}; nothing is being served.",
    "new": "newsgen new: {}; no article was written.",
    "import": "newsgen import: {}; no file was written.",
    "init": "newsgen init: {}; nothing was written.",
}


def console() -> None:
    """The ``newsgen`` command: run main(), then exit with its code.

    Once main() has returned the work is done (or cleanly abandoned), so a
    Ctrl-C or SIGTERM that arrives while Python shuts down is ignored rather
    than turned into a death by signal. The process then ends without
    Python's teardown, which would free every object of a large site one
    by one (a quarter of a second at 10,000 articles) for nothing: every
    file and the cache are closed by then, and the output streams are
    flushed here.
    """
    code = main()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)
    guarded = sys.modules.get("newsgen.guarded")  # loaded only when workers were started
    if guarded is not None:
        guarded.stop_fork_server()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (newsgen build | head)
            code = code or EXIT_FAILED
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # a second Ctrl-C while the first was being reported
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _stop_on_sigterm()
    try:
        return int(args.run(args))
    except BuildFailed as failure:
        report_problems(failure.problems)
        errors = sum(1 for p in failure.problems if p.severity.value == "error")
        print(_FAILED[args.command].format(_count(errors, "error")), file=sys.stderr)
        return failure.exit_code
    except NewsgenError as error:
        print(f"newsgen: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as interrupt:  # a build says what its output folder holds
        print(f"newsgen: {str(interrupt) or 'interrupted'}.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:  # one name, or none (a write to an open file): never ": :"
        where = f"{error.filename}: " if error.filename else ""
        print(f"newsgen: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a bug in newsgen: say so, without a wall of traceback
        if os.environ.get("NEWSGEN_DEBUG"):
            raise
        print(
            f"newsgen: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in newsgen. Run again with NEWSGEN_DEBUG=1 to see the traceback, "
            "and report it with the file that caused it.",
            file=sys.stderr,
        )
        return EXIT_FAILED


def _stop_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so that a stopped build cleans up after itself."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="newsgen",
        description="A static site generator for news archives.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsgen {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="build the site into the output directory",
        description="Build the site in SOURCE into the output folder (default SOURCE/public). "
        "Drafts and articles dated after now are left out unless --drafts / --future are given. "
        "A build that fails leaves the output folder as it was.",
    )
    _add_site_options(build)
    build.add_argument("--base-url", metavar="URL", help="replace base_url from newsgen.yaml")
    build.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build.add_argument(
        "--jobs", type=_positive, metavar="N", help="processes to use (default: all cores)"
    )
    build.add_argument(
        "--no-cache", dest="cache", action="store_false", help="neither read nor update the cache"
    )
    build.add_argument(
        "--wait",
        type=_seconds,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help="how long to wait for another build of the same output folder or site to "
        f"finish before giving up (default {DEFAULT_WAIT:g}; 0: give up at once)",
    )
    build.set_defaults(run=run_build)

    serve = commands.add_parser(
        "serve",
        help="build, then serve the site for preview",
        description="Build the site for preview into SOURCE/.newsgen/preview, serve it at "
        "http://HOST:PORT/ and rebuild it on every save; open pages reload by themselves. "
        "A preview shows drafts and articles dated after now; --no-drafts shows the site "
        "as readers will see it.",
    )
    _add_site_options(serve, preview=True)
    serve.add_argument(
        "--port", type=_port, default=8000, help="port to listen on, 1-65535 (default 8000)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--no-drafts",
        action="store_true",
        help="preview the public view: leave out drafts and articles dated after now "
        "(shown by default)",
    )
    serve.set_defaults(run=run_serve)

    init = commands.add_parser(
        "init",
        help="create a new site, ready to build",
        description="Create a site in DIR: newsgen.yaml, a sample article and a .gitignore "
        "that keeps build output and the cache out of git. DIR must not hold a site yet.",
    )
    init.add_argument("directory", type=Path, metavar="DIR", help="where to create the site")
    init.set_defaults(run=run_init)

    new = commands.add_parser(
        "new",
        help="write a new article file and print its path",
        description="Write a new article under content/SECTION/ and print its path. It starts "
        "as a draft holding a placeholder line; write the story in its place and set "
        "'draft: false' (or build with --drafts) to publish it.",
    )
    new.add_argument("headline", help="the article's headline")
    new.add_argument("--section", required=True, help="the section, e.g. world")
    new.add_argument("--date", help="ISO 8601 date or datetime (default: now)")
    new.add_argument("--byline", action="append", default=[], help="author name (repeatable)")
    new.add_argument(
        "--tags",
        action="append",
        default=[],
        metavar="TAG[,TAG...]",
        help="tags, separated by commas (repeatable)",
    )
    new.add_argument("--slug", help="the URL and file name (default: made from the headline)")
    new.add_argument("--summary", help="the standfirst (default: the first paragraph)")
    new.add_argument(
        "--draft",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="start as a draft, left out of builds without --drafts (default: --draft)",
    )
    new.add_argument(
        "--image",
        metavar="SRC",
        help="lead image: a file beside the article, /images/NAME.jpg in static/, "
        "or an http(s) URL",
    )
    new.add_argument("--caption", help="the lead image's caption (asked when not given)")
    new.add_argument("--credit", help="the lead image's credit (asked when not given)")
    new.add_argument("--alt", help="the lead image's alt text (default: the caption)")
    new.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site root (default: current directory)",
    )
    new.set_defaults(run=run_new)
    _add_import_parser(commands)
    return parser


def _add_import_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="turn plain text, a WordPress export, feeds or saved pages into article files",
        description="Turn plain-text articles, the posts of a WordPress export (WXR), the "
        "entries of RSS and Atom feeds, or saved web pages (.html) into article files under "
        "content/SECTION/. Prints each file written, and every line it dropped or could not "
        "place.",
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="plain-text files, WordPress exports, feeds or saved pages",
    )
    parser.add_argument(
        "--format",
        choices=("auto", "text", "wordpress", "feed", "page"),
        default="auto",
        help="what FILE is (default: recognised from its content)",
    )
    parser.add_argument(
        "--section-map",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="exports, feeds, pages: file category or section OLD under section NEW "
        "(repeatable)",
    )
    parser.add_argument(
        "--published-only",
        action="store_true",
        help="WordPress: skip drafts, pending and private posts (default: import them as drafts)",
    )
    parser.add_argument("--pages", action="store_true", help="WordPress: import pages too")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="exports, feeds, pages: write the articles that can be imported even when "
        "others cannot",
    )
    parser.add_argument(
        "--media",
        type=Path,
        metavar="DIR",
        help="WordPress: the uploads folder (wp-content/uploads) the export's pictures are in; "
        "they are copied into the site",
    )
    parser.add_argument(
        "--section",
        help="the section (default: the text's section line; exports, feeds, pages: the "
        "section of articles with none, default news)",
    )
    parser.add_argument("--date", help="ISO 8601 date or datetime (default: the text's date)")
    parser.add_argument(
        "--byline",
        action="append",
        default=[],
        help="author name (repeatable; default: the text's byline or the agency of its dateline)",
    )
    parser.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="SRC",
        help="image for the next photo caption: /images/NAME.jpg (in static/) or an http(s) URL "
        "(repeatable; one FILE only)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site root (default: current directory)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the Markdown instead of writing files"
    )
    parser.set_defaults(run=run_import)


def _add_site_options(parser: argparse.ArgumentParser, preview: bool = False) -> None:
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site root with newsgen.yaml and content/ (default: .)",
    )
    default = "SOURCE/.newsgen/preview" if preview else "SOURCE/public"
    parser.add_argument(
        "--output", type=Path, metavar="DIR", help=f"the output directory (default: {default})"
    )
    shown = " (a preview includes them unless --no-drafts is given)" if preview else ""
    parser.add_argument("--drafts", action="store_true", help=f"include draft articles{shown}")
    parser.add_argument(
        "--future",
        action="store_true",
        help=f"include articles dated after the build time{shown}",
    )


def run_build(args: argparse.Namespace) -> int:
    """``newsgen build``: build once, print warnings and one summary line.

    An interrupt raises KeyboardInterrupt with a message that says what the output
    folder holds (build() says it while it runs)."""
    try:
        report, output = _build_once(args)
    except KeyboardInterrupt as interrupt:
        said = str(interrupt) or "interrupted before this build changed anything"
        raise KeyboardInterrupt(said) from None
    try:
        if not args.quiet:
            report_problems(report.warnings)
            print(summary_line(report))
    except KeyboardInterrupt:
        said = f"interrupted after the build had finished; {output} holds the site it built"
        raise KeyboardInterrupt(said) from None
    return EXIT_OK


def _build_once(args: argparse.Namespace) -> tuple[BuildReport, Path]:
    """Build as ``args`` say; return the report and the output folder."""
    from newsgen.build.options import BuildOptions
    from newsgen.build.pipeline import build
    from newsgen.progress import ProgressBar

    options = BuildOptions(
        args.source,
        args.output,
        args.base_url,
        args.drafts,
        args.future,
        build_time(),
        jobs=args.jobs,
        cache=args.cache,
        wait=args.wait,
        waiting=None if args.quiet else _say,
    )
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        return build(replace(options, progress=bar)), options.output_dir
    finally:
        if bar is not None:
            bar.clear()


def _say(line: str) -> None:
    """Print a note of the build's to standard error."""
    print(f"newsgen: {line}", file=sys.stderr, flush=True)


def run_serve(args: argparse.Namespace) -> int:
    """``newsgen serve``: build for preview, then serve until Ctrl-C."""
    from newsgen.config import require_site
    from newsgen.preview.server import serve

    require_site(args.source)  # a folder that is no site at all is not served, nor written in
    output = args.output or args.source / ".newsgen" / "preview"
    drafts = args.drafts or not args.no_drafts  # previews show drafts unless told not to
    future = args.future or not args.no_drafts
    return serve(args.source, output, args.host, args.port, (drafts, future), summary_line)


def run_init(args: argparse.Namespace) -> int:
    """``newsgen init DIR``: create a site."""
    from newsgen.scaffold import init_site

    created = init_site(args.directory)
    for path in created:
        print(path)
    print(f"Site created. Build it with: newsgen build --source {args.directory}")
    return EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    """``newsgen new "Headline" --section S``: write an article file, print its path."""
    from newsgen.scaffold import NewArticle, NewImage, new_article

    if args.image is None and any((args.caption, args.credit, args.alt)):
        raise UsageError("--caption, --credit and --alt describe an --image; give one")
    image = None
    if args.image is not None:
        caption = args.caption if args.caption is not None else _ask("Caption")
        credit = args.credit if args.credit is not None else _ask("Credit")
        image = NewImage(args.image, caption, credit, args.alt or "")
    tags = tuple(tag.strip() for given in args.tags for tag in given.split(",") if tag.strip())
    wanted = NewArticle(
        args.headline,
        args.section,
        args.date,
        tuple(args.byline),
        tags,
        args.slug,
        args.summary,
        args.draft,
        image,
    )
    path = new_article(args.source, wanted)
    print(path)
    if args.draft:
        print(
            "newsgen: a draft; replace its placeholder line with the story, then set "
            "'draft: false' to publish it",
            file=sys.stderr,
        )
    return EXIT_OK


def _ask(what: str) -> str:
    """Return the answer typed at a terminal to ``What:``; empty when not at one."""
    if not sys.stdin.isatty():
        return ""
    try:
        return input(f"{what}: ").strip()
    except EOFError:
        return ""


def run_import(args: argparse.Namespace) -> int:
    """``newsgen import FILE...`` (importer/run.py): 1 when any could not be imported."""
    from newsgen.importer.run import run_import as import_files

    return import_files(args)


def build_time() -> datetime | None:
    """Return the build time from ``SOURCE_DATE_EPOCH`` (reproducible builds), or None.

    Raises UsageError when the variable is set but not a whole number of seconds.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


def report_problems(problems: Sequence[Problem]) -> None:
    """Print each problem on its own line to standard error."""
    for problem in problems:
        print(problem, file=sys.stderr)


def summary_line(report: BuildReport) -> str:
    """Return the one-line summary of a BuildReport: the files written are those whose
    bytes changed, the unchanged ones are kept as they were; together, the whole output
    (``Built 15 articles: 50 pages, 3 files written, 71 unchanged, ...``)."""
    written = report.files - report.unchanged
    parts = [
        f"Built {_count(report.articles, 'article')}: {_count(report.pages, 'page')}",
        f"{_count(written, 'file')} written",
    ]
    if report.unchanged:
        parts.append(f"{report.unchanged} unchanged")
    if report.cache_hits:
        parts.append(f"{_count(report.cache_hits, 'cache hit')}")
    if report.pictures_made:
        parts.append(f"{_count(report.pictures_made, 'picture')} processed")
    parts.append(_count(len(report.warnings), "warning"))
    if report.drafts_skipped:
        parts.append(f"{_count(report.drafts_skipped, 'draft')} left out")
    if report.future_skipped:
        parts.append(f"{_count(report.future_skipped, 'future article')} left out")
    return ", ".join(parts) + f" in {report.seconds:.2f} s"


def _seconds(text: str) -> float:
    """argparse type: a number of seconds, 0 or more."""
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError("must be 0 or more seconds")
    return number


def _port(text: str) -> int:
    """argparse type: a TCP port number, 1 to 65535 (0: any free port)."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{number} is not a port number: use 1 to 65535")
    return number


def _positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


if __name__ == "__main__":  # pragma: no cover
    console()
