"""Authoring quizzes in the studio: quizzes, their questions and options."""
