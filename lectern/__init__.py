"""Lectern: an open-source learning platform (course marketplace back end)."""

__version__ = "0.1.0"
