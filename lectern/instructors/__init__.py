"""Instructor profiles: applications, approval, public pages."""
