"""The words of a text as the search index holds them, and the hash that files them.

A text is split into words (runs of Unicode letters and digits), each folded
(lower case, as JavaScript's toLowerCase() gives it, and without the accents
a reader may leave out: ``Zürich`` is ``zurich``) and
cut to its stem by the Snowball stemmer of the site's language, so that
``councils`` finds ``council``. The search page does not stem: the index
keeps, beside the stems, each word form it met and its stem (shard.py), and
the page looks a reader's word up there.

bucket_of() is FNV-1a over the UTF-8 bytes, as the page's script computes it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")
_LANGUAGES = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "nb": "norwegian",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip
"""BCP 47 primary language subtags -> Snowball's algorithm for them."""


def fold(word: str) -> str:
    """Return ``word`` in lower case and without combining marks (accents)."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def split_words(text: str) -> Iterator[str]:
    """Yield the folded words of ``text``, in order."""
    for match in _WORD.finditer(text):
        yield fold(match.group())


def word_counts(text: str) -> Counter[str]:
    """Return how often each folded word occurs in ``text`` (counted in one pass over
    the text in lower case; only the distinct words are folded further)."""
    counts = Counter(_WORD.findall(text.lower()))
    if "".join(counts).isascii():  # most words of most texts: nothing to fold
        return counts
    folded: Counter[str] = Counter()
    for word, count in counts.items():
        folded[word if word.isascii() else fold(word)] += count
    return folded


class Stems:
    """The stems of words in one language (remembered: a site has some tens of thousands
    of distinct words, and stemming one takes some 30 µs)."""

    def __init__(self, language: str) -> None:
        algorithm = _LANGUAGES.get(language.split("-")[0].lower())
        self._stemmer = snowballstemmer.stemmer(algorithm) if algorithm else None
        self.known: dict[str, str] = {}
        """Each word met -> its stem."""

    def of(self, word: str) -> str:
        """Return the stem of the folded ``word`` (the word itself in a language
        Snowball has no stemmer for)."""
        stem = self.known.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word) if self._stemmer else word
            self.known[word] = stem or word
        return stem or word


def bucket_of(key: str, buckets: int) -> int:
    """Return which of ``buckets`` files holds ``key`` (32-bit FNV-1a of its UTF-8)."""
    value = 0x811C9DC5
    for byte in key.encode("utf-8", "surrogatepass"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % buckets
