"""Screenshots of the example site, for reviewers: ``make screenshots``.

Serves ``public/`` (``make build`` made it) on localhost and takes, in Debian's
headless Chromium, a screenshot of each page type at 390 px (a phone) and
1280 px (a laptop), in light and dark mode, into ``docs/screenshots/`` with an
index page (``docs/screenshots/README.md``) that the README links.
"""

from __future__ import annotations

import base64
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ROOT / "public"
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
SCHEMES = ("light", "dark")
MAX_HEIGHT = 5000
"""Long pages are cut here: the screenshot shows their top."""
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--force-device-scale-factor=1",
)  # fmt: skip


def page_types() -> dict[str, str]:
    """Return a path of the example site for each page type."""
    article = next(sorted((PUBLIC / "science").glob("20*/*/*/kelp-*/index.html")).__iter__())
    section_page = next(iter(sorted((PUBLIC / "local" / "page").glob("*/index.html"))), None)
    pages = {
        "home": "/",
        "article": "/" + article.parent.relative_to(PUBLIC).as_posix() + "/",
        "section": "/local/",
        "section-page-2": "/" + section_page.parent.relative_to(PUBLIC).as_posix() + "/"
        if section_page
        else "/local/",
        "tag": "/tags/eastmere/",
        "author": "/authors/maya-okonkwo/",
        "archive": "/archive/",
        "month": "/2025/11/",
        "search": "/search/?q=council",
        "404": "/404.html",
    }
    return pages


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    if not (PUBLIC / "index.html").is_file():
        print("public/ has no site; run 'make build' first", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(PUBLIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    )
    driver.set_script_timeout(30)
    rows = []
    try:
        for name, path in page_types().items():
            shots = []
            for device, (width, height) in WIDTHS.items():
                for scheme in SCHEMES:
                    file = f"{name}-{device}-{scheme}.webp"
                    _shoot(driver, base + path, width, height, scheme, OUT / file)
                    shots.append(f"[{device} {scheme}]({file})")
            rows.append(f"| {name} | `{path}` | {' · '.join(shots)} |")
    finally:
        driver.quit()
        server.shutdown()
    _write_index(rows)
    print(f"wrote {len(rows) * len(WIDTHS) * len(SCHEMES)} screenshots to {OUT}")
    return 0


def _shoot(
    driver: webdriver.Chrome, url: str, width: int, height: int, scheme: str, file: Path
) -> None:
    """Save a screenshot of ``url`` at ``width`` in colour ``scheme``, as tall as the
    page (at most MAX_HEIGHT)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    driver.get(url)
    driver.execute_script(  # the screenshot shows the whole page: load every picture now
        "document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; });"
    )
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all([...document.images].map(i => i.complete ? 0 : new Promise("
        "r => { i.onload = i.onerror = r; }))).then(() => document.fonts.ready).then(done);"
    )
    full = int(driver.execute_script("return document.documentElement.scrollHeight"))
    clip = {"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "webp", "quality": 70, "clip": clip, "captureBeyondViewport": True},
    )
    file.write_bytes(base64.b64decode(shot["data"]))


def _write_index(rows: list[str]) -> None:
    text = [
        "# Screenshots of the example site",
        "",
        "Made by `make screenshots` (tools/screenshots.py) from the example site that",
        "`make build` writes to `public/`, in headless Chromium: each page type at 390 px",
        "(a phone) and 1280 px (a laptop), in light and dark mode. Long pages are cut at",
        f"{MAX_HEIGHT} px.",
        "",
        "| Page type | Path | Screenshots |",
        "|---|---|---|",
        *rows,
        "",
    ]
    (OUT / "README.md").write_text("\n".join(text))


if __name__ == "__main__":
    sys.exit(main())
