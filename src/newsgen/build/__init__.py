"""The build command's pipeline: options and report, its inputs, the fingerprint of
the last build, output collisions, locks and turns, and the quick rebuild.
"""
