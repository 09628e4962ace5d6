"""The learner's own tools: lesson bookmarks, notes, and the wishlist with price alerts."""
