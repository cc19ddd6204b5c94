"""The published XML Schemas of sitemaps, to validate what newsgen writes.

sitemaps.org's ``sitemap.xsd`` (a ``urlset``) and ``siteindex.xsd`` (a
``sitemapindex``), from ``tests/fixtures/external/`` (see its README), and for the
``news:`` elements of the news sitemap a schema of our own written from Google's
documentation of the format (``tests/fixtures/schemas/news-sitemap.xsd``; Google's
own XSD states no licence, so it is not kept): no network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

EXTERNAL = Path(__file__).resolve().parent / "fixtures" / "external"
NEWS_SCHEMA = Path(__file__).resolve().parent / "fixtures" / "schemas" / "news-sitemap.xsd"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

# One schema that imports both: a urlset's <url> may hold elements of other
# namespaces (xsd:any, processContents="strict"), which must then be known.
_URLSET = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="{SITEMAP_NS}" schemaLocation="sitemap.xsd"/>
  <xs:import namespace="{NEWS_NS}" schemaLocation="{NEWS_SCHEMA.as_uri()}"/>
</xs:schema>"""


@cache
def urlset_schema() -> etree.XMLSchema:
    """sitemaps.org's sitemap.xsd with the news sitemap's schema."""
    base = (EXTERNAL / "urlset.xsd").as_uri()  # imports resolve beside it
    return etree.XMLSchema(etree.fromstring(_URLSET.encode(), base_url=base))


@cache
def index_schema() -> etree.XMLSchema:
    """sitemaps.org's siteindex.xsd."""
    return etree.XMLSchema(etree.parse(str(EXTERNAL / "siteindex.xsd")))


def assert_valid_sitemap(data: bytes, name: str = "sitemap") -> etree._Element:
    """Parse a sitemap or sitemap index and check it against the published schema;
    return its root. Fails with the schema's messages."""
    root = etree.fromstring(data)
    schema = index_schema() if root.tag == f"{{{SITEMAP_NS}}}sitemapindex" else urlset_schema()
    if not schema.validate(root):
        errors = "\n".join(f"  line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(f"{name} is not valid against the published XSD:\n{errors}")
    return root
