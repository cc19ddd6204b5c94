"""One shard of newsgen's own search index: the files the search page reads.

A shard holds a set of article pages (a year's, or a quarter's), numbered newest
first, so that within a shard the order of numbers is the order of dates:

- ``meta.json``: the format, the count of pages, how many files the words and the
  word forms are filed in, each page's length in words and date, and the filters
  (section and year: the numbers of the pages of each);
- ``words/N.json``: for each stem filed there (bucket_of() the stem), the numbers of
  the pages that hold it, as gaps from the one before, and how often each holds
  it (a word of the headline counts TITLE_WEIGHT times);
- ``forms/N.json``: each word form met that is not its own stem, with its stem, so
  that the page looks up a reader's word without a stemmer of its own;
- ``records/N.json``: what a result shows of each page (URL, headline, the other
  meta values such as the shown date, the filters' values, the standfirst),
  RECORDS_PER_FILE pages a file, fetched for the results shown only.

shard_files() returns the files as bytes by path; nothing is written here.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from newsgen.search.words import Stems, bucket_of, word_counts

FORMAT = 1
TITLE_WEIGHT = 5
WORDS_PER_FILE = 256
RECORDS_PER_FILE = 500


@dataclass(frozen=True, slots=True)
class SearchPage:
    """What the index holds of one article page."""

    url: str
    title: str
    date: datetime | None
    filters: tuple[tuple[str, str], ...]
    """(name, value) pairs the search page filters by: ``("section", "World")``."""
    standfirst: str
    """What a result shows under the headline."""
    text: str
    """The text searched (the headline is searched too, with more weight)."""
    meta: tuple[tuple[str, str], ...] = ()
    """Other values a result shows, by name: ``("date", "1 March 2024")``."""

    @property
    def section(self) -> str:
        """The value of the section filter (empty without one)."""
        return dict(self.filters).get("section", "")


def page_order(pages: Sequence[SearchPage]) -> list[SearchPage]:
    """Return ``pages`` newest first (undated last), ties by URL."""

    def key(page: SearchPage) -> tuple[float, str]:
        return (-page.date.timestamp() if page.date else math.inf, page.url)

    return sorted(pages, key=key)


def shard_files(pages: Sequence[SearchPage], stems: Stems) -> dict[str, bytes]:
    """Return the files of a shard holding ``pages``, by path inside the shard."""
    ordered = page_order(pages)
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    seen: set[str] = set()
    lengths: list[int] = []
    for number, page in enumerate(ordered):
        counts = _stem_counts(page, stems, seen)
        lengths.append(counts.pop(_LENGTH))
        for stem, count in counts.items():
            postings[stem].append((number, count))
    known = stems.known
    forms = {word: known[word] for word in seen if known[word] != word}
    files = _filed("words", postings, _word_entry)
    files.update(_filed("forms", forms, lambda stem: stem))
    files.update(_records(ordered))
    meta = {
        "format": FORMAT,
        "pages": len(ordered),
        "words": _file_count(len(postings)),
        "forms": _file_count(len(forms)),
        "records": RECORDS_PER_FILE,
        "lengths": lengths,
        "dates": [page.date.isoformat() if page.date else None for page in ordered],
        "filters": _filters(ordered),
    }
    files["meta.json"] = _json(meta)
    return files


_LENGTH = ""
"""The key under which _stem_counts() gives the page's length in words (no stem is empty)."""


def _stem_counts(page: SearchPage, stems: Stems, seen: set[str]) -> dict[str, int]:
    """Return how often each stem occurs in ``page`` (a word of the headline counting
    TITLE_WEIGHT times), and its length in words under _LENGTH; add its words to ``seen``."""
    known = stems.known
    counts: dict[str, int] = {}
    length = 0
    for weight, text in ((1, page.text), (TITLE_WEIGHT, page.title)):
        words = word_counts(text)
        seen.update(words)
        length += words.total()
        for word, count in words.items():
            stem = known.get(word) or stems.of(word)
            counts[stem] = counts.get(stem, 0) + weight * count
    counts[_LENGTH] = length
    return counts


def _file_count(entries: int) -> int:
    """Return how many files hold ``entries``: a power of two, WORDS_PER_FILE or fewer each."""
    return 1 << max(0, math.ceil(math.log2(max(1, entries / WORDS_PER_FILE))))


def _filed(folder: str, entries: dict, value) -> dict[str, bytes]:  # type: ignore[type-arg]
    """Return ``entries`` in _file_count() files of ``folder``, by bucket_of() their keys."""
    count = _file_count(len(entries))
    buckets: list[dict[str, object]] = [{} for _ in range(count)]
    for key in sorted(entries):
        buckets[bucket_of(key, count)][key] = value(entries[key])
    return {f"{folder}/{number}.json": _json(bucket) for number, bucket in enumerate(buckets)}


def _word_entry(found: list[tuple[int, int]]) -> list[list[int]]:
    """Return a stem's pages as ``[gaps, counts]``."""
    numbers = [number for number, _ in found]
    gaps = [b - a for a, b in zip([0, *numbers], numbers, strict=False)]
    return [gaps, [count for _, count in found]]


def _records(ordered: list[SearchPage]) -> dict[str, bytes]:
    """Return the records files: what a result shows of each page."""
    files = {}
    for start in range(0, len(ordered), RECORDS_PER_FILE):
        chunk = ordered[start : start + RECORDS_PER_FILE]
        rows = [
            {
                "url": page.url,
                "title": page.title,
                "meta": dict(page.meta),
                "filters": dict(page.filters),
                "excerpt": page.standfirst,
            }
            for page in chunk
        ]
        files[f"records/{start // RECORDS_PER_FILE}.json"] = _json(rows)
    return files


def _filters(ordered: list[SearchPage]) -> dict[str, dict[str, list[int]]]:
    """Return the numbers of the pages with each value of each filter."""
    filters: dict[str, dict[str, list[int]]] = {}
    for number, page in enumerate(ordered):
        for name, value in page.filters:
            filters.setdefault(name, {}).setdefault(value, []).append(number)
    return filters


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
