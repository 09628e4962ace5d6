"""The invariants Lectern keeps between stored counters and the rows they count, as SQL that
lists the rows breaking each. The application keeps them as it goes (atomic counters,
recounts); the demo and scale seeds must leave a database that satisfies them too."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# A lesson counts when published, not deleted, in a published section not deleted (the
# lessons a learner can open: curriculum/totals.py).
_COUNTED = """
    SELECT l.id, l.course_id FROM lessons l
    JOIN course_sections s ON s.id = l.section_id
    WHERE l.is_published AND l.deleted_at IS NULL AND s.is_published AND s.deleted_at IS NULL
"""

# name -> a query returning the ids of the rows that break the invariant.
INVARIANTS = {
    "a lesson's total_completions counts its completed progress rows": """
        SELECT l.id FROM lessons l
        WHERE l.total_completions <> (SELECT count(*) FROM lesson_progress p
                                      WHERE p.lesson_id = l.id AND p.is_completed)
    """,
    "an enrollment's total_lessons counts its course's lessons": f"""
        SELECT e.id FROM enrollments e
        WHERE e.total_lessons <> (SELECT count(*) FROM ({_COUNTED}) c
                                  WHERE c.course_id = e.course_id)
    """,
    "an enrollment's completed_lessons counts its completed lessons that count": f"""
        SELECT e.id FROM enrollments e
        WHERE e.completed_lessons <> (SELECT count(*) FROM lesson_progress p
                                      JOIN ({_COUNTED}) c ON c.id = p.lesson_id
                                      WHERE p.enrollment_id = e.id AND p.is_completed)
    """,
    "an enrollment's progress_percentage is its share of lessons done, rounded down": """
        SELECT e.id FROM enrollments e
        WHERE e.progress_percentage <> CASE WHEN e.total_lessons > 0
              THEN (e.completed_lessons * 10000) / e.total_lessons ELSE 0 END
    """,
    "an enrollment's total_watch_time sums its lessons' watch time": """
        SELECT e.id FROM enrollments e
        WHERE e.total_watch_time <> (SELECT coalesce(sum(p.watch_time), 0)
                                     FROM lesson_progress p WHERE p.enrollment_id = e.id)
    """,
    "a completed enrollment has its completed_at, an active one with every lesson done is none": """
        SELECT e.id FROM enrollments e
        WHERE (e.status = 'completed' AND e.completed_at IS NULL)
           OR (e.status = 'active' AND e.total_lessons > 0
               AND e.completed_lessons >= e.total_lessons)
    """,
    "a course's total_enrollments counts its enrollments": """
        SELECT c.id FROM courses c
        WHERE c.total_enrollments <> (SELECT count(*) FROM enrollments e
                                      WHERE e.course_id = c.id)
    """,
    "a course's total_lectures counts its lessons that count": f"""
        SELECT c.id FROM courses c
        WHERE c.total_lectures <> (SELECT count(*) FROM ({_COUNTED}) l WHERE l.course_id = c.id)
    """,
    "a course's total_sections counts its sections": """
        SELECT c.id FROM courses c
        WHERE c.total_sections <> (SELECT count(*) FROM course_sections s
                                   WHERE s.course_id = c.id AND s.deleted_at IS NULL)
    """,
    "a course's total_reviews counts its approved reviews": """
        SELECT c.id FROM courses c
        WHERE c.total_reviews <> (SELECT count(*) FROM reviews r WHERE r.course_id = c.id
                                  AND r.status = 'approved' AND r.deleted_at IS NULL)
    """,
    "an instructor's total_courses counts their courses": """
        SELECT i.id FROM instructor_profiles i
        WHERE i.total_courses <> (SELECT count(*) FROM courses c
                                  WHERE c.instructor_id = i.user_id AND c.deleted_at IS NULL)
    """,
}


async def broken(connection: AsyncConnection) -> dict[str, list[int]]:
    """Each invariant some rows break, with (up to ten of) their ids."""
    found = {}
    for name, query in INVARIANTS.items():
        ids = [row[0] for row in await connection.execute(text(query))]
        if ids:
            found[name] = ids[:10]
    return found
