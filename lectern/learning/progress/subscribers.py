"""What progress does when other domains' facts arrive."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.curriculum.events import CurriculumChanged
from lectern.learning.progress.totals import recount_course


async def recount_after_curriculum_change(session: AsyncSession, event: CurriculumChanged) -> None:
    """The learners' totals follow the curriculum: recount every enrollment of the course
    (three statements, whatever their number) and complete those now done."""
    await recount_course(session, event.course_id)
