"""The values that flow through the pipeline: config, articles, sections, pages.

Plain frozen dataclasses, no behaviour beyond derived read-only properties, and
no imports from the rest of newsgen. Templates receive these objects; every
field documented here is part of the theme contract (docs/themes.md).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, overload
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class SectionConfig:
    """A section named in ``newsgen.yaml``: its display title and place in the order."""

    name: str
    """The section name as articles write it (``world``)."""
    title: str
    """The display title (``World News``)."""
    description: str = ""
    """One sentence about the section, for its pages' meta description."""


@dataclass(frozen=True, slots=True)
class ImageSettings:
    """How the build processes pictures (``images:`` in ``newsgen.yaml``)."""

    widths: tuple[int, ...] = (320, 640, 960, 1280, 1920)
    """Widths in pixels of the resized copies of each picture (never wider than it)."""
    formats: tuple[str, ...] = ("avif", "webp")
    """Modern formats made besides the original format's copies (``avif``, ``webp``)."""
    quality: int = 80
    """Encoder quality, 1-100 (AVIF and WebP are given their equivalent)."""
    max_pixels: int = 100_000_000
    """Larger pictures (width x height, every frame of an animation) are refused."""
    keep_credit: bool = False
    """When True, the Artist and Copyright fields survive in the original-format copies."""
    warn_remote: bool = True
    """When True, each remote picture (``src: https://...``) gives a warning."""


@dataclass(frozen=True, slots=True)
class HomeBlockSetting:
    """One section block of the front page (``home.blocks`` in ``newsgen.yaml``)."""

    section: str
    """The section's name (slug)."""
    size: int
    """How many stories the block shows."""


@dataclass(frozen=True, slots=True)
class HomeSettings:
    """How the front page is made up (``home:`` in ``newsgen.yaml``; docs/front-page.md)."""

    top: int = 4
    """Top stories under the lead."""
    latest: int = 5
    """Headlines in the "Latest" list after the top stories (0: no list)."""
    block_size: int = 4
    """Stories in each section block not given a size of its own."""
    blocks: tuple[HomeBlockSetting, ...] | None = None
    """The section blocks in order; None: one per section, in section order."""
    recent_hours: int = 48
    """How long a story's ``priority`` counts after it is published."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated contents of ``newsgen.yaml``."""

    title: str
    """The site's name, shown in the masthead and feeds."""
    base_url: str
    """Absolute URL of the site root, always ending in ``/``."""
    language: str
    """BCP 47 language tag of the site (``en``, ``en-GB``)."""
    timezone: ZoneInfo
    """The newsroom's time zone: datetimes without an offset are in it, and
    permalink dates are taken in it."""
    permalink: str
    """Article URL pattern, e.g. ``/{section}/{yyyy}/{mm}/{dd}/{slug}/``."""
    per_page: int
    """Articles per listing page."""
    feed_items: int
    """Articles per RSS feed."""
    sections: tuple[SectionConfig, ...]
    """Sections given a title and an order; others follow alphabetically."""
    unsafe_html: bool
    """When True, raw HTML in Markdown bodies is passed through unescaped."""
    description: str = ""
    """One sentence about the site, used by feeds and the home page."""
    publisher_name: str = ""
    """The publisher named in structured data (``newsgen.yaml`` ``publisher.name``;
    default: the title)."""
    publisher_logo: str = ""
    """Absolute URL of the publisher's logo for structured data, or empty."""
    search: bool = True
    """When True (``search:`` in ``newsgen.yaml``), the build indexes the article
    pages into ``pagefind/`` and renders the ``/search/`` page."""
    default_image: str = ""
    """Absolute URL of the social image (``og:image``) of articles without images of
    their own (``default_image`` in ``newsgen.yaml``), or empty: then they have none.
    A local file is at least 200x200 pixels (config.py checks it)."""
    images: ImageSettings = ImageSettings()
    """How pictures are processed (``images:`` in ``newsgen.yaml``)."""
    home_latest: int = 10
    """How many of the newest articles ``site.latest`` holds."""
    home_per_section: int = 5
    """How many articles each of ``site.home_blocks`` holds."""
    home: HomeSettings = HomeSettings()
    """How the front page is made up (``home:`` in ``newsgen.yaml``)."""
    favicon: str = ""
    """Site path of the favicon in ``static/`` (``favicon:``), or empty: newsgen draws
    one from the site's initials."""
    touch_icon: str = ""
    """Site path of the touch icon (180x180 PNG) in ``static/``, or empty: drawn too."""
    compress: bool = False
    """When True, text files get pre-compressed ``.gz`` and ``.br`` copies."""

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` (``/`` or ``/news/``), prefixed to every link."""
        rest = self.base_url.split("://", 1)[-1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"


@dataclass(frozen=True, slots=True)
class Source:
    """A source the article cites."""

    name: str
    """What the reader sees (``TASS``)."""
    url: str
    """Absolute http(s) URL of the source."""


@dataclass(frozen=True, slots=True)
class Rendition:
    """One processed picture file: a resized copy or a crop."""

    url: str
    """Root-relative URL of the file (``/img/3f/3f9a…-640.webp``)."""
    width: int
    """Width in pixels."""
    height: int
    """Height in pixels."""
    media_type: str
    """MIME type (``image/webp``)."""


@dataclass(frozen=True, slots=True)
class RenditionSet:
    """The copies of a picture (or of one crop of it) in one format, narrowest first."""

    media_type: str
    """MIME type of every file of the set."""
    files: tuple[Rendition, ...]
    """The copies, narrowest first."""

    @property
    def srcset(self) -> str:
        """The ``srcset`` attribute's value: ``/img/…-320.webp 320w, …``."""
        return ", ".join(f"{item.url} {item.width}w" for item in self.files)


@dataclass(frozen=True, slots=True)
class Picture:
    """What the build made of a local picture (images/): its size, copies and crops.

    Compact (a site may have 100,000): the copies are named from the picture's keys, so
    the Renditions are made when asked for (``full``, ``thumb``, ``square``,
    ``social``, ``structured``)."""

    key: str
    """Hash of the picture's bytes and of what was made of it; changes when any file does."""
    width: int
    """Width in pixels of the published picture (EXIF orientation applied)."""
    height: int
    """Height in pixels of the published picture."""
    placeholder: str
    """The picture's average colour (``#6b7d8a``), shown while it loads."""
    copies: str = ""
    """Root-relative URL of its copies without their ending (``/img/3f/3f9a…``)."""
    crops: str = ""
    """Root-relative URL of its crops without their ending."""
    widths: tuple[int, ...] = ()
    """Widths of the resized copies of the whole picture."""
    thumb_widths: tuple[int, ...] = ()
    """Widths of the 3:2 card crops (around the focal point; letterboxed with ``crop: false``)."""
    square_widths: tuple[int, ...] = ()
    """Widths of the 1:1 crops (author photos)."""
    extensions: tuple[str, ...] = ()
    """The copies' formats: the modern ones first, the original format's (the fallback
    every browser shows) last (``("avif", "webp", "jpg")``)."""
    crop_extension: str = "jpg"
    """The format of the social and structured-data crops (JPEG, or PNG)."""
    social_size: tuple[int, int] | None = None
    """Size of the social crop (1200x630, or smaller of that shape), when made."""
    structured_sizes: tuple[tuple[int, int], ...] = ()
    """Sizes of the 16:9, 4:3 and 1:1 crops, when made."""
    animated: bool = False
    """True for an animation: published at its own size, without copies."""
    vector: bool = False
    """True for an SVG drawing: published as it is, shown through ``<img>`` only."""

    @property
    def full(self) -> tuple[RenditionSet, ...]:
        """Resized copies of the whole picture, one set per format, the fallback last."""
        if not self.width:
            return ()
        sizes = [(w, max(1, round(self.height * w / self.width))) for w in self.widths]
        return self._sets(self.copies, "", sizes)

    @property
    def thumb(self) -> tuple[RenditionSet, ...]:
        """3:2 copies for cards."""
        sizes = [(w, max(1, round(w / 1.5))) for w in self.thumb_widths]
        return self._sets(self.crops, "thumb-", sizes)

    @property
    def square(self) -> tuple[RenditionSet, ...]:
        """1:1 copies, for author photos."""
        return self._sets(self.crops, "square-", [(w, w) for w in self.square_widths])

    @property
    def fallback(self) -> RenditionSet | None:
        """The original format's copies of the whole picture, or None."""
        sets = self.full
        return sets[-1] if sets else None

    @property
    def social(self) -> Rendition | None:
        """The crop for ``og:image`` and Twitter cards, JPEG or PNG."""
        if self.social_size is None:
            return None
        return self._crop("social", self.social_size)

    @property
    def structured(self) -> tuple[Rendition, ...]:
        """16:9, 4:3 and 1:1 crops for structured data (JSON-LD ``image``)."""
        labels = ("16x9", "4x3", "1x1")
        return tuple(
            self._crop(label, size)
            for label, size in zip(labels, self.structured_sizes, strict=False)
        )

    def _crop(self, label: str, size: tuple[int, int]) -> Rendition:
        extension = self.crop_extension
        url = f"{self.crops}-{label}.{extension}"
        return Rendition(url, size[0], size[1], _MEDIA_TYPES[extension])

    def _sets(
        self, prefix: str, label: str, sizes: list[tuple[int, int]]
    ) -> tuple[RenditionSet, ...]:
        if not sizes:
            return ()
        return tuple(
            RenditionSet(
                _MEDIA_TYPES[extension],
                tuple(
                    Rendition(f"{prefix}-{label}{w}.{extension}", w, h, _MEDIA_TYPES[extension])
                    for w, h in sizes
                ),
            )
            for extension in self.extensions
        )


_MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
}


@dataclass(frozen=True, slots=True)
class Image:
    """An image attached to an article; the first one is the lead image."""

    url: str
    """Where a page links the image: root-relative (``/images/a.jpg``) or absolute."""
    absolute_url: str
    """The image's absolute URL, for feeds and sharing."""
    caption: str
    """What the picture shows; may be empty."""
    credit: str
    """Who took or supplied it (``Omar Haj Kadour/AFP via Getty Images``); may be empty."""
    alt: str
    """Text alternative for readers who cannot see it; defaults to the caption."""
    media_type: str
    """MIME type guessed from the file name (``image/jpeg``)."""
    file: str = ""
    """The local file, from the site root (``static/images/a.jpg``,
    ``content/world/a/map.png``); empty for a remote image."""
    line: int = 0
    """File line of the image's entry in its article (front matter or body)."""
    field: str = ""
    """Where the article names it (``images[0].src``, ``body``), for messages."""
    focus: tuple[float, float] = (0.5, 0.5)
    """The point crops keep in view, as fractions of width and height from the top left
    (front matter ``focus: [0.3, 0.4]``)."""
    crop: bool = True
    """False for charts, maps and graphics (``crop: false``): never cut, letterboxed."""
    picture: Picture | None = None
    """What the build made of the file (None for a remote image, or before images/)."""


@dataclass(frozen=True, slots=True)
class Asset:
    """A file that lies beside an article and is copied next to its page."""

    source: Path
    """The file in the content tree."""
    output_path: str
    """Where it goes, relative to the output directory (``world/2024/.../a.jpg``)."""


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag, with its listing page and feed. Prints as its name."""

    name: str
    """The tag as written (the most used spelling across the site)."""
    slug: str
    """URL segment; tags are identified by it."""
    url: str
    """Root-relative URL of the tag's page (``/tags/middle-east/``)."""
    feed_url: str
    """Root-relative URL of the tag's RSS feed."""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Link:
    """A named link (an author's profile elsewhere, a neighbouring period)."""

    name: str
    """What the reader sees."""
    url: str
    """Where it goes."""


@dataclass(frozen=True, slots=True)
class Author:
    """A byline name, with its author page and what ``authors.yaml`` says. Prints as its name."""

    name: str
    """The name as bylines write it."""
    slug: str
    """URL segment of the author page."""
    url: str
    """Root-relative URL of the author page (``/authors/lena-brandt/``)."""
    bio: str = ""
    """A short biography from ``authors.yaml``, or empty."""
    photo: str = ""
    """Link to the author's photo from ``authors.yaml``, or empty."""
    links: tuple[Link, ...] = ()
    """Profiles elsewhere from ``authors.yaml``."""
    picture: Picture | None = None
    """What the build made of a local ``photo`` (square crops), or None."""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Correction:
    """A dated correction to an article, shown at its end and on ``/corrections/``."""

    date: datetime
    """When the correction was made, timezone-aware."""
    text: str
    """What was wrong and what is right now (plain text)."""


@dataclass(frozen=True, slots=True)
class Alias:
    """An old site path of an article, where a redirect page is written. Prints as the path."""

    path: str
    """The old path, relative to the site root (``/world/old-slug/`` or ``/2019/a.html``)."""
    line: int
    """File line of the entry in front matter ``aliases``."""
    field: str
    """The front matter field (``aliases[0]``), for messages."""

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link in an article body to another article's source file."""

    line: int
    """File line of the link, for the error when the target does not exist."""
    target: str
    """The target's path relative to ``content/`` (``world/bases.md``)."""


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the site: ``world``, ``business``."""

    slug: str
    """URL segment (``world-news``); sections are identified by it."""
    title: str
    """Display title: from ``newsgen.yaml`` or the name as articles write it."""
    url: str
    """Root-relative URL of the section's front page (``/world-news/``)."""
    feed_url: str
    """Root-relative URL of the section's RSS feed."""
    description: str = ""
    """One sentence about the section (``newsgen.yaml``), or empty."""


OPINION_LABELS = frozenset({"opinion", "comment", "editorial", "column", "letters", "review"})
"""Labels (as Article.label_kind) of pieces the theme sets apart from news."""


@dataclass(frozen=True, slots=True)
class Article:
    """One published article, validated and rendered."""

    source_path: str
    """The Markdown file, relative to the site root (``content/world/bases.md``)."""
    headline: str
    """The headline, as plain text."""
    date: datetime
    """Publication time, timezone-aware."""
    updated: datetime | None
    """Time of the last update, timezone-aware, or None."""
    section: Section
    """The section the article belongs to."""
    slug: str
    """The article's URL segment."""
    summary: str
    """Standfirst as plain text: front matter ``summary`` or the first paragraph."""
    bylines: tuple[str, ...]
    """Author names, in the order given."""
    tags: tuple[Tag, ...]
    """Tags, duplicates removed; each prints as its name."""
    sources: tuple[Source, ...]
    """Cited sources."""
    images: tuple[Image, ...]
    """Images; the first is the lead image."""
    draft: bool
    """True for drafts (only built with ``--drafts``)."""
    extra: Mapping[str, Any]
    """Site-specific fields from front matter ``extra:``, unchecked."""
    body_html: str
    """The rendered body (safe HTML). In a build, a cache.CachedBody that reads it from
    the cache when shown; read it as text with ``str()`` (templates: ``| safe``)."""
    url: str
    """Root-relative URL of the article page (``/world/2024/12/16/slug/``)."""
    permalink: str
    """Absolute URL of the article page."""
    output_path: str
    """The page's file, relative to the output directory (``world/.../index.html``)."""
    assets: tuple[Asset, ...] = field(default=())
    """Files beside the article that are copied next to its page."""
    id: str | None = None
    """A UUID that identifies the article across renames (front matter ``id``)."""
    authors: tuple[Author, ...] = ()
    """The byline names as authors, with their pages (same order as ``bylines``)."""
    corrections: tuple[Correction, ...] = ()
    """Corrections, oldest first."""
    aliases: tuple[Alias, ...] = ()
    """Old site paths that redirect here (``/world/old-slug/``); each prints as its path."""
    link_refs: tuple[LinkRef, ...] = ()
    """Links in the body to other articles' source files, resolved by the build."""
    body_images: tuple[Image, ...] = ()
    """Local images the body shows (``![alt](photo.jpg "Caption — Credit")``), in order."""
    standfirst: str = ""
    """The standfirst the editor wrote (front matter ``summary``), or empty: the article
    page shows none, as its first paragraph follows anyway."""
    label: str = ""
    """The kicker an editor flags the story with (``label: Breaking``), or empty."""
    featured: bool = False
    """True when the editor chose it to lead the front page (``featured: true``)."""
    priority: int = 0
    """How high it ranks among the front page's top stories (``priority: N``)."""
    pin_until: datetime | None = None
    """Until when ``featured`` and ``priority`` hold it at the top (``pin_until``)."""

    @property
    def label_kind(self) -> str:
        """The label as a CSS class name part (``breaking``, ``opinion``), or empty."""
        return "".join(c if c.isalnum() else "-" for c in self.label.casefold()).strip("-")

    @property
    def is_opinion(self) -> bool:
        """True when the label marks a view rather than news (Opinion, Comment, ...)."""
        return self.label_kind in OPINION_LABELS

    @property
    def lead_image(self) -> Image | None:
        """The first image, or None."""
        return self.images[0] if self.images else None

    @property
    def modified(self) -> datetime:
        """The latest of ``date``, ``updated`` and every correction's date."""
        if self.updated is None and not self.corrections:  # most articles
            return self.date
        moments = [self.date]
        if self.updated:
            moments.append(self.updated)
        moments.extend(correction.date for correction in self.corrections)
        return max(moments)

    @property
    def guid(self) -> str:
        """Feed identifier: ``urn:uuid:…`` when the article has an ``id``, else its permalink."""
        return f"urn:uuid:{self.id}" if self.id else self.permalink


@dataclass(frozen=True, slots=True)
class PageLink:
    """One entry of a listing's page navigation."""

    label: str
    """Text of the link: ``Latest``, a page number, or ``…`` for a gap."""
    url: str | None
    """Root-relative URL, or None for a gap."""
    current: bool = False
    """True for the page being shown."""


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a paginated listing (a section index, later tags and archives).

    Numbered pages are counted from the oldest end, so page 1 holds the oldest
    articles and a full page never changes when new articles arrive. The front
    page (``number`` None) shows the newest ``per_page`` articles.
    """

    title: str
    """The listing's title (``World News``)."""
    items: tuple[Article, ...]
    """The articles on this page, newest first."""
    number: int | None
    """The page number, or None for the listing's front page."""
    total: int
    """How many numbered pages the listing has (0 when everything fits the front)."""
    url: str
    """Root-relative URL of this page."""
    output_path: str
    """File of this page, relative to the output directory."""
    newer_url: str | None
    """The page with the next newer articles, or None on the front page."""
    older_url: str | None
    """The page with the next older articles, or None on page 1."""
    links: tuple[PageLink, ...]
    """Navigation: the front page, then page numbers newest to oldest, with gaps."""


@dataclass(frozen=True, slots=True)
class Period:
    """A year or a month of the date archive."""

    year: int
    """The year."""
    month: int | None
    """The month (1–12), or None for a whole year."""
    title: str
    """``2024`` or ``December 2024``."""
    url: str
    """Root-relative URL (``/2024/`` or ``/2024/12/``)."""
    count: int
    """How many articles the period holds."""
    newer: Link | None = None
    """The next newer period with articles (same kind), or None."""
    older: Link | None = None
    """The next older period with articles (same kind), or None."""


@dataclass(frozen=True, slots=True)
class CorrectionEntry:
    """A correction with the article it corrects, for ``/corrections/``."""

    article: Article
    """The corrected article."""
    correction: Correction
    """The correction."""


@dataclass(frozen=True, slots=True)
class SectionBlock:
    """A section's newest articles, as shown on the home page."""

    section: Section
    """The section."""
    articles: tuple[Article, ...]
    """Its newest articles, newest first."""


@dataclass(frozen=True, slots=True)
class FrontPage:
    """The front page as the editors' choices and the clock make it up (site/front.py):
    no story appears twice."""

    lead: Article | None = None
    """The lead story, shown large with its picture."""
    top: tuple[Article, ...] = ()
    """The top stories under the lead, in rank order."""
    latest: tuple[Article, ...] = ()
    """The newest stories shown nowhere above, newest first."""
    blocks: tuple[SectionBlock, ...] = ()
    """The section blocks, in ``home.blocks`` order, without stories shown above."""


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build renders, derived from the config and the articles."""

    config: SiteConfig
    """The validated site configuration."""
    articles: tuple[Article, ...]
    """Every article being published, newest first."""
    sections: tuple[Section, ...]
    """Sections in display order (config order, then alphabetical)."""
    section_pages: Mapping[str, tuple[ListingPage, ...]]
    """Each section's listing pages by section slug, front page first."""
    latest: tuple[Article, ...]
    """The newest articles across the site, for the home page."""
    home_blocks: tuple[SectionBlock, ...]
    """One block per section for the home page, in section order."""
    feed_url: str = "/feed.xml"
    """Root-relative URL of the site's RSS feed."""
    json_feed_url: str = "/feed.json"
    """Root-relative URL of the site's JSON Feed."""
    build_time: datetime | None = None
    """When the build ran (or ``SOURCE_DATE_EPOCH``); decides the news sitemap."""
    tags: tuple[Tag, ...] = ()
    """Every tag, sorted by name."""
    tag_counts: Mapping[str, int] = field(default_factory=dict)
    """How many articles each tag has, by tag slug."""
    tag_pages: Mapping[str, tuple[ListingPage, ...]] = field(default_factory=dict)
    """Each tag's listing pages by tag slug, front page first."""
    authors: tuple[Author, ...] = ()
    """Every byline name as an author, sorted by name."""
    author_pages: Mapping[str, tuple[ListingPage, ...]] = field(default_factory=dict)
    """Each author's listing pages by author slug, front page first."""
    author_counts: Mapping[str, int] = field(default_factory=dict)
    """How many articles each author has, by author slug."""
    years: tuple[Period, ...] = ()
    """Years with articles, newest first."""
    months: Mapping[int, tuple[Period, ...]] = field(default_factory=dict)
    """Each year's months with articles, newest first, by year."""
    period_pages: Mapping[str, tuple[ListingPage, ...]] = field(default_factory=dict)
    """Listing pages of each period by its URL, front page first."""
    related: Mapping[str, tuple[Article, ...]] = field(default_factory=dict)
    """Up to five related articles for each article, by its ``source_path``."""
    corrections: tuple[CorrectionEntry, ...] = ()
    """Every correction on the site, newest first."""
    corrections_url: str = "/corrections/"
    """Root-relative URL of the corrections page."""
    corrections_feed_url: str = "/corrections/feed.xml"
    """Root-relative URL of the corrections feed."""
    default_picture: Picture | None = None
    """What the build made of a local ``default_image`` (its social crop), or None."""
    front: FrontPage = FrontPage()
    """What the front page shows (site/front.py)."""
    section_counts: Mapping[str, int] = field(default_factory=dict)
    """How many articles each section has, by section slug."""


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site."""

    path: str
    """Where it goes, relative to the output directory, ``/``-separated."""
    data: bytes
    """Its bytes."""
    source: str
    """What it was made from, for error messages (``content/world/a.md``, ``feed``)."""
    lastmod: datetime | None = None
    """For pages listed in the sitemap: when their content last changed."""
    line: int = 1
    """The line of ``source`` that made this file, for messages (an alias's line)."""
    field: str | None = None
    """The front matter field that made this file (``aliases[1]``), or None."""


@dataclass(frozen=True, slots=True)
class Placed:
    """A file of the built site that a helper process already wrote into the new
    output folder (pagehelper/pool.py); the writer only notes it."""

    path: str
    """Where it is, relative to the output directory, ``/``-separated."""
    inode: int
    """Its inode."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A file of the built site whose bytes the current output folder already holds.

    The page was not rendered again: nothing it is made from changed since
    the build that wrote ``path``. The writer links that file into the new
    output.
    """

    path: str
    """Where it is, relative to the output directory, ``/``-separated."""
    inode: int | None = None
    """The inode the build that wrote it recorded (None: any regular file at ``path``)."""
    remake: Callable[[], Output | None] | None = None
    """Renders the file again, for when the output no longer holds it as recorded
    (None: that is an error); returns None after recording a problem."""


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One URL of the sitemap (feeds/sitemaps.py), as the build lists it and keeps it for
    quick rebuilds (build/quick_listings.py)."""

    loc: str
    """Absolute URL of the page."""
    lastmod: datetime
    """When the page's content last changed."""
    xml: str = ""
    """Its ``<url>`` element as the sitemap writes it, made once when the entry is
    (feeds/sitemaps.py's sitemap_entry()) and kept with it, so that quick rebuilds
    write a sitemap of 50,000 URLs by joining them; empty: not made yet."""


@dataclass(frozen=True, slots=True)
class SitemapList(Sequence[SitemapEntry]):
    """Sitemap entries sorted by URL, kept as columns rather than one object per entry
    (feeds/sitemaps.py's sitemap_list() makes them): what the sitemap files are cut,
    written and keyed from, and what quick rebuilds read back of a site's sitemap
    (build/quick_listings.py), 140,000 entries at 100,000 articles, which the cache reads
    four times faster so. Indexing gives a SitemapEntry, slicing another SitemapList."""

    locs: tuple[str, ...] = ()
    lastmods: tuple[datetime, ...] = ()
    xml: tuple[str, ...] = ()
    stamps: bytes = b""
    """Each ``lastmod`` as a POSIX timestamp, an ``array("d")`` in bytes: the newest of
    50,000 entries is found a hundred times faster than by comparing datetimes."""

    def __len__(self) -> int:
        return len(self.locs)

    def newest(self) -> datetime:
        """Return the latest ``lastmod`` (the first of equal instants); raises
        ValueError when there are no entries."""
        stamps = array("d")
        stamps.frombytes(self.stamps)
        return self.lastmods[stamps.index(max(stamps))]

    @overload
    def __getitem__(self, index: int) -> SitemapEntry: ...
    @overload
    def __getitem__(self, index: slice) -> SitemapList: ...
    def __getitem__(self, index: int | slice) -> SitemapEntry | SitemapList:
        if isinstance(index, slice):
            stamps = array("d")
            stamps.frombytes(self.stamps)
            return SitemapList(
                self.locs[index], self.lastmods[index], self.xml[index], stamps[index].tobytes()
            )
        return SitemapEntry(self.locs[index], self.lastmods[index], self.xml[index])
