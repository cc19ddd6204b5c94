"""Allow ``python -m newsgen``."""

import sys

from .cli import main

sys.exit(main())
