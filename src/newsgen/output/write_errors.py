"""What to tell the editor when the file system refuses to take the new site.

A failed write names the file of the output that could not be written (and
the article or static file it comes from), says why in words, and what to
do; the site in the output folder is unchanged then (output/write.py).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from newsgen.models import Kept, Output, Placed

_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space, then build again",
    errno.EDQUOT: "the disk quota is used up: free some space (or ask for a larger quota), "
    "then build again",
    errno.EROFS: "the disk is read-only: choose an output folder on a writable disk",
    errno.EACCES: "newsgen may not write there: check the permissions of the output folder "
    "and of the folder that holds it (the new site is made beside the output)",
    errno.EPERM: "newsgen may not write there: check the permissions of the output folder "
    "and of the folder that holds it (the new site is made beside the output)",
    errno.ENAMETOOLONG: "a name in the path is longer than the file system allows: shorten "
    "the slug, alias or file name it comes from",
    errno.EMFILE: "too many files are open at once: raise the limit (ulimit -n), then build again",
    errno.EIO: "the disk reported an input/output error: check it, then build again",
}


def cannot(doing: str, where: str | Path, error: OSError, output: Path) -> str:
    """Return the message for ``error``, met while ``doing`` (``"swap the new site
    into"``) ``where``, in a build into ``output``."""
    named = f" ({error.filename})" if error.filename and os.path.isabs(error.filename) else ""
    reason = error.strerror or str(error)
    advice = _ADVICE.get(error.errno or 0)
    said = f"cannot {doing} {where}: {reason}{named}"
    said += f"; {advice}" if advice else ""
    return f"{said}. The site in {output} is unchanged."


def cannot_write(output: Path, item: object, error: OSError) -> str:
    """Return the message for ``error``, met while putting ``item`` (an Output, Kept,
    Placed or write.Copy) into the new site of ``output``."""
    path = getattr(item, "path", "")
    return cannot("write", f"{os.path.join(output, path)}{_origin(item)}", error, output)


def _origin(item: object) -> str:
    """Return `` (from SOURCE)`` for a file made from an editor's file, else ``""``."""
    if isinstance(item, Output):
        where = f"{item.source}:{item.line}: {item.field}" if item.field else item.source
        return f" (from {where})"
    if isinstance(item, Kept | Placed):
        return ""
    origin = getattr(item, "origin", "")
    return f" (from {origin})" if origin else ""
