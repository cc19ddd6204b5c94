"""Pausing Python's cyclic garbage collector while a stage builds many long-lived objects.

Loading 10,000 cached articles, or building the Site from them, allocates
hundreds of thousands of objects that all live on and form no reference
cycles. Each burst of allocations makes the collector walk every tracked
object again and find nothing to free; that walk cost a fifth of those
stages. Objects made while paused are collected as usual afterwards.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """Disable the cyclic garbage collector inside the ``with`` block, then restore it.

    Leaves the collector disabled if it was disabled before. Reference
    counting frees objects as usual meanwhile. With ``keep``, everything
    alive when the block ends is kept from the collector first (see
    keep_from_collector()): else the first allocation after it would make
    the collector walk all that the block made.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            keep_from_collector()
        if was_enabled:
            gc.enable()


def keep_from_collector() -> None:
    """Move every object alive now out of the collector's sight until collector_reset().

    Called after a stage that leaves many long-lived objects (the loaded
    articles, the Site, the planned outputs): without it each later burst
    of allocations makes the collector walk them all again. Reference
    counting still frees them.
    """
    gc.freeze()


@contextmanager
def collector_reset() -> Iterator[None]:
    """Hand the objects that keep_from_collector() hid back to the collector when the
    block ends (a live preview builds many times in one process)."""
    try:
        yield
    finally:
        gc.unfreeze()


def release_free_memory() -> None:
    """Hand the memory Python has freed back to the operating system, where the C
    library can (glibc's ``malloc_trim``; elsewhere nothing happens).

    Called once the article bodies loaded in the parent have gone to the
    cache: freed, they still count in the process's resident memory until then.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
