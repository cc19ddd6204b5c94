"""Property-based safety test: random front matter and Markdown never break newsgen.

Hypothesis writes one- or two-article sites whose front matter mixes the known
keys (with good values and with values of every other type: hostile text,
numbers, lists, nested mappings, dates as text, booleans, null, and values whose
conversion breaks Python: 5,000-digit integers, infinite and NaN floats, lists
nested 40 deep, ``!!binary``, ``!!set``, dates of year 0 or 99999) with unknown
keys, and whose bodies are random sequences of Markdown fragments (headings,
emphasis, links and images with random schemes or hosts Python's URL library
refuses, raw HTML, code, lists, tables, footnotes, block quotes, and the shapes
that crashed or stalled the parser: deep nesting, many definitions, long runs
of emphasis and brackets). ``newsgen.build.pipeline.build`` must then either

- succeed, and every page parses with html5lib's strict parser, every feed
  parses with feedparser without ``bozo``, and no page or feed body holds a
  ``<script>`` element, an event handler or a ``javascript:``/``data:`` URL; or
- raise ``BuildFailed`` whose problems each name a file under the site, a
  line ≥ 1 within that file, and a message.

Any other exception fails the test.
"""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import html5lib
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from newsgen.errors import BuildFailed
from page_checks import is_search_page_own

REPO_ROOT = Path(__file__).resolve().parents[2]
PNG = REPO_ROOT / "tests" / "fixtures" / "bad" / "_base" / "static" / "images" / "ok.png"
CONFIG = """\
title: Property Post
base_url: https://property.example.com/news/
description: Random sites.
timezone: Europe/London
per_page: 2
feed_items: 3
"""
KNOWN_KEYS = ("headline", "date", "section", "slug", "summary", "byline", "tags",
              "sources", "images", "updated", "draft", "extra")  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "cite", "data",
                  "background", "xlink:href"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"

# Hypothesis caches Unicode tables on disk; keep that out of the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newsgen-safety-hypothesis")

# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</title><script>x</script>",
    "{{ site.config }}", "{% for x in y %}", "{#", "]]>", "<![CDATA[", "&amp;", "&#0;", "&lt;",
    "javascript:alert(1)", "data:text/html,<script>", '"', "'", "`", "\\", "---", "...",
    "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u200b", "\ufeff", "\ufffe",
    "\U0001f389", "e\u0301", "İ", "ß", "ǅ", "2024-02-30", "2024-12-16T09:30:00+03:00", "null",
    "yes", "~", "#", ": ", "- ", "* ", "&a", "*a", "!!python/object/apply:os.system",
]  # fmt: skip
chars = st.characters(blacklist_categories=("Cs",))
plain_words = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8
)
text = st.lists(
    st.one_of(st.text(chars, max_size=12), st.sampled_from(HOSTILE), plain_words), max_size=5
).map("".join)
words = st.lists(plain_words, min_size=1, max_size=4).map(" ".join)
# Text that a field may legitimately hold: some words, maybe something hostile too.
good_text = st.tuples(words, st.one_of(st.just(""), text)).map(
    lambda p: (p[0] + " " + p[1]).strip()
)

SCHEMES = ["javascript:", "JaVaScRiPt:", "java\tscript:", " javascript:", "vbscript:", "data:",
           "data:image/svg+xml;base64,", "file:", "ftp:", "http:", "https:", "mailto:", "", "//",
           "#", "/", "../", "?", "&#106;avascript:", "javascript&colon;"]  # fmt: skip
# Hosts Python's URL library refuses as written (brackets) or that need escaping.
ODD_HOSTS = ["a]b.example", "a[b.example", "[2001:db8::1", "[2001:db8::1]", "[abc]", "[1:zz]",
             "a%b.example", "a%41b.example", "a`b{c}|d^e\\f", "a<b>.example"]  # fmt: skip
url = st.one_of(
    st.tuples(
        st.sampled_from(SCHEMES), st.sampled_from(["", "//"]), st.text(chars, max_size=15)
    ).map("".join),
    st.tuples(
        st.sampled_from(["https://", "//", "mailto:x@"]),
        st.sampled_from(ODD_HOSTS),
        st.sampled_from(["", "/", "/p?q#f", ":8080/x"]),
    ).map("".join),
)
GOOD_IMAGE_SOURCES = ["/images/ok.png", "photo.png", "https://img.example.org/a.jpg"]
IMAGE_SOURCES = [
    "/images/ok.png", "photo.png", "https://img.example.org/a.jpg", "missing.png",
    "/images/missing.png", "../photo.png", "javascript:alert(1)",
    "data:image/png;base64,iVBORw0KGgo=", "//evil.example/x.png", "", "sub\\x.png",
]  # fmt: skip

# ---------------------------------------------------------------------------
# Front matter values
# ---------------------------------------------------------------------------

zones = st.builds(timezone, st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m)))
# Mostly ordinary dates; sometimes any date Python can hold (year 1 to 9999).
recent = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31))
edges = st.sampled_from([datetime(9999, 12, 31, 23, 30), datetime(1, 1, 1, 0, 30)])
instants = st.one_of(recent, recent, recent, st.datetimes(), edges)
datetimes = st.datetimes(timezones=st.one_of(st.none(), zones))


class Raw(str):
    """A YAML number written as it stands: too large for Python to print (a 5,000-digit
    integer, which yaml.dump could not write) or in hexadecimal."""


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


# Values whose conversion breaks Python, or that no field takes: huge integers (Python
# prints no more than 4,300 digits), lists nested deeper than newsgen reads, !!binary,
# !!set, dates out of range; floats include inf and nan already.
huge_numbers = st.builds(
    lambda form, digits: Raw(form.replace("N", "1" + "0" * digits)),
    st.sampled_from(["N", "-N", "0xN"]),
    st.integers(100, 5200),
)
breaking = st.one_of(
    huge_numbers,
    st.integers(18, 40).map(nested),
    st.binary(max_size=6),
    st.sets(st.integers(0, 9), max_size=3),
    st.sampled_from(["0000-01-01", "99999-12-31", "2024-01-01T00:00:00+25:00"]),
)
bad_moments = st.one_of(
    st.sampled_from(["2024-02-30", "2024-13-01", "yesterday", "", "0000-01-01", "24:00"]),
    st.integers(),
    st.floats(),
    huge_numbers,
    text,
)
scalars = st.one_of(
    text, st.integers(), st.floats(), st.booleans(), st.none(), st.dates(), datetimes, breaking
)
any_value = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(text, st.integers()), children, max_size=3),
    ),
    max_leaves=8,
)
SOURCE_SCHEMES = ["https://", "http://"]  # others are errors: see BAD_VALUES
good_url = st.tuples(st.sampled_from(SOURCE_SCHEMES), words.map(lambda w: w.replace(" ", "."))).map(
    "".join
)
sources = st.lists(
    st.fixed_dictionaries({"url": good_url}, optional={"name": good_text}), max_size=3
)
images = st.lists(
    st.fixed_dictionaries(
        {"src": st.sampled_from(GOOD_IMAGE_SOURCES)},
        optional={"caption": good_text, "credit": good_text, "alt": good_text},
    ),
    max_size=3,
)
slugs = st.lists(st.text("abcz09", min_size=1, max_size=5), min_size=1, max_size=3).map("-".join)

GOOD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "headline": good_text,
    "section": st.one_of(
        st.sampled_from(["World", "world", "Économie", "<b>Arts</b>", "Feed", "Page"]), good_text
    ),
    "slug": slugs,
    "summary": good_text,
    "byline": st.one_of(good_text, st.lists(good_text, max_size=3)),
    "tags": st.lists(good_text, max_size=3),
    "sources": sources,
    "images": images,
    "draft": st.booleans(),
    "extra": st.dictionaries(text, any_value, max_size=3),
}
# Values of a known key that are (mostly) wrong.
BAD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "date": bad_moments,
    "updated": bad_moments,
    "slug": st.one_of(text, st.just("a/b"), st.just("..")),
    "section": st.sampled_from(["???", "", "🎉"]),
    "sources": st.lists(
        st.fixed_dictionaries({"url": url}, optional={"name": good_text}) | any_value, max_size=3
    ),
    "images": st.lists(
        st.fixed_dictionaries({"src": st.sampled_from(IMAGE_SOURCES)}) | any_value, max_size=3
    ),
}


def as_written(draw: st.DrawFn, moment: datetime) -> Any:
    """A datetime as front matter may give it: a date, a datetime, or ISO text."""
    aware = moment.replace(tzinfo=draw(zones)) if draw(st.booleans()) else moment
    return draw(st.sampled_from([aware, aware.date(), aware.isoformat(), str(aware.date()),
                                 aware.isoformat(" ", "minutes")]))  # fmt: skip


@st.composite
def valid_front_matter(draw: st.DrawFn) -> dict[Any, Any]:
    """Front matter that should load: every value of the right type (the text is hostile)."""
    published = draw(instants)
    data: dict[Any, Any] = {"headline": draw(good_text), "date": as_written(draw, published)}
    for key in ("section", "slug", "summary", "byline", "tags", "sources", "images", "extra"):
        if draw(st.booleans()):
            data[key] = draw(GOOD_VALUES[key])
    if draw(st.integers(0, 3)) == 0:
        data["draft"] = draw(st.booleans())
    if draw(st.booleans()):
        try:
            later = published + draw(st.timedeltas(timedelta(0), timedelta(days=800)))
            data["updated"] = (
                later.replace(tzinfo=None).isoformat() if draw(st.booleans()) else later
            )
        except OverflowError:
            pass
    return data


@st.composite
def front_matter(draw: st.DrawFn) -> dict[Any, Any]:
    """Valid front matter, the same with one or two keys broken, or chaos."""
    mode = draw(st.sampled_from(["valid", "valid", "valid", "broken", "chaos"]))
    data: dict[Any, Any] = draw(valid_front_matter()) if mode != "chaos" else {}
    if mode == "broken":
        for key in draw(st.lists(st.sampled_from(KNOWN_KEYS), min_size=1, max_size=2)):
            how = draw(st.sampled_from(["bad", "random", "delete"]))
            if how == "delete":
                data.pop(key, None)
            elif how == "bad" and key in BAD_VALUES:
                data[key] = draw(BAD_VALUES[key])
            else:
                data[key] = draw(any_value)
    if mode == "chaos":
        for key in KNOWN_KEYS:
            if draw(st.booleans()):
                data[key] = draw(st.one_of(any_value, BAD_VALUES.get(key, any_value)))
    if mode != "valid" and draw(st.booleans()):
        for key in draw(st.lists(st.one_of(text, st.sampled_from(["headlne", "tag"])), max_size=2)):
            data.setdefault(key, draw(any_value))
    return data


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


_NoAliasDumper.add_representer(
    Raw, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int", str(value))
)


def yaml_text(data: dict[Any, Any], style: str) -> str:
    """Front matter as YAML: dumped safely, or written naively line by line."""
    if style == "dump":
        return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False)
    lines = []
    for key, value in data.items():
        if isinstance(value, (str, int, float, bool, date)) or value is None:
            lines.append(f"{key}: {value}")
        else:
            dumped = yaml.dump(
                value, Dumper=_NoAliasDumper, allow_unicode=True, default_flow_style=True
            )
            lines.append(f"{key}: {dumped.strip()}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Markdown bodies
# ---------------------------------------------------------------------------

inline = st.one_of(
    text,
    words,
    st.builds("*{}*".format, words),
    st.builds("**{}**".format, words),
    st.builds("_{}_".format, words),
    st.builds("~~{}~~".format, words),
    st.builds("`{}`".format, text),
    st.builds("[{}]({})".format, text, url),
    st.builds('[{}]({} "{}")'.format, words, url, text),
    st.builds("![{}]({})".format, text, url),
    st.builds("[![{}]({})]({})".format, words, url, url),
    st.builds("<{}>".format, url),
    st.builds("[{}][r]".format, words),
    st.builds("[^{}]".format, st.sampled_from(["1", "n", "x"])),
    st.builds("^[{}]".format, text),
    st.sampled_from([
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        '<a href="javascript:x">a</a>',
        "<iframe src=//evil>", "<svg onload=alert(1)>", "<!-- c -->", "<div>", "</div>", "</a>",
        "&#106;avascript:", "&#xD800;", "&#0;", "&nosuch;", "\\", "  \n", "{{ 7*7 }}", "]]>",
    ]),
)  # fmt: skip
line_of_inline = st.lists(inline, min_size=1, max_size=4).map(" ".join)
block = st.one_of(
    line_of_inline,
    st.builds(
        "{} {}".format, st.sampled_from(["#", "##", "###", "######", "#######"]), line_of_inline
    ),
    st.builds("> {}".format, line_of_inline),
    st.builds("- {}\n- {}".format, line_of_inline, line_of_inline),
    st.builds("1. {}\n2. {}".format, line_of_inline, line_of_inline),
    st.builds("| {} | b |\n|---|---|\n| {} | d |".format, line_of_inline, line_of_inline),
    st.builds("```{}\n{}\n```".format, st.sampled_from(["", "python", "<script>"]), text),
    st.builds("    {}".format, text),
    st.builds("[^{}]: {}".format, st.sampled_from(["1", "n", "x"]), line_of_inline),
    st.builds("[r]: {}".format, url),
    st.sampled_from(["---", "***", "<div>\n<script>alert(1)</script>\n</div>", "<!--", "```"]),
    # Shapes that crashed or stalled the parser: deep nesting, many definitions in a
    # row, long runs of emphasis and brackets (at and past newsgen's limits, markdown/guard.py).
    st.builds(
        "{}x".format,
        st.sampled_from(["> ", "1. ", "- ", "> - "]).flatmap(
            lambda marker: st.sampled_from([12, 60, 101, 5_000]).map(lambda n: marker * n)
        ),
    ),
    st.sampled_from([20, 1_001]).map(
        lambda n: "".join(f"[d{i}]: https://d.example/{i}\n" for i in range(n)) + "[d1]"
    ),
    st.sampled_from(["*a**", "a*b_", "[", "![", "^[", "`"]).flatmap(
        lambda mark: st.sampled_from([100, 2_600]).map(lambda n: mark * n)
    ),
)
bodies = st.lists(st.tuples(block, st.sampled_from(["\n\n", "\n", " "])), max_size=8).map(
    lambda parts: "".join(b + sep for b, sep in parts)
)


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, str]:
    """Return (path under content/, file text) of one article."""
    path = draw(st.sampled_from(["world/a.md", "world/sub/b.md", "c.md", "business/d.md"]))
    style = draw(st.sampled_from(["dump", "dump", "naive"]))
    front = yaml_text(draw(front_matter()), style)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text_ = f"---\n{front}---\n{draw(bodies)}"
    return path, text_.replace("\n", newline)


sites = st.lists(articles(), min_size=1, max_size=2, unique_by=lambda a: a[0])

# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def scheme_of(value: str) -> str:
    cleaned = "".join(ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()
    return cleaned.split(":", 1)[0] + ":" if ":" in cleaned else ""


def json_ld(element: ET.Element) -> bool:
    """True for a JSON-LD data block whose text is valid JSON (data, never run)."""
    if element.get("type") != "application/ld+json":
        return False
    try:
        json.loads(element.text or "")
    except ValueError:
        return False
    return True


def unsafe_parts(tree: ET.Element, where: str) -> list[str]:
    found = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        allowed = json_ld(element) or is_search_page_own(where, element)
        if tag.lower() in ("script", "iframe", "object", "embed", "svg") and not allowed:
            found.append(f"{where}: <{tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where}: <{tag} {name}> handler")
            if name.lower() in URL_ATTRIBUTES and scheme_of(value).startswith(BAD_SCHEMES):
                found.append(f"{where}: <{tag} {name}={value!r}>")
    return found


def check_output(output: Path) -> None:
    """Assert the output is well-formed and safe; each kind of fault fails on its own line,
    so that Hypothesis reports each as a distinct bug."""
    pages = sorted(output.rglob("*.html"))
    assert pages
    not_strict: list[str] = []
    unsafe: list[str] = []
    for page in pages:
        where = page.relative_to(output).as_posix()
        parser = html5lib.HTMLParser(
            tree=html5lib.getTreeBuilder("etree"), strict=True, namespaceHTMLElements=False
        )
        try:
            tree = parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as error:
            not_strict.append(f"{where}: {error} at {parser.errors[-1:]}")
            tree = html5lib.parse(
                page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False
            )
        unsafe += unsafe_parts(tree, where)
    bozo: list[str] = []
    for feed in sorted(output.rglob("*.xml")):
        where = feed.relative_to(output).as_posix()
        data = feed.read_bytes()
        parsed = feedparser.parse(data)
        if parsed.bozo:
            bozo.append(f"{where}: {parsed.bozo_exception!r}")
            continue
        for encoded in ET.fromstring(data).iter(CONTENT_ENCODED):
            fragment = html5lib.parseFragment(
                encoded.text or "", treebuilder="etree", namespaceHTMLElements=False
            )
            unsafe += unsafe_parts(fragment, f"{where} content:encoded")
    assert not unsafe, "unsafe markup or URL:\n" + "\n".join(unsafe)
    assert not bozo, "feed rejected by feedparser:\n" + "\n".join(bozo)
    assert not not_strict, "page is not strict HTML:\n" + "\n".join(not_strict)


def check_failure(failure: BuildFailed, site: Path) -> None:
    assert failure.problems, "BuildFailed without problems"
    for problem in failure.problems:
        assert problem.message.strip(), f"empty message: {problem!r}"
        path = site / problem.path
        assert not Path(problem.path).is_absolute(), f"absolute path: {problem}"
        assert path.exists() or path.is_symlink(), f"not a file under the site: {problem}"
        assert problem.line >= 1, f"line < 1: {problem}"
        if path.is_file():
            lines = len(path.read_bytes().decode("utf-8", "replace").splitlines()) + 1
            assert problem.line <= lines, f"line beyond the end of a {lines}-line file: {problem}"


@settings(
    max_examples=150,
    database=None,  # write nothing into the repository
    # No shrinking: a build takes tens of milliseconds and shrinking one failure would
    # take minutes; the failing example is printed as generated.
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(site_articles=sites)
def test_random_sites_build_safely_or_fail_cleanly(site_articles: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="newsgen-property-") as temp:
        site = Path(temp) / "site"
        (site / "static" / "images").mkdir(parents=True)
        (site / "static" / "images" / "ok.png").write_bytes(PNG.read_bytes())
        (site / "content" / "world").mkdir(parents=True)
        (site / "content" / "world" / "photo.png").write_bytes(PNG.read_bytes())
        (site / "newsgen.yaml").write_text(CONFIG, encoding="utf-8")
        for name, article in site_articles:
            path = site / "content" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(article.encode("utf-8"))
        output = Path(temp) / "public"
        try:
            report = build(BuildOptions(source=site, output=output))
        except BuildFailed as failure:
            fields = sorted(
                {p.field or "-" for p in failure.problems if p.severity.value == "error"}
            )
            event(f"failed on {fields[:2]}")
            check_failure(failure, site)
            assert not output.exists(), "a failed build wrote output"
            return
        for warning in report.warnings:
            assert warning.line >= 1 and warning.message.strip(), warning
            assert (site / warning.path).exists(), warning
        event("built")
        check_output(output)
