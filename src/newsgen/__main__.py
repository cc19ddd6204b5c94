"""Allow ``python -m newsgen``."""

from newsgen.cli import console

console()
