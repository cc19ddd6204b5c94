"""Swap two directories in one atomic step, where the operating system allows it.

Linux's ``renameat2(RENAME_EXCHANGE)`` exchanges two paths atomically: at every
instant each path names one complete tree. Elsewhere (or on file systems that
do not support it) exchange_directories() returns False and the caller falls
back to two renames.
"""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _load_renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def can_exchange() -> bool:
    """True when this system has an atomic exchange (it may still fail for a file system)."""
    return _renameat2 is not None


def exchange_directories(first: Path, second: Path) -> bool:
    """Atomically exchange ``first`` and ``second``; return False when unsupported.

    Raises OSError for any other failure (a missing path, permissions).
    """
    if _renameat2 is None:
        return False
    result = _renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
