"""Authentication under parallel requests, committing for real: sign-ups racing for one
address (one account; every racer gets the 202 any taken address gets, never a 409 naming
it), and sign-ins whose password checks must not hold up other requests."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from sqlalchemy import delete, func, select

from lectern.config import auth_settings
from lectern.models import (
    ActivityLog,
    Course,
    CourseSection,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonType,
    RefreshToken,
    User,
)
from lectern.security import passwords
from lectern.security.passwords import hash_now
from tests.auth.helpers import API
from tests.conftest import Live, bearer
from tests.factories import PASSWORD_HASH
from tests.factories.auth import PASSWORD
from tests.learning.progress.conftest import beat, learn


async def test_parallel_sign_ups_with_one_address_all_answer_202(live: Live) -> None:
    live.app.state.rate_limiter.enabled = False
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    body = {"name": "Racer", "email": email, "password": "Racing-pass-2026"}
    try:
        responses = await asyncio.gather(
            *(live.client.post(f"{API}/register", json=body) for _ in range(8))
        )
        assert [r.status_code for r in responses] == [202] * 8, [r.text for r in responses]
        assert len({r.text for r in responses}) == 1
        async with live.sessions() as session:
            assert await session.scalar(select(func.count()).where(User.email == email)) == 1
    finally:
        async with live.sessions() as session:
            ids = select(User.id).where(User.email == email).scalar_subquery()
            await session.execute(delete(ActivityLog).where(ActivityLog.user_id.in_(ids)))
            await session.execute(delete(User).where(User.email == email))
            await session.commit()


async def test_heartbeats_are_answered_while_ten_logins_hash(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Password checks run off the event loop: a heartbeat sent while ten sign-ins are being
    checked is answered at once, not after their checks. (Each check made to take 0.2 s, in
    two slots: the ten take a second at least; on the loop, they would hold the heartbeat.)"""
    live.app.state.rate_limiter.enabled = False
    monkeypatch.setenv("LECTERN_PASSWORD_HASHING_CONCURRENCY", "2")
    auth_settings.cache_clear()
    passwords._slots.clear()
    real_verify = passwords.verify_now

    def slow_verify(password_hash: str, password: str) -> bool:
        time.sleep(0.2)
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_now", slow_verify)
    n = uuid.uuid4().hex[:8]
    learner = User(
        name="L", username=f"l{n}", email=f"l{n}@x.test", password_hash=hash_now(PASSWORD)
    )
    author = User(name="A", username=f"a{n}", email=f"a{n}@x.test", password_hash=PASSWORD_HASH)
    await live.add(learner, author)
    try:
        course = Course(
            instructor_id=author.id, title="Load", slug=f"load-{n}",
            status=CourseStatus.PUBLISHED, is_published=True, is_approved=True,
        )  # fmt: skip
        await live.add(course)
        section = CourseSection(course_id=course.id, title="S")
        await live.add(section)
        lesson = Lesson(
            course_id=course.id, section_id=section.id, title="V", type=LessonType.VIDEO,
            video_url="https://v.example/x.mp4", duration_seconds=600,
        )  # fmt: skip
        await live.add(lesson)
        await live.add(Enrollment(user_id=learner.id, course_id=course.id, price_paid=0))
        loop = asyncio.get_running_loop()

        started = loop.time()
        body = {"identifier": learner.email, "password": PASSWORD}
        logins = [
            asyncio.create_task(live.client.post(f"{API}/login", json=body)) for _ in range(10)
        ]
        await asyncio.sleep(0.05)  # the logins are under way
        sent = loop.time()
        answer = await live.client.post(
            f"{learn(course, lesson)}/heartbeat",
            json=beat(uuid.uuid4(), 1, 5, 5),
            headers=bearer(learner),
        )
        heartbeat_seconds = loop.time() - sent
        signed_in = await asyncio.gather(*logins)
        logins_seconds = loop.time() - started

        assert answer.status_code == 200, answer.text
        assert [r.status_code for r in signed_in] == [200] * 10
        assert logins_seconds >= 1.0
        assert heartbeat_seconds < logins_seconds / 2, (heartbeat_seconds, logins_seconds)
    finally:
        passwords._slots.clear()
        auth_settings.cache_clear()
        async with live.sessions() as session:
            await session.execute(delete(ActivityLog).where(ActivityLog.user_id == learner.id))
            await session.execute(delete(RefreshToken).where(RefreshToken.user_id == learner.id))
            await session.commit()


async def test_parallel_refreshes_of_one_token_spend_it_once(live: Live) -> None:
    """Six requests present one refresh token at the same moment, on their own connections:
    one wins the conditional spend (`used_at IS NULL`), the others see it spent, which is
    reuse: the family is revoked. Without the condition, PostgreSQL would re-check only the
    row's revocation after the winner commits, and hand out several new pairs."""
    live.app.state.rate_limiter.enabled = False
    n = uuid.uuid4().hex[:8]
    user = User(name="R", username=f"r{n}", email=f"r{n}@x.test", password_hash=hash_now(PASSWORD))
    await live.add(user)
    try:
        signed_in = await live.client.post(
            f"{API}/login", json={"identifier": user.email, "password": PASSWORD}
        )
        secret = signed_in.json()["refresh_token"]

        answers = await asyncio.gather(
            *(live.client.post(f"{API}/refresh", json={"refresh_token": secret}) for _ in range(6))
        )

        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] + [401] * 5, [answer.text for answer in answers]
        # Each loser saw the token spent (reuse) or, later, its family already revoked.
        refused = [
            answer.json()["type"].rsplit("/", 1)[1]
            for answer in answers
            if answer.status_code == 401
        ]
        assert set(refused) <= {"token_reused", "invalid_token"}, refused
        assert "token_reused" in refused
        async with live.sessions() as session:
            tokens = list(
                await session.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id))
            )
        assert len(tokens) == 2  # the spent one and the winner's
        assert all(token.revoked_at is not None for token in tokens)
    finally:
        async with live.sessions() as session:
            await session.execute(delete(ActivityLog).where(ActivityLog.user_id == user.id))
            await session.execute(delete(RefreshToken).where(RefreshToken.user_id == user.id))
            await session.commit()
