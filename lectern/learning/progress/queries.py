"""The heartbeat's statements, prebuilt (lectern.kit.prebuilt): a player beats every few
seconds, and running a statement through the ORM costs more than the statement."""

from __future__ import annotations

import functools

from sqlalchemy import Integer, and_, bindparam, select, update

from lectern.curriculum.totals import counted_lesson
from lectern.kit.prebuilt import Prebuilt
from lectern.kit.sql import dialect_insert
from lectern.models import (
    Enrollment,
    Lesson,
    LessonProgress,
    Setting,
    WatchHistory,
)

_ROW_COLUMNS = (
    LessonProgress.id,
    LessonProgress.play_id,
    LessonProgress.play_seq,
    LessonProgress.play_watched,
    LessonProgress.watch_time,
    LessonProgress.last_position,
    LessonProgress.last_watched_at,
    LessonProgress.progress_percentage,
    LessonProgress.is_completed,
    LessonProgress.completed_at,
)

# The platform setting of the watch share that completes a video or audio lesson (percent).
THRESHOLD_KEY = "learning.completion_threshold"

_THRESHOLD = select(Setting).where(Setting.key == THRESHOLD_KEY)
LESSON_WITH_ROW = Prebuilt(
    select(
        Lesson.id.label("lesson_id"),
        Lesson.uuid.label("lesson_uuid"),
        Lesson.type.label("lesson_type"),
        Lesson.duration_seconds,
        Lesson.audio_duration,
        _THRESHOLD.with_only_columns(Setting.value).scalar_subquery().label("t_value"),
        _THRESHOLD.with_only_columns(Setting.type).scalar_subquery().label("t_type"),
        *_ROW_COLUMNS,
    )
    .outerjoin(
        LessonProgress,
        and_(
            LessonProgress.lesson_id == Lesson.id,
            LessonProgress.user_id == bindparam("user_id"),
        ),
    )
    .where(
        Lesson.uuid == bindparam("lesson_uuid"),
        Lesson.course_id == bindparam("course_id"),
        counted_lesson(),
    )
)


ROW_OF = Prebuilt(
    select(*_ROW_COLUMNS).where(
        LessonProgress.user_id == bindparam("user_id"),
        LessonProgress.lesson_id == bindparam("lesson_id"),
    )
)


def _advance(first_play: bool) -> Prebuilt:
    """The compare-and-set UPDATE of a progress row: it applies only if no other beat moved
    the row since it was read (same play and sequence)."""
    same_play = (
        LessonProgress.play_id.is_(None)
        if first_play
        else LessonProgress.play_id == bindparam("old_play_id")
    )
    return Prebuilt(
        update(LessonProgress)
        .where(
            LessonProgress.id == bindparam("row_id"),
            same_play,
            LessonProgress.play_seq == bindparam("old_play_seq"),
        )
        .values(
            play_id=bindparam("new_play_id"),
            play_seq=bindparam("new_play_seq"),
            play_watched=bindparam("new_play_watched"),
            watch_time=LessonProgress.watch_time + bindparam("credit", type_=Integer),
            last_position=bindparam("new_last_position"),
            last_watched_at=bindparam("now"),
            progress_percentage=bindparam("share"),
            views_count=LessonProgress.views_count + bindparam("new_views", type_=Integer),
        )
        .returning(*_ROW_COLUMNS)
    )


# By whether the row has had no play yet (play_id IS NULL).
ADVANCE = {True: _advance(True), False: _advance(False)}


@functools.cache
def watch_history_upsert(dialect: str) -> Prebuilt:
    """Insert or update the learner's watch history of a lesson (parameters: its columns)."""
    names = ["user_id", "lesson_id", "course_id", "last_position", "duration_watched"]
    names += ["progress_percentage", "last_watched_at"]
    statement = dialect_insert(WatchHistory, dialect).values(
        {name: bindparam(name) for name in names}
    )
    kept = {"user_id", "lesson_id"}
    changed = {name: statement.excluded[name] for name in names if name not in kept}
    return Prebuilt(
        statement.on_conflict_do_update(
            index_elements=["user_id", "lesson_id"],
            set_={**changed, "updated_at": bindparam("touched_at")},
        )
    )


ENROLLMENT_AFTER_BEAT = Prebuilt(
    update(Enrollment)
    .where(Enrollment.id == bindparam("enrollment_id"))
    .values(
        total_watch_time=Enrollment.total_watch_time + bindparam("credit", type_=Integer),
        last_accessed_at=bindparam("now"),
        last_lesson_id=bindparam("lesson_id"),
    )
)
