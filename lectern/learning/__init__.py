"""Learning: enrollments, access to content, drip and progress."""
