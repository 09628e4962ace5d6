"""Invoices and credit notes: numbered without gaps per year when the order is paid or
refunded, rendered once to PDF, kept, and shown to the buyer and admins only."""

from __future__ import annotations

import io
from datetime import datetime

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.invoices.numbering import next_number
from lectern.kit.storage import storage
from lectern.models import (
    Coupon,
    CouponType,
    Course,
    CreditNote,
    NumberSequence,
    Order,
    User,
)
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import on_sale
from tests.commerce.payments import deliver, event, order, place
from tests.conftest import bearer
from tests.factories import create_user
from tests.factories.instructors import create_admin
from tests.factories.platform import create_setting

YEAR = datetime.now().year


async def upcoming(db: AsyncSession, series: str, ahead: int = 1) -> str:
    """The number ``series`` gives next (or ``ahead`` numbers on): other tests of a session
    on PostgreSQL may have taken some already."""
    last = await db.scalar(
        select(NumberSequence.last_number).where(
            NumberSequence.series == series, NumberSequence.year == YEAR
        )
    )
    return f"{series}-{YEAR}-{(last or 0) + ahead:06d}"


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    # Some fonts' text comes out as UTF-16 code units: read it as the characters it is.
    return "\n".join(page.extract_text() for page in pages).replace("\x00", "")


async def paid_order(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, *courses: Course
) -> Order:
    placed = await place(client, db, buyer, *courses)
    await deliver(client, event(placed))
    return await order(db, placed.uuid)


async def test_a_paid_order_gets_the_next_invoice_number_and_its_pdf(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    await create_setting(db, "invoices.seller_name", "Lectern Academy GmbH")
    await create_setting(db, "invoices.seller_tax_id", "DE123456789")
    expected = (await upcoming(db, "INV"), await upcoming(db, "INV", 2))
    first = await paid_order(client, db, buyer, course)
    second = await paid_order(client, db, buyer, await on_sale(db, seller, "20.00", title="Two"))

    pdf = await client.get(f"/api/v1/orders/{first.uuid}/invoice.pdf", headers=bearer(buyer))

    assert (first.invoice_number, second.invoice_number) == expected
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = text_of(pdf.content)
    for shown in (
        expected[0],
        first.order_number,
        "Lectern Academy GmbH",
        "DE123456789",
        buyer.name,
        "Python for Everyone",
        "49.99 USD",
    ):
        assert shown in text
    # Rendered once (by the job after the payment) and served as stored from then on.
    stored = await order(db, first.uuid)
    assert stored.invoice_path == f"invoices/{YEAR}/{expected[0]}.pdf"
    assert await storage().exists(stored.invoice_path)
    again = await client.get(f"/api/v1/orders/{first.uuid}/invoice.pdf", headers=bearer(buyer))
    assert again.content == pdf.content


async def test_only_the_buyer_and_admins_get_an_invoice_and_only_of_a_paid_order(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, seller: User, course: Course
) -> None:
    paid = await paid_order(client, db, buyer, course)
    pending = await place(client, db, buyer, await on_sale(db, seller, "5.00", title="Later"))
    admin, stranger = await create_admin(db), await create_user(db)
    url = f"/api/v1/orders/{paid.uuid}/invoice.pdf"

    assert (await client.get(url, headers=bearer(admin))).status_code == 200
    assert_problem(await client.get(url, headers=bearer(stranger)), 404, "not_found")
    assert_problem(
        await client.get(f"/api/v1/orders/{pending.uuid}/invoice.pdf", headers=bearer(buyer)),
        404,
        "no_invoice",
    )
    assert (await client.get(url)).status_code == 401


async def test_an_order_that_cost_nothing_gets_no_invoice(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    db.add(Coupon(code="FREE", name="Free", type=CouponType.FREE, discount_value=0))
    await db.flush()

    placed = await place(client, db, buyer, course, code="FREE")

    assert (placed.total, placed.invoice_number) == (0, None)


async def test_a_number_taken_in_a_rolled_back_transaction_is_given_back(
    db: AsyncSession,
) -> None:
    assert await next_number(db, "TST", 2026) == "TST-2026-000001"
    rolled_back = await db.begin_nested()
    assert await next_number(db, "TST", 2026) == "TST-2026-000002"
    await rolled_back.rollback()

    assert await next_number(db, "TST", 2026) == "TST-2026-000002"
    assert await next_number(db, "TST", 2027) == "TST-2027-000001"


async def test_an_approved_refund_issues_a_credit_note_citing_the_invoice(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course
) -> None:
    admin = await create_admin(db)
    expected = await upcoming(db, "CN")
    paid = await paid_order(client, db, buyer, course)
    asked = await client.post(
        f"/api/v1/orders/{paid.uuid}/refund-requests",
        json={"reason": "Changed my mind"},
        headers=bearer(buyer),
    )
    url = f"/api/v1/refunds/{asked.json()['uuid']}/credit-note.pdf"
    assert_problem(await client.get(url, headers=bearer(buyer)), 404, "no_credit_note")

    await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )
    pdf = await client.get(url, headers=bearer(buyer))

    note = await db.scalar(select(CreditNote))
    assert note is not None
    assert (note.number, note.invoice_number, note.amount) == (
        expected,
        paid.invoice_number,
        paid.total,
    )
    assert pdf.status_code == 200
    text = text_of(pdf.content)
    for shown in (expected, f"For invoice {paid.invoice_number}", "49.99 USD"):
        assert shown in text
    await db.refresh(note)
    assert note.pdf_path == f"credit-notes/{YEAR}/{expected}.pdf"


@pytest.mark.parametrize("name", ["Zoë Ångström", "山田 太郎", "Ольга Иванова"])
async def test_a_buyers_name_in_any_script_is_printed(
    client: httpx.AsyncClient, db: AsyncSession, seller: User, course: Course, name: str
) -> None:
    buyer = await create_user(db, name=name)

    paid = await paid_order(client, db, buyer, course)
    pdf = await client.get(f"/api/v1/orders/{paid.uuid}/invoice.pdf", headers=bearer(buyer))

    assert name in text_of(pdf.content)
