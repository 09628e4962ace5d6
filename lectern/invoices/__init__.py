"""Invoices and credit notes: numbered without gaps, rendered once, kept."""
