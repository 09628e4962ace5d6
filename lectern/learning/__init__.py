"""Learning: enrollments, access to content, drip, progress and the learner's tools."""
