"""Parallel replies, upvotes and follows, each request on its own connection: the thread's
counters come out exact."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from lectern.models import (
    Discussion,
    DiscussionFollower,
    DiscussionReply,
    DiscussionUpvote,
    User,
)
from tests.conftest import Live, bearer

N = 12


async def test_parallel_replies_upvotes_and_follows_keep_the_counters_exact(live: Live) -> None:
    _, course, learners = await live.school(N)
    asker, others = learners[0], learners[1:]
    asked = await live.client.post(
        f"/api/v1/courses/{course.uuid}/discussions",
        json={"title": "Race question", "content": "Who wins?"},
        headers=bearer(asker),
    )
    thread = asked.json()["uuid"]

    async def act(user: User, index: int) -> list[int]:
        calls = [
            live.client.post(
                f"/api/v1/discussions/{thread}/replies",
                json={"content": f"Answer {index}"},
                headers=bearer(user),
            ),
            live.client.put(f"/api/v1/discussions/{thread}/upvote", headers=bearer(user)),
            live.client.put(f"/api/v1/discussions/{thread}/upvote", headers=bearer(user)),
            live.client.put(f"/api/v1/discussions/{thread}/follow", headers=bearer(user)),
        ]
        return [answer.status_code for answer in await asyncio.gather(*calls)]

    statuses = await asyncio.gather(*(act(user, i) for i, user in enumerate(others)))

    assert all(codes[0] == 201 and codes[1:3] == [200, 200] for codes in statuses), statuses
    async with live.sessions() as session:
        stored = await session.scalar(
            select(Discussion).where(Discussion.uuid == uuid.UUID(thread))
        )
        assert stored is not None
        rows = {
            "replies": await session.scalar(
                select(func.count(DiscussionReply.id)).where(
                    DiscussionReply.discussion_id == stored.id
                )
            ),
            "upvotes": await session.scalar(
                select(func.count(DiscussionUpvote.id)).where(
                    DiscussionUpvote.upvoteable_id == stored.id
                )
            ),
            "followers": await session.scalar(
                select(func.count(DiscussionFollower.id)).where(
                    DiscussionFollower.discussion_id == stored.id
                )
            ),
        }
        assert rows == {"replies": N - 1, "upvotes": N - 1, "followers": N}
        assert (stored.replies_count, stored.upvotes_count, stored.followers_count) == (
            N - 1,
            N - 1,
            N,
        )
