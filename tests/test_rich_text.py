"""Rich text is sanitised on write, every field of the list in lectern.kit.html alike: scripts,
event handlers and javascript: URLs go, formatting stays."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.assignments.studio.schemas import AssignmentCreate, AssignmentUpdate
from lectern.courses.schemas import CourseCreate, CourseUpdate, FaqCreate, FaqUpdate
from lectern.curriculum.schemas import LessonCreate, LessonUpdate
from lectern.instructors.schemas import ApplicationIn, ProfileUpdate
from lectern.kit.html import RICH_TEXT_FIELDS, sanitize_html
from lectern.models import InstructorProfile
from lectern.quizzes.studio.schemas import QuestionCreate, QuestionUpdate, QuizCreate, QuizUpdate
from lectern.users.schemas import ProfileUpdateIn
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.courses import create_instructor

HOSTILE = (
    '<p onclick="steal()">Hello <b>there</b><script>alert(1)</script>'
    '<img src="https://x.test/a.png" onerror="alert(2)">'
    '<a href="javascript:alert(3)">go</a><a href="https://lectern.test/">ok</a></p>'
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "onclick", "onerror", "javascript:", "alert(1)"):
        assert bad not in lowered, html
    assert "<b>there</b>" in html
    assert '<img src="https://x.test/a.png">' in html
    assert 'href="https://lectern.test/"' in html


# Every request body that writes each rich-text field, with what else it needs.
WRITERS: dict[str, list[tuple[type[BaseModel], str, dict[str, Any]]]] = {
    "courses.description": [
        (CourseCreate, "description", {"title": "T"}),
        (CourseUpdate, "description", {}),
    ],
    "lessons.content": [(LessonCreate, "content", {"title": "T"}), (LessonUpdate, "content", {})],
    "assignments.instructions": [
        (AssignmentCreate, "instructions", {"title": "T"}),
        (AssignmentUpdate, "instructions", {}),
    ],
    "quizzes.instructions": [
        (QuizCreate, "instructions", {"title": "T"}),
        (QuizUpdate, "instructions", {}),
    ],
    "quiz_questions.explanation": [
        (QuestionCreate, "explanation", {"type": "essay", "question": "Why?"}),
        (QuestionUpdate, "explanation", {}),
    ],
    "faqs.answer": [(FaqCreate, "answer", {"question": "Q"}), (FaqUpdate, "answer", {})],
    "instructor_profiles.bio": [
        (ApplicationIn, "bio", {"headline": "H", "expertise": ["x"]}),
        (ProfileUpdate, "bio", {}),
    ],
    "user_profiles.bio": [(ProfileUpdateIn, "bio", {})],
}


def test_every_rich_text_field_has_its_writers_here() -> None:
    assert set(WRITERS) == set(RICH_TEXT_FIELDS)


@pytest.mark.parametrize(
    ("schema", "field", "others"),
    [writer for writers in WRITERS.values() for writer in writers],
    ids=lambda value: getattr(value, "__name__", None) or str(value)[:20],
)
def test_each_writer_sanitises(schema: type[BaseModel], field: str, others: dict[str, Any]) -> None:
    body = schema.model_validate({**others, field: HOSTILE})
    assert_clean(getattr(body, field))
    assert getattr(body, field) == sanitize_html(HOSTILE)


def test_plain_text_fields_are_kept_as_sent() -> None:
    """Plain text is stored as sent (a web app escapes it): only the listed fields are HTML."""
    body = CourseUpdate.model_validate({"subtitle": "<b>x</b> & y"})
    assert body.subtitle == "<b>x</b> & y"


async def test_a_course_description_is_stored_clean(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await create_instructor(db)
    created = await client.post(
        "/api/v1/studio/courses",
        json={"title": "Hostile", "description": HOSTILE},
        headers=bearer(owner),
    )
    assert created.status_code == 201, created.text
    assert_clean(created.json()["description"])
    read = await client.get(
        f"/api/v1/studio/courses/{created.json()['uuid']}", headers=bearer(owner)
    )
    assert read.json()["description"] == created.json()["description"]


async def test_an_instructor_bio_is_stored_clean(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    applicant = await create_user(db)
    body = {"headline": "Teacher", "bio": HOSTILE, "expertise": ["Python"]}
    response = await client.post(
        "/api/v1/instructors/me/application", json=body, headers=bearer(applicant)
    )
    assert response.status_code in (200, 201), response.text
    stored = await db.scalar(
        select(InstructorProfile.bio).where(InstructorProfile.user_id == applicant.id)
    )
    assert stored is not None
    assert_clean(stored)
