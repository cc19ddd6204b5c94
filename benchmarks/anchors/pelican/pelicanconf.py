"""Pelican anchor settings for newsgen's benchmarks (see benchmarks/README.md).

The same work as newsgen where the two overlap: article pages, paginated
category (section) and tag pages, a tag index, a home page and one RSS feed;
no author, archive or per-category feed pages. anchors.py copies this file
into the generated Pelican site and appends THEME and CACHE_PATH.
"""

AUTHOR = "Newsroom"
SITENAME = "The Benchmark Gazette"
SITEURL = "https://bench.example.com"
PATH = "content"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %B %Y"
RELATIVE_URLS = False

STATIC_PATHS = ["images"]
PAGE_PATHS = ["pages"]  # none: a news archive has articles only

ARTICLE_URL = "{category}/{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags"]

DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"category": None, "tag": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_DOMAIN = SITEURL
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = False

# Typographic quotes and heading ids, as newsgen's Markdown has.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
