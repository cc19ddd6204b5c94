"""images/svg.py: SVG drawings that could run are refused; sizes are read."""

from __future__ import annotations

import pytest

from newsgen.images.svg import svg_problem, svg_size

PLAIN = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150">'
    b'<rect width="10" height="10"/></svg>'
)


def test_a_plain_drawing_is_published_with_its_size():
    assert svg_problem(PLAIN) is None
    assert svg_size(PLAIN) == (300, 150)
    assert svg_size(b'<svg viewBox="0 0 640 480"></svg>') == (640, 480)
    assert svg_size(b'<svg width="100%"></svg>') == (0, 0)


@pytest.mark.parametrize(
    "active",
    [
        b"<svg><script>alert(1)</script></svg>",
        b'<svg><svg:script xlink:href="x.js"/></svg>',
        b'<svg onload="alert(1)"></svg>',
        b'<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
        b'<svg><foreignObject><iframe src="x"></iframe></foreignObject></svg>',
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
        b'<svg><image href="https://tracker.example/p.png"/></svg>',
        b"<svg><style>@import url(https://x.example/a.css);</style></svg>",
        b'<svg><rect ONCLICK = "x()"/></svg>',
    ],
)
def test_a_drawing_that_can_run_or_load_is_refused(active):
    problem = svg_problem(active)
    assert problem is not None and "SVG" in problem


def test_a_file_that_is_not_svg_is_refused():
    assert "not an SVG" in svg_problem(b"<html><body>hello</body></html>")
