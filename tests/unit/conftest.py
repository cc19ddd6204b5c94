"""Unit tests mirror the package: ``tests/unit/<package>/test_<module>.py``.

This file puts ``tests/unit`` on ``sys.path`` (pytest inserts the folder of a
conftest.py that has no ``__init__.py`` beside it), so that tests in the package
folders import the shared builders with ``from unit_helpers import ...``.
"""
