"""Issuing the documents: an invoice when an order is paid, a credit note when it is refunded.

Both hear commerce's events in the paying or refunding transaction, take their gapless
number there (``numbering``), and leave the rendering to a job after the commit (the PDF is
also rendered on the first download if the job has not run yet). An order that cost nothing
gets no invoice, and a refund of an order without an invoice (paid late and refunded at
once) no credit note.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.commerce.events import OrderPaid, OrderRefunded
from lectern.errors import NotFound
from lectern.invoices.numbering import next_number
from lectern.invoices.tasks import render_credit_note, render_invoice
from lectern.kit.types import utcnow
from lectern.models import CreditNote, Order, Refund, RefundStatus, User, UserRole

INVOICE = "INV"
CREDIT_NOTE = "CN"


async def invoice_paid_order(session: AsyncSession, event: OrderPaid) -> None:
    order = await session.get_one(Order, event.order_id)
    if order.total == 0 or order.invoice_number is not None or order.paid_at is None:
        return
    order.invoice_number = await next_number(session, INVOICE, order.paid_at.year)
    await session.flush()
    jobs.after_commit(session, render_invoice, order_id=order.id)


async def credit_refund(session: AsyncSession, event: OrderRefunded) -> None:
    order = await session.get_one(Order, event.order_id)
    refund = await session.get_one(Refund, event.refund_id)
    if order.invoice_number is None or refund.status != RefundStatus.PROCESSED:
        return
    now = utcnow()
    note = CreditNote(
        uuid=uuid.uuid4(),
        number=await next_number(session, CREDIT_NOTE, now.year),
        refund_id=refund.id,
        order_id=order.id,
        invoice_number=order.invoice_number,
        amount=refund.amount,
        currency=refund.currency,
        issued_at=now,
    )
    session.add(note)
    await session.flush()
    jobs.after_commit(session, render_credit_note, credit_note_id=note.id)


def _may_see(user: User, owner_id: int) -> bool:
    return user.role == UserRole.ADMIN or user.id == owner_id


async def invoiced_order(session: AsyncSession, user: User, order_uuid: uuid.UUID) -> Order:
    """The order, if it has an invoice and ``user`` bought it or is an admin (404 otherwise)."""
    order = await session.scalar(
        select(Order).where(Order.uuid == order_uuid, Order.deleted_at.is_(None))
    )
    if order is None or not _may_see(user, order.user_id):
        raise NotFound("no such order")
    if order.invoice_number is None:
        raise NotFound(
            "this order has no invoice (it is not paid, or cost nothing)", code="no_invoice"
        )
    return order


async def credit_note_of(session: AsyncSession, user: User, refund_uuid: uuid.UUID) -> CreditNote:
    row = (
        await session.execute(
            select(CreditNote, Refund.user_id)
            .join(Refund, Refund.id == CreditNote.refund_id)
            .where(Refund.uuid == refund_uuid)
        )
    ).first()
    if row is None or not _may_see(user, row.user_id):
        raise NotFound("no credit note for this refund", code="no_credit_note")
    return row[0]
