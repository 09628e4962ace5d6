"""Seed data: the demo school and generated scale data."""
