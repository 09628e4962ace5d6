"""Courses: authoring by instructors, review by admins."""
