"""Files -> Articles: find the content tree's files, read front matter and Markdown, and
validate each article into an ``Article`` model (discover, frontmatter, fields,
editorial, authors, parse one article, load them all).
"""
