"""Authentication: sign-up, sign-in with the second factor, sessions, e-mail verification and
passwords (the /auth routes)."""
