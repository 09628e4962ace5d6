"""POST /learn/{course}/lessons/{lesson}/heartbeat: idempotent, monotonic, wall-clock bound."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.curriculum.totals import refresh_totals
from lectern.kit.types import utcnow
from lectern.learning.progress.schemas import LessonProgressOut
from lectern.models import (
    Course,
    CourseSection,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonDripType,
    LessonProgress,
    LessonType,
    SettingType,
    User,
)
from tests.conftest import bearer
from tests.factories import create_enrollment, create_lesson, create_user
from tests.factories.learning_content import create_live_course
from tests.factories.platform import create_setting
from tests.learning.progress.conftest import (
    Clock,
    Raised,
    beat,
    code,
    fresh,
    history_of,
    learn,
    progress_of,
)
from tests.queries import count_queries

PLAY = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER_PLAY = uuid.UUID("00000000-0000-4000-8000-000000000002")


def url(course: Course, lesson: Lesson) -> str:
    return f"{learn(course, lesson)}/heartbeat"


async def test_a_first_beat_records_progress_history_and_enrollment(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    response = await client.post(
        url(course, video), json=beat(PLAY, 1, 42, 30), headers=bearer(student)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lesson"] == str(video.uuid)
    assert (body["recorded"], body["accepted"], body["credited"]) == (True, True, 30)
    assert (body["watch_time"], body["last_position"]) == (30, 42)
    assert body["progress_percentage"] == "5.00"  # 30 of 600 seconds
    assert (body["is_completed"], body["completed_now"]) == (False, False)
    # Answered straight from the values: exactly what the response model gives.
    assert LessonProgressOut.model_validate(body).model_dump(mode="json") == body

    row = await progress_of(db, student, video)
    assert row is not None
    assert (row.watch_time, row.last_position, row.views_count) == (30, 42, 1)
    assert (row.play_id, row.play_seq, row.play_watched) == (str(PLAY), 1, 30)
    assert row.last_watched_at == clock.now
    assert row.enrollment_id == enrollment.id
    history = await history_of(db, student, video)
    assert history is not None
    assert (history.last_position, history.duration_watched, history.course_id) == (
        42,
        30,
        course.id,
    )
    assert history.progress_percentage == Decimal("5.00")
    fresh_enrollment = await fresh(db, Enrollment, enrollment.id)
    assert fresh_enrollment.total_watch_time == 30
    assert fresh_enrollment.last_lesson_id == video.id
    assert fresh_enrollment.last_accessed_at == clock.now


async def test_a_replayed_beat_counts_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    await client.post(url(course, video), json=beat(PLAY, 1, 10, 10), headers=bearer(student))
    clock.advance(10)
    for _ in range(3):
        response = await client.post(
            url(course, video), json=beat(PLAY, 2, 20, 20), headers=bearer(student)
        )
        assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["credited"], body["watch_time"]) == (False, 0, 20)
    row = await progress_of(db, student, video)
    assert row is not None
    assert (row.watch_time, row.play_seq, row.views_count) == (20, 2, 1)
    assert (await fresh(db, Enrollment, enrollment.id)).total_watch_time == 20
    assert (await history_of(db, student, video)).duration_watched == 20  # type: ignore[union-attr]


async def test_an_older_beat_changes_neither_position_nor_time(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    await client.post(url(course, video), json=beat(PLAY, 1, 10, 10), headers=bearer(student))
    clock.advance(20)
    await client.post(url(course, video), json=beat(PLAY, 3, 30, 30), headers=bearer(student))
    clock.advance(10)
    late = await client.post(
        url(course, video), json=beat(PLAY, 2, 20, 20), headers=bearer(student)
    )
    assert late.status_code == 200
    assert (late.json()["accepted"], late.json()["last_position"]) == (False, 30)
    row = await progress_of(db, student, video)
    assert row is not None
    assert (row.watch_time, row.last_position, row.play_seq) == (30, 30, 3)
    assert (await history_of(db, student, video)).last_position == 30  # type: ignore[union-attr]
    assert (await fresh(db, Enrollment, enrollment.id)).total_watch_time == 30


async def test_watch_time_never_outruns_the_wall_clock(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    # A first beat may claim 60 s of wall clock at up to 2x speed: 120 s of media.
    first = await client.post(
        url(course, video), json=beat(PLAY, 1, 500, 500), headers=bearer(student)
    )
    assert first.json()["credited"] == 120
    # 5 s later, the same claim: 10 s more, the rest still owed.
    clock.advance(5)
    second = await client.post(
        url(course, video), json=beat(PLAY, 2, 500, 500), headers=bearer(student)
    )
    assert (second.json()["credited"], second.json()["watch_time"]) == (10, 130)
    # As the wall clock catches up, what was claimed is credited, and no more.
    clock.advance(1000)
    third = await client.post(
        url(course, video), json=beat(PLAY, 3, 500, 500), headers=bearer(student)
    )
    assert (third.json()["credited"], third.json()["watch_time"]) == (370, 500)
    clock.advance(1000)
    fourth = await client.post(
        url(course, video), json=beat(PLAY, 4, 500, 500), headers=bearer(student)
    )
    assert fourth.json()["credited"] == 0
    row = await progress_of(db, student, video)
    assert row is not None
    assert (row.watch_time, row.play_watched) == (500, 500)
    assert (await fresh(db, Enrollment, enrollment.id)).total_watch_time == 500


async def test_one_beat_after_a_long_pause_credits_ten_minutes_at_most(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    """A player paused for hours cannot claim them in one beat: a gap counts for ten
    minutes of wall clock at most (1200 s of media at 2x)."""
    await client.post(url(course, video), json=beat(PLAY, 1, 10, 10), headers=bearer(student))
    clock.advance(3 * 3600)

    late = await client.post(
        url(course, video), json=beat(PLAY, 2, 600, 5000), headers=bearer(student)
    )

    assert late.status_code == 200, late.text
    assert (late.json()["credited"], late.json()["watch_time"]) == (1200, 1210)
    row = await progress_of(db, student, video)
    assert row is not None
    assert row.watch_time == 1210
    assert (await fresh(db, Enrollment, enrollment.id)).total_watch_time == 1210


async def test_a_flood_of_new_plays_is_bound_by_the_wall_clock(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    """Each new play_id starts its own count, but shares the row's wall clock."""
    for _ in range(10):
        clock.advance(1)
        await client.post(
            url(course, video), json=beat(uuid.uuid4(), 1, 300, 300), headers=bearer(student)
        )
    row = await progress_of(db, student, video)
    assert row is not None
    # 120 for the first beat, then 2 s of media per wall-clock second.
    assert row.watch_time == 120 + 9 * 2
    assert row.views_count == 10


async def test_a_new_play_starts_its_own_count(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    await client.post(url(course, video), json=beat(PLAY, 5, 40, 40), headers=bearer(student))
    clock.advance(60)
    # Watching again from 0 in a new playback session: its own seq and watched.
    response = await client.post(
        url(course, video), json=beat(OTHER_PLAY, 1, 15, 15), headers=bearer(student)
    )
    body = response.json()
    assert (body["accepted"], body["credited"], body["watch_time"]) == (True, 15, 55)
    assert body["last_position"] == 15
    row = await progress_of(db, student, video)
    assert row is not None
    assert (row.play_id, row.play_seq, row.play_watched, row.views_count) == (
        str(OTHER_PLAY),
        1,
        15,
        2,
    )


async def test_watched_going_down_in_a_play_credits_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    await client.post(url(course, video), json=beat(PLAY, 1, 40, 40), headers=bearer(student))
    clock.advance(30)
    response = await client.post(
        url(course, video), json=beat(PLAY, 2, 5, 10), headers=bearer(student)
    )
    body = response.json()
    assert (body["accepted"], body["credited"], body["watch_time"]) == (True, 0, 40)
    assert body["last_position"] == 5  # a newer beat: the learner sought back
    row = await progress_of(db, student, video)
    assert row is not None
    assert row.play_watched == 40


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (beat(PLAY, 1, -1, 0), "position"),
        (beat(PLAY, 1, 0, -5), "watched"),
        (beat(PLAY, 0, 0, 0), "seq"),
        (beat(PLAY, -3, 0, 0), "seq"),
        (beat(PLAY, 1_000_001, 0, 0), "seq"),
        (beat(PLAY, 1, 10**8, 0), "position"),
        (beat(PLAY, 1, 0, 10**7), "watched"),
        (beat(PLAY, 1, 631, 0), "position"),  # past 600 s + 30 s of slack
        ({"play_id": "not-a-uuid", "seq": 1, "position": 0, "watched": 0}, "play_id"),
        ({"seq": 1, "position": 0, "watched": 0}, "play_id"),
        (beat(PLAY, 1, 0, 0, speed=2), "speed"),
        (beat(PLAY, 1, "ten", 0), "position"),  # type: ignore[arg-type]
    ],
)
async def test_bad_beats_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
    body: dict[str, object],
    field: str,
) -> None:
    response = await client.post(url(course, video), json=body, headers=bearer(student))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["loc"][-1] == field
    assert await progress_of(db, student, video) is None
    assert (await fresh(db, Enrollment, enrollment.id)).total_watch_time == 0


async def test_a_position_within_the_slack_is_accepted(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    response = await client.post(
        url(course, video), json=beat(PLAY, 1, 630, 0), headers=bearer(student)
    )
    assert response.status_code == 200, response.text
    assert response.json()["last_position"] == 630
    row = await progress_of(db, student, video)
    assert row is not None
    assert row.last_position == 630


async def test_a_lesson_of_unknown_length_takes_positions_up_to_a_day(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    lesson = await create_lesson(
        db, section, order=5, type=LessonType.VIDEO, video_url="https://v.example/x.mp4"
    )
    ok = await client.post(
        url(course, lesson), json=beat(PLAY, 1, 86_400, 30), headers=bearer(student)
    )
    assert ok.status_code == 200
    assert ok.json()["progress_percentage"] == "0.00"  # no length, no share
    too_far = await client.post(
        url(course, lesson), json=beat(PLAY, 2, 86_401, 30), headers=bearer(student)
    )
    assert too_far.status_code == 422


async def test_an_audio_lesson_uses_its_audio_duration(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    audio = await create_lesson(
        db, section, order=5, type=LessonType.AUDIO, audio_url="https://a.example/x.mp3",
        audio_duration=200,
    )  # fmt: skip
    response = await client.post(
        url(course, audio), json=beat(PLAY, 1, 50, 50), headers=bearer(student)
    )
    assert response.json()["progress_percentage"] == "25.00"
    refused = await client.post(
        url(course, audio), json=beat(PLAY, 2, 231, 50), headers=bearer(student)
    )
    assert refused.status_code == 422


async def test_lessons_without_a_player_take_no_beats(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    text: Lesson,
    enrollment: Enrollment,
) -> None:
    response = await client.post(
        url(course, text), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert response.status_code == 409
    assert code(response) == "not_playable"
    assert await progress_of(db, student, text) is None


async def test_who_may_beat(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    author: User,
    student: User,
    course: Course,
    video: Lesson,
) -> None:
    anonymous = await client.post(url(course, video), json=beat(PLAY, 1, 0, 0))
    assert anonymous.status_code == 401

    stranger = await client.post(
        url(course, video), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert stranger.status_code == 403
    assert code(stranger) == "not_enrolled"

    # The course's instructor may play it; nothing is recorded.
    staff = await client.post(url(course, video), json=beat(PLAY, 1, 9, 9), headers=bearer(author))
    assert staff.status_code == 200
    assert (staff.json()["recorded"], staff.json()["watch_time"]) == (False, 0)
    assert await progress_of(db, author, video) is None
    assert await progress_of(db, student, video) is None


async def test_unknown_courses_and_lessons_are_404(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    section: CourseSection,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    other = await create_user(db)
    other_course = await create_live_course(db, other)
    await create_enrollment(db, student, other_course)
    # A lesson of another course, through a course the student is enrolled in.
    wrong = await client.post(
        url(other_course, video), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert wrong.status_code == 404
    missing = await client.post(
        f"/api/v1/learn/{uuid.uuid4()}/lessons/{video.uuid}/heartbeat",
        json=beat(PLAY, 1, 0, 0),
        headers=bearer(student),
    )
    assert missing.status_code == 404
    unpublished = await create_lesson(
        db, section, order=9, type=LessonType.VIDEO, video_url="https://v.example/u.mp4",
        is_published=False,
    )  # fmt: skip
    hidden = await client.post(
        url(course, unpublished), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert hidden.status_code == 404
    video.deleted_at = utcnow()
    await db.flush()
    deleted = await client.post(
        url(course, video), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert deleted.status_code == 404


async def test_a_lapsed_enrollment_may_not_beat(
    client: httpx.AsyncClient,
    db: AsyncSession,
    student: User,
    course: Course,
    video: Lesson,
) -> None:
    enrollment = await create_enrollment(
        db, student, course, expires_at=utcnow() - timedelta(days=1)
    )
    response = await client.post(
        url(course, video), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert response.status_code == 403
    assert code(response) == "enrollment_expired"
    assert (await fresh(db, Enrollment, enrollment.id)).status == EnrollmentStatus.EXPIRED
    assert await progress_of(db, student, video) is None

    enrollment.status = EnrollmentStatus.SUSPENDED
    await db.flush()
    suspended = await client.post(
        url(course, video), json=beat(PLAY, 1, 0, 0), headers=bearer(student)
    )
    assert code(suspended) == "enrollment_suspended"


async def test_another_users_progress_is_untouched(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    other = await create_user(db)
    other_enrollment = await create_enrollment(db, other, course)
    await client.post(url(course, video), json=beat(PLAY, 1, 50, 50), headers=bearer(other))
    # The same play id from another user is their own play.
    await client.post(url(course, video), json=beat(PLAY, 1, 20, 20), headers=bearer(student))
    clock.advance(100)
    await client.post(url(course, video), json=beat(PLAY, 2, 90, 90), headers=bearer(student))
    mine = await progress_of(db, student, video)
    theirs = await progress_of(db, other, video)
    assert mine is not None
    assert theirs is not None
    assert (mine.watch_time, mine.last_position) == (90, 90)
    assert (theirs.watch_time, theirs.last_position, theirs.play_seq) == (50, 50, 1)
    assert (await fresh(db, Enrollment, other_enrollment.id)).total_watch_time == 50
    assert (await fresh(db, Enrollment, enrollment.id)).total_watch_time == 90


async def test_drip_is_checked_on_the_first_beat_only(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    course.drip_content = True
    later = await create_lesson(
        db, section, order=3, type=LessonType.VIDEO, video_url="https://v.example/l.mp4",
        duration_seconds=100, drip_enabled=True, drip_type=LessonDripType.DAYS_AFTER_ENROLLMENT,
        drip_days=7,
    )  # fmt: skip
    locked = await client.post(
        url(course, later), json=beat(PLAY, 1, 0, 5), headers=bearer(student)
    )
    assert locked.status_code == 403
    problem = locked.json()
    assert code(locked) == "lesson_locked"
    assert problem["unlocks_at"] is not None
    assert await progress_of(db, student, later) is None
    # A lesson already started was open: its beats are not checked again (hot path).
    db.add(LessonProgress(user_id=student.id, lesson_id=later.id, enrollment_id=enrollment.id))
    await db.flush()
    started = await client.post(
        url(course, later), json=beat(PLAY, 1, 0, 5), headers=bearer(student)
    )
    assert started.status_code == 200


async def test_the_lesson_completes_at_the_threshold(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    raised: Raised,
    student: User,
    course: Course,
    section: CourseSection,
    enrollment: Enrollment,
) -> None:
    short = await create_lesson(
        db, section, order=0, type=LessonType.VIDEO, video_url="https://v.example/s.mp4",
        duration_seconds=100,
    )  # fmt: skip
    await create_lesson(db, section, order=1, type=LessonType.TEXT, content="x")
    await refresh_totals(db, course.id)
    first = await client.post(
        url(course, short), json=beat(PLAY, 1, 89, 89), headers=bearer(student)
    )
    assert first.json()["credited"] == 89
    assert first.json()["is_completed"] is False
    clock.advance(5)
    second = await client.post(
        url(course, short), json=beat(PLAY, 2, 90, 90), headers=bearer(student)
    )
    body = second.json()
    assert (body["is_completed"], body["completed_now"]) == (True, True)
    assert body["completed_at"] is not None
    assert LessonProgressOut.model_validate(body).model_dump(mode="json") == body
    assert body["progress_percentage"] == "90.00"
    clock.advance(5)
    third = await client.post(
        url(course, short), json=beat(PLAY, 3, 99, 99), headers=bearer(student)
    )
    assert (third.json()["is_completed"], third.json()["completed_now"]) == (True, False)

    assert (await fresh(db, Lesson, short.id)).total_completions == 1
    got = await fresh(db, Enrollment, enrollment.id)
    assert (got.completed_lessons, got.total_lessons) == (1, 2)
    assert got.progress_percentage == Decimal("50.00")
    assert got.completed_at is None
    assert [event.lesson_id for event in raised.lessons] == [short.id]
    assert raised.courses == []


async def test_the_threshold_is_a_platform_setting(
    client: httpx.AsyncClient,
    db: AsyncSession,
    clock: Clock,
    raised: Raised,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    await create_setting(db, "learning.completion_threshold", 10, SettingType.INTEGER)
    await refresh_totals(db, course.id)
    clock.advance(1)
    response = await client.post(
        url(course, video), json=beat(PLAY, 1, 60, 60), headers=bearer(student)
    )
    assert response.json()["completed_now"] is True  # 60 of 600 seconds: 10 %
    got = await fresh(db, Enrollment, enrollment.id)
    # The only lesson: the course is complete.
    assert (got.status, got.progress_percentage) == (EnrollmentStatus.COMPLETED, Decimal(100))
    assert got.completed_at is not None
    assert [event.enrollment_id for event in raised.courses] == [enrollment.id]


async def test_a_regular_beat_runs_a_fixed_number_of_statements(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    clock: Clock,
    student: User,
    course: Course,
    video: Lesson,
    enrollment: Enrollment,
) -> None:
    await client.post(url(course, video), json=beat(PLAY, 1, 10, 10), headers=bearer(student))
    for seq in (2, 3):
        clock.advance(10)
        with count_queries(engine) as statements:
            response = await client.post(
                url(course, video),
                json=beat(PLAY, seq, 10 * seq, 10 * seq),
                headers=bearer(student),
            )
        assert response.json()["accepted"] is True
        # user, course + staff? + enrollment, lesson + progress + setting, CAS update,
        # watch history, enrollment.
        assert len(statements) == 6, statements
    with count_queries(engine) as statements:
        await client.post(url(course, video), json=beat(PLAY, 3, 30, 30), headers=bearer(student))
    assert len(statements) == 3, statements  # a replay writes nothing
