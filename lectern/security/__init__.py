"""Who is calling: password hashing, tokens, the current user and roles, the Actor services take.

Shared by every domain; the sign-up and sign-in flows themselves are the auth domain."""
