"""Learner progress: player heartbeats, lesson completion, the enrollment's totals, resuming.

Heartbeats (video and audio lessons)
    A player sends ``{play_id, seq, position, watched}`` every few seconds: ``play_id`` is
    made by the player for one playback session, ``seq`` increases within it, ``watched``
    is the seconds of media played in that session so far. The latest accepted beat's
    ``play_id`` / ``seq`` / credited ``watched`` are kept on the lesson_progress row, so:

    - a beat of the same play with ``seq`` ≤ the stored one is a replay or arrived late:
      nothing changes (the current state is answered);
    - a newer beat is credited ``watched - play_watched`` seconds (a new play: ``watched``),
      but never more than the wall clock allows since the previous accepted beat of the row
      (``last_watched_at``): ``elapsed * MAX_PLAYBACK_RATE``, elapsed at most ``MAX_GAP``;
      a row's first beat may claim ``FIRST_BEAT_ALLOWANCE``. What the wall clock did not
      allow yet is not lost: ``play_watched`` advances by the credit only, so the rest is
      credited by later beats as time passes. Watch time therefore never exceeds the
      wall-clock time (times the playback rate) the learner spent;
    - ``last_position`` moves only with an accepted beat.

    The row changes by compare-and-set (``WHERE play_id IS :old AND play_seq = :old``),
    retried on a conflict, never by read-modify-write; counters move by ``x = x + n``. A
    regular beat runs a fixed number of statements (see ``tests/learning/progress``).

    Drip is checked only for a lesson the learner has no progress row for yet: once
    started, the lesson was open, and the hot path stays short.

Completion
    A video or audio lesson completes when watch time reaches the platform setting
    ``learning.completion_threshold`` percent of its running time (default 90); one whose
    running time is unknown (0) completes by "mark complete". Text, document, embed, live
    class and SCORM lessons complete by "mark complete"; quiz and assignment lessons only
    through ``complete_lesson`` (their assessments call it). Completing is conditional (once
    per learner and lesson): ``Lesson.total_completions + 1``, the enrollment's totals
    recomputed in SQL, ``LessonCompleted``; an active enrollment that reaches all its
    lessons gets ``completed_at`` and status ``completed`` (once) and ``CourseCompleted``.

Totals
    ``total_lessons`` counts the course's lessons that count (published, not deleted, in a
    section not deleted: ``curriculum.totals``), ``completed_lessons`` the learner's
    completed ones among them, ``progress_percentage`` their share (rounded down, so 100
    means everything): ``totals.py``, where ``recount_course`` redoes them for every
    enrollment of a course after a curriculum change. A completed enrollment stays
    completed when lessons are added (its percentage shows the true share); removing the
    last unfinished lesson of an active enrollment completes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.sql import insert_ignore, rowcount
from lectern.kit.types import utcnow
from lectern.learning import drip
from lectern.learning.access import (
    CourseAccess,
    is_live,
    lesson_plan,
    require_open,
)
from lectern.learning.events import LessonCompleted
from lectern.learning.progress.queries import (
    ADVANCE,
    ENROLLMENT_AFTER_BEAT,
    LESSON_WITH_ROW,
    ROW_OF,
    THRESHOLD_KEY,
    watch_history_upsert,
)
from lectern.learning.progress.totals import complete_courses, recount
from lectern.models import (
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonType,
    Setting,
    SettingType,
)
from lectern.platform.setting_values import SettingValueError, decode

PLAYABLE = frozenset({LessonType.VIDEO, LessonType.AUDIO})
# Lessons a learner marks complete themselves.
MANUAL = frozenset(
    {
        LessonType.TEXT,
        LessonType.DOCUMENT,
        LessonType.EMBED,
        LessonType.LIVE_CLASS,
        LessonType.SCORM,
    }
)
ASSESSED = frozenset({LessonType.QUIZ, LessonType.ASSIGNMENT})

DEFAULT_THRESHOLD = 90
# Seconds of media a learner may play per second of wall clock (players offer up to 2x).
MAX_PLAYBACK_RATE = 2
# Wall-clock seconds a row's very first beat may claim, and the most one gap may credit.
FIRST_BEAT_ALLOWANCE = 60
MAX_GAP = 600
# How far past a lesson's running time a position may be (seconds): players round.
POSITION_SLACK = 30
# Bounds of any beat (the schema refuses more): the longest lesson the studio accepts; two
# days of media in one playback session; a beat a second for eleven days.
MAX_POSITION = 10**7
MAX_WATCHED = 2 * 86_400
MAX_SEQ = 1_000_000
# The furthest position in a lesson whose running time is unknown (0): a day.
UNKNOWN_LENGTH_POSITION = 86_400
# Compare-and-set attempts before a heartbeat gives up with 409 (parallel beats of one row).
ATTEMPTS = 4

_HUNDREDTH = Decimal("0.01")


# -- state ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Beat:
    play_id: uuid.UUID
    seq: int
    position: int
    watched: int


@dataclass(frozen=True)
class LessonState:
    """A learner's progress in one lesson (what the routes answer)."""

    lesson_uuid: uuid.UUID
    recorded: bool  # False: nothing is stored for this user (staff without an enrollment)
    accepted: bool  # False: a replayed or older beat, which changed nothing
    credited: int  # seconds this call added to the watch time
    watch_time: int
    last_position: int
    progress_percentage: Decimal
    is_completed: bool
    completed_at: datetime | None
    completed_now: bool


@dataclass(frozen=True)
class _Row:
    """The progress row's heartbeat state."""

    id: int
    play_id: str | None
    play_seq: int
    play_watched: int
    watch_time: int
    last_position: int
    last_watched_at: datetime | None
    progress_percentage: Decimal
    is_completed: bool
    completed_at: datetime | None


@dataclass(frozen=True)
class _Lesson:
    id: int
    uuid: uuid.UUID
    type: LessonType
    seconds: int  # running time, 0 when unknown
    row: _Row | None
    threshold: int


_ROW_FIELDS = tuple(field.name for field in fields(_Row))


def _row(values: dict[str, Any]) -> _Row:
    return _Row(**{field: values[field] for field in _ROW_FIELDS})


def _threshold(value: str | None, type_: SettingType | None) -> int:
    """The completion threshold setting, read safely (1-100; the default when unreadable)."""
    if value is None or type_ is None:
        return DEFAULT_THRESHOLD
    try:
        number = decode(value, type_)
    except SettingValueError:
        return DEFAULT_THRESHOLD
    if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
        return DEFAULT_THRESHOLD
    return max(1, min(100, int(number)))


async def completion_threshold(session: AsyncSession) -> int:
    row = (
        await session.execute(
            select(Setting.value, Setting.type).where(Setting.key == THRESHOLD_KEY)
        )
    ).first()
    return _threshold(row.value, row.type) if row is not None else DEFAULT_THRESHOLD


async def _load_lesson(
    session: AsyncSession, course: Course, lesson_uuid: uuid.UUID, user_id: int
) -> _Lesson:
    """The lesson, the user's progress row in it and the completion threshold: one statement."""
    row = await LESSON_WITH_ROW.first(
        session, user_id=user_id, lesson_uuid=lesson_uuid, course_id=course.id
    )
    if row is None:
        raise NotFound("no such lesson in this course")
    duration = row["duration_seconds"]
    seconds = duration if duration > 0 else (row["audio_duration"] or 0)
    t_type = SettingType(row["t_type"]) if row["t_type"] is not None else None
    return _Lesson(
        id=row["lesson_id"],
        uuid=row["lesson_uuid"],
        type=LessonType(row["lesson_type"]),
        seconds=max(0, seconds),
        row=_row(row) if row["id"] is not None else None,
        threshold=_threshold(row["t_value"], t_type),
    )


async def _load_row(session: AsyncSession, user_id: int, lesson_id: int) -> _Row | None:
    found = await ROW_OF.first(session, user_id=user_id, lesson_id=lesson_id)
    return _row(found) if found is not None else None


def _share(watch_time: int, seconds: int) -> Decimal:
    """Watch time as a percentage of the running time (rounded down, at most 100)."""
    if seconds <= 0:
        return Decimal(0).quantize(_HUNDREDTH)
    share = Decimal(watch_time * 100) / Decimal(seconds)
    return min(Decimal(100), share).quantize(_HUNDREDTH, rounding=ROUND_DOWN)


def _state(
    lesson: _Lesson,
    row: _Row | None,
    *,
    recorded: bool = True,
    accepted: bool = False,
    credited: int = 0,
    completed_now: bool = False,
) -> LessonState:
    return LessonState(
        lesson_uuid=lesson.uuid,
        recorded=recorded,
        accepted=accepted,
        credited=credited,
        watch_time=row.watch_time if row else 0,
        last_position=row.last_position if row else 0,
        progress_percentage=row.progress_percentage if row else Decimal("0.00"),
        is_completed=row.is_completed if row else False,
        completed_at=row.completed_at if row else None,
        completed_now=completed_now,
    )


# -- heartbeat --------------------------------------------------------------------------------


def _check_beat(lesson: _Lesson, beat: Beat) -> None:
    if lesson.type not in PLAYABLE:
        raise Conflict(
            f"a {lesson.type.value} lesson has no player: mark it complete instead",
            code="not_playable",
        )
    end = lesson.seconds + POSITION_SLACK if lesson.seconds > 0 else UNKNOWN_LENGTH_POSITION
    if beat.position > end:
        raise InvalidInput(
            f"position is past the end of the lesson ({lesson.seconds} seconds)",
            field="body.position",
        )


def _allowance(row: _Row | None, now: datetime) -> int:
    """Seconds of media the wall clock allows since the row's previous accepted beat."""
    if row is None or row.last_watched_at is None:
        elapsed = FIRST_BEAT_ALLOWANCE
    else:
        elapsed = max(0, min(MAX_GAP, int((now - row.last_watched_at).total_seconds())))
    return elapsed * MAX_PLAYBACK_RATE


@dataclass(frozen=True)
class _Step:
    credit: int
    play_watched: int
    new_play: bool


def _step(row: _Row | None, beat: Beat, now: datetime) -> _Step | None:
    """What an accepted beat changes; None for a replayed or older beat."""
    play = str(beat.play_id)
    same_play = row is not None and row.play_id == play
    if same_play and row is not None and beat.seq <= row.play_seq:
        return None
    already = row.play_watched if same_play and row is not None else 0
    credit = max(0, min(beat.watched - already, _allowance(row, now)))
    return _Step(credit=credit, play_watched=already + credit, new_play=not same_play)


async def heartbeat(
    session: AsyncSession,
    course: Course,
    access: CourseAccess,
    lesson_uuid: uuid.UUID,
    user_id: int,
    beat: Beat,
) -> LessonState:
    """Record a player's beat (see the module's docstring); ``access`` must be entitled."""
    lesson = await _load_lesson(session, course, lesson_uuid, user_id)
    _check_beat(lesson, beat)
    enrollment = access.enrollment
    now = utcnow()
    if enrollment is None or not is_live(enrollment, now):
        # Staff previewing the course: they may play it, nothing is recorded.
        return _state(lesson, None, recorded=False)

    row = lesson.row
    if row is None:
        plan = await lesson_plan(session, course, access, now)
        require_open(plan, lesson.id)
    for _ in range(ATTEMPTS):
        if row is None:
            step = _step(None, beat, now)
            assert step is not None
            share = _share(step.credit, lesson.seconds)
            inserted = await insert_ignore(
                session,
                LessonProgress,
                {
                    "user_id": user_id,
                    "lesson_id": lesson.id,
                    "enrollment_id": enrollment.id,
                    "play_id": str(beat.play_id),
                    "play_seq": beat.seq,
                    "play_watched": step.play_watched,
                    "watch_time": step.credit,
                    "last_position": beat.position,
                    "last_watched_at": now,
                    "progress_percentage": share,
                    "views_count": 1,
                },
                ["user_id", "lesson_id"],
            )
            if inserted:
                new_row = _Row(
                    id=0,
                    play_id=str(beat.play_id),
                    play_seq=beat.seq,
                    play_watched=step.play_watched,
                    watch_time=step.credit,
                    last_position=beat.position,
                    last_watched_at=now,
                    progress_percentage=share,
                    is_completed=False,
                    completed_at=None,
                )
                return await _after_beat(session, enrollment, lesson, new_row, step.credit, now)
            row = await _load_row(session, user_id, lesson.id)
            continue
        step = _step(row, beat, now)
        if step is None:
            return _state(lesson, row)
        watch_time = row.watch_time + step.credit
        share = max(row.progress_percentage, _share(watch_time, lesson.seconds))
        params = {
            "row_id": row.id,
            "old_play_id": row.play_id,
            "old_play_seq": row.play_seq,
            "new_play_id": str(beat.play_id),
            "new_play_seq": beat.seq,
            "new_play_watched": step.play_watched,
            "credit": step.credit,
            "new_last_position": beat.position,
            "now": now,
            "share": share,
            "new_views": 1 if step.new_play else 0,
        }
        updated = await ADVANCE[row.play_id is None].first(session, **params)
        if updated is not None:
            return await _after_beat(session, enrollment, lesson, _row(updated), step.credit, now)
        # Another beat of this row got in first: read it again and decide anew.
        row = await _load_row(session, user_id, lesson.id)
    raise Conflict("too many simultaneous beats for this lesson; try again", code="busy")


async def _after_beat(
    session: AsyncSession,
    enrollment: Enrollment,
    lesson: _Lesson,
    row: _Row,
    credit: int,
    now: datetime,
) -> LessonState:
    """The watch history and the enrollment follow an accepted beat; maybe the lesson
    completes."""
    history = {
        "user_id": enrollment.user_id,
        "lesson_id": lesson.id,
        "course_id": enrollment.course_id,
        "last_position": row.last_position,
        "duration_watched": row.watch_time,
        "progress_percentage": row.progress_percentage,
        "last_watched_at": now,
        "touched_at": now,
    }
    await watch_history_upsert(session.get_bind().dialect.name).execute(session, **history)
    await ENROLLMENT_AFTER_BEAT.execute(
        session, enrollment_id=enrollment.id, credit=credit, now=now, lesson_id=lesson.id
    )
    completed_now = False
    if not row.is_completed and lesson.seconds > 0 and row.progress_percentage >= lesson.threshold:
        completed_now = await _complete(
            session, enrollment, lesson.id, now=now, ensure_row=False, touch=False
        )
        if completed_now:
            row = replace(row, is_completed=True, completed_at=now)
    return _state(lesson, row, accepted=True, credited=credit, completed_now=completed_now)


# -- completion -------------------------------------------------------------------------------


async def complete_lesson(session: AsyncSession, enrollment: Enrollment, lesson_id: int) -> bool:
    """Mark lesson ``lesson_id`` completed for ``enrollment`` (assessments call this when
    one is passed). True when this call completed it; False when it already was. Publishes
    ``LessonCompleted`` and, when the course is now complete, ``CourseCompleted``."""
    return await _complete(session, enrollment, lesson_id, now=utcnow(), ensure_row=True)


async def _complete(
    session: AsyncSession,
    enrollment: Enrollment,
    lesson_id: int,
    *,
    now: datetime,
    ensure_row: bool,
    touch: bool = True,
    full_share: bool = False,
) -> bool:
    if ensure_row:
        await insert_ignore(
            session,
            LessonProgress,
            {
                "user_id": enrollment.user_id,
                "lesson_id": lesson_id,
                "enrollment_id": enrollment.id,
                "last_watched_at": None,
            },
            ["user_id", "lesson_id"],
        )
    changes: dict[str, Any] = {"is_completed": True, "completed_at": now}
    if full_share:
        changes["progress_percentage"] = Decimal(100)
    done = await session.execute(
        update(LessonProgress)
        .where(
            LessonProgress.user_id == enrollment.user_id,
            LessonProgress.lesson_id == lesson_id,
            LessonProgress.is_completed.is_(False),
        )
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) == 0:
        return False
    await session.execute(
        update(Lesson)
        .where(Lesson.id == lesson_id)
        .values(total_completions=Lesson.total_completions + 1)
        .execution_options(synchronize_session=False)
    )
    touched = {"last_accessed_at": now, "last_lesson_id": lesson_id} if touch else {}
    await recount(session, enrollment.course_id, Enrollment.id == enrollment.id, touched)
    await events.publish(
        session,
        LessonCompleted(
            enrollment_id=enrollment.id,
            user_id=enrollment.user_id,
            course_id=enrollment.course_id,
            lesson_id=lesson_id,
        ),
    )
    await complete_courses(session, enrollment.course_id, Enrollment.id == enrollment.id, now)
    return True


# -- "mark complete" --------------------------------------------------------------------------


async def mark_complete(
    session: AsyncSession,
    course: Course,
    access: CourseAccess,
    lesson_uuid: uuid.UUID,
    user_id: int,
) -> LessonState:
    """The learner's "mark complete" (see the module's docstring for which lessons)."""
    lesson = await _load_lesson(session, course, lesson_uuid, user_id)
    if lesson.type in ASSESSED:
        raise Conflict(
            f"a {lesson.type.value} lesson completes when its assessment is passed",
            code="assessment_required",
        )
    row = lesson.row
    if lesson.type in PLAYABLE and lesson.seconds > 0 and not (row and row.is_completed):
        raise Conflict(
            f"watch {lesson.threshold} % of this lesson to complete it",
            code="watch_more",
            extra={
                "threshold": lesson.threshold,
                "progress_percentage": str(row.progress_percentage if row else "0.00"),
            },
        )
    enrollment = access.enrollment
    now = utcnow()
    if enrollment is None or not is_live(enrollment, now):
        return _state(lesson, None, recorded=False)
    plan = await lesson_plan(session, course, access, now)
    require_open(plan, lesson.id)
    completed_now = await _complete(
        session,
        enrollment,
        lesson.id,
        now=now,
        ensure_row=row is None,
        full_share=lesson.type not in PLAYABLE,
    )
    if not completed_now:
        return _state(lesson, row)
    return _state(lesson, await _load_row(session, user_id, lesson.id), completed_now=True)


# -- continue where you left off --------------------------------------------------------------


@dataclass(frozen=True)
class Resume:
    lesson: drip.LessonRow | None
    position: int
    enrollment: Enrollment | None


async def resume(session: AsyncSession, course: Course, access: CourseAccess) -> Resume:
    """The lesson to take next and the position to resume it from.

    The enrollment's last lesson while it is open and not completed; else the first
    available, not completed lesson in course order; None when there is none (all done,
    or the rest still locked)."""
    plan = await lesson_plan(session, course, access)
    enrollment = access.enrollment
    lesson: drip.LessonRow | None = None
    last = enrollment.last_lesson_id if enrollment is not None else None
    if (
        last is not None
        and last in plan.lessons
        and plan.lessons[last].state is drip.State.AVAILABLE
    ):
        lesson = next(row for row in plan.curriculum.lessons if row.id == last)
    if lesson is None:
        lesson = plan.next_lesson()
    position = 0
    if lesson is not None and enrollment is not None:
        found = await session.scalar(
            select(LessonProgress.last_position).where(
                LessonProgress.user_id == enrollment.user_id,
                LessonProgress.lesson_id == lesson.id,
            )
        )
        position = found or 0
    return Resume(lesson=lesson, position=position, enrollment=enrollment)
