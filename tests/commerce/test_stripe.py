"""The Stripe gateway against a stand-in for Stripe's API on loopback: Checkout Sessions,
webhooks signed as Stripe signs them (late, twice, out of order), refunds, and the reconcile
job asking about a session whose webhook never came."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import stripe_gateway
from lectern.commerce.payments.reconcile import reconcile
from lectern.config import payment_settings
from lectern.kit.types import utcnow
from lectern.models import (
    Coupon,
    CouponType,
    Course,
    Enrollment,
    Order,
    OrderPaymentStatus,
    OrderStatus,
    PaymentEvent,
    PaymentEventOutcome,
    Refund,
    RefundStatus,
    User,
)
from tests.auth.helpers import assert_problem
from tests.commerce.conftest import on_sale
from tests.commerce.payments import order, place
from tests.commerce.stripe_server import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    event,
    signature,
)
from tests.conftest import bearer
from tests.factories.instructors import create_admin

WEBHOOK = "/api/v1/payments/webhooks/stripe"


@pytest.fixture
def stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        monkeypatch.setenv("LECTERN_PAYMENT_GATEWAYS", '["stripe", "sandbox"]')
        monkeypatch.setenv("LECTERN_STRIPE_SECRET_KEY", SECRET_KEY)
        monkeypatch.setenv("LECTERN_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("LECTERN_STRIPE_API_BASE", fake.url)
        payment_settings.cache_clear()
        stripe_gateway.client.cache_clear()
        yield fake
    payment_settings.cache_clear()
    stripe_gateway.client.cache_clear()


async def deliver(client: httpx.AsyncClient, payload: bytes, **signing: object) -> httpx.Response:
    return await client.post(
        WEBHOOK,
        content=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature(payload, **signing),
        },  # type: ignore[arg-type]
    )


async def stripe_order(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    *courses: Course,
    code: str | None = None,
) -> Order:
    return await place(client, db, buyer, *courses, code=code, gateway="stripe")


async def test_checkout_opens_a_checkout_session_whose_lines_add_up_to_the_total(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    seller: User,
    course: Course,
    stripe: FakeStripe,
) -> None:
    db.add(Coupon(code="TEN", name="10", type=CouponType.PERCENTAGE, discount_value=Decimal(10)))
    await db.flush()
    second = await on_sale(db, seller, "20.00", title="Second")

    placed = await stripe_order(client, db, buyer, course, second, code="TEN")

    [session] = stripe.sessions.values()
    assert placed.transaction_id == session["id"]
    assert (placed.payment_details or {})["url"] == session["url"]
    assert (session["amount_total"], session["currency"]) == (6299, "usd")  # 69.99 less 7.00
    assert [int(line["price_data"]["unit_amount"]) for line in session["line_items_sent"]] == [
        4499,
        1800,
    ]
    assert session["client_reference_id"] == str(placed.uuid)
    assert session["metadata"] == {"order": str(placed.uuid)}
    assert session["customer_email"] == buyer.email


async def test_a_completed_session_pays_the_order_once(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course, stripe: FakeStripe
) -> None:
    placed = await stripe_order(client, db, buyer, course)
    payload = event("checkout.session.completed", stripe.complete(placed.transaction_id or ""))

    first = await deliver(client, payload)
    again = await deliver(client, payload)

    assert (first.json()["outcome"], again.json()["outcome"]) == ("handled", "duplicate")
    placed = await order(db, placed.uuid)
    assert (placed.status, placed.payment_status) == (
        OrderStatus.COMPLETED,
        OrderPaymentStatus.PAID,
    )
    assert (placed.transaction_id or "").startswith("pi_test_")
    enrollment = await db.scalar(select(Enrollment).where(Enrollment.user_id == buyer.id))
    assert enrollment is not None
    assert enrollment.order_id == placed.id


@pytest.mark.parametrize(
    ("signing", "code"),
    [
        ({"secret": "whsec_someone_else"}, "bad_signature"),
        ({"at": int(time.time()) - 301}, "signature_too_old"),
    ],
    ids=["foreign-secret", "replayed-late"],
)
async def test_a_webhook_stripe_did_not_sign_now_is_a_400(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    stripe: FakeStripe,
    signing: dict[str, object],
    code: str,
) -> None:
    placed = await stripe_order(client, db, buyer, course)
    payload = event("checkout.session.completed", stripe.complete(placed.transaction_id or ""))

    assert_problem(await deliver(client, payload, **signing), 400, code)
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING
    assert await db.scalar(select(PaymentEvent.id)) is None


async def test_an_event_lectern_does_not_handle_is_a_400(
    client: httpx.AsyncClient, stripe: FakeStripe
) -> None:
    payload = event("customer.created", {"id": "cus_1", "object": "customer"})

    assert_problem(await deliver(client, payload), 400, "unknown_event")


async def test_a_bank_debit_completes_later_or_fails(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    seller: User,
    course: Course,
    stripe: FakeStripe,
) -> None:
    placed = await stripe_order(client, db, buyer, course)
    waiting = stripe.complete(placed.transaction_id or "", paid=False)

    noted = await deliver(client, event("checkout.session.completed", waiting))
    assert noted.json()["outcome"] == "ignored"
    assert (await order(db, placed.uuid)).status == OrderStatus.PENDING

    succeeded = await deliver(
        client,
        event("checkout.session.async_payment_succeeded", {**waiting, "payment_status": "paid"}),
    )

    assert succeeded.json()["outcome"] == "handled"
    assert (await order(db, placed.uuid)).status == OrderStatus.COMPLETED
    other = await stripe_order(client, db, buyer, await on_sale(db, seller, "5.00", title="Other"))
    debit = stripe.complete(other.transaction_id or "", paid=False)
    failed = await deliver(client, event("checkout.session.async_payment_failed", debit))
    assert failed.json()["outcome"] == "handled"
    assert (await order(db, other.uuid)).status == OrderStatus.FAILED


async def test_an_expired_session_closes_the_order_and_a_late_expiry_changes_nothing(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    seller: User,
    course: Course,
    stripe: FakeStripe,
) -> None:
    placed = await stripe_order(client, db, buyer, course)
    session = stripe.sessions[placed.transaction_id or ""]
    await deliver(client, event("checkout.session.expired", {**session, "status": "expired"}))
    assert (await order(db, placed.uuid)).status == OrderStatus.CANCELLED

    paid = await stripe_order(client, db, buyer, await on_sale(db, seller, "5.00", title="Paid"))
    completed = stripe.complete(paid.transaction_id or "")
    await deliver(client, event("checkout.session.completed", completed))
    late = await deliver(
        client, event("checkout.session.expired", {**completed, "status": "expired"})
    )

    assert late.json()["outcome"] == "ignored"
    assert (await order(db, paid.uuid)).status == OrderStatus.COMPLETED


async def test_an_approved_refund_is_paid_back_through_stripe_once(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course, stripe: FakeStripe
) -> None:
    admin = await create_admin(db)
    placed = await stripe_order(client, db, buyer, course)
    completed = stripe.complete(placed.transaction_id or "")
    await deliver(client, event("checkout.session.completed", completed))
    asked = await client.post(
        f"/api/v1/orders/{placed.uuid}/refund-requests", json={"reason": "x"}, headers=bearer(buyer)
    )

    approved = await client.post(
        f"/api/v1/admin/refunds/{asked.json()['uuid']}/approve", json={}, headers=bearer(admin)
    )
    echoed = await deliver(client, event("charge.refunded", stripe.charge(completed, 4999)))

    [sent] = stripe.refunds
    assert (sent["payment_intent"], sent["amount"]) == (completed["payment_intent"], 4999)
    assert approved.json()["transaction_id"] == sent["id"]
    assert echoed.json()["outcome"] == "ignored"  # Stripe's word on Lectern's own refund
    assert len(list(await db.scalars(select(Refund)))) == 1


async def test_a_refund_made_in_stripes_dashboard_is_recorded(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    course: Course,
    stripe: FakeStripe,
    caplog: pytest.LogCaptureFixture,
) -> None:
    placed = await stripe_order(client, db, buyer, course)
    completed = stripe.complete(placed.transaction_id or "")
    await deliver(client, event("checkout.session.completed", completed))

    with caplog.at_level(logging.WARNING, logger="lectern.commerce"):
        answer = await deliver(client, event("charge.refunded", stripe.charge(completed, 2000)))

    assert answer.json()["outcome"] == "handled"
    refund = await db.scalar(select(Refund))
    assert refund is not None
    assert (refund.amount, refund.status) == (Decimal("20.00"), RefundStatus.PROCESSED)
    assert (await order(db, placed.uuid)).status == OrderStatus.PARTIALLY_REFUNDED
    assert "refunded at the gateway outside Lectern" in caplog.text


async def test_the_reconcile_job_settles_a_session_whose_webhook_never_came(
    client: httpx.AsyncClient, db: AsyncSession, buyer: User, course: Course, stripe: FakeStripe
) -> None:
    placed = await stripe_order(client, db, buyer, course)
    completed = stripe.complete(placed.transaction_id or "")
    await db.execute(
        update(Order)
        .where(Order.id == placed.id)
        .values(created_at=utcnow() - timedelta(minutes=11))
    )

    assert await reconcile(db) == 1
    late = await deliver(client, event("checkout.session.completed", completed))

    placed = await order(db, placed.uuid)
    assert placed.status == OrderStatus.COMPLETED
    assert late.json()["outcome"] == "ignored"
    outcomes = list(await db.scalars(select(PaymentEvent.outcome).order_by(PaymentEvent.id)))
    assert outcomes == [PaymentEventOutcome.HANDLED, PaymentEventOutcome.IGNORED]
    assert await reconcile(db) == 0


async def test_stripe_needs_its_keys() -> None:
    from pydantic import ValidationError

    from lectern.config import PaymentSettings

    with pytest.raises(ValidationError, match="LECTERN_STRIPE_SECRET_KEY"):
        PaymentSettings(payment_gateways=["stripe"])
    assert (
        json.dumps(
            PaymentSettings(
                payment_gateways=["stripe"], stripe_secret_key="sk", stripe_webhook_secret="wh"
            ).payment_gateways
        )
        == '["stripe"]'
    )
