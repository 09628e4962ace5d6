"""What a learner opens: the course outline with each item's state, a lesson's content,
its resources and subtitle files.

The gate (``open_lesson``), the same for content, resources and subtitles:

- the course must be visible to the caller (``access.learner_course``: 404 otherwise) and
  the lesson a published lesson of a published section of *this* course (404 otherwise);
- a free-preview lesson (``is_free``) is open to anyone, anonymous visitors included;
- any other lesson needs a signed-in user (401), entitled to the course (403
  ``not_enrolled`` / ``enrollment_expired|refunded|suspended``; an enrollment found past its
  ``expires_at`` turns ``expired`` and stays so), and the lesson unlocked for them (403
  ``lesson_locked`` with ``reason``, ``unlocks_at``, ``after_lesson``, ``after_section``).

Opening a lesson's content counts a view (``lessons.total_views``) and, for a user with a
live enrollment, upserts their ``lesson_progress`` (``views_count``) and moves the
enrollment's ``last_accessed_at`` / ``last_lesson_id``: a fixed number of statements,
counters by atomic UPDATE. Flushes, never commits.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.curriculum.files import serve_resource
from lectern.errors import Forbidden, NotFound, Unauthorized
from lectern.kit.downloads import Download
from lectern.kit.prebuilt import Prebuilt, loaded
from lectern.kit.routing import API_PREFIX
from lectern.kit.sql import dialect_insert
from lectern.kit.storage import storage
from lectern.kit.types import utcnow
from lectern.learning import drip
from lectern.learning.access import (
    CourseAccess,
    Standing,
    is_live,
    learner_course,
    lesson_plan,
    lock_details,
    require_open,
)
from lectern.learning.content.assessments import assignment_states, by_lesson, quiz_states
from lectern.learning.content.schemas import (
    AssignmentStateOut,
    AudioOut,
    DocumentOut,
    EnrollmentSummaryOut,
    LessonContentOut,
    LessonResourceOut,
    LessonTrackOut,
    LockOut,
    MyLessonProgressOut,
    NextLessonOut,
    OutlineLessonOut,
    OutlineOut,
    OutlineSectionOut,
    QuizStateOut,
    SectionRefOut,
    VideoOut,
    assignment_out,
    quiz_out,
)
from lectern.models import (
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonResource,
    LessonType,
    User,
    VideoTrack,
)

VTT_MEDIA_TYPE = "text/vtt; charset=utf-8"


def learn_path(course_uuid: uuid.UUID, lesson_uuid: uuid.UUID | None = None) -> str:
    path = f"{API_PREFIX}/learn/{course_uuid}"
    return path if lesson_uuid is None else f"{path}/lessons/{lesson_uuid}"


# -- the outline ------------------------------------------------------------------------------


def _lock(plan: drip.Plan, state: drip.ItemState) -> LockOut | None:
    if state.state is not drip.State.LOCKED:
        return None
    return LockOut.model_validate(lock_details(plan, state))


async def outline(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> OutlineOut:
    """The course's published sections and lessons in order, each with its state for
    ``user``; 403 unless entitled (staff see everything available)."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    plan = await lesson_plan(session, course, access)
    curriculum = plan.curriculum
    quizzes = by_lesson(await quiz_states(session, user.id, course.id))
    assignments = by_lesson(await assignment_states(session, user.id, course.id))
    sections = []
    for section in curriculum.sections:
        state = plan.sections[section.id]
        lessons = []
        for lesson in curriculum.lessons_of(section.id):
            lesson_state = plan.lessons[lesson.id]
            lessons.append(
                OutlineLessonOut(
                    id=lesson.id,
                    uuid=lesson.uuid,
                    title=lesson.title,
                    type=LessonType(lesson.type),
                    duration_seconds=lesson.duration_seconds,
                    is_free=lesson.is_free,
                    state=lesson_state.state,
                    lock=_lock(plan, lesson_state),
                    quiz=quiz_out(quizzes[lesson.id]) if lesson.id in quizzes else None,
                    assignment=(
                        assignment_out(assignments[lesson.id]) if lesson.id in assignments else None
                    ),
                )
            )
        sections.append(
            OutlineSectionOut(
                id=section.id,
                title=section.title,
                state=state.state,
                lock=_lock(plan, state),
                lessons=lessons,
            )
        )
    following = plan.next_lesson()
    enrollment = access.enrollment
    return OutlineOut(
        course_uuid=course.uuid,
        title=course.title,
        slug=course.slug,
        drip_content=course.drip_content,
        is_staff=access.standing is Standing.STAFF,
        enrollment=EnrollmentSummaryOut.model_validate(enrollment) if enrollment else None,
        next_lesson=(
            NextLessonOut(
                uuid=following.uuid, title=following.title, type=LessonType(following.type)
            )
            if following is not None
            else None
        ),
        sections=sections,
    )


# -- the gate ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenLesson:
    """A lesson the caller may open, with what the gate learned on the way."""

    course: Course
    access: CourseAccess
    row: drip.LessonRow
    curriculum: drip.Curriculum
    # None when the caller opens a free preview without being entitled to the course.
    plan: drip.Plan | None

    @property
    def tracked(self) -> bool:
        """Whether the caller has a live enrollment whose progress this open counts in."""
        enrollment = self.access.enrollment
        return enrollment is not None and is_live(enrollment, utcnow())


async def open_lesson(
    session: AsyncSession,
    user: User | None,
    course_uuid: uuid.UUID,
    lesson_uuid: uuid.UUID,
) -> OpenLesson:
    """The lesson if the caller may open it (see the module's docstring): 404 / 401 / 403.
    Four statements at most for an enrolled user (the course with the caller's standing, two
    for the curriculum, completed lessons)."""
    course, access = await learner_course(session, user, course_uuid)
    curriculum = await drip.load_curriculum(session, course.id, course.drip_content)
    row = next((lesson for lesson in curriculum.lessons if lesson.uuid == lesson_uuid), None)
    if row is None:
        raise NotFound("no such lesson in this course")
    if not access.entitled:
        if row.is_free:
            return OpenLesson(course, access, row, curriculum, None)
        if user is None:
            raise Unauthorized("sign in and enroll in this course to open this lesson")
        access.require()
    plan = await lesson_plan(session, course, access, curriculum=curriculum)
    if not row.is_free:
        require_open(plan, row.id)
    return OpenLesson(course, access, row, curriculum, plan)


def _neighbours(opened: OpenLesson) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The previous and next lesson in course order; for a visitor on a free preview, the
    previous and next free previews (the only lessons they may open)."""
    lessons = opened.curriculum.lessons
    if opened.plan is None:
        lessons = [lesson for lesson in lessons if lesson.is_free]
    index = next(i for i, lesson in enumerate(lessons) if lesson.id == opened.row.id)
    previous = lessons[index - 1].uuid if index > 0 else None
    following = lessons[index + 1].uuid if index + 1 < len(lessons) else None
    return previous, following


# -- a lesson's content -----------------------------------------------------------------------


# The statements of the player's lesson page, built once.
# Prebuilt reads of whole rows, made ORM instances without the ORM's loading.
_LESSON = Prebuilt(select(Lesson.__table__).where(Lesson.id == bindparam("lesson_id")))
_RESOURCES = Prebuilt(
    select(LessonResource.__table__)
    .where(LessonResource.lesson_id == bindparam("lesson_id"))
    .order_by(LessonResource.order, LessonResource.id)
)
_TRACKS = Prebuilt(
    select(VideoTrack.__table__)
    .where(VideoTrack.lesson_id == bindparam("lesson_id"))
    .order_by(VideoTrack.language, VideoTrack.id)
)


async def lesson_content(
    session: AsyncSession,
    user: User | None,
    course_uuid: uuid.UUID,
    lesson_uuid: uuid.UUID,
) -> LessonContentOut:
    """The lesson for the player, and the view it counts (see the module's docstring)."""
    opened = await open_lesson(session, user, course_uuid, lesson_uuid)
    found = await _LESSON.first(session, lesson_id=opened.row.id)
    if found is None:  # deleted between the two statements
        raise NotFound("no such lesson in this course")
    lesson = loaded(session, Lesson, found)
    resources = [
        loaded(session, LessonResource, row)
        for row in await _RESOURCES.rows(session, lesson_id=lesson.id)
    ]
    tracks = [
        loaded(session, VideoTrack, row) for row in await _TRACKS.rows(session, lesson_id=lesson.id)
    ]
    progress = await _count_view(session, opened, user)
    quiz, assignment = await _assessment_of(session, lesson, opened.course, user)

    base = learn_path(opened.course.uuid, lesson.uuid)
    previous, following = _neighbours(opened)
    section_title = next(s.title for s in opened.curriculum.sections if s.id == lesson.section_id)
    state = (
        opened.plan.lessons[lesson.id].state if opened.plan is not None else drip.State.AVAILABLE
    )
    if progress is not None and progress.is_completed:
        state = drip.State.COMPLETED
    return LessonContentOut(
        uuid=lesson.uuid,
        title=lesson.title,
        description=lesson.description,
        type=lesson.type,
        section=SectionRefOut(id=lesson.section_id, title=section_title),
        duration_seconds=lesson.duration_seconds,
        is_free=lesson.is_free,
        is_downloadable=lesson.is_downloadable,
        state=state,
        content=lesson.content,
        video=(
            VideoOut(
                url=lesson.video_url,
                provider=lesson.video_provider,
                video_id=lesson.video_id,
                thumbnail=lesson.video_thumbnail,
                duration_seconds=lesson.duration_seconds,
                qualities=lesson.video_qualities or {},
            )
            if lesson.type == LessonType.VIDEO
            else None
        ),
        audio=(
            AudioOut(url=lesson.audio_url, duration_seconds=lesson.audio_duration)
            if lesson.type == LessonType.AUDIO
            else None
        ),
        document=(
            DocumentOut(url=lesson.document_url, type=lesson.document_type)
            if lesson.type == LessonType.DOCUMENT
            else None
        ),
        embed_code=lesson.embed_code if lesson.type == LessonType.EMBED else None,
        tracks=[
            LessonTrackOut(
                id=track.id,
                language=track.language,
                label=track.label,
                kind=track.kind,
                is_default=track.is_default,
                url=f"{base}/tracks/{track.id}",
            )
            for track in tracks
        ],
        resources=[
            LessonResourceOut(
                id=resource.id,
                title=resource.title,
                description=resource.description,
                file_name=resource.file_name,
                file_type=resource.file_type,
                file_size=resource.file_size,
                is_downloadable=resource.is_downloadable,
                download_url=(
                    f"{base}/resources/{resource.id}" if resource.is_downloadable else None
                ),
            )
            for resource in resources
        ],
        progress=progress,
        quiz=quiz,
        assignment=assignment,
        previous_lesson=previous,
        next_lesson=following,
    )


async def _assessment_of(
    session: AsyncSession, lesson: Lesson, course: Course, user: User | None
) -> tuple[QuizStateOut | None, AssignmentStateOut | None]:
    """A quiz or assignment lesson's item and where the caller stands (one statement; none
    for other lessons)."""
    user_id = user.id if user is not None else 0  # a visitor: no attempt, no submission
    if lesson.type == LessonType.QUIZ:
        quizzes = await quiz_states(session, user_id, course.id, lesson.id)
        return (quiz_out(quizzes[0]) if quizzes else None), None
    if lesson.type == LessonType.ASSIGNMENT:
        found = await assignment_states(session, user_id, course.id, lesson.id)
        return None, (assignment_out(found[0]) if found else None)
    return None, None


_COUNT_LESSON_VIEW = Prebuilt(
    update(Lesson)
    .where(Lesson.id == bindparam("lesson_id"))
    .values(total_views=Lesson.total_views + 1)
)
_ENROLLMENT_ACCESSED = Prebuilt(
    update(Enrollment)
    .where(Enrollment.id == bindparam("enrollment_id"))
    .values(last_accessed_at=bindparam("now"), last_lesson_id=bindparam("lesson_id"))
)


@functools.cache
def _progress_view_upsert(dialect: str) -> Prebuilt:
    """``views_count + 1`` on the learner's progress row, created if needed; returns it."""
    table: Any = LessonProgress.__table__
    statement = dialect_insert(LessonProgress, dialect).values(
        user_id=bindparam("user_id"),
        lesson_id=bindparam("lesson_id"),
        enrollment_id=bindparam("enrollment_id"),
        views_count=1,
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "views_count": table.c.views_count + 1,
            "enrollment_id": statement.excluded.enrollment_id,
            "updated_at": bindparam("now"),
        },
    ).returning(
        table.c.last_position,
        table.c.watch_time,
        table.c.is_completed,
        table.c.completed_at,
        table.c.progress_percentage,
        table.c.views_count,
    )
    return Prebuilt(upsert)


async def _count_view(
    session: AsyncSession, opened: OpenLesson, user: User | None
) -> MyLessonProgressOut | None:
    """``total_views + 1`` on the lesson; with a live enrollment, ``views_count + 1`` on the
    user's lesson_progress (created if needed) and the enrollment's last access. One
    statement, three with an enrollment; the progress comes back from the upsert."""
    lesson_id = opened.row.id
    await _COUNT_LESSON_VIEW.execute(session, lesson_id=lesson_id)
    enrollment = opened.access.enrollment
    if user is None or enrollment is None or not opened.tracked:
        return None
    now = utcnow()
    params = {"user_id": user.id, "lesson_id": lesson_id, "enrollment_id": enrollment.id}
    upsert = _progress_view_upsert(session.get_bind().dialect.name)
    row = await upsert.first(session, **params, now=now)
    await _ENROLLMENT_ACCESSED.execute(
        session, enrollment_id=enrollment.id, lesson_id=lesson_id, now=now
    )
    return MyLessonProgressOut.model_validate(row)


# -- files ------------------------------------------------------------------------------------


async def resource_download(
    session: AsyncSession,
    user: User | None,
    course_uuid: uuid.UUID,
    lesson_uuid: uuid.UUID,
    resource_id: int,
) -> Download:
    """A resource of a lesson the caller may open; 403 ``not_downloadable`` when the
    instructor switched downloads off. Counts the download (atomic UPDATE)."""
    opened = await open_lesson(session, user, course_uuid, lesson_uuid)
    resource = await session.scalar(
        select(LessonResource).where(
            LessonResource.id == resource_id, LessonResource.lesson_id == opened.row.id
        )
    )
    if resource is None:
        raise NotFound("no such resource on this lesson")
    if not resource.is_downloadable:
        raise Forbidden("this resource may not be downloaded", code="not_downloadable")
    return await serve_resource(session, resource)


async def track_file(
    session: AsyncSession,
    user: User | None,
    course_uuid: uuid.UUID,
    lesson_uuid: uuid.UUID,
    track_id: int,
) -> AsyncIterator[bytes]:
    """The WebVTT file of a subtitle track of a lesson the caller may open."""
    opened = await open_lesson(session, user, course_uuid, lesson_uuid)
    track = await session.scalar(
        select(VideoTrack).where(VideoTrack.id == track_id, VideoTrack.lesson_id == opened.row.id)
    )
    if track is None:
        raise NotFound("no such track on this lesson")
    files = storage()
    if not await files.exists(track.file_path):
        raise NotFound("the track's file is missing from storage", code="file_missing")
    return files.open(track.file_path)
