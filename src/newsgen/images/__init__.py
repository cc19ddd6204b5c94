"""Pictures: every local image a page shows, resized, cropped and stripped of metadata.

Between the Site and rendering: reads the image files the articles, author profiles
and the config name (and every other picture ``static/`` publishes), makes their
copies in worker processes that a broken file cannot take the build down with,
keeps them in the cache, and gives each Image its Picture (models.py). The theme
shows them through render's ``picture()`` helper (images/markup.py).
"""
