"""How the cache writes values and checks them when it reads them back.

Values are pickled, and read back by an unpickler that admits only the
classes and functions in ALLOWED: newsgen's models and the other records the
cache keeps, a few stdlib types (datetimes, time zones, paths) and two
harmless functions. A pickle that names anything else (``os.system``,
``builtins.getattr``, ``builtins.eval``) does not load: the cache file holds
data that can build newsgen's records and nothing else, never a program.
Pickle stays because it is about twice as fast as any encoding that walks the
values in Python (JSON with tags for dataclasses, datetimes and tuples: see
docs/safety.md), and because the quick-rebuild state shares one Article
between many pages, which pickle writes once.

Each value is stored with a checksum (seal()): 16 bytes of SHA-256 over the
cache format, the table, the value's name (its key) and its bytes. A value
that does not match its checksum (flipped bytes, a row from another version,
two bodies swapped between rows) is not used.

The models are pickled as their class and field values and rebuilt by calling
the class (much faster than dataclasses' generic ``__setstate__``);
cache_format() names that layout with FORMAT, so that a cache written by a
newsgen whose models differ is never read.
"""

from __future__ import annotations

import copyreg
import dataclasses
import functools
import hashlib
import importlib
import io
import pickle
from types import MappingProxyType
from zoneinfo import ZoneInfo

from newsgen import errors, models

FORMAT = 4
"""How values are pickled and checked; bump it when that changes in a way
cache_format() cannot see."""
CHECK_SIZE = 16
"""Bytes of a checksum (of SHA-256's 32)."""
_MODELS = (
    *("SectionConfig", "SiteConfig", "Source", "Image", "Asset", "Tag", "Link", "Author"),
    *("Correction", "Alias", "LinkRef", "Section", "Article", "PageLink", "ListingPage"),
    *("Period", "CorrectionEntry", "SectionBlock", "Site", "SitemapEntry"),
    "SitemapList",
    *("ImageSettings", "Rendition", "RenditionSet", "Picture"),
    *("HomeSettings", "HomeBlockSetting", "FrontPage"),
)
ALLOWED = frozenset(
    [f"newsgen.models.{name}" for name in _MODELS]
    + [
        "newsgen.errors.Problem",
        "newsgen.errors.Severity",
        "newsgen.build.fingerprint.LastBuild",
        "newsgen.build.options.BuildReport",
        "newsgen.feeds.rss.Channel",
        "newsgen.build.quick_state.QuickState",
        "newsgen.build.quick_state.QuickFeed",
        "newsgen.build.quick_state.QuickChanges",
        "newsgen.build.quick_search.QuickSearch",
        "newsgen.build.quick_listings.QuickListings",
        "newsgen.site.front.Facts",
        "newsgen.output.search_changes.IndexedShard",
        "newsgen.cache.codec.read_only",  # Article.extra: a read-only view of a dict
        "builtins.str",  # a body left in the cache (cache.CachedBody) pickles as its text
        "datetime.datetime",
        "datetime.date",
        "datetime.timedelta",
        "datetime.timezone",
        "zoneinfo.ZoneInfo",
        "pathlib.PosixPath",
        "pathlib.PurePosixPath",
    ]
)
"""What a cached pickle may name (``module.name``): data types, and constructors that
do nothing but make one (ZoneInfo reads only time-zone data)."""


def read_only(data: dict[object, object]) -> MappingProxyType[object, object]:
    """Return a read-only view of ``data`` (how Article.extra is unpickled)."""
    return MappingProxyType(data)


def dumps(value: object) -> bytes:
    """Return ``value`` pickled."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> object:
    """Return the value pickled in ``data``. Raises pickle.UnpicklingError when it names
    anything but ALLOWED, and whatever else bad data makes the unpickler raise."""
    return _DataUnpickler(io.BytesIO(data)).load()


class _DataUnpickler(pickle.Unpickler):
    """An unpickler that finds only the classes and functions in ALLOWED."""

    def find_class(self, module: str, name: str) -> object:
        """Return ``module.name`` if ALLOWED; raise UnpicklingError otherwise."""
        return _allowed(module, name)


@functools.cache
def _allowed(module: str, name: str) -> object:
    """Return ``module.name`` if ALLOWED (remembered: an article's pickle names a dozen);
    raise UnpicklingError otherwise."""
    if f"{module}.{name}" not in ALLOWED:
        raise pickle.UnpicklingError(f"{module}.{name} is not data newsgen caches")
    return getattr(importlib.import_module(module), name)


def seal(table: str, name: str, data: bytes) -> bytes:
    """Return the checksum of ``data`` stored as ``name`` in ``table`` of the cache."""
    digest = _sealing().copy()
    digest.update(f"{table}\0{name}\0".encode("utf-8", "surrogatepass"))
    digest.update(data)
    return digest.digest()[:CHECK_SIZE]


def sealed_text(table: str, name: str, text: str) -> bytes:
    """Return seal() of ``text`` (UTF-8)."""
    return seal(table, name, text.encode("utf-8", "surrogatepass"))


@functools.cache
def _sealing() -> hashlib._Hash:
    """SHA-256 fed with the cache format: every checksum starts from a copy of it."""
    return hashlib.sha256(cache_format().encode() + b"\0")


def fingerprint(*parts: object) -> str:
    """Return a short hash of ``parts`` (their reprs), for cache keys."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def is_whole(value: object, kind: type) -> bool:
    """True when ``value`` is a ``kind`` (a dataclass) with every field this newsgen's
    ``kind`` has: one pickled by an older newsgen may lack some."""
    fields = dataclasses.fields(kind)
    return isinstance(value, kind) and all(hasattr(value, spec.name) for spec in fields)


def cache_format() -> str:
    """Return a name for how values are pickled: the format number and every
    pickled class with its fields, in order (so a changed model changes it), and
    the module path of everything a pickle may name (so a moved module changes it)."""
    return fingerprint(FORMAT, _LAYOUT, sorted(ALLOWED))


def _register_by_fields(cls: type) -> tuple[str, ...]:
    """Pickle instances of ``cls`` as ``cls(*field values)``; return the field names."""
    names = tuple(field.name for field in dataclasses.fields(cls))

    def reduce(value: object) -> tuple[type, tuple[object, ...]]:
        return type(value), tuple([getattr(value, name) for name in names])

    copyreg.pickle(cls, reduce)
    return names


def _pickled_classes() -> list[type]:
    """The dataclasses that cached values hold: the models and Problem."""
    found = [errors.Problem]
    found += [
        value
        for value in vars(models).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    return found


# Article.extra is a read-only mapping view, which pickle cannot name; pickle it as the
# dict it wraps, rebuilt by read_only(). A ZoneInfo pickles by default through
# builtins.getattr (ZoneInfo._unpickle), and getattr would open every door, so it is
# pickled as ZoneInfo(key); an enum member as its class called with its value.
copyreg.pickle(MappingProxyType, lambda view: (read_only, (dict(view),)))
copyreg.pickle(ZoneInfo, lambda zone: (ZoneInfo, (zone.key,)))
copyreg.pickle(errors.Severity, lambda severity: (errors.Severity, (severity.value,)))
_LAYOUT = tuple((cls.__qualname__, _register_by_fields(cls)) for cls in _pickled_classes())
