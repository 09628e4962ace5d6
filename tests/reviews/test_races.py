"""Parallel reviews and votes, each request on its own connection: the course's and the
instructor's rating and the vote counters come out exact."""

from __future__ import annotations

import asyncio
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from lectern.models import (
    Course,
    InstructorProfile,
    InstructorProfileStatus,
    Review,
    ReviewVote,
    ReviewVoteValue,
    User,
)
from tests.conftest import Live, bearer

N = 20


async def school(live: Live) -> tuple[Course, list[User]]:
    teacher, course, learners = await live.school(N, progress_percentage=Decimal(100))
    await live.add(InstructorProfile(user_id=teacher.id, status=InstructorProfileStatus.APPROVED))
    return course, learners


async def test_parallel_reviews_leave_the_ratings_exact(live: Live) -> None:
    course, learners = await school(live)
    ratings = [Decimal(1 + (i % 9) / 2) for i in range(N)]

    async def review(learner: User, rating: Decimal) -> int:
        answer = await live.client.post(
            f"/api/v1/courses/{course.uuid}/reviews",
            json={"rating": str(rating)},
            headers=bearer(learner),
        )
        return answer.status_code

    statuses = await asyncio.gather(*map(review, learners, ratings))

    assert statuses == [201] * N
    expected = (sum(ratings, Decimal(0)) / N).quantize(Decimal("0.01"), ROUND_HALF_UP)
    async with live.sessions() as session:
        stored = await session.get_one(Course, course.id)
        assert (stored.total_reviews, stored.rating) == (N, expected)
        profile = await session.scalar(
            select(InstructorProfile).where(InstructorProfile.user_id == course.instructor_id)
        )
        assert profile is not None
        assert (profile.total_reviews, profile.rating) == (N, expected)


async def test_parallel_votes_count_each_voter_once(live: Live) -> None:
    course, learners = await school(live)
    author, voters = learners[0], learners[1:]
    written = await live.client.post(
        f"/api/v1/courses/{course.uuid}/reviews", json={"rating": 4}, headers=bearer(author)
    )
    review_id = written.json()["id"]

    async def vote(voter: User, value: str) -> int:
        answer = await live.client.put(
            f"/api/v1/reviews/{review_id}/vote", json={"vote": value}, headers=bearer(voter)
        )
        return answer.status_code

    # Every voter twice at once, once each way: whichever lands last is their vote.
    statuses = await asyncio.gather(
        *(vote(voter, value) for voter in voters for value in ("helpful", "not_helpful"))
    )

    assert set(statuses) == {200}
    async with live.sessions() as session:
        stored = await session.get_one(Review, review_id)
        votes = list(
            await session.scalars(select(ReviewVote.vote).where(ReviewVote.review_id == review_id))
        )
        assert len(votes) == len(voters)
        assert stored.helpful_count == votes.count(ReviewVoteValue.HELPFUL)
        assert stored.not_helpful_count == votes.count(ReviewVoteValue.NOT_HELPFUL)
