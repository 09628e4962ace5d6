"""Payments: what the gateways report, settled on the orders."""
