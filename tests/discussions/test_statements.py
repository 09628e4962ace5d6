"""A course's thread list and a thread's replies run a fixed number of statements whatever
the number of posts."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import bearer
from tests.discussions.conftest import School, ask, reply
from tests.queries import count_queries


async def test_the_thread_list_and_replies_run_the_same_statements_for_few_and_many(
    client: httpx.AsyncClient, engine: AsyncEngine, school: School
) -> None:
    first = (await ask(client, school, school.ada)).json()["uuid"]

    async def statements() -> tuple[int, int]:
        with count_queries(engine) as seen:
            threads = await client.get(
                f"/api/v1/courses/{school.course.uuid}/discussions", headers=bearer(school.alan)
            )
            assert threads.status_code == 200
        listed = len(seen)
        with count_queries(engine) as seen:
            replies = await client.get(
                f"/api/v1/discussions/{first}/replies", headers=bearer(school.alan)
            )
            assert replies.status_code == 200
        return listed, len(seen)

    await reply(client, first, school.teacher, "One")
    few = await statements()
    for index in range(8):
        await ask(client, school, school.teacher, title=f"Thread {index}", content=f"Body {index}")
        await reply(client, first, school.teacher, f"Reply {index}")

    assert await statements() == few
    # The reader, the course with their standing, the count, the page, their upvotes and
    # follows; the reader, the thread, the course with their standing, the count, the page,
    # their upvotes.
    assert few == (6, 6)
