"""The library version, in the base layer so that any module may record it (issue 19)."""

__version__ = "0.1.0"
