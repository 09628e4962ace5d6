"""Authentication: passwords, tokens, the current user, roles."""
