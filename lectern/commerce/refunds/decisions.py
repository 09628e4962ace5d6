"""An admin decides a refund request: approve (the money goes back, the access ends) or
reject (with a reason the buyer is told)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events, jobs
from lectern.commerce.events import OrderRefunded
from lectern.commerce.gateways import registry as gateways
from lectern.errors import Conflict, NotFound
from lectern.kit.client import Client
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.learning.enrollments.service import refund as end_access
from lectern.mail.tasks import send_email
from lectern.models import (
    Enrollment,
    EnrollmentStatus,
    InstructorEarning,
    InstructorEarningStatus,
    Order,
    OrderItem,
    OrderPaymentStatus,
    OrderStatus,
    Refund,
    RefundItem,
    RefundStatus,
    User,
)
from lectern.platform.activity import ADMIN, log_activity


async def _take(
    session: AsyncSession,
    refund_uuid: uuid.UUID,
    admin: User,
    status: RefundStatus,
    notes: str | None,
) -> Refund:
    """Move a pending request to ``status``: one conditional UPDATE, so of two admins deciding
    at once one does (the other gets 409)."""
    found = await session.scalar(select(Refund.id).where(Refund.uuid == refund_uuid))
    if found is None:
        raise NotFound("no such refund request")
    taken = await session.execute(
        update(Refund)
        .where(Refund.id == found, Refund.status == RefundStatus.PENDING)
        .values(status=status, processed_by=admin.id, admin_notes=notes, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rowcount(taken) == 0:
        raise Conflict("this request has been decided already", code="refund_decided")
    return await session.get_one(Refund, found, populate_existing=True)


async def reject(
    session: AsyncSession, admin: User, client: Client, refund_uuid: uuid.UUID, reason: str
) -> Refund:
    refund = await _take(session, refund_uuid, admin, RefundStatus.REJECTED, reason)
    refund.processed_at = utcnow()
    order = await session.get_one(Order, refund.order_id)
    _log(session, admin, client, refund, order, "refund.rejected")
    await _mail(session, order, refund, "refund_rejected")
    await session.flush()
    return refund


async def approve(
    session: AsyncSession, admin: User, client: Client, refund_uuid: uuid.UUID, notes: str | None
) -> Refund:
    refund = await _take(session, refund_uuid, admin, RefundStatus.APPROVED, notes)
    order = await session.scalar(
        select(Order)
        .where(Order.id == refund.order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert order is not None
    already = (
        await session.scalar(
            select(func.sum(Refund.amount)).where(
                Refund.order_id == order.id, Refund.status == RefundStatus.PROCESSED
            )
        )
        or order.total * 0
    )
    if already + refund.amount > order.total:
        raise Conflict(
            f"only {order.total - already} {order.currency} of this order is left to refund",
            code="refund_exceeds_payment",
        )
    items = list(
        await session.scalars(
            select(OrderItem)
            .join(RefundItem, RefundItem.order_item_id == OrderItem.id)
            .where(RefundItem.refund_id == refund.id)
        )
    )
    gateway = gateways.serving(order.payment_gateway or "")
    refund.transaction_id = await gateway.refund(order, refund.amount)
    refund.status = RefundStatus.PROCESSED
    refund.processed_at = utcnow()
    await session.flush()  # the sessions do not autoflush: _close counts what is refunded
    await _end_access(session, order, items)
    await session.execute(
        update(InstructorEarning)
        .where(InstructorEarning.order_item_id.in_([item.id for item in items]))
        .values(status=InstructorEarningStatus.REFUNDED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await _close(session, order)
    _log(session, admin, client, refund, order, "refund.approved")
    await _mail(session, order, refund, "refund_processed")
    await session.flush()
    await events.publish(
        session, OrderRefunded(order.id, refund.id, str(refund.amount), order.currency)
    )
    return refund


async def _end_access(session: AsyncSession, order: Order, items: list[OrderItem]) -> None:
    """The access this order gave ends; access held otherwise (another order, a grant) stays."""
    enrollments = await session.scalars(
        select(Enrollment).where(
            Enrollment.user_id == order.user_id,
            Enrollment.order_id == order.id,
            Enrollment.course_id.in_([item.course_id for item in items]),
            Enrollment.status != EnrollmentStatus.REFUNDED,
        )
    )
    for enrollment in list(enrollments):
        await end_access(session, enrollment)


async def _close(session: AsyncSession, order: Order) -> None:
    """Refunded when every item with a price is refunded; partially refunded otherwise."""
    left = await session.scalar(
        select(func.count(OrderItem.id)).where(
            OrderItem.order_id == order.id,
            OrderItem.final_price > 0,
            OrderItem.id.not_in(
                select(RefundItem.order_item_id)
                .join(Refund, Refund.id == RefundItem.refund_id)
                .where(Refund.order_id == order.id, Refund.status == RefundStatus.PROCESSED)
            ),
        )
    )
    if left:
        order.status = OrderStatus.PARTIALLY_REFUNDED
    else:
        order.status = OrderStatus.REFUNDED
        order.payment_status = OrderPaymentStatus.REFUNDED


def _log(
    session: AsyncSession, admin: User, client: Client, refund: Refund, order: Order, event: str
) -> None:
    log_activity(
        session,
        log_name=ADMIN,
        event=event,
        description=f"{event.split('.')[1].capitalize()} refund of {refund.amount} "
        f"{refund.currency} for order {order.order_number}",
        causer=admin,
        subject=refund,
        properties={"order": str(order.uuid), "amount": str(refund.amount)},
        client=client,
    )


async def _mail(session: AsyncSession, order: Order, refund: Refund, template: str) -> None:
    """Refund mail is transactional: sent whatever the buyer's preferences."""
    buyer = await session.get_one(User, order.user_id)
    jobs.after_commit(
        session,
        send_email,
        to=order.billing_email or buyer.email,
        template=template,
        context={
            "name": order.billing_name or buyer.name,
            "order_number": order.order_number,
            "amount": str(refund.amount),
            "currency": refund.currency,
            "notes": refund.admin_notes or "",
        },
    )
