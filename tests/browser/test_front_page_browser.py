"""The front page and the newsroom's furniture in a real browser (issue 20).

A site of 20 sections and 60 stories, one of them featured by its editor, is
built and served; headless Chromium checks, at 390 and 1280 CSS pixels: the lead
is the featured story and no story shows twice on the front page; the phone
masthead stays under 120 px with all 20 sections; the menu opens, and its links
work, with JavaScript switched off; the sections fit one row on a laptop; and
listing pages say "Newer", "Older" and "Page N of T" counted from the newest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from browser_helpers import chromium, serving
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from newsgen.build.options import BuildOptions
from newsgen.build.pipeline import build
from photos import photograph

SECTIONS = [
    "World", "Local", "Business", "Science", "Culture", "Sport", "Politics", "Health",
    "Education", "Environment", "Technology", "Travel", "Food", "Opinion Pages", "Obituaries",
    "Weather", "Transport", "Housing", "Courts", "Letters",
]  # fmt: skip
NOW = datetime(2025, 11, 21, 10, 0, tzinfo=UTC)
FEATURED = "/science/2025/11/15/a-featured-story-from-six-days-ago/"


def story(number: int, section: str, when: datetime, extra: str = "", headline: str = "") -> str:
    headline = headline or f"Story number {number} from the {section} desk"
    return (
        f"---\nheadline: {headline}\ndate: {when.isoformat()}\nsection: {section}\n"
        f"byline: Desk Writer\n{extra}---\nThe first paragraph of story {number}.\n\n"
        "A second paragraph with more of the story.\n"
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("front-site")
    sections = "".join(f"  - {name}\n" for name in SECTIONS)
    (root / "newsgen.yaml").write_text(
        f"title: The Long Masthead Gazette\nbase_url: https://g.example/\nper_page: 5\n"
        f"sections:\n{sections}"
    )
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "photo.jpg").write_bytes(photograph((1200, 800)))
    content = root / "content"
    content.mkdir()
    picture = "images:\n  - src: /images/photo.jpg\n    alt: A photograph\n"
    for number in range(60):
        section = SECTIONS[number % len(SECTIONS)]
        when = NOW - timedelta(hours=3 * number + 1)
        extra = picture if number in (1, 7) else ""  # the newest picture is story 1's
        (content / f"story-{number}.md").write_text(story(number, section, when, extra))
    (content / "featured.md").write_text(
        story(99, "Science", NOW - timedelta(days=6), picture + "featured: true\n",
              "A featured story from six days ago")
    )  # fmt: skip
    long_word = "Unbreakable" * 12  # 132 letters, no space to wrap at
    (content / "long.md").write_text(
        story(98, "World", NOW - timedelta(days=30), "label: Developing story\nsummary: "
              + "A very long standfirst. " * 80 + "\n", f"{long_word} and a long headline")
    )  # fmt: skip
    build(BuildOptions(root, now=NOW))
    with serving(root / "public") as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


def at_width(driver: WebDriver, width: int, javascript: bool = True) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 844 if width < 600 else 800, "deviceScaleFactor": 1,
         "mobile": width < 600},
    )  # fmt: skip
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not javascript})


@pytest.mark.parametrize("width", [390, 1280])
def test_the_editors_lead_and_no_story_twice(served: str, browser: WebDriver, width: int):
    at_width(browser, width)
    browser.get(served + "/")
    links = browser.execute_script(
        "return [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))"
        ".filter(h => /\\/20\\d\\d\\/\\d\\d\\/\\d\\d\\//.test(h));"
    )
    assert len(links) == len(set(links)) > 20, links
    lead = browser.find_element(By.CSS_SELECTOR, ".front-lead .card-headline a")
    assert lead.get_attribute("href").endswith(FEATURED)
    picture = browser.find_element(By.CSS_SELECTOR, ".front-lead img")
    box = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON()", picture)
    assert box["top"] < 800 and box["width"] > 300  # the lead's picture is above the fold
    for block in browser.find_elements(By.CSS_SELECTOR, ".home-block"):
        assert block.find_elements(By.CSS_SELECTOR, ".card")  # no empty block


def test_the_phone_masthead_is_compact_with_20_sections(served: str, browser: WebDriver):
    at_width(browser, 390)
    for path in ("/", "/world/", FEATURED):
        browser.get(served + path)
        header = browser.find_element(By.CSS_SELECTOR, "header.masthead")
        assert header.size["height"] < 120, (path, header.size)
        assert browser.find_element(By.CSS_SELECTOR, ".menu summary").is_displayed()
        assert browser.find_element(By.ID, "masthead-query") is not None
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390


def test_the_menu_opens_without_javascript(served: str, browser: WebDriver):
    at_width(browser, 390, javascript=False)
    browser.get("data:text/html,<p id=x>off</p><script>x.textContent = 'on'</script>")
    assert browser.find_element(By.ID, "x").text == "off"  # the page's scripts do not run
    browser.get(served + "/")
    menu = browser.find_element(By.CSS_SELECTOR, "details.menu")
    links = menu.find_elements(By.CSS_SELECTOR, "nav a")
    assert not any(link.is_displayed() for link in links)
    menu.find_element(By.TAG_NAME, "summary").click()
    shown = [link.text for link in links if link.is_displayed()]
    assert shown[: len(SECTIONS)] == SECTIONS and "Archive" in shown
    links[len(SECTIONS) - 1].click()
    assert browser.current_url.endswith("/letters/")
    at_width(browser, 390)


def test_the_sections_fit_one_row_on_a_laptop(served: str, browser: WebDriver):
    at_width(browser, 1280)
    browser.get(served + "/")
    assert not browser.find_element(By.CSS_SELECTOR, "details.menu").is_displayed()
    items = browser.find_elements(By.CSS_SELECTOR, ".site-nav li")
    assert len(items) == len(SECTIONS)
    tops = {round(item.location["y"]) for item in items}
    assert len(tops) == 1, "the sections wrap onto a second row"
    row = browser.find_element(By.CSS_SELECTOR, ".site-nav ul")
    scrolls = browser.execute_script("return arguments[0].scrollWidth", row)
    assert scrolls >= row.size["width"]  # what does not fit scrolls sideways
    header = browser.find_element(By.CSS_SELECTOR, "header.masthead")
    assert header.size["height"] < 200


@pytest.mark.parametrize("width", [390, 1280])
def test_extremes_do_not_break_the_layout(served: str, browser: WebDriver, width: int):
    """A 132-letter word in a headline and a 1,900-character standfirst stay inside the
    screen on the listing and the article page."""
    at_width(browser, width)
    browser.get(served + "/world/")  # the section's front page lists it
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    link = browser.find_element(By.CSS_SELECTOR, "main a[href*='unbreakable']")
    target = link.get_attribute("href")
    browser.get(target)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    headline = browser.find_element(By.TAG_NAME, "h1")
    assert headline.size["width"] <= width


def test_pagination_reads_from_the_newest(served: str, browser: WebDriver):
    at_width(browser, 1280)
    browser.get(served + "/tags/")  # no tags: use an author, 61 stories, 5 a page
    browser.get(served + "/authors/desk-writer/")
    where = browser.find_element(By.CSS_SELECTOR, ".pagination-where").text
    assert where == "Page 1 of 13"
    assert not browser.find_elements(By.CSS_SELECTOR, ".pagination-newer")
    browser.find_element(By.CSS_SELECTOR, ".pagination-older a").click()
    assert browser.current_url.endswith("/authors/desk-writer/page/12/")  # stable URL
    assert browser.find_element(By.CSS_SELECTOR, ".pagination-where").text == "Page 2 of 13"
    assert "page 2 of 13" in browser.find_element(By.TAG_NAME, "h1").text
    newer = browser.find_element(By.CSS_SELECTOR, ".pagination-newer a")
    assert newer.text == "Newer"
    current = browser.find_element(By.CSS_SELECTOR, ".pagination-current").text
    assert current.endswith("2")


def test_a_listing_card_shows_its_thumbnail_beside_its_text(served: str, browser: WebDriver):
    """The card's <picture> is laid out as its contents: its <source>s must not take
    grid cells (Chromium gives them display: block), or the picture drops a row."""
    at_width(browser, 1280)
    browser.get(served + "/local/")
    card = browser.find_element(By.CSS_SELECTOR, ".cards-listing .card.has-image")
    text = card.find_element(By.CSS_SELECTOR, ".card-text").rect
    image = card.find_element(By.CSS_SELECTOR, "img").rect
    assert image["x"] >= text["x"] + text["width"]  # beside, on the right
    assert image["y"] < text["y"] + text["height"]  # on the same row
