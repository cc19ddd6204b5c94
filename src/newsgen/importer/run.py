"""The ``newsgen import`` command: what each file is, which importer takes it, and
what the user is told.

Each file is recognised from its content (``--format`` forces it): a WordPress
export, an RSS or Atom feed, a saved web page, or plain text. An export or a
feed is imported as one transaction of its own; all the saved pages given are
imported together as one (so links between them are pointed at their files);
each plain-text file is one article. Every note, skip and error is printed with
its file and line (an export), entry (a feed) or file (a page); the exit code
is 1 when anything could not be imported.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.errors import UsageError

if TYPE_CHECKING:
    from newsgen.importer.command import ImportOptions, TargetSite
    from newsgen.importer.media import MediaFolder
    from newsgen.importer.transaction import ImportDone
    from newsgen.importer.wordpress import WordPressOptions

EXIT_OK, EXIT_FAILED = 0, 1
PAGE_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body|title)\b",
    re.S | re.IGNORECASE,
)
"""The start of an HTML page (after a byte order mark, white space and comments)."""


def run_import(args: argparse.Namespace) -> int:
    """``newsgen import FILE...``: write an article per file, post, entry or page;
    return 1 when any could not be imported."""
    from newsgen.importer.command import ImportOptions, open_site, parse_date_option
    from newsgen.urls import make_slug

    if args.image and len(args.files) > 1:
        raise UsageError("--image gives the photos of one file; import that file on its own")
    if args.section is not None and not make_slug(args.section):
        raise UsageError(f"--section '{args.section}' needs letters or digits")
    if args.media is not None and not args.media.is_dir():
        raise UsageError(f"--media '{args.media}' is not a folder (give the uploads folder)")
    options = ImportOptions(
        args.section, parse_date_option(args.date), tuple(args.byline), tuple(args.image)
    )
    site = open_site(args.source)
    kinds = {file: import_kind(file, args.format) for file in args.files}
    pages = [file for file, kind in kinds.items() if kind == "page"]
    failed = run_pages_import(site, pages, args) if pages else 0
    for file, kind in kinds.items():
        if kind in ("wordpress", "feed"):
            failed += run_posts_import(site, file, args, kind)
        elif kind == "text":
            failed += _run_text_import(site, file, options, args)
    if failed:
        noun = "file" if len(args.files) == 1 else "files"
        print(f"newsgen: {failed} of {len(args.files)} {noun} could not be imported",
              file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    return EXIT_OK


def import_kind(file: Path, format: str) -> str:
    """Return what ``file`` is to be imported as: ``text``, ``wordpress``, ``feed`` or
    ``page`` (``--format``, or its first bytes when ``auto``)."""
    if format != "auto":
        return format
    from newsgen.importer.feed import is_feed
    from newsgen.importer.wordpress import is_wordpress_export
    from newsgen.input_files import open_regular

    try:
        with open_regular(file) as handle:  # a named pipe is never read
            head = handle.read(1 << 14)
    except OSError:  # NotAFile too: the text import says why it cannot read it
        return "text"
    if is_wordpress_export(head):
        return "wordpress"
    if is_feed(head):
        return "feed"
    return "page" if PAGE_START.match(head) else "text"


def _run_text_import(
    site: TargetSite, file: Path, options: ImportOptions, args: argparse.Namespace
) -> int:
    from newsgen.importer.command import ImportFailed, import_file

    try:
        planned = import_file(site, file, options, args.dry_run)
    except ImportFailed as error:
        for line, message in error.all:
            where = f"{file}:{line}" if line else str(file)
            print(f"{where}: error: {message}", file=sys.stderr)
        return 1
    for note in planned.notes:
        print(f"{file}:{note.line}: {note.kind}: {note.text}", file=sys.stderr)
    if args.dry_run:
        print(f"{file}: would write {planned.path}", file=sys.stderr)
        print(planned.markdown, end="")
    else:
        print(args.source / planned.path)
    return 0


def _options(args: argparse.Namespace) -> WordPressOptions:
    from newsgen.importer.wordpress import WordPressOptions

    mapping = {}
    for pair in args.section_map:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UsageError(f"--section-map '{pair}' must be OLD=NEW, e.g. uncategorized=news")
        mapping[old.strip()] = new.strip()
    return WordPressOptions(mapping, args.published_only, args.pages, args.section or "news")


def _media(args: argparse.Namespace) -> MediaFolder | None:
    from newsgen.importer.media import MediaFolder

    return MediaFolder(args.media.resolve()) if args.media is not None else None


def run_posts_import(site: TargetSite, file: Path, args: argparse.Namespace, kind: str) -> int:
    """Import the WordPress export or feed (``kind``) ``file``; print what was done;
    return 1 when a post could not be imported (or the file not read), else 0."""
    from newsgen.importer.feed import FeedError, feed_articles
    from newsgen.importer.transaction import import_posts
    from newsgen.importer.wordpress import ImportedPost, Skipped, wordpress_articles
    from newsgen.importer.wxr import WxrError

    options = _options(args)
    try:
        if kind == "feed":
            posts: Iterable[ImportedPost | Skipped] = list(feed_articles(file, options))
        else:  # a feed is read whole before anything is written; an export is streamed
            posts = wordpress_articles(file, options)
        done = import_posts(site, posts, args.keep_going, args.dry_run, _media(args))
    except WxrError as error:
        print(f"{file}:{error.line}: error: {error.message}; nothing was written", file=sys.stderr)
        return 1
    except (FeedError, OSError) as error:
        print(f"{file}: error: {error}; nothing was written", file=sys.stderr)
        return 1

    def where(line: int) -> str:  # a feed's entries are counted, an export's lines
        return f"{file}: entry {line}" if kind == "feed" else f"{file}:{line}"

    return _report(done, where, str(file), args)


def run_pages_import(site: TargetSite, pages: list[Path], args: argparse.Namespace) -> int:
    """Import the saved pages ``pages`` as one transaction; print what was done; return
    how many of them could not be imported."""
    from newsgen.importer.page_workers import page_articles
    from newsgen.importer.transaction import import_posts
    from newsgen.importer.wordpress import ImportedPost, Skipped

    outcomes = page_articles(pages, _options(args))
    posts: list[ImportedPost | Skipped] = []
    unread = []
    for number, outcome in enumerate(outcomes, 1):
        if isinstance(outcome, str):
            unread.append((number, outcome))
        else:
            posts.append(outcome)
    try:
        done = import_posts(site, posts, args.keep_going, args.dry_run, _media(args), unread)
    except OSError as error:  # a file that appeared meanwhile, a full disk: all taken back
        print(f"newsgen import: error: {error}; nothing was written", file=sys.stderr)
        return len(pages)

    def where(number: int) -> str:
        return str(pages[number - 1]) if 0 < number <= len(pages) else "newsgen import"

    failed = _report(done, where, f"{len(pages)} saved pages", args)
    return len({line for line, _ in done.failed}) if failed else 0


def _report(
    done: ImportDone, where: Callable[[int], str], what: str, args: argparse.Namespace
) -> int:
    for note in sorted(done.notes, key=lambda n: n.line):
        print(f"{where(note.line)}: {note.kind}: {note.text}", file=sys.stderr)
    for skipped in done.skipped:
        title = skipped.title or "(no title)"
        print(f"{where(skipped.line)}: skipped: {title}: {skipped.reason}", file=sys.stderr)
    for line, message in done.failed:
        print(f"{where(line)}: error: {message}", file=sys.stderr)
    for path in done.written:
        print(f"would write {path}" if args.dry_run else path)
    kept = "" if not done.failed or args.keep_going else "; nothing was written (--keep-going "
    kept += "writes the others)" if kept else ""
    line = (
        f"{what}: {len(done.written)} articles {'to write' if args.dry_run else 'written'}, "
        f"{done.already} already imported, {len(done.skipped)} skipped, "
        f"{len(done.failed)} failed{kept}"
    )
    if done.relinked:
        line += f"; {done.relinked} links between articles pointed at their new files"
    if done.copies:
        line += (
            f"; {len(done.copies)} pictures {'to copy' if args.dry_run else 'copied'} into static/"
        )
    print(line, file=sys.stderr)
    return 1 if done.failed else 0
