"""``newsgen serve`` in a real headless Chromium: pages reload by themselves after a
save, show an overlay while the build is broken, and follow renamed articles."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import Preview, chromium, running_preview
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "basic"
ARTICLE = Path("content/world/ferry-strike-ends.md")
ARTICLE_URL = "/world/2023/01/20/ferry-strike-ends-after-nine-days/"
WAIT = 30  # seconds; a rebuild of this site takes well under one


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


@pytest.fixture
def preview(site: Path, tmp_path: Path) -> Iterator[Preview]:
    with running_preview(site, tmp_path / "serve.log") as running:
        yield running


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def headline(browser: WebDriver) -> str:
    return browser.find_element(By.CSS_SELECTOR, "h1.headline").text


def overlay_text(browser: WebDriver) -> str | None:
    found = browser.find_elements(By.ID, "newsgen-problems")
    return found[0].text if found else None


def test_an_edited_headline_shows_by_itself_at_the_article_s_new_address(
    browser: WebDriver, preview: Preview, site: Path
) -> None:
    browser.get(preview.url + ARTICLE_URL)
    assert headline(browser) == "Ferry strike ends after nine days"
    edit(
        site / ARTICLE,
        "headline: Ferry strike ends after nine days",
        "headline: Ferries sail again",
    )
    WebDriverWait(browser, WAIT).until(lambda b: headline(b) == "Ferries sail again")
    assert browser.current_url == preview.url + "/world/2023/01/20/ferries-sail-again/"


def test_a_broken_front_matter_shows_an_overlay_until_it_is_fixed(
    browser: WebDriver, preview: Preview, site: Path
) -> None:
    browser.get(preview.url + ARTICLE_URL)
    edit(site / ARTICLE, "date: 2023-01-20T09:00:00+01:00", "date: the twentieth of January")
    WebDriverWait(browser, WAIT).until(lambda b: overlay_text(b))
    shown = overlay_text(browser) or ""
    assert "content/world/ferry-strike-ends.md:3:" in shown
    assert "date" in shown
    assert headline(browser) == "Ferry strike ends after nine days"  # the last good build
    assert "content/world/ferry-strike-ends.md:3:" in preview.output()  # the terminal too
    edit(site / ARTICLE, "date: the twentieth of January", "date: 2023-01-20T09:00:00+01:00")
    WebDriverWait(browser, WAIT).until(lambda b: overlay_text(b) is None)
    assert headline(browser) == "Ferry strike ends after nine days"


def test_a_page_opened_while_the_build_is_broken_shows_the_overlay(
    browser: WebDriver, preview: Preview, site: Path
) -> None:
    edit(site / ARTICLE, "byline: Anna Berg", "byline: [unclosed")
    browser.get(preview.url + "/")
    WebDriverWait(browser, WAIT).until(lambda b: overlay_text(b))
    browser.get(preview.url + "/")  # a fresh page learns the state on connecting
    WebDriverWait(browser, WAIT).until(lambda b: overlay_text(b))
    assert "content/world/ferry-strike-ends.md:" in (overlay_text(browser) or "")


def test_a_new_article_appears_on_the_section_index(
    browser: WebDriver, preview: Preview, site: Path
) -> None:
    browser.get(preview.url + "/world/")
    assert "Lighthouse keeper retires" not in browser.page_source
    (site / "content" / "world" / "lighthouse.md").write_text(
        "---\nheadline: Lighthouse keeper retires\ndate: 2024-12-30T08:00:00+01:00\n---\n"
        "After forty years, the last keeper hands over the keys.\n",
        encoding="utf-8",
    )
    WebDriverWait(browser, WAIT).until(lambda b: "Lighthouse keeper retires" in b.page_source)


def test_a_removed_article_s_page_becomes_the_404_page(
    browser: WebDriver, preview: Preview, site: Path
) -> None:
    browser.get(preview.url + ARTICLE_URL)
    (site / ARTICLE).unlink()
    WebDriverWait(browser, WAIT).until(lambda b: "Ferry strike" not in b.title)
    assert "not found" in browser.page_source.lower()


def test_drafts_are_previewed_and_marked(browser: WebDriver, preview: Preview) -> None:
    browser.get(preview.url + "/world/")
    assert "Unpublished draft about the border deal" in browser.page_source
    browser.find_element(By.LINK_TEXT, "Unpublished draft about the border deal").click()
    note = browser.find_element(By.CSS_SELECTOR, ".status-note").text
    assert note.startswith("Draft.")


def test_no_drafts_shows_the_public_view(browser: WebDriver, site: Path, tmp_path: Path) -> None:
    with running_preview(site, tmp_path / "public-view.log", "--no-drafts") as public:
        browser.get(public.url + "/world/")
        assert "Unpublished draft about the border deal" not in browser.page_source


def test_ctrl_c_stops_cleanly_and_leaves_no_temporary_folders(site: Path, tmp_path: Path) -> None:
    running = Preview(site, tmp_path / "serve.log")
    running.wait_ready()
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=30) == 0, running.output()
    assert "Traceback" not in running.output()
    leftovers = [
        p.name for p in (site / ".newsgen").iterdir() if p.name.startswith(".newsgen-staging")
    ]
    assert leftovers == []


def test_pages_left_behind_do_not_hold_the_preview_s_connections(
    browser: WebDriver, preview: Preview
) -> None:
    # Each preview page listens for rebuilds on a connection of its own; a page left for
    # another may stay in the browser's back/forward cache, and a browser allows six
    # connections to a server: pages kept with theirs open would stall the preview.
    browser.set_page_load_timeout(10)  # a page of the preview loads in a fraction of a second
    try:
        for path in ["/", "/world/", "/business/", "/culture/", "/archive/", "/tags/"] * 2:
            browser.get(preview.url + path)
    finally:
        browser.set_page_load_timeout(300)  # WebDriver's default
    browser.set_script_timeout(WAIT)
    opened = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const source = new EventSource("/__newsgen/events");
        source.onopen = () => { source.close(); done("open"); };
        setTimeout(() => { source.close(); done("still waiting"); }, 10000);
        """
    )
    assert opened == "open"
