"""Refunds: buyers ask, admins decide, the gateway pays back."""
