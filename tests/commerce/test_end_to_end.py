"""A paid course sold end to end over HTTP, as a student and an admin of a school would:
cart, coupon, checkout, the sandbox's pay page, the webhook it sends, the course open, the
invoice, a refund asked and approved, the credit note, the course gone, the books balanced."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce import audit as commerce
from lectern.earnings import audit as earnings
from lectern.invoices import audit as invoices
from lectern.models import Coupon, CouponType, Course, LessonType, User
from tests.commerce.conftest import CART
from tests.conftest import bearer
from tests.factories import create_lesson, create_section
from tests.factories.instructors import create_admin


async def test_a_paid_course_is_sold_paid_for_invoiced_refunded_and_credited(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    admin = await create_admin(db)
    section = await create_section(db, course)
    lesson = await create_lesson(db, section, type=LessonType.TEXT, content="<p>Welcome</p>")
    db.add(
        Coupon(code="WELCOME10", name="Welcome", type=CouponType.PERCENTAGE,
               discount_value=Decimal(10), per_user_limit=1)
    )  # fmt: skip
    await db.flush()
    me = bearer(buyer)

    # The cart, with the coupon.
    await client.post(f"{CART}/items", json={"course": str(course.uuid)}, headers=me)
    cart = await client.post(f"{CART}/coupon", json={"code": "WELCOME10"}, headers=me)
    assert (cart.json()["discount"], cart.json()["total"]) == ("5.00", "44.99")

    # Checkout: a pending order and where to pay it.
    placed = (await client.post("/api/v1/checkout", json={}, headers=me)).json()
    assert (placed["status"], placed["total"]) == ("pending", "44.99")
    pay_page = placed["payment_url"].removeprefix("http://localhost:8000")
    lesson_url = f"/api/v1/learn/{course.uuid}/lessons/{lesson.uuid}"
    assert (await client.get(lesson_url, headers=me)).status_code in (403, 404)

    # The pay page, and its "Pay" button: a signed webhook, settled.
    page = await client.get(pay_page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    paid = await client.post(
        f"{pay_page}/pay", data={"outcome": "succeeded", "csrf_token": token.group(1)}
    )
    assert "its courses are yours" in paid.text

    order = (await client.get(f"/api/v1/orders/{placed['uuid']}", headers=me)).json()
    assert (order["status"], order["payment_status"]) == ("completed", "paid")
    opened = await client.get(lesson_url, headers=me)
    assert opened.status_code == 200, opened.text
    invoice = await client.get(f"/api/v1/orders/{placed['uuid']}/invoice.pdf", headers=me)
    assert invoice.status_code == 200
    assert invoice.content.startswith(b"%PDF")
    sales = (await client.get("/api/v1/studio/earnings", headers=bearer(seller))).json()
    assert sales["totals"][0]["pending"] == "34.99"  # 70 % of 49.99: the platform pays its coupon

    # A refund, asked and approved: the money back, a credit note, the course gone.
    asked = await client.post(
        f"/api/v1/orders/{placed['uuid']}/refund-requests",
        json={"reason": "Not for me"},
        headers=me,
    )
    refund = asked.json()
    approved = await client.post(
        f"/api/v1/admin/refunds/{refund['uuid']}/approve", json={}, headers=bearer(admin)
    )
    assert approved.json()["status"] == "processed"
    note = await client.get(f"/api/v1/refunds/{refund['uuid']}/credit-note.pdf", headers=me)
    assert note.status_code == 200
    assert note.content.startswith(b"%PDF")
    assert (await client.get(lesson_url, headers=me)).status_code in (403, 404)
    order = (await client.get(f"/api/v1/orders/{placed['uuid']}", headers=me)).json()
    assert (order["status"], order["payment_status"]) == ("refunded", "refunded")
    sales = (await client.get("/api/v1/studio/earnings", headers=bearer(seller))).json()
    assert (sales["totals"][0]["pending"], sales["totals"][0]["refunded"]) == ("0.00", "34.99")

    # And the books balance.
    for rules in (commerce, earnings, invoices):
        assert await rules.problems(db) == []
