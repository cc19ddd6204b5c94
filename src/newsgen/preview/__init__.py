"""``newsgen serve``: the preview HTTP server, the rebuild loop, file watching and
live reload.
"""
