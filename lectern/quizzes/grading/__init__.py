"""Grading quizzes by hand: the queue of attempts awaiting it, grades and feedback, statistics."""
