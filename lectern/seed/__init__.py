"""Seed data: the demo school."""
