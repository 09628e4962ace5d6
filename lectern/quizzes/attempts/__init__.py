"""Taking a quiz: attempts, their pages and answers, submission, review, time limits."""
