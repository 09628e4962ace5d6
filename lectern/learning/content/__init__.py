"""A course's content for its learners: the outline, lessons, their files and drip locks."""
