"""The page helper: one helper process that renders article pages while the build
renders everything else (the build's side in ``pool``, the helper's in ``helper``).
"""
