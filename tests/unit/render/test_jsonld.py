"""newsgen.render.jsonld: JSON-LD builders, the script-safe serializer, and the pages using them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import html5lib
import pytest
from markupsafe import Markup
from unit_helpers import BERLIN, make_article, make_config, render_pages

from newsgen.build.inputs import default_theme
from newsgen.errors import Problems
from newsgen.models import Correction, Image, Source
from newsgen.render.jsonld import breadcrumbs, credit_creator, json_ld, news_article
from newsgen.render.templates import make_environment
from newsgen.site.assemble import build_site

DAY = datetime(2024, 12, 16, 10, 0, tzinfo=BERLIN)
THEME = default_theme() / "templates"
HOSTILE = 'Critics </script><script>alert(1)</script> say "no" \\ to <!-- Zürich – 東京 \u2028 & co'
LD_TYPE = "application/ld+json"


def photo(name: str, caption: str, credit: str) -> Image:
    return Image(
        url=f"/images/{name}",
        absolute_url=f"https://gazette.example.com/images/{name}",
        caption=caption,
        credit=credit,
        alt=caption,
        media_type="image/jpeg",
    )


def full_article(headline: str = "Bridge reopens after repairs", **changes):
    fields = {
        "summary": "The bridge is open again.",
        "bylines": ("Lena Brandt", "Omar Said"),
        "tags": ("Transport", "Bridges"),
        "sources": (Source("Council statement", "https://council.example.org/bridge"),),
        "images": (
            photo("bridge.jpg", "The bridge at dawn.", "Jo Example"),
            photo("map.png", "The diversion.", "Omar Haj Kadour/AFP via Getty Images"),
        ),
        "corrections": (
            Correction(DAY + timedelta(days=1), "An earlier version misspelt the engineer's name."),
        ),
        "updated": DAY + timedelta(hours=3),
        "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    }
    fields.update(changes)
    return make_article(headline, DAY, **fields)


def site_with(*articles, **config_changes):
    return build_site(make_config(**config_changes), list(articles))


def render(site, **config_changes):
    env = make_environment([THEME], make_config(**config_changes))
    problems = Problems()
    outputs = {o.path: o.data.decode() for o in render_pages(site, env, problems)}
    assert list(problems) == []
    return outputs


def scripts(html: str) -> list:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html).findall(".//script")


def one_ld(html: str) -> dict:
    """The page's only script element, which must be a JSON-LD data block; parsed."""
    [script] = scripts(html)
    assert script.get("type") == LD_TYPE
    return json.loads(script.text)


# --- json_ld ---------------------------------------------------------------------------------


def test_json_ld_is_markup_and_round_trips():
    data = {"headline": HOSTILE, "n": 3, "ok": True, "list": ["a", None]}
    text = json_ld(data)
    assert isinstance(text, Markup)
    assert json.loads(text) == data


@pytest.mark.parametrize("char", ["<", ">", "&", "\u2028", "\u2029"])
def test_json_ld_never_writes_script_unsafe_characters(char):
    text = json_ld({"headline": f"a {char} b", char: char})
    assert char not in text
    assert json.loads(text) == {"headline": f"a {char} b", char: char}


def test_json_ld_keeps_unicode_and_key_order():
    text = json_ld({"b": "Zürich 東京", "a": 1})
    assert "Zürich 東京" in text
    assert list(json.loads(text)) == ["b", "a"]


# --- NewsArticle -----------------------------------------------------------------------------


def test_news_article_required_properties():
    site = site_with(full_article())
    article = site.articles[0]
    data = news_article(site, article)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Bridge reopens after repairs"
    assert data["description"] == "The bridge is open again."
    assert data["datePublished"] == "2024-12-16T10:00:00+01:00"
    assert datetime.fromisoformat(data["datePublished"]) == DAY
    # modified: the correction, a day later, is the newest change
    assert data["dateModified"] == "2024-12-17T10:00:00+01:00"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": article.permalink}
    assert data["articleSection"] == "World"
    assert data["keywords"] == ["Transport", "Bridges"]
    assert data["identifier"] == "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"
    assert data["isAccessibleForFree"] is True


def test_news_article_authors_are_people_with_absolute_pages():
    site = site_with(full_article())
    data = news_article(site, site.articles[0])
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Lena Brandt",
            "url": "https://gazette.example.com/authors/lena-brandt/",
        },
        {
            "@type": "Person",
            "name": "Omar Said",
            "url": "https://gazette.example.com/authors/omar-said/",
        },
    ]


def test_news_article_images_citations_and_corrections():
    site = site_with(full_article())
    data = news_article(site, site.articles[0])
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": "https://gazette.example.com/images/bridge.jpg",
            "caption": "The bridge at dawn.",
            "creditText": "Jo Example",
            "creator": {"@type": "Person", "name": "Jo Example"},
        },
        {
            "@type": "ImageObject",
            "url": "https://gazette.example.com/images/map.png",
            "caption": "The diversion.",
            "creditText": "Omar Haj Kadour/AFP via Getty Images",
            "creator": {"@type": "Organization", "name": "Omar Haj Kadour/AFP via Getty Images"},
        },
    ]
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Council statement",
            "url": "https://council.example.org/bridge",
        }
    ]
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misspelt the engineer's name.",
            "datePublished": "2024-12-17T10:00:00+01:00",
        }
    ]


def test_news_article_leaves_out_what_the_article_lacks():
    site = site_with(make_article("Plain", DAY, summary=""))
    data = news_article(site, site.articles[0])
    for key in (
        "description",
        "author",
        "image",
        "keywords",
        "citation",
        "correction",
        "identifier",
    ):
        assert key not in data
    assert data["dateModified"] == data["datePublished"]


def test_publisher_name_and_logo():
    site = site_with(full_article(), publisher_name="Gazette Media", publisher_logo="/img/logo.png")
    publisher = news_article(site, site.articles[0])["publisher"]
    assert publisher == {
        "@type": "Organization",
        "name": "Gazette Media",
        "url": "https://gazette.example.com/",
        "logo": {"@type": "ImageObject", "url": "https://gazette.example.com/img/logo.png"},
    }
    plain = site_with(full_article())
    assert news_article(plain, plain.articles[0])["publisher"] == {
        "@type": "Organization",
        "name": "Test Gazette",
        "url": "https://gazette.example.com/",
    }


@pytest.mark.parametrize(
    ("credit", "kind", "name"),
    [
        ("Jo Example", "Person", "Jo Example"),
        ("Photo by Jo Example", "Person", "Jo Example"),
        ("Photo: Anna María López", "Person", "Anna María López"),
        ("Reuters", "Organization", "Reuters"),
        (
            "Omar Haj Kadour/AFP via Getty Images",
            "Organization",
            "Omar Haj Kadour/AFP via Getty Images",
        ),
        ("Illustration: newsgen example", "Organization", "newsgen example"),
        (
            "Chart: newsgen example, from company results",
            "Organization",
            "newsgen example, from company results",
        ),
        ("NASA/JPL-Caltech", "Organization", "NASA/JPL-Caltech"),
        ("Associated Press", "Organization", "Associated Press"),
    ],
)
def test_credit_creator(credit, kind, name):
    assert credit_creator(credit) == {"@type": kind, "name": name}


# --- the article page ------------------------------------------------------------------------


def test_article_page_has_one_ld_block_that_round_trips():
    site = site_with(full_article())
    article = site.articles[0]
    html = render(site)[article.output_path]
    assert one_ld(html) == news_article(site, article)


def test_hostile_headline_stays_valid_json_and_one_script():
    site = site_with(full_article(HOSTILE, slug="hostile", summary=HOSTILE))
    article = site.articles[0]
    html = render(site)[article.output_path]
    block = html.split(f'<script type="{LD_TYPE}">', 1)[1].split("</script>", 1)[0]
    for raw in ("<", ">", "&", "\u2028"):
        assert raw not in block
    data = one_ld(html)  # exactly one script element: nothing broke out of it
    assert data["headline"] == HOSTILE
    assert data["description"] == HOSTILE
    assert data == news_article(site, article)
    # the visible headline is text, escaped as usual
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    assert "".join(doc.find(".//h1").itertext()) == HOSTILE


def test_article_page_sharing_meta():
    site = site_with(full_article())
    article = site.articles[0]
    doc = html5lib.parse(render(site)[article.output_path], namespaceHTMLElements=False)

    def meta(attribute, value):
        return [m.get("content") for m in doc.findall(".//head/meta") if m.get(attribute) == value]

    [canonical] = [link for link in doc.findall(".//head/link") if link.get("rel") == "canonical"]
    assert canonical.get("href") == article.permalink
    assert meta("property", "og:type") == ["article"]
    assert meta("property", "og:url") == [article.permalink]
    assert meta("property", "og:image") == ["https://gazette.example.com/images/bridge.jpg"]
    assert meta("property", "og:image:alt") == ["The bridge at dawn."]
    assert meta("property", "article:published_time") == ["2024-12-16T10:00:00+01:00"]
    assert meta("property", "article:modified_time") == ["2024-12-17T10:00:00+01:00"]
    assert meta("property", "article:tag") == ["Transport", "Bridges"]
    assert meta("name", "twitter:card") == ["summary_large_image"]

    plain = site_with(make_article("Plain", DAY))
    doc = html5lib.parse(render(plain)[plain.articles[0].output_path], namespaceHTMLElements=False)
    assert meta("name", "twitter:card") == ["summary"]
    assert meta("property", "og:image") == []


LOGO = "https://gazette.example.com/images/logo.png"
SOCIAL = "https://gazette.example.com/images/default-social.jpg"


def social_meta(site) -> dict[str, list[str]]:
    """The article page's og:image* and twitter:image* values, by property."""
    doc = html5lib.parse(render(site)[site.articles[0].output_path], namespaceHTMLElements=False)
    found: dict[str, list[str]] = {}
    for meta in doc.findall(".//head/meta"):
        name = meta.get("property") or meta.get("name") or ""
        if name.startswith(("og:image", "twitter:image")):
            found.setdefault(name, []).append(meta.get("content"))
    return found


def test_without_an_image_or_a_default_image_there_is_no_social_image():
    # The publisher's logo (600x60 in the example site) is never a social image.
    site = site_with(make_article("Plain", DAY), publisher_logo=LOGO)
    assert social_meta(site) == {}


def test_without_an_image_the_default_image_is_the_social_image():
    site = site_with(make_article("Plain", DAY), publisher_logo=LOGO, default_image=SOCIAL)
    assert social_meta(site) == {"og:image": [SOCIAL], "twitter:image": [SOCIAL]}


def test_the_lead_image_wins_over_the_default_image():
    site = site_with(full_article(), publisher_logo=LOGO, default_image=SOCIAL)
    lead = "https://gazette.example.com/images/bridge.jpg"
    assert social_meta(site) == {
        "og:image": [lead],
        "og:image:alt": ["The bridge at dawn."],
        "twitter:image": [lead],
        "twitter:image:alt": ["The bridge at dawn."],
    }


def test_json_ld_images_are_the_article_s_own_and_the_logo_only_the_publisher_s():
    plain = site_with(make_article("Plain", DAY), publisher_logo=LOGO, default_image=SOCIAL)
    data = news_article(plain, plain.articles[0])
    assert "image" not in data
    assert data["publisher"]["logo"] == {"@type": "ImageObject", "url": LOGO}
    site = site_with(full_article(), publisher_logo=LOGO, default_image=SOCIAL)
    urls = [image["url"] for image in news_article(site, site.articles[0])["image"]]
    assert urls == [f"https://gazette.example.com/images/{n}" for n in ("bridge.jpg", "map.png")]


# --- breadcrumbs -----------------------------------------------------------------------------


def test_breadcrumbs_positions_and_absolute_items():
    site = site_with(base_url="https://example.org/news/")
    data = breadcrumbs(site, [("Tags", "/news/tags/"), ("Syria", "/news/tags/syria/")])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BreadcrumbList"
    assert data["itemListElement"] == [
        {
            "@type": "ListItem",
            "position": 1,
            "name": "Test Gazette",
            "item": "https://example.org/news/",
        },
        {
            "@type": "ListItem",
            "position": 2,
            "name": "Tags",
            "item": "https://example.org/news/tags/",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Syria",
            "item": "https://example.org/news/tags/syria/",
        },
    ]


def ld_items(html: str) -> list[tuple[int, str, str]]:
    data = one_ld(html)
    assert data["@type"] == "BreadcrumbList"
    return [(i["position"], i["name"], i["item"]) for i in data["itemListElement"]]


def test_listing_pages_carry_breadcrumbs_canonical_and_page_numbers():
    config = make_config(base_url="https://example.org/news/")
    articles = [
        make_article(
            f"Story {i}",
            DAY + timedelta(hours=i),
            config=config,
            tags=("Syria",),
            bylines=("Lena Brandt",),
        )
        for i in range(4)
    ]
    site = site_with(*articles, base_url="https://example.org/news/")
    pages = render(site, base_url="https://example.org/news/")
    home = "https://example.org/news/"

    assert ld_items(pages["world/index.html"]) == [
        (1, "Test Gazette", home),
        (2, "World", home + "world/"),
    ]
    assert ld_items(pages["tags/syria/page/1/index.html"]) == [
        (1, "Test Gazette", home),
        (2, "Tags", home + "tags/"),
        (3, "Syria", home + "tags/syria/"),
        (4, "Page 2", home + "tags/syria/page/1/"),  # counted from the newest
    ]
    assert ld_items(pages["authors/lena-brandt/index.html"])[1:] == [
        (2, "Authors", home + "authors/"),
        (3, "Lena Brandt", home + "authors/lena-brandt/"),
    ]
    assert ld_items(pages["2024/12/index.html"])[1:] == [
        (2, "Archive", home + "archive/"),
        (3, "2024", home + "2024/"),
        (4, "December 2024", home + "2024/12/"),
    ]
    for path, name in [
        ("tags/index.html", "Tags"),
        ("authors/index.html", "Authors"),
        ("archive/index.html", "Archive"),
        ("corrections/index.html", "Corrections"),
    ]:
        assert ld_items(pages[path]) == [(1, "Test Gazette", home), (2, name, home + path[:-10])]

    doc = html5lib.parse(pages["world/page/1/index.html"], namespaceHTMLElements=False)
    links = {link.get("rel"): link.get("href") for link in doc.findall(".//head/link")}
    assert links["canonical"] == "https://example.org/news/world/page/1/"
    assert links["prev"] == "/news/world/"
    assert "next" not in links
    assert doc.find(".//title").text == "World – page 2 of 2 – Test Gazette"  # from the newest
    assert "".join(doc.find(".//h1").itertext()) == "World – page 2 of 2"
