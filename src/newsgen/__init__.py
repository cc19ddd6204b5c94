"""newsgen: a static site generator for news archives."""

__version__ = "0.2.0"
