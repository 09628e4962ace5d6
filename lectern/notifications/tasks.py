"""Jobs of notifications: telling a course's learners of a new lesson, a batch at a time
(a course of 100,000 learners holds no request and no long transaction)."""

from __future__ import annotations

from sqlalchemy import select

from lectern import jobs
from lectern.db import unit_of_work
from lectern.jobs import broker
from lectern.kit.links import app_link
from lectern.learning.access import LIVE_STATUSES
from lectern.models import Course, CourseSection, CourseStatus, Enrollment, Lesson
from lectern.notifications.service import About, notify_many

BATCH = 500


@broker.task(task_name="lectern.notifications.new_lesson")
async def tell_new_lesson(lesson_id: int, after_user_id: int) -> None:
    """Tell the next batch of the course's learners (user ids past ``after_user_id``) of the
    lesson, if it is still there to see, then queue the batch after it."""
    async with unit_of_work() as session:
        found = (
            await session.execute(
                select(Lesson.title, Lesson.uuid, Course.id, Course.title, Course.uuid)
                .join(Course, Course.id == Lesson.course_id)
                .join(CourseSection, CourseSection.id == Lesson.section_id)
                .where(
                    Lesson.id == lesson_id,
                    Lesson.deleted_at.is_(None),
                    Lesson.is_published.is_(True),
                    CourseSection.is_published.is_(True),
                    CourseSection.deleted_at.is_(None),
                    Course.status == CourseStatus.PUBLISHED,
                    Course.deleted_at.is_(None),
                )
            )
        ).first()
        if found is None:
            return
        lesson_title, lesson_uuid, course_id, course_title, course_uuid = found
        batch = list(
            await session.scalars(
                select(Enrollment.user_id)
                .where(
                    Enrollment.course_id == course_id,
                    Enrollment.status.in_(LIVE_STATUSES),
                    Enrollment.user_id > after_user_id,
                )
                .order_by(Enrollment.user_id)
                .limit(BATCH)
            )
        )
        await notify_many(
            session,
            batch,
            "new_lessons",
            title=f"New in {course_title}",
            message=f"A new lesson: {lesson_title}.",
            action_url=app_link("lesson", course=course_uuid, lesson=lesson_uuid),
            action_text="Open the lesson",
            about=About("lesson", lesson_id),
        )
        if len(batch) == BATCH:
            jobs.after_commit(
                session, tell_new_lesson, lesson_id=lesson_id, after_user_id=batch[-1]
            )
