"""Compiled templates kept between builds in ``.newsgen/templates/``, each file checked.

Jinja compiles a template into Python code; keeping that code saves compiling
every template on every build. Jinja's own FileSystemBytecodeCache reads a
pickle at the head of each file and trusts the rest, so a damaged file could
stop a build or run broken code. Here each file is

    MAGIC  SHA-256 of the rest  template checksum (Jinja's, of its source) NUL  marshal'd code

and is used only when its SHA-256 matches and it was compiled from the same
template text; a file that does not match is compiled again and rewritten,
and the damage is reported through ``note``. Compiled code is code: whoever
can write this folder can run code in a build, just as whoever can edit the
templates can (docs/safety.md).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import jinja2

from newsgen.cache.file import remove, set_aside

MAGIC = f"newsgen-compiled-1 {sys.implementation.cache_tag} {marshal.version}\n".encode()
_DIGEST = 32
Note = Callable[[str, str], None]
"""Told ``(path shown, what is wrong)`` about damage it found and repaired."""


def compiled_templates(folder: Path, prefix: str, note: Note | None) -> CheckedBytecodeCache | None:
    """Return the cache of compiled templates in ``folder`` (made when missing; moved
    aside first when something else has its name), or None when it cannot be made."""
    if os.path.lexists(folder) and not folder.is_dir():
        try:
            aside = set_aside(folder)
        except OSError:
            return None
        _tell(note, _shown(folder), f"is not a folder; moved aside to {aside.name}")
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return CheckedBytecodeCache(folder, prefix, note)


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache, one checked file per template (see the module's docstring)."""

    def __init__(self, folder: Path, prefix: str, note: Note | None) -> None:
        self.folder = folder
        self.prefix = prefix
        self.note = note

    def path(self, bucket: jinja2.bccache.Bucket) -> Path:
        """Return the file of ``bucket``'s template."""
        return self.folder / f"{self.prefix}-{bucket.key}.code"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give ``bucket`` the code kept for its template, when there is and it is whole."""
        path = self.path(bucket)
        try:
            data = _read_regular(path)
        except FileNotFoundError:
            return
        except OSError as error:
            self._damaged(path, f"cannot be read ({error.strerror or error})")
            return
        if data is None:
            self._damaged(path, "is not a file")
            return
        rest = data[len(MAGIC) + _DIGEST :]
        if not data.startswith(MAGIC) or data[len(MAGIC) : len(MAGIC) + _DIGEST] != _sha(rest):
            self._damaged(path, "does not match its checksum")
            return
        checksum, _, code = rest.partition(b"\0")
        if checksum.decode("ascii", "replace") != bucket.checksum:
            return  # the template changed since: compiled again
        try:
            bucket.code = marshal.loads(code)
        except (EOFError, ValueError, TypeError):
            self._damaged(path, "does not hold compiled code")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep ``bucket``'s code for the next build, atomically (nothing when it cannot)."""
        if bucket.code is None:
            return
        rest = bucket.checksum.encode("ascii") + b"\0" + marshal.dumps(bucket.code)
        path = self.path(bucket)
        try:
            with tempfile.NamedTemporaryFile(
                dir=self.folder, prefix=path.name, suffix=".tmp", delete=False
            ) as file:
                file.write(MAGIC + _sha(rest) + rest)
        except OSError:
            return
        try:
            os.replace(file.name, path)
        except OSError:  # a folder in its place (removed meanwhile), or no room
            Path(file.name).unlink(missing_ok=True)

    def clear(self) -> None:
        """Delete every compiled template of this newsgen."""
        for path in self.folder.glob(f"{self.prefix}-*.code"):
            remove(path)

    def _damaged(self, path: Path, what: str) -> None:
        """Remove the damaged file at ``path`` (it is compiled again) and say so."""
        remove(path)
        _tell(self.note, f"{_shown(self.folder)}/{path.name}", f"{what}; compiled again")


def _read_regular(path: Path) -> bytes | None:
    """Return the bytes of ``path``, or None when it is not a regular file (a folder, a
    pipe: never waited for). Raises OSError (FileNotFoundError when there is none)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        with open(descriptor, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(descriptor)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _shown(folder: Path) -> str:
    """``folder`` as users know it: ``.newsgen/templates``."""
    return f"{folder.parent.name}/{folder.name}"


def _tell(note: Note | None, shown: str, what: str) -> None:
    if note is not None:
        note(shown, what)
