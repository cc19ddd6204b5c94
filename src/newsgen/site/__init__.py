"""Articles -> the Site model, no I/O: sections, tags, authors, date archives,
related articles, links between articles and pagination.
"""
