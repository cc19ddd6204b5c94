"""Machine-readable outputs: RSS 2.0, JSON Feed, sitemaps and robots.txt, and the
XML text writer they share.
"""
