"""Coupons: the platform's and instructors', what they take off, and why one does not apply."""
