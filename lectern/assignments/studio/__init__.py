"""Authoring assignments in the studio: settings and attachments."""
