"""Enrollments: the one way into a course, the learner's and the studio's lists, expiry."""
