"""Notifications: what happened, told to the people it concerns, in the app and by e-mail,
as each of them chose."""
