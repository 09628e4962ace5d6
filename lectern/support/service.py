"""Support tickets as their requester sees them: open one (about a course or an order of
theirs, if they like), follow it, add to it, rate the help once it is resolved.

Internal notes are staff-only: every read here leaves them out. A user's message on a ticket
waiting for them, or resolved, reopens it; a closed ticket takes nothing more.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.errors import Conflict, InvalidInput, NotFound
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import rowcount
from lectern.kit.types import utcnow
from lectern.models import (
    Course,
    CourseInstructor,
    Enrollment,
    Order,
    SupportTicket,
    SupportTicketCategory,
    SupportTicketPriority,
    SupportTicketReply,
    SupportTicketStatus,
    User,
)
from lectern.support.schemas import RatingIn, TicketDetail, TicketIn, TicketMessageOut, TicketOut

REOPENED_BY_USER = (SupportTicketStatus.WAITING, SupportTicketStatus.RESOLVED)


def ticket_statement() -> Any:
    """Tickets with their course's uuid and order's number."""
    return (
        select(SupportTicket, Course.uuid, Order.order_number)
        .outerjoin(Course, Course.id == SupportTicket.course_id)
        .outerjoin(Order, Order.id == SupportTicket.order_id)
        .where(SupportTicket.deleted_at.is_(None))
    )


def ticket_fields(ticket: SupportTicket, course_uuid: Any, order_number: Any) -> dict[str, Any]:
    fields = {
        name: getattr(ticket, name)
        for name in TicketOut.model_fields
        if name not in {"course_uuid", "order_number"}
    }
    return {**fields, "course_uuid": course_uuid, "order_number": order_number}


async def _course_of(session: AsyncSession, user: User, course_uuid: uuid.UUID) -> int:
    """A course the user takes or teaches (422 otherwise: nothing to tell of others')."""
    takes = exists().where(Enrollment.course_id == Course.id, Enrollment.user_id == user.id)
    teaches = exists().where(
        CourseInstructor.course_id == Course.id, CourseInstructor.instructor_id == user.id
    )
    course_id = await session.scalar(
        select(Course.id).where(
            Course.uuid == course_uuid, or_(takes, teaches, Course.instructor_id == user.id)
        )
    )
    if course_id is None:
        raise InvalidInput("no course of yours has this uuid", field="course")
    return course_id


async def open_ticket(session: AsyncSession, user: User, body: TicketIn) -> TicketDetail:
    course_id = await _course_of(session, user, body.course) if body.course else None
    order_id = None
    if body.order is not None:
        order_id = await session.scalar(
            select(Order.id).where(Order.uuid == body.order, Order.user_id == user.id)
        )
        if order_id is None:
            raise InvalidInput("no order of yours has this uuid", field="order")
    ticket = SupportTicket(
        uuid=uuid.uuid4(),
        ticket_number=uuid.uuid4().hex,  # a placeholder until the row has its id
        user_id=user.id,
        course_id=course_id,
        order_id=order_id,
        subject=body.subject,
        message=body.message,
        category=SupportTicketCategory(body.category),
        priority=SupportTicketPriority(body.priority),
    )
    session.add(ticket)
    await session.flush()
    ticket.ticket_number = f"T-{ticket.id:06d}"
    await session.flush()
    return await detail(session, ticket, staff=False)


async def detail(session: AsyncSession, ticket: SupportTicket, *, staff: bool) -> TicketDetail:
    """The ticket with its replies (internal notes for staff only)."""
    row = (await session.execute(ticket_statement().where(SupportTicket.id == ticket.id))).one()
    statement = (
        select(SupportTicketReply, User.name)
        .outerjoin(User, User.id == SupportTicketReply.user_id)
        .where(SupportTicketReply.ticket_id == ticket.id)
        .order_by(SupportTicketReply.created_at, SupportTicketReply.id)
    )
    if not staff:
        statement = statement.where(SupportTicketReply.is_internal_note.is_(False))
    replies = [
        TicketMessageOut(
            id=reply.id,
            message=reply.message,
            by_staff=reply.user_id != ticket.user_id,
            author_name=name,
            is_internal_note=reply.is_internal_note,
            created_at=reply.created_at,
        )
        for reply, name in await session.execute(statement)
    ]
    return TicketDetail.model_validate({**ticket_fields(*row), "replies": replies})


async def my_ticket(session: AsyncSession, user: User, ticket_uuid: uuid.UUID) -> SupportTicket:
    ticket = await session.scalar(
        select(SupportTicket).where(
            SupportTicket.uuid == ticket_uuid,
            SupportTicket.user_id == user.id,
            SupportTicket.deleted_at.is_(None),
        )
    )
    if ticket is None:
        raise NotFound("no such ticket")
    return ticket


async def mine(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[TicketOut], PageMeta]:
    statement = ticket_statement().where(SupportTicket.user_id == user.id)
    rows, meta = await paginate_rows(
        session,
        statement.order_by(SupportTicket.updated_at.desc(), SupportTicket.id.desc()),
        params,
    )
    return [TicketOut.model_validate(ticket_fields(*row)) for row in rows], meta


async def add_message(
    session: AsyncSession, user: User, ticket: SupportTicket, message: str
) -> TicketDetail:
    if ticket.status is SupportTicketStatus.CLOSED:
        raise Conflict("this ticket is closed: open a new one", code="ticket_closed")
    session.add(SupportTicketReply(ticket_id=ticket.id, user_id=user.id, message=message))
    if ticket.status in REOPENED_BY_USER:
        ticket.status = SupportTicketStatus.OPEN
        ticket.resolved_at = None
    ticket.updated_at = utcnow()
    await session.flush()
    return await detail(session, ticket, staff=False)


async def rate(
    session: AsyncSession, user: User, ticket: SupportTicket, body: RatingIn
) -> TicketDetail:
    """Rate the help once the ticket is resolved, once (a conditional UPDATE: two ratings
    at once leave one)."""
    if ticket.resolved_at is None:
        raise Conflict("a ticket is rated once it is resolved", code="not_resolved")
    rated = await session.execute(
        update(SupportTicket)
        .where(SupportTicket.id == ticket.id, SupportTicket.satisfaction_rating.is_(None))
        .values(satisfaction_rating=body.rating, satisfaction_feedback=body.feedback)
        .execution_options(synchronize_session=False)
    )
    if not rowcount(rated):
        raise Conflict("this ticket is rated already", code="already_rated")
    await session.refresh(ticket)
    return await detail(session, ticket, staff=False)
