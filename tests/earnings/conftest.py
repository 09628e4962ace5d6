"""The earnings tests sell through the commerce tests' shop: its seller, buyer and course."""

from tests.commerce.conftest import buyer, course, seller

__all__ = ["buyer", "course", "seller"]
