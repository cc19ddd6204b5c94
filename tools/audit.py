"""Lighthouse 12 and axe-core over the example site: ``make audit``.

Copies the example site into a temporary folder with its photographs made
real-size (each picture in ``static/images/`` enlarged to 3000 px wide, as a
camera's would be), builds it with ``compress: true`` and serves it the way
docs/output-and-deploying.md's nginx block does (pre-compressed copies, a
year's cache for hashed names, the 404 page). Then, in Debian's Chromium:

- Lighthouse 12.2.3 (tools/audit/node_modules, ``npm ci``) scores every page
  type (home, article, section, tag, author, archive, month, search, 404) in
  performance, accessibility, best practices and SEO, on mobile and desktop;
- axe-core checks the same pages at 390 and 1280 px, light and dark.

It prints a table, writes the reports to tools/audit/reports/, and exits with
1 when a score is below 100 or axe finds a violation, except where
EXPECTED_BELOW_100 says why a rule does not apply.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "tools" / "audit"
REPORTS = AUDIT / "reports"
LIGHTHOUSE = AUDIT / "node_modules" / ".bin" / "lighthouse"
AXE = AUDIT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
PHOTO_WIDTH = 3000
EXPECTED_BELOW_100 = {
    ("search", "seo"): "the search page asks not to be indexed (robots noindex): by design",
    ("404", "seo"): "the 404 page asks not to be indexed (robots noindex): by design",
}
"""Scores below 100 that are right for a static news site, and why."""


def page_types(public: Path) -> dict[str, str]:
    """Return a path of each page type of the example site."""
    article = next(public.glob("science/20*/*/*/kelp-*/index.html"))
    return {
        "home": "/",
        "article": "/" + article.parent.relative_to(public).as_posix() + "/",
        "section": "/local/",
        "tag": "/tags/eastmere/",
        "author": "/authors/maya-okonkwo/",
        "archive": "/archive/",
        "month": "/2025/11/",
        "search": "/search/",
        "404": "/404.html",
    }


def real_size_site(folder: Path) -> Path:
    """Copy the example site into ``folder`` with its photographs enlarged, and build it."""
    site = folder / "site"
    site.mkdir()
    for name in ("content", "static", "newsgen.yaml", "authors.yaml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        elif source.is_file():
            shutil.copy2(source, site / name)
    for picture in (site / "static" / "images").glob("*.jpg"):
        with Image.open(picture) as image:
            height = round(image.height * PHOTO_WIDTH / image.width)
            large = image.convert("RGB").resize((PHOTO_WIDTH, height), Image.Resampling.LANCZOS)
            large.save(picture, "JPEG", quality=90)
    config = site / "newsgen.yaml"
    config.write_text(config.read_text() + "compress: true\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763719200"}
    newsgen = Path(sys.executable).with_name("newsgen")
    subprocess.run([str(newsgen), "build", "--source", str(site), "--quiet"], check=True, env=env)
    return site / "public"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the output as the nginx block of the deploying guide does."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.exists():
            return self._missing()
        compressed = Path(f"{path}.gz")
        if "gzip" in self.headers.get("Accept-Encoding", "") and compressed.exists():
            data = compressed.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
        else:
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
        hashed = "/img/" in self.path or any(
            len(part) == 10 and all(c in "0123456789abcdef" for c in part)
            for part in path.name.split(".")[1:-1]
        )
        cache = "public, max-age=31536000, immutable" if hashed else "no-cache"
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return _Body(data)

    def _missing(self):  # type: ignore[no-untyped-def]
        data = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return _Body(data)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def serve(public: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Handler, directory=str(public))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def lighthouse(url: str, form: str, name: str) -> dict[str, int]:
    """Run Lighthouse on ``url`` as ``form`` (mobile or desktop); return its scores."""
    report = REPORTS / f"{name}-{form}.json"
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={FLAGS}",
    ]  # fmt: skip
    if form == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    data = json.loads(report.read_text())
    return {key: round(data["categories"][key]["score"] * 100) for key in CATEGORIES}


def failing_audits(name: str, form: str) -> list[str]:
    """Return the scored audits below full marks in a Lighthouse report."""
    data = json.loads((REPORTS / f"{name}-{form}.json").read_text())
    failing = []
    for key in CATEGORIES:
        for ref in data["categories"][key]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(f"{key}/{ref['id']} ({audit['score']})")
    return failing


def axe(base: str, pages: dict[str, str]) -> list[str]:
    """Return axe-core's violations on ``pages`` at 390 and 1280 px, light and dark."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS.split():
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    )
    source = AXE.read_text()
    found = []
    try:
        for width in (390, 1280):
            for scheme in ("light", "dark"):
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 800, "deviceScaleFactor": 1,
                     "mobile": width < 600},
                )  # fmt: skip
                driver.execute_cdp_cmd(
                    "Emulation.setEmulatedMedia",
                    {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
                )
                for name, path in pages.items():
                    driver.get(base + path)
                    driver.execute_script(source)
                    result = driver.execute_async_script(
                        "const done = arguments[arguments.length - 1];"
                        "axe.run(document, {resultTypes: ['violations']}).then(done);"
                    )
                    for violation in result["violations"]:
                        nodes = len(violation["nodes"])
                        found.append(
                            f"{name} {width}px {scheme}: {violation['id']} ({nodes} elements): "
                            f"{violation['help']}"
                        )
    finally:
        driver.quit()
    return found


def main() -> int:
    if not LIGHTHOUSE.exists() or not AXE.exists():
        print("Lighthouse is not installed: run 'make audit' (it runs npm ci in tools/audit)")
        return 1
    REPORTS.mkdir(exist_ok=True)
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        public = real_size_site(Path(folder))
        server, base = serve(public)
        pages = page_types(public)
        print(f"{'page':<10} {'form':<8} " + " ".join(f"{c[:13]:>14}" for c in CATEGORIES))
        for name, path in pages.items():
            for form in ("mobile", "desktop"):
                scores = lighthouse(base + path, form, name)
                print(f"{name:<10} {form:<8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES))
                for category, score in scores.items():
                    if score < 100 and (name, category) not in EXPECTED_BELOW_100:
                        failed = True
                        print("   below 100:", ", ".join(failing_audits(name, form)))
        for (name, category), why in EXPECTED_BELOW_100.items():
            print(f"expected: {name} {category} below 100: {why}")
        violations = axe(base, pages)
        server.shutdown()
    print(f"axe-core: {len(violations)} violations on {len(pages)} pages x 2 widths x 2 schemes")
    for line in violations:
        print("  ", line)
    return 1 if failed or violations else 0


if __name__ == "__main__":
    sys.exit(main())
