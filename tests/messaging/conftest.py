"""The discussions' school (a course, its staff, two learners and a stranger) serves here too."""

from __future__ import annotations

from tests.discussions.conftest import school

__all__ = ["school"]
