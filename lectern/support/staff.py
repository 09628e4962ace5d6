"""Support tickets as staff (admins) handle them: a queue with filters, assignment, replies
that the user is mailed, internal notes the user never sees, and the ticket's life:
``first_response_at`` at the first reply to the user, ``resolved_at``, ``closed_at``; a
resolved ticket closes itself after ``support.auto_close_days``."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern import jobs
from lectern.errors import InvalidInput, NotFound
from lectern.kit.links import app_link
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import LIKE_ESCAPE, contains, rowcount
from lectern.kit.types import utcnow
from lectern.mail.tasks import send_email
from lectern.models import (
    SupportTicket,
    SupportTicketCategory,
    SupportTicketPriority,
    SupportTicketReply,
    SupportTicketStatus,
    User,
    UserRole,
)
from lectern.platform.service import get_value
from lectern.support.schemas import StaffTicketOut, TicketDetail, TicketUpdate
from lectern.support.service import detail, ticket_fields, ticket_statement

Requester = aliased(User)
Assignee = aliased(User)


async def queue(
    session: AsyncSession,
    staff: User,
    params: PageParams,
    *,
    status: str | None,
    priority: str | None,
    category: str | None,
    assigned: Literal["me", "nobody"] | None,
    q: str | None,
) -> tuple[list[StaffTicketOut], PageMeta]:
    """Tickets for staff: unfinished ones unless a status is asked, most urgent then oldest."""
    statement = (
        ticket_statement()
        .add_columns(Requester.name, Requester.email, Assignee.name)
        .join(Requester, Requester.id == SupportTicket.user_id)
        .outerjoin(Assignee, Assignee.id == SupportTicket.assigned_to)
    )
    if status is None:
        done = (SupportTicketStatus.RESOLVED, SupportTicketStatus.CLOSED)
        statement = statement.where(SupportTicket.status.not_in(done))
    else:
        statement = statement.where(SupportTicket.status == SupportTicketStatus(status))
    if priority is not None:
        statement = statement.where(SupportTicket.priority == SupportTicketPriority(priority))
    if category is not None:
        statement = statement.where(SupportTicket.category == SupportTicketCategory(category))
    if assigned == "me":
        statement = statement.where(SupportTicket.assigned_to == staff.id)
    elif assigned == "nobody":
        statement = statement.where(SupportTicket.assigned_to.is_(None))
    if q:
        pattern = contains(q)
        statement = statement.where(
            or_(
                SupportTicket.subject.ilike(pattern, escape=LIKE_ESCAPE),
                SupportTicket.ticket_number.ilike(pattern, escape=LIKE_ESCAPE),
                Requester.email.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    urgency = [SupportTicketPriority.URGENT, SupportTicketPriority.HIGH]
    order = (SupportTicket.priority.in_(urgency).desc(), SupportTicket.created_at, SupportTicket.id)
    rows, meta = await paginate_rows(session, statement.order_by(*order), params)
    items = [
        StaffTicketOut.model_validate(
            {
                **ticket_fields(ticket, course_uuid, order_number),
                "requester_name": name,
                "requester_email": email,
                "assignee_name": assignee,
            }
        )
        for ticket, course_uuid, order_number, name, email, assignee in rows
    ]
    return items, meta


async def ticket(session: AsyncSession, ticket_uuid: uuid.UUID) -> SupportTicket:
    found = await session.scalar(
        select(SupportTicket).where(
            SupportTicket.uuid == ticket_uuid, SupportTicket.deleted_at.is_(None)
        )
    )
    if found is None:
        raise NotFound("no such ticket")
    return found


async def change(session: AsyncSession, ticket: SupportTicket, body: TicketUpdate) -> TicketDetail:
    changes: dict[str, Any] = body.changes()
    if "assignee" in changes:
        assignee = changes.pop("assignee")
        ticket.assigned_to = None if assignee is None else await _admin_id(session, assignee)
    if "priority" in changes:
        ticket.priority = SupportTicketPriority(changes["priority"])
    if "category" in changes:
        ticket.category = SupportTicketCategory(changes["category"])
    if "status" in changes:
        _move(ticket, SupportTicketStatus(changes["status"]))
    ticket.updated_at = utcnow()
    await session.flush()
    return await detail(session, ticket, staff=True)


def _move(ticket: SupportTicket, status: SupportTicketStatus) -> None:
    now = utcnow()
    if status is SupportTicketStatus.RESOLVED:
        ticket.resolved_at = ticket.resolved_at or now
    elif status is SupportTicketStatus.CLOSED:
        ticket.closed_at = ticket.closed_at or now
    else:
        ticket.closed_at = None
        if status is not SupportTicketStatus.WAITING:
            ticket.resolved_at = None
    ticket.status = status


async def _admin_id(session: AsyncSession, user_uuid: uuid.UUID) -> int:
    found = await session.scalar(
        select(User.id).where(User.uuid == user_uuid, User.role == UserRole.ADMIN)
    )
    if found is None:
        raise InvalidInput("tickets are assigned to admins", field="assignee")
    return found


async def reply(
    session: AsyncSession, staff: User, ticket: SupportTicket, message: str, *, internal: bool
) -> TicketDetail:
    """Answer the user (they are mailed; the ticket waits for them) or note for staff."""
    session.add(
        SupportTicketReply(
            ticket_id=ticket.id, user_id=staff.id, message=message, is_internal_note=internal
        )
    )
    if not internal:
        now = utcnow()
        ticket.first_response_at = ticket.first_response_at or now
        if ticket.status in (SupportTicketStatus.OPEN, SupportTicketStatus.IN_PROGRESS):
            ticket.status = SupportTicketStatus.WAITING
        requester = await session.get_one(User, ticket.user_id)
        jobs.after_commit(
            session,
            send_email,
            to=requester.email,
            template="support_reply",
            context={
                "name": requester.name,
                "number": ticket.ticket_number,
                "subject": ticket.subject,
                "message": message,
                "link": app_link("home"),
            },
        )
    ticket.updated_at = utcnow()
    await session.flush()
    return await detail(session, ticket, staff=True)


async def close_resolved(session: AsyncSession) -> int:
    """Close the tickets resolved more than ``support.auto_close_days`` ago."""
    days = int(await get_value(session, "support.auto_close_days", 7))
    closed = await session.execute(
        update(SupportTicket)
        .where(
            SupportTicket.status == SupportTicketStatus.RESOLVED,
            SupportTicket.resolved_at < utcnow() - timedelta(days=days),
        )
        .values(status=SupportTicketStatus.CLOSED, closed_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(closed)
