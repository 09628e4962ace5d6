"""The pages Lectern serves itself: the front door, and the account pages e-mails link to."""
