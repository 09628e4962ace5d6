"""Course reviews: ratings, helpful votes, reports, moderation and the instructor's answer."""
