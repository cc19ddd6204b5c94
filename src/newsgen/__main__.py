"""Allow ``python -m newsgen``."""

from .cli import console

console()
