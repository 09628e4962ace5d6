"""Private messages between learners and their instructors, and course inquiries."""
