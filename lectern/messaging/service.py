"""Conversations and their messages.

A message adds one to every other participant's ``unread_count`` with one atomic UPDATE, so
parallel messages leave the counts exact; reading a conversation sets the reader's count to
zero and ``last_read_at``. A direct conversation between two people is reused, not doubled.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import UploadFile
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lectern import channel
from lectern.errors import Conflict, Forbidden, InvalidInput, NotFound
from lectern.kit import attachments as files
from lectern.kit.downloads import Download
from lectern.kit.pagination import paginate_rows
from lectern.kit.schemas import PageMeta, PageParams
from lectern.kit.types import utcnow
from lectern.messaging import policy
from lectern.messaging.schemas import (
    ConversationIn,
    ConversationOut,
    MessageOut,
    Person,
    SupportQuestionIn,
)
from lectern.models import (
    Conversation,
    ConversationParticipant,
    ConversationType,
    Course,
    Message,
    User,
    UserRole,
    UserStatus,
)
from lectern.platform.service import get_value

# What may be sent: documents, images, archives, audio and video, plain text; never a program.
FILE_TYPES = [
    "pdf", "jpg", "png", "gif", "webp", "heic", "docx", "xlsx", "pptx", "odt", "ods", "odp",
    "zip", "mp3", "m4a", "wav", "mp4", "mov", "webm", "txt", "md", "csv",
]  # fmt: skip
MAX_FILE_MB = 25

Mine = aliased(ConversationParticipant)
Other = aliased(ConversationParticipant)


async def _direct_between(session: AsyncSession, one: int, two: int) -> Conversation | None:
    return await session.scalar(
        select(Conversation)
        .join(Mine, Mine.conversation_id == Conversation.id)
        .join(Other, Other.conversation_id == Conversation.id)
        .where(
            Conversation.type == ConversationType.DIRECT,
            Conversation.deleted_at.is_(None),
            Mine.user_id == one,
            Other.user_id == two,
        )
        .limit(1)
    )


async def start(session: AsyncSession, sender: User, body: ConversationIn) -> Message:
    """Write to someone: a new conversation, or the direct one the two already have."""
    recipient = await session.scalar(
        select(User).where(User.uuid == body.recipient, User.deleted_at.is_(None))
    )
    if recipient is None or recipient.id == sender.id:
        raise InvalidInput("no one else has this uuid", field="recipient")
    course = None
    if body.course is not None:
        course = await session.scalar(
            select(Course).where(Course.uuid == body.course, Course.deleted_at.is_(None))
        )
        if course is None:
            raise InvalidInput("no such course", field="course")
    if await policy.may_write(session, sender, recipient):
        kind = ConversationType.DIRECT
        conversation = await _direct_between(session, sender.id, recipient.id)
    elif course is not None:
        await policy.inquiry_course(session, recipient, course)
        kind, conversation = ConversationType.COURSE_INQUIRY, None
    else:
        raise Forbidden(
            "you may write to the instructors of your courses, or ask a course's instructor "
            "about it",
            code="not_allowed",
        )
    if conversation is None:
        await policy.refuse_new(session, sender, recipient.id)
        conversation = Conversation(
            uuid=uuid.uuid4(),
            type=kind,
            course_id=course.id if course else None,
            subject=body.subject,
        )
        session.add(conversation)
        await session.flush()
        session.add_all(
            ConversationParticipant(conversation_id=conversation.id, user_id=user_id)
            for user_id in (sender.id, recipient.id)
        )
        await session.flush()
    return await send(session, sender, conversation, body.message)


async def ask_support(session: AsyncSession, sender: User, body: SupportQuestionIn) -> Message:
    """Write to the platform's support: the admins, in one support conversation per user
    while it is open (a closed one stays closed: the next question opens another)."""
    if sender.role == UserRole.ADMIN:
        raise Forbidden("admins answer support conversations", code="not_allowed")
    conversation = await session.scalar(
        select(Conversation)
        .join(Mine, Mine.conversation_id == Conversation.id)
        .where(
            Conversation.type == ConversationType.SUPPORT,
            Conversation.is_closed.is_(False),
            Conversation.deleted_at.is_(None),
            Mine.user_id == sender.id,
        )
        .limit(1)
    )
    if conversation is None:
        staff = list(
            await session.scalars(
                select(User.id).where(
                    User.role == UserRole.ADMIN,
                    User.status == UserStatus.ACTIVE,
                    User.deleted_at.is_(None),
                )
            )
        )
        if not staff:
            raise Conflict("no one answers support yet", code="no_support_staff")
        conversation = Conversation(
            uuid=uuid.uuid4(), type=ConversationType.SUPPORT, subject=body.subject
        )
        session.add(conversation)
        await session.flush()
        session.add_all(
            ConversationParticipant(conversation_id=conversation.id, user_id=user_id)
            for user_id in (sender.id, *staff)
        )
        await session.flush()
    return await send(session, sender, conversation, body.message)


async def mine(session: AsyncSession, user: User, conversation_uuid: uuid.UUID) -> Conversation:
    """A conversation the user takes part in (404 otherwise)."""
    conversation = await session.scalar(
        select(Conversation)
        .join(Mine, Mine.conversation_id == Conversation.id)
        .where(
            Conversation.uuid == conversation_uuid,
            Conversation.deleted_at.is_(None),
            Mine.user_id == user.id,
        )
    )
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation


async def _may_send(session: AsyncSession, sender: User, conversation: Conversation) -> None:
    if conversation.is_closed:
        raise Conflict("this conversation is closed", code="conversation_closed")
    await policy.refuse_blocked(session, sender, conversation.id)


async def send(
    session: AsyncSession, sender: User, conversation: Conversation, content: str
) -> Message:
    await _may_send(session, sender, conversation)
    return await _post(session, sender, conversation, content, None)


async def send_files(
    session: AsyncSession,
    sender: User,
    conversation: Conversation,
    content: str | None,
    uploads: Sequence[UploadFile],
) -> Message:
    """A message with files: each checked (size, a type of ``FILE_TYPES``, sniffed) and
    stored before the message is written."""
    await _may_send(session, sender, conversation)
    if not uploads or len(uploads) > files.MAX_FILES:
        raise InvalidInput(f"send 1 to {files.MAX_FILES} files", field="files")
    megabytes = min(int(await get_value(session, "uploads.max_file_mb", 512)), MAX_FILE_MB)
    stored = [
        await files.store(
            "messages",
            await files.check_file(upload, max_bytes=megabytes << 20, allowed=FILE_TYPES),
        )
        for upload in uploads
    ]
    return await _post(session, sender, conversation, content or "", stored)


async def _post(
    session: AsyncSession,
    sender: User,
    conversation: Conversation,
    content: str,
    attachments: list[dict[str, Any]] | None,
) -> Message:
    """Write the message: every other participant's unread count up by one, theirs to hear
    on the live channel."""
    now = utcnow()
    message = Message(
        uuid=uuid.uuid4(),
        conversation_id=conversation.id,
        sender_id=sender.id,
        content=content,
        attachments=attachments or None,
    )
    session.add(message)
    await session.flush()
    recipients = await session.scalars(
        update(ConversationParticipant)
        .where(
            ConversationParticipant.conversation_id == conversation.id,
            ConversationParticipant.user_id != sender.id,
        )
        .values(unread_count=ConversationParticipant.unread_count + 1, updated_at=now)
        .returning(ConversationParticipant.user_id)
        .execution_options(synchronize_session=False)
    )
    told = {
        "conversation_uuid": str(conversation.uuid),
        "message": MessageOut(
            uuid=message.uuid,
            sender=Person(uuid=sender.uuid, name=sender.name),
            content=message.content,
            attachments=files.public(message.attachments),
            is_system_message=False,
            created_at=message.created_at,
        ).model_dump(mode="json"),
    }
    channel.publish_after_commit(session, "message", [(user_id, told) for user_id in recipients])
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(last_message_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return message


async def mark_read(session: AsyncSession, user: User, conversation: Conversation) -> None:
    await session.execute(
        update(ConversationParticipant)
        .where(
            ConversationParticipant.conversation_id == conversation.id,
            ConversationParticipant.user_id == user.id,
        )
        .values(unread_count=0, last_read_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def mute(session: AsyncSession, user: User, conversation: Conversation, muted: bool) -> None:
    await session.execute(
        update(ConversationParticipant)
        .where(
            ConversationParticipant.conversation_id == conversation.id,
            ConversationParticipant.user_id == user.id,
        )
        .values(is_muted=muted, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def close(session: AsyncSession, conversation: Conversation) -> None:
    conversation.is_closed = True
    conversation.updated_at = utcnow()
    await session.flush()


# -- reading ---------------------------------------------------------------------------------


def message_out(message: Message, sender: User) -> MessageOut:
    """A message just written by ``sender``."""
    return MessageOut(
        uuid=message.uuid,
        sender=Person(uuid=sender.uuid, name=sender.name),
        content=message.content,
        attachments=files.public(message.attachments),
        is_system_message=message.is_system_message,
        created_at=message.created_at,
    )


def _person(row_uuid: Any, name: Any) -> Person | None:
    return Person(uuid=row_uuid, name=name) if row_uuid is not None else None


async def inbox(
    session: AsyncSession, user: User, params: PageParams
) -> tuple[list[ConversationOut], PageMeta, int]:
    """My conversations, latest message first, with my unread counts (a fixed number of
    statements: the count, the page, the others on it, the last messages, the total)."""
    statement = (
        select(Conversation, Mine.unread_count, Mine.is_muted, Course.uuid)
        .join(Mine, Mine.conversation_id == Conversation.id)
        .outerjoin(Course, Course.id == Conversation.course_id)
        .where(Mine.user_id == user.id, Conversation.deleted_at.is_(None))
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())
    )
    rows, meta = await paginate_rows(session, statement, params)
    ids = [row[0].id for row in rows]
    others: dict[int, list[Person]] = {}
    last: dict[int, str] = {}
    if ids:
        for conversation_id, person_uuid, name in await session.execute(
            select(ConversationParticipant.conversation_id, User.uuid, User.name)
            .join(User, User.id == ConversationParticipant.user_id)
            .where(
                ConversationParticipant.conversation_id.in_(ids),
                ConversationParticipant.user_id != user.id,
            )
        ):
            others.setdefault(conversation_id, []).append(Person(uuid=person_uuid, name=name))
        latest = (
            select(Message.conversation_id, func.max(Message.id).label("id"))
            .where(Message.conversation_id.in_(ids), Message.deleted_at.is_(None))
            .group_by(Message.conversation_id)
            .subquery()
        )
        last = dict(
            (
                await session.execute(
                    select(Message.conversation_id, Message.content).join(
                        latest, latest.c.id == Message.id
                    )
                )
            ).all()
        )
    total = await session.scalar(
        select(func.coalesce(func.sum(ConversationParticipant.unread_count), 0)).where(
            ConversationParticipant.user_id == user.id
        )
    )
    items = [
        ConversationOut(
            uuid=conversation.uuid,
            type=conversation.type.value,
            subject=conversation.subject,
            course_uuid=course_uuid,
            others=others.get(conversation.id, []),
            last_message_at=conversation.last_message_at,
            last_message=(last.get(conversation.id) or "")[:200] or None,
            unread_count=unread,
            is_muted=muted,
            is_closed=conversation.is_closed,
        )
        for conversation, unread, muted, course_uuid in rows
    ]
    return items, meta, int(total or 0)


async def messages(
    session: AsyncSession, conversation: Conversation, params: PageParams
) -> tuple[list[MessageOut], PageMeta]:
    """The conversation's messages, oldest first."""
    statement = (
        select(Message, User.uuid, User.name)
        .outerjoin(User, User.id == Message.sender_id)
        .where(Message.conversation_id == conversation.id, Message.deleted_at.is_(None))
        .order_by(Message.created_at, Message.id)
    )
    rows, meta = await paginate_rows(session, statement, params)
    items = [
        MessageOut(
            uuid=message.uuid,
            sender=_person(sender_uuid, name),
            content=message.content,
            attachments=files.public(message.attachments),
            is_system_message=message.is_system_message,
            created_at=message.created_at,
        )
        for message, sender_uuid, name in rows
    ]
    return items, meta


async def attachment(
    session: AsyncSession, conversation: Conversation, message_uuid: uuid.UUID, file_id: str
) -> Download:
    """A file of a message of the conversation (404 for anything else)."""
    entries = await session.scalar(
        select(Message.attachments).where(
            Message.uuid == message_uuid,
            Message.conversation_id == conversation.id,
            Message.deleted_at.is_(None),
        )
    )
    return files.download(entries, file_id)
