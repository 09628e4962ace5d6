"""The invoice tests sell through the commerce tests' shop: its seller, buyer and course,
and a file storage of their own (paid orders get invoices)."""

from tests.commerce.conftest import _files, buyer, course, seller

__all__ = ["_files", "buyer", "course", "seller"]
