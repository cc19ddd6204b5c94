"""newsgen.quickbuild: what a build trusts of the quick state it finds in the cache."""

from __future__ import annotations

from newsgen.quick import NO_CHANGES, QuickChanges
from newsgen.quickbuild import _whole


def test_a_state_pickled_by_an_older_newsgen_is_not_trusted():
    assert _whole(NO_CHANGES, QuickChanges)
    older = object.__new__(QuickChanges)  # as unpickled when a field was added since
    for name in ("digests", "entry_keys", "live", "behind", "manifest"):
        object.__setattr__(older, name, getattr(NO_CHANGES, name))
    assert not _whole(older, QuickChanges)
    assert not _whole({"digests": {}}, QuickChanges)
