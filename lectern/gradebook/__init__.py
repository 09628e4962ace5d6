"""The gradebook: every student's quiz and assignment results in one course."""
