"""The learner's side of assignments: drafts, files, handing in."""
