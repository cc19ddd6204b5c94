"""What a build keeps in ``.newsgen/`` for the next: loaded articles (SQLite), rendered
bodies, compiled templates and file hashes, each checked when read back.
"""
