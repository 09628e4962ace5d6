"""The demo school's certificates: every student who finished a course has one, issued the
way the application issues them, by hearing that the course was completed."""

from __future__ import annotations

from sqlalchemy import func, select

from lectern import events
from lectern.learning.events import CourseCompleted
from lectern.models import Certificate, Enrollment, EnrollmentStatus
from lectern.seed.seeder import DemoSeeder


async def certificates(seeder: DemoSeeder) -> None:
    session = seeder.session
    finished = await session.execute(
        select(Enrollment.id, Enrollment.user_id, Enrollment.course_id).where(
            Enrollment.status == EnrollmentStatus.COMPLETED
        )
    )
    before = await session.scalar(select(func.count(Certificate.id)))
    for enrollment_id, user_id, course_id in list(finished):
        await events.publish(session, CourseCompleted(enrollment_id, user_id, course_id))
    # Courses the coursework step completed through the application have theirs already.
    issued = int(await session.scalar(select(func.count(Certificate.id))) or 0) - int(before or 0)
    if issued:
        seeder.added["certificates"] = issued
