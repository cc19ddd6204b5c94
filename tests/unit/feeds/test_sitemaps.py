"""newsgen.feeds.sitemaps: sitemap, sitemap index, Google News sitemap and robots.txt.

Documents are parsed with lxml and checked against the published XML Schemas
(sitemaps.org's sitemap.xsd and siteindex.xsd, tests/fixtures/external/; the news
extension by tests/fixtures/schemas/news-sitemap.xsd, written from Google's docs)
and against stricter ones written here from the sitemaps.org 0.9 protocol and
Google's news sitemap format (lastmod to the second with an offset, http(s)
locations).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree
from unit_helpers import BERLIN, make_article, make_config, render_sitemaps

from newsgen.feeds.dates import w3c_datetime
from newsgen.feeds.sitemaps import MAX_URLS, NEWS_MAX_URLS, NEWS_NS, SITEMAP_NS, news_language
from newsgen.models import Output, SitemapList
from newsgen.render.pages import page_jobs
from newsgen.site.assemble import build_site
from sitemap_schemas import assert_valid_sitemap

NS = {"sm": SITEMAP_NS, "news": NEWS_NS}
BASE = "https://gazette.example.com/"
NOW = datetime(2024, 12, 16, 12, 0, tzinfo=BERLIN)
MOSCOW = timezone(timedelta(hours=3))
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

_LASTMOD = """
<xs:simpleType name="w3cDatetime">
  <xs:restriction base="xs:string">
    <xs:pattern value="\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(Z|[+\\-]\\d{2}:\\d{2})"/>
  </xs:restriction>
</xs:simpleType>
<xs:simpleType name="loc">
  <xs:restriction base="xs:anyURI">
    <xs:minLength value="12"/>
    <xs:maxLength value="2048"/>
    <xs:pattern value="https?://.+"/>
  </xs:restriction>
</xs:simpleType>
"""
URLSET_XSD = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="{SITEMAP_NS}" xmlns="{SITEMAP_NS}" elementFormDefault="qualified">
  {_LASTMOD}
  <xs:element name="urlset">
    <xs:complexType><xs:sequence>
      <xs:element name="url" maxOccurs="50000">
        <xs:complexType><xs:sequence>
          <xs:element name="loc" type="loc"/>
          <xs:element name="lastmod" type="w3cDatetime" minOccurs="0"/>
          <xs:any namespace="##other" processContents="strict" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
  <xs:element name="sitemapindex">
    <xs:complexType><xs:sequence>
      <xs:element name="sitemap" maxOccurs="50000">
        <xs:complexType><xs:sequence>
          <xs:element name="loc" type="loc"/>
          <xs:element name="lastmod" type="w3cDatetime" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>"""
NEWS_XSD = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="{NEWS_NS}" xmlns="{NEWS_NS}" elementFormDefault="qualified">
  {_LASTMOD}
  <xs:element name="news">
    <xs:complexType><xs:sequence>
      <xs:element name="publication">
        <xs:complexType><xs:sequence>
          <xs:element name="name" type="xs:string"/>
          <xs:element name="language">
            <xs:simpleType><xs:restriction base="xs:string">
              <xs:pattern value="[a-z]{{2,3}}|zh-cn|zh-tw"/>
            </xs:restriction></xs:simpleType>
          </xs:element>
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="publication_date" type="w3cDatetime"/>
      <xs:element name="title" type="xs:string"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>"""


def _schema() -> etree.XMLSchema:
    news = etree.XMLSchema(etree.fromstring(NEWS_XSD.encode()))
    assert news is not None
    # One schema importing the other, through a resolver that serves it from memory.
    combined = URLSET_XSD.replace(
        "<xs:simpleType",
        f'<xs:import namespace="{NEWS_NS}" schemaLocation="news.xsd"/>\n<xs:simpleType',
        1,
    )

    class Resolver(etree.Resolver):
        def resolve(self, url, pubid, context):
            return self.resolve_string(NEWS_XSD, context) if url.endswith("news.xsd") else None

    parser = etree.XMLParser()
    parser.resolvers.add(Resolver())
    return etree.XMLSchema(etree.fromstring(combined.encode(), parser))


SCHEMA = _schema()


def parse(data: bytes) -> etree._Element:
    """Parse a sitemap document, checking its declaration, the published schema and
    the stricter one."""
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n")
    root = assert_valid_sitemap(data)
    SCHEMA.assertValid(root)
    return root


def by_path(outputs: list[Output]) -> dict[str, Output]:
    return {output.path: output for output in outputs}


def locs(root: etree._Element, entry: str = "url") -> list[str]:
    return root.xpath(f"sm:{entry}/sm:loc/text()", namespaces=NS)


def lastmods(root: etree._Element, entry: str = "url") -> list[str]:
    return root.xpath(f"sm:{entry}/sm:lastmod/text()", namespaces=NS)


def make_site(articles=(), build_time=NOW, **config_changes):
    return build_site(make_config(**config_changes), list(articles), build_time)


def page(path: str, lastmod: datetime | None) -> Output:
    return Output(path, b"<!doctype html>", f"page {path}", lastmod)


def numbered_pages(count: int) -> list[Output]:
    return [page(f"p{n}/index.html", NOW - timedelta(hours=n)) for n in range(count)]


# --- /sitemap.xml -------------------------------------------------------------------------


def test_sitemap_lists_the_pages_with_a_lastmod():
    pages = [
        page("world/2024/12/16/x/index.html", NOW),
        page("index.html", NOW),
        page("404.html", None),
        page("tags/index.html", None),
        page("about.html", NOW),
    ]
    outputs = by_path(render_sitemaps(make_site(), pages))
    assert outputs["sitemap.xml"].source == "sitemap"
    root = parse(outputs["sitemap.xml"].data)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    assert root.nsmap == {None: SITEMAP_NS}
    assert locs(root) == [
        BASE,
        BASE + "about.html",
        BASE + "world/2024/12/16/x/",
    ]
    assert len(lastmods(root)) == 3


def test_sitemap_of_a_built_site_has_every_page_with_a_lastmod():
    articles = [
        make_article("Kremlin talks", NOW - timedelta(days=1), tags=("Russia",)),
        make_article("Markets", NOW - timedelta(days=40), section="Business"),
    ]
    site = make_site(articles)
    jobs = list(page_jobs(site))
    pages = [page(job.output_path, job.lastmod) for job in jobs]
    root = parse(by_path(render_sitemaps(site, pages))["sitemap.xml"].data)
    listed = locs(root)
    assert len(listed) == sum(job.lastmod is not None for job in jobs)
    assert len(set(listed)) == len(listed)
    assert BASE in listed
    assert articles[0].permalink in listed and articles[1].permalink in listed
    assert BASE + "404.html" not in listed


def test_locs_are_under_the_base_path():
    site = make_site(base_url="https://example.org/news/")
    pages = [page("index.html", NOW), page("world/x/index.html", NOW)]
    outputs = by_path(render_sitemaps(site, pages))
    root = parse(outputs["sitemap.xml"].data)
    assert locs(root) == ["https://example.org/news/", "https://example.org/news/world/x/"]
    assert "Sitemap: https://example.org/news/sitemap.xml" in outputs["robots.txt"].data.decode()


def test_locs_are_percent_encoded():
    pages = [page("a b/ü/index.html", NOW)]
    root = parse(by_path(render_sitemaps(make_site(), pages))["sitemap.xml"].data)
    assert locs(root) == [BASE + "a%20b/%C3%BC/"]


def test_lastmod_is_a_w3c_datetime_in_its_own_offset():
    moment = datetime(2024, 12, 16, 15, 0, 7, 654321, tzinfo=MOSCOW)
    root = parse(
        by_path(render_sitemaps(make_site(), [page("index.html", moment)]))["sitemap.xml"].data
    )
    (lastmod,) = lastmods(root)
    assert lastmod == "2024-12-16T15:00:07+03:00"
    assert W3C_DATETIME.match(lastmod)
    assert datetime.fromisoformat(lastmod) == moment.replace(microsecond=0)
    assert datetime.fromisoformat(lastmod).utcoffset() == timedelta(hours=3)


def test_w3c_datetime_handles_naive_and_odd_offsets():
    assert w3c_datetime(datetime(2024, 12, 16, 9, 30), BERLIN) == "2024-12-16T09:30:00+01:00"
    assert w3c_datetime(datetime(2024, 7, 1, tzinfo=UTC)) == "2024-07-01T00:00:00+00:00"
    # Berlin before 1893 is local mean time, +00:53:28, which W3C cannot write.
    old = datetime(1850, 1, 1, 12, 0, tzinfo=BERLIN)
    text = w3c_datetime(old)
    assert W3C_DATETIME.match(text) and text.endswith("+00:00")
    assert datetime.fromisoformat(text) == old


def test_sitemap_is_sorted_and_stable():
    pages = [*numbered_pages(20), page("404.html", None)]
    first = render_sitemaps(make_site(), pages)
    shuffled = pages[:]
    random.Random(7).shuffle(shuffled)
    second = render_sitemaps(make_site(), shuffled)
    assert [o.data for o in first] == [o.data for o in second]
    listed = locs(parse(by_path(first)["sitemap.xml"].data))
    assert listed == sorted(listed) and len(listed) == 20


def test_no_pages_no_sitemap():
    # sitemaps.org's schema wants at least one <url>: a site with nothing to list
    # (no articles yet) gets no sitemap, and robots.txt does not name one.
    outputs = by_path(render_sitemaps(make_site(), [page("404.html", None)]))
    assert set(outputs) == {"robots.txt"}
    assert b"Sitemap:" not in outputs["robots.txt"].data


def test_an_empty_urlset_is_invalid_against_the_published_schema():
    # Why no empty sitemap is written: this is what one would look like.
    empty = f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"{SITEMAP_NS}\" />\n"
    with pytest.raises(AssertionError, match="Missing child element"):
        assert_valid_sitemap(empty.encode())


# --- the sitemap index --------------------------------------------------------------------


def test_more_urls_than_the_limit_make_a_sitemap_index():
    pages = [*numbered_pages(7), page("404.html", None)]
    outputs = render_sitemaps(make_site(), pages, max_urls=3)
    files = by_path(outputs)
    children = sorted(path for path in files if path.startswith("sitemaps/"))
    assert children == [f"sitemaps/sitemap-{n}.xml" for n in (1, 2, 3)]
    index = parse(files["sitemap.xml"].data)
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    assert locs(index, "sitemap") == [BASE + path for path in children]
    seen: list[str] = []
    for path, lastmod in zip(children, lastmods(index, "sitemap"), strict=True):
        assert files[path].source == "sitemap"
        child = parse(files[path].data)
        assert child.tag == f"{{{SITEMAP_NS}}}urlset"
        assert 1 <= len(child) <= 3
        assert W3C_DATETIME.match(lastmod)
        newest = max(datetime.fromisoformat(text) for text in lastmods(child))
        assert datetime.fromisoformat(lastmod) == newest
        seen += locs(child)
    expected = sorted(BASE + f"p{n}/" for n in range(7))
    assert seen == expected  # every URL exactly once, in order


def test_exactly_the_limit_is_one_sitemap():
    outputs = render_sitemaps(make_site(), numbered_pages(3), max_urls=3)
    assert not [o for o in outputs if o.path.startswith("sitemaps/")]
    assert len(locs(parse(by_path(outputs)["sitemap.xml"].data))) == 3
    assert MAX_URLS == 50_000


def test_50001_urls_make_a_valid_index_of_two_sitemaps():
    # The real limit, checked against sitemaps.org's own schemas: 50,000 URLs fit
    # one sitemap, the 50,001st makes /sitemap.xml an index of two.
    outputs = by_path(render_sitemaps(make_site(), numbered_pages(MAX_URLS + 1)))
    assert sorted(outputs) == [
        "robots.txt",
        "sitemap.xml",
        "sitemaps/sitemap-1.xml",
        "sitemaps/sitemap-2.xml",
    ]
    index = parse(outputs["sitemap.xml"].data)
    assert locs(index, "sitemap") == [BASE + f"sitemaps/sitemap-{n}.xml" for n in (1, 2)]
    counts = [len(parse(outputs[f"sitemaps/sitemap-{n}.xml"].data)) for n in (1, 2)]
    assert counts == [MAX_URLS, 1]


def test_children_are_also_cut_by_size():
    pages = [page(f"{'long-segment-' * 8}{n}/index.html", NOW) for n in range(10)]
    outputs = render_sitemaps(make_site(), pages, max_bytes=2_000)
    children = [o for o in outputs if o.path.startswith("sitemaps/")]
    assert len(children) > 1
    total = 0
    for child in children:
        assert len(child.data) <= 2_000
        total += len(locs(parse(child.data)))
    assert total == 10


# --- /news-sitemap.xml --------------------------------------------------------------------


def news_root(site) -> etree._Element:
    output = by_path(render_sitemaps(site, []))["news-sitemap.xml"]
    assert output.source == "news sitemap"
    return parse(output.data)


def test_news_sitemap_has_the_articles_of_the_last_two_days():
    day_old = make_article("Day old", NOW - timedelta(days=1))
    just_in = make_article("Two days old", NOW - timedelta(days=2))
    hour_old = make_article("Hour old", NOW - timedelta(hours=1))
    too_old = make_article("Three days old", NOW - timedelta(days=3))
    future = make_article("Tomorrow", NOW + timedelta(days=1))
    root = news_root(make_site([too_old, day_old, future, hour_old, just_in]))
    assert root.nsmap == {None: SITEMAP_NS, "news": NEWS_NS}
    assert locs(root) == [hour_old.permalink, day_old.permalink, just_in.permalink]


def test_news_sitemap_entry_fields():
    article = make_article("Kremlin talks", datetime(2024, 12, 16, 10, 0, 0, 999, tzinfo=MOSCOW))
    site = make_site([article], publisher_name="Gazette Media", language="en-GB")
    (url,) = news_root(site).findall("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == article.permalink
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Gazette Media"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published == "2024-12-16T10:00:00+03:00"
    assert datetime.fromisoformat(published) == article.date.replace(microsecond=0)
    assert news.findtext("news:title", namespaces=NS) == "Kremlin talks"


def test_news_publication_name_defaults_to_the_title():
    root = news_root(make_site([make_article("A", NOW)]))
    assert root.xpath("//news:name/text()", namespaces=NS) == ["Test Gazette"]


def test_news_sitemap_holds_at_most_1000_newest_first():
    base = make_article("Recent", NOW)
    articles = [
        replace(
            base,
            slug=f"recent-{n}",
            source_path=f"content/world/recent-{n}.md",
            permalink=f"{BASE}world/recent-{n}/",
            date=NOW - timedelta(seconds=60 * n),
        )
        for n in range(1_200)
    ]
    root = news_root(make_site(articles))
    listed = locs(root)
    assert len(listed) == NEWS_MAX_URLS == 1_000
    assert listed == [f"{BASE}world/recent-{n}/" for n in range(1_000)]
    dates = [
        datetime.fromisoformat(d)
        for d in root.xpath("//news:publication_date/text()", namespaces=NS)
    ]
    assert dates == sorted(dates, reverse=True)


def test_news_sitemap_without_build_time_is_not_written():
    outputs = by_path(render_sitemaps(make_site([make_article("A", NOW)], build_time=None), []))
    assert "news-sitemap.xml" not in outputs


def test_a_quiet_day_writes_no_news_sitemap_and_robots_txt_leaves_it_out():
    quiet = make_site([make_article("Three days old", NOW - timedelta(days=3))])
    outputs = by_path(render_sitemaps(quiet, numbered_pages(2)))
    assert sorted(outputs) == ["robots.txt", "sitemap.xml"]
    parse(outputs["sitemap.xml"].data)
    lines = outputs["robots.txt"].data.decode("utf-8").splitlines()
    named = [line for line in lines if line.startswith("Sitemap:")]
    assert named == [f"Sitemap: {BASE}sitemap.xml"]


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("pt-BR", "pt"),
        ("DE", "de"),
        ("zh-CN", "zh-cn"),
        ("zh-TW", "zh-tw"),
        ("zh-Hant-HK", "zh-tw"),
        ("zh-Hans", "zh-cn"),
        ("zh-HK", "zh-tw"),
        ("zh", "zh"),
        ("ast", "ast"),
    ],
)
def test_news_language(tag, code):
    assert news_language(tag) == code


def test_hostile_headline_stays_well_formed():
    headline = "]]> <script>alert('x')</script> & \x00\x08\x1b\x7f\x85\ufffe done"
    article = make_article(headline, NOW - timedelta(hours=1), slug="hostile")
    root = news_root(make_site([article]))
    title = root.xpath("//news:title/text()", namespaces=NS)
    assert title == ["]]> <script>alert('x')</script> &  done"]
    assert not root.xpath("//script")


# --- /robots.txt --------------------------------------------------------------------------


def test_robots_txt_allows_everything_and_names_both_sitemaps():
    site = make_site([make_article("A", NOW - timedelta(hours=1))])
    output = by_path(render_sitemaps(site, numbered_pages(1)))["robots.txt"]
    assert output.source == "robots.txt"
    lines = output.data.decode("utf-8").splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {BASE}sitemap.xml",
        f"Sitemap: {BASE}news-sitemap.xml",
    ]
    assert output.data.endswith(b"\n")


def test_outputs_and_their_order_are_deterministic():
    site = make_site([make_article("A", NOW), make_article("B", NOW - timedelta(hours=3))])
    first = render_sitemaps(site, numbered_pages(5), max_urls=2)
    second = render_sitemaps(site, numbered_pages(5), max_urls=2)
    assert first == second
    assert [o.path for o in first] == [
        "sitemap.xml",
        "sitemaps/sitemap-1.xml",
        "sitemaps/sitemap-2.xml",
        "sitemaps/sitemap-3.xml",
        "news-sitemap.xml",
        "robots.txt",
    ]
    assert all(o.lastmod is None for o in first)


def test_urlset_text_is_byte_for_byte_what_element_tree_writes():
    import random
    import xml.etree.ElementTree as ET

    from newsgen.feeds.dates import w3c_datetime
    from newsgen.feeds.sitemaps import SitemapEntry, _serialize, _sm, _sub, urlset

    def reference(entries):
        root = ET.Element(_sm("urlset"))
        for entry in entries:
            url = _sub(root, _sm("url"))
            _sub(url, _sm("loc"), entry.loc)
            _sub(url, _sm("lastmod"), w3c_datetime(entry.lastmod))
        return _serialize(root)

    rng = random.Random(7)
    alphabet = "ab/-_?=&<>\"'é–—\u00a0\x07\ufdd0\U0001f600 %#"
    for _ in range(200):
        entries = [
            SitemapEntry(
                "https://x.example/" + "".join(rng.choice(alphabet) for _ in range(12)),
                datetime(2001, 1, 1, tzinfo=timezone(timedelta(hours=rng.randint(-12, 12))))
                + timedelta(seconds=rng.randint(0, 10**9)),
            )
            for _ in range(rng.randint(0, 4))
        ]
        assert urlset(entries) == reference(entries)


def test_entries_are_cut_by_count_alone_only_when_no_run_can_pass_the_byte_limit():
    from newsgen.feeds.sitemaps import SitemapEntry, sitemap_list, split_entries

    def entries(width: int, count: int) -> SitemapList:
        made = [SitemapEntry(f"{BASE}{i:05d}{'x' * width}", NOW) for i in range(count)]
        return sitemap_list(made)

    short = entries(20, 25)
    assert split_entries(short, 10, 50_000) == [short[:10], short[10:20], short[20:]]
    wide = entries(300, 25)  # ten of these pass 3,000 bytes: the byte limit decides
    chunks = split_entries(wide, 10, 3_000)
    assert [len(chunk) for chunk in chunks] == [4] * 6 + [1]
    assert [entry for chunk in chunks for entry in chunk] == list(wide)
    ampersands = sitemap_list([SitemapEntry(f"{BASE}?a=1&b=2&c=3&d=4&e=5", NOW)] * 12)
    assert [len(c) for c in split_entries(ampersands, 10, 1024 + 10 * 150)] == [9, 3]
