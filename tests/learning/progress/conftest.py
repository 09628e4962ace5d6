"""Fixtures of the progress tests: a live course with a video, an audio, a text and a quiz
lesson, a student enrolled in it, a clock the heartbeat reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.kit.types import utcnow
from lectern.learning.events import CourseCompleted, LessonCompleted
from lectern.learning.progress import service as progress
from lectern.models import (
    Course,
    CourseSection,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonType,
    User,
    WatchHistory,
)
from tests.factories import create_enrollment, create_lesson, create_section, create_user
from tests.factories.curriculum import create_author
from tests.factories.learning_content import create_live_course


def learn(course: Course, lesson: Lesson | None = None) -> str:
    url = f"/api/v1/learn/{course.uuid}"
    return url if lesson is None else f"{url}/lessons/{lesson.uuid}"


def beat(play_id: uuid.UUID, seq: int, position: int, watched: int, **extra: Any) -> dict[str, Any]:
    return {"play_id": str(play_id), "seq": seq, "position": position, "watched": watched, **extra}


def code(response: Any) -> str:
    """The problem code of an error response (the end of its ``type``)."""
    return str(response.json()["type"]).rsplit("/", 1)[-1]


class Clock:
    """The time the progress service sees; moves only when told."""

    def __init__(self) -> None:
        self.now = utcnow().replace(microsecond=0) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(progress, "utcnow", fixed)
    return fixed


@dataclass
class Raised:
    lessons: list[LessonCompleted] = field(default_factory=list)
    courses: list[CourseCompleted] = field(default_factory=list)


@pytest.fixture
def raised() -> Iterator[Raised]:
    """The completion events published during the test."""
    seen = Raised()

    async def on_lesson(_session: AsyncSession, event: LessonCompleted) -> None:
        seen.lessons.append(event)

    async def on_course(_session: AsyncSession, event: CourseCompleted) -> None:
        seen.courses.append(event)

    events.subscribe(LessonCompleted, on_lesson)
    events.subscribe(CourseCompleted, on_course)
    yield seen
    events.unsubscribe(LessonCompleted, on_lesson)
    events.unsubscribe(CourseCompleted, on_course)


@pytest.fixture
async def author(db: AsyncSession) -> User:
    return await create_author(db)


@pytest.fixture
async def course(db: AsyncSession, author: User) -> Course:
    return await create_live_course(db, author)


@pytest.fixture
async def section(db: AsyncSession, course: Course) -> CourseSection:
    return await create_section(db, course, title="Basics", order=0)


@pytest.fixture
async def video(db: AsyncSession, section: CourseSection) -> Lesson:
    """A 600-second video, first in the course."""
    return await create_lesson(
        db, section, title="Video", order=0, type=LessonType.VIDEO,
        video_provider="youtube", video_id="v1", duration_seconds=600,
    )  # fmt: skip


@pytest.fixture
async def text(db: AsyncSession, section: CourseSection) -> Lesson:
    return await create_lesson(
        db, section, title="Reading", order=1, type=LessonType.TEXT, content="<p>Read</p>"
    )


@pytest.fixture
async def student(db: AsyncSession) -> User:
    return await create_user(db)


@pytest.fixture
async def enrollment(db: AsyncSession, student: User, course: Course) -> Enrollment:
    return await create_enrollment(db, student, course)


async def fresh(db: AsyncSession, model: type[Any], row_id: int) -> Any:
    return await db.scalar(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    )


async def progress_of(db: AsyncSession, user: User, lesson: Lesson) -> LessonProgress | None:
    return await db.scalar(
        select(LessonProgress)
        .where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
        .execution_options(populate_existing=True)
    )


async def history_of(db: AsyncSession, user: User, lesson: Lesson) -> WatchHistory | None:
    return await db.scalar(
        select(WatchHistory)
        .where(WatchHistory.user_id == user.id, WatchHistory.lesson_id == lesson.id)
        .execution_options(populate_existing=True)
    )
