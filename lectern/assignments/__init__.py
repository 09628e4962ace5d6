"""Assignments: authoring in the studio, learners' submissions, instructors' grading."""
