"""Quizzes: authoring, attempts, grading and statistics (spec module 6)."""
