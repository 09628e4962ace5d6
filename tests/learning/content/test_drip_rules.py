"""drip.plan, the pure rules: which sections and lessons a student may open now."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from lectern.learning import drip
from lectern.learning.access import lock_details
from lectern.learning.drip import LockReason, State
from lectern.models import CourseSectionDripType, LessonDripType

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ENROLLED = NOW - timedelta(days=3)


def section(id: int, **values: Any) -> drip.SectionRow:
    defaults: dict[str, Any] = {
        "title": f"S{id}",
        "order": id,
        "drip_enabled": False,
        "drip_type": None,
        "drip_days": None,
        "drip_date": None,
        "drip_after_section_id": None,
    }
    return drip.SectionRow(id=id, **{**defaults, **values})


def lesson(id: int, section_id: int = 1, **values: Any) -> drip.LessonRow:
    defaults: dict[str, Any] = {
        "uuid": uuid.UUID(int=id),
        "title": f"L{id}",
        "type": "video",
        "order": id,
        "duration_seconds": 60,
        "is_free": False,
        "is_locked": False,
        "is_prerequisite": False,
        "drip_enabled": False,
        "drip_type": None,
        "drip_days": None,
        "drip_date": None,
        "drip_after_lesson_id": None,
    }
    return drip.LessonRow(id=id, section_id=section_id, **{**defaults, **values})


def curriculum(
    sections: list[drip.SectionRow], lessons: list[drip.LessonRow], drip_content: bool = True
) -> drip.Curriculum:
    return drip.Curriculum(drip_content=drip_content, sections=sections, lessons=lessons)


def plan(
    cur: drip.Curriculum,
    completed: set[int] | None = None,
    enrolled_at: datetime | None = ENROLLED,
    now: datetime = NOW,
) -> drip.Plan:
    return drip.plan(cur, enrolled_at=enrolled_at, completed=completed or set(), now=now)


def states(result: drip.Plan) -> dict[int, State]:
    return {lesson_id: item.state for lesson_id, item in result.lessons.items()}


def days_lesson(id: int, days: int, **values: Any) -> drip.LessonRow:
    return lesson(
        id,
        drip_enabled=True,
        drip_type=LessonDripType.DAYS_AFTER_ENROLLMENT,
        drip_days=days,
        **values,
    )


# -- no rules ---------------------------------------------------------------------------------


def test_without_rules_everything_is_available() -> None:
    result = plan(curriculum([section(1)], [lesson(1), lesson(2)]))
    assert states(result) == {1: State.AVAILABLE, 2: State.AVAILABLE}
    assert result.sections[1].state is State.AVAILABLE
    assert result.next_lesson() == lesson(1)


def test_empty_curriculum() -> None:
    result = plan(curriculum([], []))
    assert result.lessons == {}
    assert result.sections == {}
    assert result.next_lesson() is None


def test_completed_lessons_are_completed_and_next_skips_them() -> None:
    result = plan(curriculum([section(1)], [lesson(1), lesson(2), lesson(3)]), completed={1, 3})
    assert states(result) == {1: State.COMPLETED, 2: State.AVAILABLE, 3: State.COMPLETED}
    assert result.next_lesson() == lesson(2)


def test_next_lesson_is_none_when_everything_is_completed() -> None:
    result = plan(curriculum([section(1)], [lesson(1)]), completed={1})
    assert result.next_lesson() is None


def test_next_lesson_skips_locked_lessons() -> None:
    cur = curriculum([section(1)], [lesson(1, is_locked=True), lesson(2)])
    assert plan(cur).next_lesson() == lesson(2)


# -- days after enrollment and dates ----------------------------------------------------------


def test_days_after_enrollment_locks_until_enrolled_at_plus_days() -> None:
    cur = curriculum([section(1)], [days_lesson(1, 5)])
    result = plan(cur)
    item = result.lessons[1]
    assert item.state is State.LOCKED
    assert item.locks[0].reason is LockReason.DRIP_SCHEDULE
    assert item.unlocks_at == ENROLLED + timedelta(days=5)


def test_days_after_enrollment_opens_exactly_at_the_moment() -> None:
    cur = curriculum([section(1)], [days_lesson(1, 5)])
    opens = ENROLLED + timedelta(days=5)
    assert plan(cur, now=opens - timedelta(seconds=1)).lessons[1].state is State.LOCKED
    assert plan(cur, now=opens).lessons[1].state is State.AVAILABLE
    assert plan(cur, now=opens + timedelta(days=1)).lessons[1].state is State.AVAILABLE


def test_zero_days_is_open_at_once() -> None:
    cur = curriculum([section(1)], [days_lesson(1, 0)])
    assert plan(cur).lessons[1].state is State.AVAILABLE


def test_days_are_counted_from_each_students_enrollment() -> None:
    cur = curriculum([section(1)], [days_lesson(1, 5)])
    early = plan(cur, enrolled_at=NOW - timedelta(days=10))
    late = plan(cur, enrolled_at=NOW - timedelta(days=1))
    assert early.lessons[1].state is State.AVAILABLE
    assert late.lessons[1].unlocks_at == NOW + timedelta(days=4)


def test_fixed_date() -> None:
    opens = NOW + timedelta(hours=2)
    cur = curriculum(
        [section(1)], [lesson(1, drip_enabled=True, drip_type=LessonDripType.DATE, drip_date=opens)]
    )
    assert plan(cur).lessons[1].unlocks_at == opens
    assert plan(cur, now=opens).lessons[1].state is State.AVAILABLE


def test_past_date_is_open() -> None:
    cur = curriculum(
        [section(1)],
        [lesson(1, drip_enabled=True, drip_type="date", drip_date=NOW - timedelta(days=1))],
    )
    assert plan(cur).lessons[1].state is State.AVAILABLE


def test_drip_settings_without_their_value_do_not_lock() -> None:
    cur = curriculum(
        [section(1)],
        [
            lesson(1, drip_enabled=True, drip_type=LessonDripType.DATE, drip_date=None),
            lesson(2, drip_enabled=True, drip_type=LessonDripType.DAYS_AFTER_ENROLLMENT),
            lesson(3, drip_enabled=True, drip_type=None),
            lesson(4, drip_enabled=True, drip_type=LessonDripType.AFTER_LESSON),
        ],
    )
    assert set(states(plan(cur)).values()) == {State.AVAILABLE}


def test_drip_disabled_on_the_lesson_is_ignored() -> None:
    cur = curriculum([section(1)], [replace(days_lesson(1, 5), drip_enabled=False)])
    assert plan(cur).lessons[1].state is State.AVAILABLE


def test_course_without_drip_content_ignores_every_drip_setting() -> None:
    cur = curriculum(
        [
            section(
                1,
                drip_enabled=True,
                drip_type=CourseSectionDripType.DAYS_AFTER_ENROLLMENT,
                drip_days=30,
            )
        ],
        [
            days_lesson(1, 10),
            lesson(
                2,
                drip_enabled=True,
                drip_type=LessonDripType.AFTER_LESSON,
                drip_after_lesson_id=1,
            ),
        ],
        drip_content=False,
    )
    result = plan(cur)
    assert states(result) == {1: State.AVAILABLE, 2: State.AVAILABLE}
    assert result.sections[1].state is State.AVAILABLE


def test_course_without_drip_content_keeps_manual_locks_and_prerequisites() -> None:
    cur = curriculum(
        [section(1)],
        [lesson(1, is_prerequisite=True), lesson(2), lesson(3, is_locked=True)],
        drip_content=False,
    )
    result = plan(cur)
    assert states(result) == {1: State.AVAILABLE, 2: State.LOCKED, 3: State.LOCKED}


# -- sections ---------------------------------------------------------------------------------


def test_section_days_lock_the_section_and_its_lessons() -> None:
    cur = curriculum(
        [
            section(1),
            section(2, drip_enabled=True, drip_type="days_after_enrollment", drip_days=7),
        ],
        [lesson(1, 1), lesson(2, 2), lesson(3, 2)],
    )
    result = plan(cur)
    opens = ENROLLED + timedelta(days=7)
    assert result.sections[1].state is State.AVAILABLE
    assert result.sections[2].state is State.LOCKED
    assert result.sections[2].unlocks_at == opens
    assert states(result) == {1: State.AVAILABLE, 2: State.LOCKED, 3: State.LOCKED}
    assert result.lessons[3].unlocks_at == opens


def test_section_date() -> None:
    opens = NOW + timedelta(days=1)
    cur = curriculum(
        [section(1, drip_enabled=True, drip_type="date", drip_date=opens)], [lesson(1)]
    )
    assert plan(cur).lessons[1].unlocks_at == opens
    assert plan(cur, now=opens).lessons[1].state is State.AVAILABLE


def test_section_and_lesson_dates_the_later_wins() -> None:
    cur = curriculum(
        [section(1, drip_enabled=True, drip_type="days_after_enrollment", drip_days=5)],
        [days_lesson(1, 9), days_lesson(2, 2)],
    )
    result = plan(cur)
    assert result.lessons[1].unlocks_at == ENROLLED + timedelta(days=9)
    assert result.lessons[2].unlocks_at == ENROLLED + timedelta(days=5)


def test_after_section_locks_until_every_lesson_of_that_section_is_completed() -> None:
    cur = curriculum(
        [
            section(1),
            section(2, drip_enabled=True, drip_type="after_section", drip_after_section_id=1),
        ],
        [lesson(1, 1), lesson(2, 1), lesson(3, 2)],
    )
    locked = plan(cur, completed={1})
    assert locked.sections[2].state is State.LOCKED
    assert locked.lessons[3].state is State.LOCKED
    assert locked.lessons[3].unlocks_at is None  # a condition, not a date
    assert lock_details(locked, locked.lessons[3]) == {
        "reason": "after_section",
        "unlocks_at": None,
        "after_lesson": None,
        "after_section": 1,
    }
    opened = plan(cur, completed={1, 2})
    assert opened.sections[2].state is State.AVAILABLE
    assert opened.lessons[3].state is State.AVAILABLE


def test_after_an_empty_or_missing_section_is_open() -> None:
    cur = curriculum(
        [
            section(1),
            section(2, drip_enabled=True, drip_type="after_section", drip_after_section_id=1),
            section(3, drip_enabled=True, drip_type="after_section", drip_after_section_id=99),
        ],
        [lesson(1, 2), lesson(2, 3)],
    )
    assert states(plan(cur)) == {1: State.AVAILABLE, 2: State.AVAILABLE}


def test_after_section_combined_with_a_date_has_no_single_unlock_date() -> None:
    cur = curriculum(
        [
            section(1),
            section(2, drip_enabled=True, drip_type="after_section", drip_after_section_id=1),
        ],
        [lesson(1, 1), days_lesson(2, 5, section_id=2)],
    )
    item = plan(cur).lessons[2]
    assert item.state is State.LOCKED
    assert {lock.reason for lock in item.locks} == {
        LockReason.AFTER_SECTION,
        LockReason.DRIP_SCHEDULE,
    }
    assert item.unlocks_at is None


def test_completed_lesson_in_a_locked_section_stays_completed() -> None:
    cur = curriculum(
        [section(1, drip_enabled=True, drip_type="days_after_enrollment", drip_days=30)],
        [lesson(1), lesson(2)],
    )
    assert states(plan(cur, completed={1})) == {1: State.COMPLETED, 2: State.LOCKED}


# -- lessons: after a lesson, manual locks, prerequisites, free previews -----------------------


def test_after_lesson_locks_until_that_lesson_is_completed() -> None:
    cur = curriculum(
        [section(1)],
        [
            lesson(1),
            lesson(2, drip_enabled=True, drip_type="after_lesson", drip_after_lesson_id=1),
        ],
    )
    locked = plan(cur)
    assert locked.lessons[2].state is State.LOCKED
    assert lock_details(locked, locked.lessons[2])["after_lesson"] == str(uuid.UUID(int=1))
    assert lock_details(locked, locked.lessons[2])["reason"] == "after_lesson"
    assert plan(cur, completed={1}).lessons[2].state is State.AVAILABLE


def test_after_a_lesson_that_is_gone_is_open() -> None:
    cur = curriculum(
        [section(1)],
        [lesson(2, drip_enabled=True, drip_type="after_lesson", drip_after_lesson_id=77)],
    )
    assert plan(cur).lessons[2].state is State.AVAILABLE


def test_after_a_later_lesson() -> None:
    cur = curriculum(
        [section(1)],
        [
            lesson(1, drip_enabled=True, drip_type="after_lesson", drip_after_lesson_id=2),
            lesson(2),
        ],
    )
    assert states(plan(cur)) == {1: State.LOCKED, 2: State.AVAILABLE}
    assert plan(cur).next_lesson() == lesson(2)


def test_locked_by_instructor_has_no_date() -> None:
    cur = curriculum([section(1)], [lesson(1, is_locked=True)])
    result = plan(cur)
    assert result.lessons[1].state is State.LOCKED
    assert result.lessons[1].locks[0].reason is LockReason.LOCKED_BY_INSTRUCTOR
    assert result.lessons[1].unlocks_at is None


def test_locked_by_instructor_but_completed_stays_completed() -> None:
    cur = curriculum([section(1)], [lesson(1, is_locked=True)])
    assert plan(cur, completed={1}).lessons[1].state is State.COMPLETED


def test_prerequisite_locks_every_later_lesson_until_completed() -> None:
    cur = curriculum(
        [section(1), section(2)],
        [lesson(1, 1), lesson(2, 1, is_prerequisite=True), lesson(3, 1), lesson(4, 2)],
    )
    result = plan(cur)
    assert states(result) == {
        1: State.AVAILABLE,
        2: State.AVAILABLE,
        3: State.LOCKED,
        4: State.LOCKED,
    }
    assert result.lessons[4].locks == [drip.Lock(LockReason.AFTER_LESSON, after_lesson_id=2)]
    assert set(states(plan(cur, completed={2})).values()) <= {State.AVAILABLE, State.COMPLETED}


def test_the_first_unfinished_prerequisite_blocks() -> None:
    cur = curriculum(
        [section(1)],
        [lesson(1, is_prerequisite=True), lesson(2, is_prerequisite=True), lesson(3)],
    )
    result = plan(cur)
    assert result.lessons[3].locks[-1].after_lesson_id == 1
    after_first = plan(cur, completed={1})
    assert after_first.lessons[2].state is State.AVAILABLE
    assert after_first.lessons[3].locks[-1].after_lesson_id == 2


def test_free_preview_is_always_available() -> None:
    cur = curriculum(
        [section(1, drip_enabled=True, drip_type="days_after_enrollment", drip_days=30)],
        [
            lesson(1, is_prerequisite=True),
            days_lesson(2, 9, is_free=True, is_locked=True),
        ],
    )
    assert states(plan(cur)) == {1: State.LOCKED, 2: State.AVAILABLE}


def test_prerequisite_that_is_locked_itself_still_blocks_later_lessons() -> None:
    cur = curriculum([section(1)], [days_lesson(1, 5, is_prerequisite=True), lesson(2)])
    result = plan(cur)
    assert states(result) == {1: State.LOCKED, 2: State.LOCKED}
    assert result.lessons[2].unlocks_at is None


def test_several_locks_are_all_reported() -> None:
    cur = curriculum(
        [section(1)],
        [
            lesson(1),
            lesson(
                2,
                is_locked=True,
                drip_enabled=True,
                drip_type="after_lesson",
                drip_after_lesson_id=1,
            ),
        ],
    )
    reasons = [lock.reason for lock in plan(cur).lessons[2].locks]
    assert reasons == [LockReason.LOCKED_BY_INSTRUCTOR, LockReason.AFTER_LESSON]


# -- staff ------------------------------------------------------------------------------------


def test_staff_see_everything_available() -> None:
    cur = curriculum(
        [section(1, drip_enabled=True, drip_type="days_after_enrollment", drip_days=30)],
        [lesson(1, is_prerequisite=True), lesson(2, is_locked=True), days_lesson(3, 9)],
    )
    result = plan(cur, enrolled_at=None)
    assert states(result) == {1: State.AVAILABLE, 2: State.AVAILABLE, 3: State.AVAILABLE}
    assert result.sections[1].state is State.AVAILABLE
    assert plan(cur, enrolled_at=None, completed={2}).lessons[2].state is State.COMPLETED


def test_unlocks_at_is_none_when_available() -> None:
    assert drip.ItemState(State.AVAILABLE).unlocks_at is None
