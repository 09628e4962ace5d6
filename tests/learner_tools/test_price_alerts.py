"""Price alerts: a drop of a course's effective price in the studio raises PriceDropped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern import events
from lectern.kit.types import utcnow
from lectern.learner_tools.events import PriceDropped
from lectern.models import Course, CourseStatus, EnrollmentStatus, Notification, User
from tests.conftest import bearer
from tests.factories import create_enrollment, create_user
from tests.factories.courses import create_co_instructor, create_instructor
from tests.factories.learner_tools import create_public_course, create_wish
from tests.factories.users import create_preferences
from tests.queries import count_queries

STUDIO = "/api/v1/studio/courses"


@pytest.fixture
def dropped() -> Iterator[list[PriceDropped]]:
    """The PriceDropped events published while the test runs (by any session)."""
    seen: list[PriceDropped] = []

    async def collect(_session: AsyncSession, event: PriceDropped) -> None:
        seen.append(event)

    events.subscribe(PriceDropped, collect)
    yield seen
    events.unsubscribe(PriceDropped, collect)


@pytest.fixture
async def paid(db: AsyncSession, owner: User) -> Course:
    return await create_public_course(
        db, owner, price=Decimal("50.00"), compare_price=Decimal("80.00")
    )


async def _patch(
    client: httpx.AsyncClient, user: User, course: Course, body: dict[str, Any]
) -> httpx.Response:
    response = await client.patch(f"{STUDIO}/{course.uuid}", json=body, headers=bearer(user))
    return response


async def test_a_drop_alerts_the_users_who_asked(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    paid: Course,
    dropped: list[PriceDropped],
) -> None:
    asked = [await create_user(db) for _ in range(3)]
    for user in asked:
        await create_wish(db, user, paid, price_alert=True)
    await create_wish(db, await create_user(db), paid, price_alert=False)
    enrolled = await create_user(db)
    await create_wish(db, enrolled, paid, price_alert=True)
    await create_enrollment(db, enrolled, paid)
    lapsed = await create_user(db)  # an expired enrollment: still wants the alert
    await create_wish(db, lapsed, paid, price_alert=True)
    await create_enrollment(
        db, lapsed, paid, status=EnrollmentStatus.EXPIRED, expires_at=utcnow() - timedelta(days=1)
    )
    other = await create_public_course(db, owner, price=Decimal("10.00"))
    await create_wish(db, await create_user(db), other, price_alert=True)

    response = await _patch(client, owner, paid, {"price": "39.99"})
    assert response.status_code == 200, response.text
    assert len(dropped) == 1
    event = dropped[0]
    assert event.course_id == paid.id
    assert (event.old_price, event.new_price) == (Decimal("50.00"), Decimal("39.99"))
    assert event.user_ids == tuple(sorted([u.id for u in asked] + [lapsed.id]))


async def test_rises_and_other_edits_raise_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    paid: Course,
    student: User,
    dropped: list[PriceDropped],
) -> None:
    await create_wish(db, student, paid, price_alert=True)
    assert (await _patch(client, owner, paid, {"price": "60.00"})).status_code == 200
    assert (await _patch(client, owner, paid, {"price": "60.00"})).status_code == 200
    assert (await _patch(client, owner, paid, {"compare_price": "70.00"})).status_code == 200
    assert (await _patch(client, owner, paid, {"title": "Renamed"})).status_code == 200
    # A lower price in another currency is no drop.
    changed = await _patch(client, owner, paid, {"price": "30.00", "currency": "EUR"})
    assert changed.status_code == 200
    # Subscription-only courses have no price of their own: no alert either way.
    to_subscription = await _patch(client, owner, paid, {"price_type": "subscription"})
    assert to_subscription.status_code == 200
    assert dropped == []


async def test_going_free_is_a_drop(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    paid: Course,
    student: User,
    dropped: list[PriceDropped],
) -> None:
    await create_wish(db, student, paid, price_alert=True)
    response = await _patch(client, owner, paid, {"price_type": "free"})
    assert response.status_code == 200, response.text
    assert [(e.old_price, e.new_price, e.user_ids) for e in dropped] == [
        (Decimal("50.00"), Decimal("0.00"), (student.id,))
    ]


async def test_no_event_without_subscribers_or_for_hidden_courses(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    paid: Course,
    student: User,
    dropped: list[PriceDropped],
) -> None:
    await create_wish(db, student, paid, price_alert=False)
    assert (await _patch(client, owner, paid, {"price": "45.00"})).status_code == 200
    assert dropped == []
    hidden = await create_public_course(
        db, owner, price=Decimal("50.00"), status=CourseStatus.UNPUBLISHED
    )
    await create_wish(db, student, hidden, price_alert=True)
    assert (await _patch(client, owner, hidden, {"price": "20.00"})).status_code == 200
    assert dropped == []


async def test_refused_edits_raise_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: User,
    paid: Course,
    student: User,
    dropped: list[PriceDropped],
) -> None:
    await create_wish(db, student, paid, price_alert=True)
    teacher = await create_instructor(db)
    await create_co_instructor(db, paid, teacher)
    # A co-instructor may not change pricing; a price above compare_price is refused.
    assert (await _patch(client, teacher, paid, {"price": "1.00"})).status_code == 403
    refused = await _patch(client, owner, paid, {"price": "10.00", "compare_price": "5.00"})
    assert refused.status_code == 422
    assert (await _patch(client, owner, paid, {"price": "-1"})).status_code == 422
    assert (await _patch(client, owner, paid, {"price": None})).status_code == 422
    assert dropped == []
    await db.refresh(paid)
    assert paid.price == Decimal("50.00")


async def test_the_alert_costs_four_statements_whatever_the_wishers(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    owner: User,
    paid: Course,
    dropped: list[PriceDropped],
) -> None:
    for _ in range(5):
        wisher = await create_user(db)
        # Their e-mails off: the mail jobs (which run here, in process) are not the request's.
        await create_preferences(db, wisher, email_course_updates=False)
        await create_wish(db, wisher, paid, price_alert=True)
    with count_queries(engine) as rise:
        assert (await _patch(client, owner, paid, {"price": "55.00"})).status_code == 200
    with count_queries(engine) as drop:
        assert (await _patch(client, owner, paid, {"price": "45.00"})).status_code == 200
    # The wishers who asked (one), then notifications tells them: the course's title, their
    # addresses and choices, one INSERT of their notifications.
    assert len(drop) == len(rise) + 4
    assert len(dropped) == 1
    assert len(dropped[0].user_ids) == 5
    told = await db.scalar(
        select(func.count()).select_from(Notification).where(Notification.type == "course_updates")
    )
    assert told == 5
