"""The /search/ page in a real headless Chromium, on the repository's example site
served by ``newsgen serve``: words find articles, results show headline, section, date
and a marked excerpt, and the section and year filters narrow them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import Preview, chromium, running_preview
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
SYRIA_HEADLINE = "Kremlin: No Concrete Decisions Made on Future of Russian Bases in Syria"
WAIT = 30  # seconds


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    site = tmp_path_factory.mktemp("search-site") / "site"
    site.mkdir()
    for name in ("content", "static"):
        shutil.copytree(REPO / name, site / name)
    for name in ("newsgen.yaml", "authors.yaml"):
        shutil.copy2(REPO / name, site / name)
    with running_preview(site, site.parent / "serve.log") as running:
        yield running


def results(browser: WebDriver) -> list[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#search-results .search-result")


def status(browser: WebDriver) -> str:
    return browser.find_element(By.ID, "search-status").text


def search_for(browser: WebDriver, preview: Preview, words: str) -> list[WebElement]:
    """Open /search/, type ``words``, and return the results once they are shown."""
    browser.get(preview.url + "/search/")
    box = browser.find_element(By.ID, "search-query")
    box.send_keys(words)
    WebDriverWait(browser, WAIT).until(lambda b: "found for" in status(b) and results(b))
    return results(browser)


def section_of(result: WebElement) -> str:
    return result.find_element(By.CSS_SELECTOR, ".card-section").text.casefold()


def test_a_word_of_the_body_finds_its_article_first(browser: WebDriver, preview: Preview):
    found = search_for(browser, preview, "Hmeimim")
    first = found[0]
    link = first.find_element(By.CSS_SELECTOR, "h2 a")
    assert link.text == SYRIA_HEADLINE
    assert link.get_attribute("href") == (
        preview.url + "/world/2024/12/16/kremlin-no-concrete-decisions-made-on-future-of-"
        "russian-bases-in-syria/"
    )
    assert section_of(first) == "world"
    assert first.find_element(By.CSS_SELECTOR, ".search-date").text == "16 December 2024"
    marks = first.find_elements(By.CSS_SELECTOR, ".search-excerpt mark")
    assert [mark.text for mark in marks] == ["Hmeimim"]
    assert "?q=Hmeimim" in browser.current_url  # a search can be linked
    link.click()
    WebDriverWait(browser, WAIT).until(lambda b: "/world/2024/12/16/" in b.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "h1.headline").text == SYRIA_HEADLINE


@pytest.mark.parametrize(
    ("words", "headline"),
    [
        ("Priya Raman", "TALLIS"),  # only in the byline
        ("Mergers", "HARLOW"),  # only in the tags
    ],
)
def test_a_byline_and_a_tag_are_found_too(
    browser: WebDriver, preview: Preview, words: str, headline: str
):
    found = search_for(browser, preview, words)
    headlines = [r.find_element(By.CSS_SELECTOR, "h2").text for r in found]
    assert headlines[0].upper().startswith(headline), headlines


def test_a_section_filter_narrows_the_results(browser: WebDriver, preview: Preview):
    everywhere = search_for(browser, preview, "Eastmere")
    sections = {section_of(result) for result in everywhere}
    assert {"local", "culture", "business"} <= sections
    total = len(everywhere)
    Select(browser.find_element(By.ID, "search-section")).select_by_visible_text("Culture")
    WebDriverWait(browser, WAIT).until(lambda b: results(b) and len(results(b)) < total)
    narrowed = results(browser)
    assert narrowed and {section_of(result) for result in narrowed} == {"culture"}
    assert "section=Culture" in browser.current_url
    Select(browser.find_element(By.ID, "search-section")).select_by_visible_text("All sections")
    WebDriverWait(browser, WAIT).until(lambda b: len(results(b)) == total)


def test_a_year_filter_without_words_lists_that_year_newest_first(
    browser: WebDriver, preview: Preview
):
    browser.get(preview.url + "/search/?year=2023")
    WebDriverWait(browser, WAIT).until(lambda b: results(b))
    dates = [r.find_element(By.CSS_SELECTOR, ".search-date").text for r in results(browser)]
    assert dates and all(date.endswith(" 2023") for date in dates)
    assert Select(browser.find_element(By.ID, "search-year")).first_selected_option.text == "2023"


def test_no_match_says_so(browser: WebDriver, preview: Preview):
    browser.get(preview.url + "/search/?q=xylophonist")
    WebDriverWait(browser, WAIT).until(lambda b: "No articles found" in status(b))
    assert results(browser) == []
