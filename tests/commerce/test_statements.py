"""SQL statements per request of the buying path, asserted: checkout runs the same number
whatever the size of the cart; settling a payment runs a fixed number, plus a fixed number for
each course it grants (the courses of one order, at most a cart's 50)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lectern.models import Course, User
from tests.commerce.conftest import on_sale
from tests.commerce.payments import deliver, event, order
from tests.commerce.test_checkout import CHECKOUT, shop
from tests.conftest import bearer
from tests.queries import count_queries

# The buyer's token, their row held, unpaid orders closed, the cart, its lines, two tax
# settings, the order (insert, read back), its lines (insert, read back), its gateway, and
# the lines' course uuids for the answer.
CHECKOUT_STATEMENTS = 13
# The order (found, held with its buyer's row), the event kept, the lines, the courses, the
# course's grant, the cart emptied, the order paid, the earnings, the invoice number; then the
# invoice's job renders it (the order, its lines, the seller's settings, the path); the
# instructor told of a new student (the course and the student, their choice, the
# notification); the mail jobs of the receipt and of that notification (each: the site's
# two settings, the address's suppression); the live classes among the lines, to seat.
SETTLE_STATEMENTS = 40
# Granting one more course: its enrollment (looked for, inserted, read), its counter, and
# its instructor told as above.
PER_COURSE = 10


async def test_checkout_and_settling_run_a_fixed_number_of_statements(
    client: httpx.AsyncClient,
    db: AsyncSession,
    engine: AsyncEngine,
    buyer: User,
    seller: User,
    course: Course,
) -> None:
    three = [await on_sale(db, seller, "10.00", title=f"Course {n}") for n in range(3)]
    for courses in ([course], three):
        await shop(client, buyer, *courses)
        with count_queries(engine) as checkout:
            placed = await client.post(CHECKOUT, json={}, headers=bearer(buyer))
        pending = await order(db, placed.json()["uuid"])
        with count_queries(engine) as settling:
            answer = await deliver(client, event(pending))

        assert answer.json()["outcome"] == "handled"
        assert len(checkout) == CHECKOUT_STATEMENTS, checkout
        assert len(settling) == SETTLE_STATEMENTS + PER_COURSE * (len(courses) - 1), settling
