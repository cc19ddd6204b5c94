"""Pictures in a real browser (issue 19): headless Chromium loads an article at 390 and
1280 CSS pixels wide and picks, from the ``<picture>`` the build wrote, the copy the
layout needs, in a modern format; and nothing on the page moves while the pictures
load (the Layout Instability API: no layout shift at all).

The built site is served by Python's own HTTP server, throttled by nothing: the
pictures' ``width`` and ``height`` must hold their place whatever the timing.
"""

from __future__ import annotations

import io
import time
import urllib.request
from collections.abc import Iterator

import pytest
from browser_helpers import QuietHandler, chromium, serving
from PIL import Image
from selenium.webdriver.remote.webdriver import WebDriver

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from photos import photograph

ARTICLE = """\
---
headline: Harbour wall gives way
date: 2024-05-02T09:00:00Z
images:
  - src: /images/harbour.jpg
    caption: The breach at dawn
    credit: Jane Roe/Picture Post
    alt: Water pours through a gap in the harbour wall
---
The wall gave way at dawn, and the water came through the gap within minutes.

![Sandbags on the quay](/images/sandbags.jpg "Sandbags on the quay — Jo Bloggs/Picture Post")

Residents spent the morning moving furniture upstairs while the tide turned.
""" + "\n".join(f"A later paragraph of the report, number {n}.\n" for n in range(30))

PAGE = "/world/2024/05/02/harbour-wall-gives-way/"
PICTURE_DELAY = 0.5
SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site, served at http://127.0.0.1:PORT."""
    root = tmp_path_factory.mktemp("pictures-site")
    (root / "content" / "world").mkdir(parents=True)
    (root / "static" / "images").mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: Picture Post\nbase_url: https://p.example/\n")
    (root / "content" / "world" / "harbour.md").write_text(ARTICLE)
    (root / "static" / "images" / "harbour.jpg").write_bytes(photograph((2400, 1600)))
    (root / "static" / "images" / "sandbags.jpg").write_bytes(photograph((1600, 1067), seed=2))
    build(BuildOptions(root))
    with serving(root / "public", LateHandler) as address:
        yield address


class LateHandler(QuietHandler):
    """Serves the site, each picture half a second late (as on a slow connection), so
    that pages are laid out before their pictures come."""

    def do_GET(self) -> None:
        if self.path.startswith(("/img/", "/images/")):
            time.sleep(PICTURE_DELAY)
        super().do_GET()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


def load_at(browser: WebDriver, url: str, width: int, wait: bool = True) -> None:
    """Load ``url`` in a viewport ``width`` CSS pixels wide (one device pixel each),
    with a layout-shift observer installed before the page starts; with ``wait``, until
    the pictures not loaded lazily have come."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SHIFTS})
    browser.get(url)
    if wait:
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "Promise.all([...document.images].filter(i => i.loading !== 'lazy')"
            ".map(i => i.decode().catch(() => null))).then(() => done(true));"
        )


def chosen(browser: WebDriver, selector: str) -> tuple[str, int, int]:
    """The file the browser chose for the picture's img, and its natural size."""
    return tuple(  # type: ignore[return-value]
        browser.execute_script(
            f"const i = document.querySelector({selector!r});"
            "return [i.currentSrc, i.naturalWidth, i.naturalHeight];"
        )
    )


@pytest.mark.parametrize(("width", "copy"), [(390, 640), (1280, 960)])
def test_the_lead_picture_is_the_copy_the_layout_needs_in_a_modern_format(
    browser: WebDriver, served: str, width: int, copy: int
) -> None:
    """At 390 px the lead is shown 390 px wide: the 640 copy is the narrowest at least as
    wide; at 1280 the figure is 56rem (896 px): the 960 copy."""
    load_at(browser, served + PAGE, width)
    source, _, _ = chosen(browser, ".figure-lead img")
    assert source.endswith(f"-{copy}.avif"), source
    with urllib.request.urlopen(source) as answer:  # the file the browser chose
        picture = Image.open(io.BytesIO(answer.read()))
    assert (picture.format, picture.size) == ("AVIF", (copy, round(copy * 2 / 3)))
    shown = browser.execute_script(
        "return document.querySelector('.figure-lead img').getBoundingClientRect().width"
    )
    assert shown <= copy and shown > copy / 2


@pytest.mark.parametrize("width", [390, 1280])
def test_nothing_moves_while_the_pictures_load(browser: WebDriver, served: str, width: int) -> None:
    """The pictures come half a second after the page: the lead while the top of the page
    is shown, the body picture once it is scrolled into the middle of the screen. Had an
    img no size, the text below it would jump as it came (checked by hand: with the
    ``width`` and ``height`` removed, both widths record shifts)."""
    load_at(browser, served + PAGE, width, wait=False)
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const loaded = i => i.complete ? Promise.resolve() : "
        "  new Promise(r => { i.onload = r; i.onerror = r; });"
        "loaded(document.querySelector('.figure-lead img')).then(() => {"
        "  const body = document.querySelector('.body-figure img');"
        "  const top = body.getBoundingClientRect().top + window.scrollY;"
        "  window.scrollTo(0, top - 300);"
        "  return loaded(body);"
        "}).then(() => requestAnimationFrame(() => setTimeout(() => done(true), 300)));"
    )
    source, natural_width, _ = chosen(browser, ".body-figure img")
    assert source.endswith(".avif") and natural_width > 0
    shifts = browser.execute_script("return window.__shifts")
    assert shifts == [], f"layout shifts at {width} px: {shifts}"


def test_every_picture_has_its_size_before_it_loads(browser: WebDriver, served: str) -> None:
    """The img boxes have their final height from the HTML alone: with every picture
    request blocked, each still takes the height its width and height attributes say."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/img/*", "*/images/*"]})
    try:
        load_at(browser, served + PAGE, 390)
        boxes = browser.execute_script(
            "return [...document.querySelectorAll('figure img')].map(i => "
            "[i.getBoundingClientRect().width, i.getBoundingClientRect().height, "
            "i.width, i.height, +i.getAttribute('width'), +i.getAttribute('height')]);"
        )
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    assert len(boxes) == 2
    for shown_width, shown_height, _, _, width, height in boxes:
        assert shown_width > 0
        assert abs(shown_height - shown_width * height / width) < 1.5
