"""Keeping messaging safe: blocking a sender (they can no longer write to me, in a new
conversation or an old one), reporting a message to the admins (once per reporter, maybe
blocking its sender too), the admins' decisions (take the message down, or dismiss), and an
instructor turning direct messages off."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern.errors import Conflict, Forbidden, InvalidInput, NotFound
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.sql import insert_ignore
from lectern.kit.types import utcnow
from lectern.messaging.schemas import Person, ReportIn, ReportOut
from lectern.models import (
    Conversation,
    InstructorProfile,
    Message,
    MessageReport,
    MessageReportResolution,
    User,
    UserBlock,
)


async def _user(session: AsyncSession, user_uuid: uuid.UUID) -> User:
    found = await session.scalar(
        select(User).where(User.uuid == user_uuid, User.deleted_at.is_(None))
    )
    if found is None:
        raise NotFound("no such user", code="user_not_found")
    return found


async def _block(session: AsyncSession, blocker_id: int, blocked_id: int) -> None:
    """Once: blocking someone blocked already changes nothing."""
    await insert_ignore(
        session,
        UserBlock,
        {"blocker_id": blocker_id, "blocked_id": blocked_id},
        ["blocker_id", "blocked_id"],
    )


async def block(session: AsyncSession, user: User, blocked_uuid: uuid.UUID) -> None:
    blocked = await _user(session, blocked_uuid)
    if blocked.id == user.id:
        raise InvalidInput("you cannot block yourself", field="user_uuid")
    await _block(session, user.id, blocked.id)


async def unblock(session: AsyncSession, user: User, blocked_uuid: uuid.UUID) -> None:
    blocked = await _user(session, blocked_uuid)
    await session.execute(
        delete(UserBlock).where(UserBlock.blocker_id == user.id, UserBlock.blocked_id == blocked.id)
    )


async def blocked_by(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[Person], PageMeta]:
    rows, meta = await paginate_rows(
        session,
        select(User.uuid, User.name)
        .join(UserBlock, UserBlock.blocked_id == User.id)
        .where(UserBlock.blocker_id == user.id)
        .order_by(UserBlock.id.desc()),
        params,
    )
    return [Person(uuid=row_uuid, name=name) for row_uuid, name in rows], meta


async def report(
    session: AsyncSession,
    user: User,
    conversation: Conversation,
    message_uuid: uuid.UUID,
    body: ReportIn,
) -> None:
    """Report a message of a conversation of mine (someone else's); once."""
    message = await session.scalar(
        select(Message).where(
            Message.uuid == message_uuid,
            Message.conversation_id == conversation.id,
            Message.deleted_at.is_(None),
        )
    )
    if message is None:
        raise NotFound("no such message", code="message_not_found")
    if message.sender_id in (user.id, None):
        raise InvalidInput("report someone else's message", field="message_uuid")
    reported = await insert_ignore(
        session,
        MessageReport,
        {"message_id": message.id, "reporter_id": user.id, "reason": body.reason},
        ["message_id", "reporter_id"],
    )
    if not reported:
        raise Conflict("you reported this message already", code="already_reported")
    if body.block:
        await _block(session, user.id, message.sender_id)


# -- the admins ---------------------------------------------------------------------------------

Reporter = aliased(User)
Sender = aliased(User)


async def reports(
    session: AsyncSession, params: PageParams, *, open_only: bool
) -> tuple[list[ReportOut], PageMeta]:
    statement = (
        select(MessageReport, Message, Reporter.uuid, Reporter.name, Sender.uuid, Sender.name)
        .join(Message, Message.id == MessageReport.message_id)
        .join(Reporter, Reporter.id == MessageReport.reporter_id)
        .outerjoin(Sender, Sender.id == Message.sender_id)
        .order_by(MessageReport.id)
    )
    if open_only:
        statement = statement.where(MessageReport.resolved_at.is_(None))
    rows, meta = await paginate_rows(session, statement, params)
    return [
        ReportOut(
            id=row.id,
            reason=row.reason,
            created_at=row.created_at,
            message_uuid=message.uuid,
            message=message.content,
            sender=Person(uuid=sender_uuid, name=sender_name) if sender_uuid else None,
            reporter=Person(uuid=reporter_uuid, name=reporter_name),
            resolution=row.resolution.value if row.resolution else None,
            resolved_at=row.resolved_at,
        )
        for row, message, reporter_uuid, reporter_name, sender_uuid, sender_name in rows
    ], meta


async def resolve(
    session: AsyncSession, admin: User, report_id: int, resolution: str
) -> MessageReport:
    """Decide a report: ``removed`` takes its message down (and settles every report of
    it), ``dismissed`` leaves the message."""
    found = await session.get(MessageReport, report_id)
    if found is None:
        raise NotFound("no such report", code="report_not_found")
    if found.resolved_at is not None:
        raise Conflict("this report was decided already", code="already_resolved")
    now = utcnow()
    decided = MessageReportResolution(resolution)
    settled = [found]
    if decided is MessageReportResolution.REMOVED:
        message = await session.get_one(Message, found.message_id)
        message.deleted_at = now
        settled = list(
            await session.scalars(
                select(MessageReport).where(
                    MessageReport.message_id == message.id, MessageReport.resolved_at.is_(None)
                )
            )
        )
    for item in settled:
        item.resolution, item.resolved_by, item.resolved_at = decided, admin.id, now
    await session.flush()
    return found


# -- an instructor's choice ---------------------------------------------------------------------


async def set_accepts_messages(session: AsyncSession, user: User, accepts: bool) -> bool:
    profile = await session.scalar(
        select(InstructorProfile).where(
            InstructorProfile.user_id == user.id, InstructorProfile.deleted_at.is_(None)
        )
    )
    if profile is None:
        raise Forbidden("only instructors turn direct messages off", code="not_an_instructor")
    profile.accepts_messages = accepts
    await session.flush()
    return profile.accepts_messages


async def accepts_messages(session: AsyncSession, user: User) -> bool:
    found = await session.scalar(
        select(InstructorProfile.accepts_messages).where(
            InstructorProfile.user_id == user.id, InstructorProfile.deleted_at.is_(None)
        )
    )
    return True if found is None else bool(found)
