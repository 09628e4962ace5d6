"""Progress: player heartbeats, lesson and course completion, the enrollment's totals."""
