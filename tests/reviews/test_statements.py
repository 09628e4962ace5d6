"""A course's review list runs a fixed number of statements whatever the number of reviews."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import Course, User
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course
from tests.queries import count_queries
from tests.reviews.helpers import learner_at, post_review


async def test_the_review_list_runs_the_same_statements_for_2_and_12_reviews(
    client: httpx.AsyncClient, db: AsyncSession, engine: AsyncEngine
) -> None:
    course: Course = await create_published_course(db, await create_instructor(db))
    reader: User = await create_user(db)

    async def statements(signed_in: bool) -> int:
        headers = bearer(reader) if signed_in else {}
        with count_queries(engine) as seen:
            answer = await client.get(f"/api/v1/courses/{course.uuid}/reviews", headers=headers)
            assert answer.status_code == 200
        return len(seen)

    for _ in range(2):
        learner, _ = await learner_at(db, course)
        await post_review(client, learner, course, 4)
    few = (await statements(False), await statements(True))
    for _ in range(10):
        learner, _ = await learner_at(db, course)
        await post_review(client, learner, course, 5)

    assert (await statements(False), await statements(True)) == few
    # The course (one), the count and the page, and signed in: the reader, the course with
    # their standing in it (still one) and their votes on the page.
    assert few == (3, 5)
