"""Grading assignments: the queue of submissions, grades, feedback, returning for resubmission."""
