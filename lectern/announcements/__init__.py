"""Announcements: instructors to their courses' students, admins to everyone; delivered in
batches by jobs, read once per user."""
