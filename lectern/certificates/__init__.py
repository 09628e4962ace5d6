"""Certificates: issued once per completed course, verifiable by anyone holding the number."""
