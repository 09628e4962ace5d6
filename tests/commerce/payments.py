"""Helpers of the payment tests: placing an order that waits for its payment, and sandbox
webhook events signed as the sandbox signs them."""

from __future__ import annotations

import json
import time
import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.commerce.gateways import sandbox
from lectern.models import Course, Order, User
from tests.commerce.test_checkout import CHECKOUT, shop
from tests.conftest import bearer

WEBHOOK = "/api/v1/payments/webhooks/sandbox"


async def place(
    client: httpx.AsyncClient,
    db: AsyncSession,
    buyer: User,
    *courses: Course,
    code: str | None = None,
    gateway: str | None = None,
) -> Order:
    await shop(client, buyer, *courses, code=code)
    body = {"gateway": gateway} if gateway else {}
    placed = await client.post(CHECKOUT, json=body, headers=bearer(buyer))
    assert placed.status_code == 201, placed.text
    return await order(db, placed.json()["uuid"])


async def order(db: AsyncSession, order_uuid: str | uuid.UUID) -> Order:
    found = await db.scalar(
        select(Order)
        .where(Order.uuid == uuid.UUID(str(order_uuid)))
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


def event(
    placed: Order, outcome: sandbox.Outcome = "succeeded", *, amount: int | None = None
) -> bytes:
    return sandbox.event_body(placed, outcome, amount=amount)


async def deliver(
    client: httpx.AsyncClient,
    body: bytes,
    *,
    stamp: int | None = None,
    key: bytes | None = None,
    signature: str | None = None,
) -> httpx.Response:
    """POST ``body`` to the sandbox's webhook, signed (now, with the sandbox's key) unless
    told otherwise."""
    if signature is None:
        signature = sandbox.sign(body, stamp if stamp is not None else int(time.time()), key)
    return await client.post(
        WEBHOOK,
        content=body,
        headers={"Content-Type": "application/json", sandbox.SIGNATURE_HEADER: signature},
    )


def with_changes(body: bytes, **data: object) -> bytes:
    """The same event with some of its data changed (after it was signed: a tampering)."""
    parsed = json.loads(body)
    parsed["data"].update(data)
    return json.dumps(parsed, separators=(",", ":")).encode()
