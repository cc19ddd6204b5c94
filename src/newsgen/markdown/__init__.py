"""Markdown -> HTML: the configured renderer (markdown-it.rs, with markdown-it-py as
the reference) and the rules it adds for a newsroom: typography, footnotes, URLs,
and the guard that refuses bodies a parser could not handle.
"""
