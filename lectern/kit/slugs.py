"""URL slugs: lower-case ASCII words joined by hyphens."""

from __future__ import annotations

from slugify import slugify

MAX_LENGTH = 200


def make_slug(text: str) -> str:
    """The slug of a title ("Intro to C++ & Rust" → "intro-to-c-rust"); never empty."""
    return slugify(text, max_length=MAX_LENGTH, word_boundary=True) or "item"
