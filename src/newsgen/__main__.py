"""Allow ``python -m newsgen``."""

from newsgen.cli import console

if __name__ == "__main__":  # not in a worker process that imports this module
    console()
