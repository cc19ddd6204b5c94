"""newsgen.feeds.xml_text: XML written as text is byte for byte what ElementTree writes."""

from __future__ import annotations

import html
import random
import xml.etree.ElementTree as ET

import html5lib
import pytest

from newsgen.feeds.xml_text import (
    XML_DECLARATION,
    as_html,
    as_text_or_html,
    document,
    escape_attribute,
    escape_text,
    leaf,
    parent,
)

TRICKY = "&<>\"'\t\n\r]]>é☃ \u00a0x"
"""Characters escaping must get right, and some it must leave alone."""
NAMESPACES = {"atom": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/"}


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(TRICKY) for _ in range(rng.randrange(0, 12)))


def random_pairs(rng: random.Random) -> dict[str, str]:
    return {f"a{index}": random_text(rng) for index in range(rng.randrange(0, 3))}


def serialized(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@pytest.mark.parametrize("seed", range(200))
def test_a_random_document_is_written_as_elementtree_writes_it(seed: int) -> None:
    rng = random.Random(seed)
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    pairs = random_pairs(rng)
    root = ET.Element("rss", pairs)
    items: list[str] = []
    used: set[str] = set()  # the namespace prefixes the items use
    for _ in range(rng.randrange(0, 4)):
        item_pairs = random_pairs(rng)
        item = ET.SubElement(root, "item", item_pairs)
        children: list[str] = []
        for number in range(rng.randrange(0, 4)):
            prefix = rng.choice(["", *NAMESPACES])
            tag, written_tag = f"t{number}", f"t{number}"
            if prefix:
                tag, written_tag = f"{{{NAMESPACES[prefix]}}}t{number}", f"{prefix}:t{number}"
                used.add(prefix)
            text, leaf_pairs = random_text(rng), random_pairs(rng)
            ET.SubElement(item, tag, leaf_pairs).text = text
            children.append(leaf(written_tag, text, leaf_pairs))
        items.append(parent("item", children, 1, item_pairs))
    written = document("rss", [(p, NAMESPACES[p]) for p in used], pairs, items)
    assert written == serialized(root)


def test_escaping_is_elementtree_s() -> None:
    element = ET.Element("e", {"a": TRICKY})
    element.text = TRICKY
    assert ET.tostring(element, encoding="unicode") == (
        f'<e a="{escape_attribute(TRICKY)}">{escape_text(TRICKY)}</e>'
    )


def test_an_empty_text_or_no_children_gives_an_empty_element() -> None:
    assert leaf("guid", "", {"isPermaLink": "true"}) == '<guid isPermaLink="true" />'
    assert parent("channel", [], 1) == "<channel />"
    assert document("urlset", [], None, []) == (XML_DECLARATION + "<urlset />").encode()


def test_as_html_shows_the_text_as_written() -> None:
    text = "<!-- <img src=x onerror=alert(1)> &amp; ]]> 'q' \"q\""
    assert as_html(text) == "&lt;!-- &lt;img src=x onerror=alert(1)&gt; &amp;amp; ]]&gt; 'q' \"q\""
    assert html.unescape(as_html(text)) == text


@pytest.mark.parametrize(
    "text", ["AT&T", "1 < 2", "I <3 it", "5 > 3", "a & b", "x &foo; y", "&", "<", "<>", ""]
)
def test_text_html_shows_as_it_is_stays_as_it_is(text: str) -> None:
    assert as_text_or_html(text) == text
    fragment = html5lib.parseFragment(text, namespaceHTMLElements=False)
    assert "".join(fragment.itertext()) == text and len(fragment) == 0


@pytest.mark.parametrize(
    "text", ["<b>", "</p>", "<!--", "<?x", "<!DOCTYPE", "&amp;", "&#60;", "&#x3C;", "&notice",
             "&lt", "a<b", "I <3 &amp;"]
)  # fmt: skip
def test_text_html_would_read_otherwise_becomes_html(text: str) -> None:
    assert as_text_or_html(text) == as_html(text)
