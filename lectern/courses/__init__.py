"""Courses in the studio: authoring, co-instructors, links and FAQs, approval by admins."""
