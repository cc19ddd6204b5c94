"""The Site -> pages: the Jinja environment, every planned output, the HTML pages,
JSON-LD, template fragments, and the keys that tell when an output's bytes are
unchanged.
"""
