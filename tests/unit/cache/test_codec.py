"""newsgen.cache.codec: what the cache may unpickle, and the checksums of its rows."""

from __future__ import annotations

import builtins
import os
import pickle
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest
from unit_helpers import load, make_config

from newsgen.build.quick_state import NO_CHANGES, QuickChanges
from newsgen.cache.codec import ALLOWED, dumps, is_whole, loads, seal, sealed_text
from newsgen.errors import Problem, Severity
from newsgen.models import Asset, Correction


class Plant:
    """A pickle that, loaded by pickle.loads, would call ``call(*args)``."""

    def __init__(self, call: object, *args: object) -> None:
        self.call, self.args = call, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.call, self.args


def test_an_article_with_every_kind_of_value_round_trips() -> None:
    text = "---\nheadline: Story\ndate: 2024-12-16T10:00:00+01:00\ntags: [A, B]\n"
    text += "extra: {day: 2024-12-01, when: 2024-12-01T10:00:00+02:00, list: [1, 2.5, null]}\n"
    text += "---\nBody [bad](javascript:x).\n"
    article, problems = load(text)
    assert article is not None and list(problems)
    article = replace(
        article,
        corrections=(Correction(datetime(2024, 12, 17, tzinfo=ZoneInfo("Europe/Berlin")), "Fix"),),
        assets=(Asset(Path("/site/content/a.png"), "world/a.png"),),
    )
    value = (article, list(problems))
    again = loads(dumps(value))
    assert again == value
    assert isinstance(again[0].extra, MappingProxyType)
    assert isinstance(again[0].extra["day"], date)
    assert loads(dumps(make_config())) == make_config()  # ZoneInfo, without getattr


def test_problems_severities_and_stdlib_values_round_trip() -> None:
    values = [
        Problem("content/a.md", 3, "tags", "bad", Severity.WARNING),
        datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2))),
        frozenset({"a"}),
        {"k": ("v", 1)},
    ]
    assert loads(dumps(values)) == values


@pytest.mark.parametrize(
    "planted",
    [
        Plant(os.system, "true"),
        Plant(builtins.eval, "1"),
        Plant(getattr, Path, "home"),
        Plant(pickle.loads, b"x"),
    ],
    ids=["os.system", "eval", "getattr", "pickle.loads"],
)
def test_a_pickle_naming_anything_else_does_not_load(planted: Plant) -> None:
    with pytest.raises(pickle.UnpicklingError, match="is not data newsgen caches"):
        loads(pickle.dumps(planted))


def test_the_allow_list_names_no_function_that_reaches_further() -> None:
    assert not {"builtins.getattr", "builtins.eval", "builtins.exec", "os.system"} & ALLOWED
    assert all(name.startswith(("newsgen.", "datetime.", "zoneinfo.", "pathlib.", "builtins.str"))
               for name in ALLOWED)


def test_a_checksum_binds_the_data_to_its_table_and_name() -> None:
    check = seal("entries", "key", b"data")
    assert len(check) == 16 and check == seal("entries", "key", b"data")
    assert check != seal("entries", "key", b"dataX")
    assert check != seal("entries", "other", b"data")
    assert check != seal("builds", "key", b"data")
    assert sealed_text("body", "k", "<p>é</p>") == seal("body", "k", "<p>é</p>".encode())


def test_a_state_pickled_by_an_older_newsgen_is_not_trusted():
    assert is_whole(NO_CHANGES, QuickChanges)
    older = object.__new__(QuickChanges)  # as unpickled when a field was added since
    for name in ("digests", "entry_keys", "live", "behind", "manifest"):
        object.__setattr__(older, name, getattr(NO_CHANGES, name))
    assert not is_whole(older, QuickChanges)
    assert not is_whole({"digests": {}}, QuickChanges)
