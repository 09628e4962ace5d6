"""HTTP routes of learner progress: the player's heartbeat, "mark complete", "continue".

Every route needs an entitled user (enrolled and live, or the course's staff; 403
otherwise with the reason); a course the caller may not see, or a lesson not in it, is a
404. Staff without an enrollment may call them: nothing is recorded (``recorded: false``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.prebuilt import from_rows
from lectern.kit.routing import ApiRouter
from lectern.learning.access import learner_course
from lectern.learning.progress import service as progress
from lectern.learning.progress.schemas import (
    CompletionOut,
    ContinueOut,
    CourseProgressOut,
    HeartbeatIn,
    LessonProgressOut,
    ResumeLessonOut,
)
from lectern.models import Enrollment, LessonType
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/learn", tags=["progress"])


def _lesson_fields(state: progress.LessonState) -> dict[str, Any]:
    """A ``LessonProgressOut`` as its JSON holds it (the heartbeat answers straight from
    it: a player sends one every few seconds)."""
    return {
        "lesson": state.lesson_uuid,
        "recorded": state.recorded,
        "accepted": state.accepted,
        "credited": state.credited,
        "watch_time": state.watch_time,
        "last_position": state.last_position,
        "progress_percentage": state.progress_percentage,
        "is_completed": state.is_completed,
        "completed_at": state.completed_at,
        "completed_now": state.completed_now,
    }


def _lesson_out(state: progress.LessonState) -> LessonProgressOut:
    return LessonProgressOut(**_lesson_fields(state))


def _course_out(enrollment: Enrollment | None) -> CourseProgressOut | None:
    if enrollment is None:
        return None
    return CourseProgressOut(
        completed_lessons=enrollment.completed_lessons,
        total_lessons=enrollment.total_lessons,
        progress_percentage=enrollment.progress_percentage,
        is_completed=enrollment.completed_at is not None,
        completed_at=enrollment.completed_at,
    )


@router.post(
    "/{course_uuid}/lessons/{lesson_uuid}/heartbeat",
    response_model=LessonProgressOut,
    summary="A player's heartbeat",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def heartbeat(
    course_uuid: UUID,
    lesson_uuid: UUID,
    body: HeartbeatIn,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    """Record playback of a video or audio lesson (409 ``not_playable`` for other types).

    Idempotent and monotonic: a beat of the same ``play_id`` whose ``seq`` is not above the
    last accepted one changes nothing (``accepted: false``). A beat is credited the growth
    of ``watched`` since the last accepted beat of its play, at most what the wall clock
    allows (2 * the seconds since the previous beat; 60 s for the first); the rest is
    credited by later beats. ``position`` past the lesson's length + 30 s is a 422. The
    lesson completes when watch time reaches the completion threshold (a platform setting,
    90 % by default). Drip locks (403 ``lesson_locked``) are checked on a lesson's first beat.
    """
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    state = await progress.heartbeat(
        session,
        course,
        access,
        lesson_uuid,
        user.id,
        progress.Beat(
            play_id=body.play_id, seq=body.seq, position=body.position, watched=body.watched
        ),
    )
    return from_rows(_lesson_fields(state))


@router.post(
    "/{course_uuid}/lessons/{lesson_uuid}/complete",
    response_model=CompletionOut,
    summary="Mark a lesson complete",
    responses=problem_responses(401, 403, 404, 409),
)
async def complete(
    course_uuid: UUID, lesson_uuid: UUID, session: SessionDep, user: CurrentUser
) -> CompletionOut:
    """Complete a text, document, embed, live-class or SCORM lesson (idempotent). Video and
    audio lessons complete by watching (409 ``watch_more`` with the ``threshold``), unless
    their length is unknown; quiz and assignment lessons by passing their assessment (409
    ``assessment_required``). A locked lesson is a 403 ``lesson_locked``."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    state = await progress.mark_complete(session, course, access, lesson_uuid, user.id)
    enrollment = access.enrollment if state.recorded else None
    if enrollment is not None:
        await session.refresh(enrollment)
    return CompletionOut(lesson=_lesson_out(state), course=_course_out(enrollment))


@router.get(
    "/{course_uuid}/continue",
    response_model=ContinueOut,
    summary="Continue where you left off",
    responses=problem_responses(401, 403, 404),
)
async def continue_course(course_uuid: UUID, session: SessionDep, user: CurrentUser) -> ContinueOut:
    """The lesson to resume (the last one taken, unless completed or now locked; else the
    first available lesson not completed) and the position in it; ``lesson`` is null when
    everything is done or the rest is still locked."""
    course, access = await learner_course(session, user, course_uuid)
    access.require()
    found = await progress.resume(session, course, access)
    lesson = found.lesson
    return ContinueOut(
        lesson=None
        if lesson is None
        else ResumeLessonOut(
            uuid=lesson.uuid,
            title=lesson.title,
            type=LessonType(lesson.type),
            section_id=lesson.section_id,
            duration_seconds=lesson.duration_seconds,
        ),
        position=found.position,
        course=_course_out(found.enrollment),
    )
