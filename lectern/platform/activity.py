"""The activity log: sign-ins, failed sign-ins and every admin action, for admins to read."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from lectern.kit.client import Client
from lectern.kit.pagination import paginate
from lectern.kit.schemas import PageMeta, PageParams
from lectern.models import ActivityLog, Base, User

# log_name values: which part of the platform wrote the entry.
AUTH = "auth"
ADMIN = "admin"


def log_activity(
    session: AsyncSession,
    *,
    log_name: str,
    event: str,
    description: str,
    causer: User | None = None,
    subject: Base | None = None,
    properties: dict[str, Any] | None = None,
    client: Client | None = None,
) -> ActivityLog:
    """Add an entry to the log, in the caller's unit of work (so it commits with the action)."""
    entry = ActivityLog(
        log_name=log_name,
        event=event,
        description=description[:2000],
        user_id=causer.id if causer is not None else None,
        causer_type="user" if causer is not None else None,
        causer_id=causer.id if causer is not None else None,
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=getattr(subject, "id", None) if subject is not None else None,
        properties=properties,
    )
    if client is not None:
        entry.ip_address = client.ip
        entry.user_agent = client.user_agent
    session.add(entry)
    return entry


async def list_entries(
    session: AsyncSession,
    params: PageParams,
    *,
    log_name: str | None = None,
    event: str | None = None,
    causer: UUID | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[ActivityLog], PageMeta]:
    """A page of the log, newest first, each entry with its causer loaded (two queries).

    ``causer`` is a user's uuid; ``since`` and ``until`` are inclusive bounds."""
    statement: Select[Any] = select(ActivityLog).options(
        joinedload(ActivityLog.user).load_only(User.uuid, User.name, User.email)
    )
    if log_name is not None:
        statement = statement.where(ActivityLog.log_name == log_name)
    if event is not None:
        statement = statement.where(ActivityLog.event == event)
    if causer is not None:
        statement = statement.where(
            ActivityLog.user_id == select(User.id).where(User.uuid == causer).scalar_subquery()
        )
    if subject_type is not None:
        statement = statement.where(ActivityLog.subject_type == subject_type)
    if subject_id is not None:
        statement = statement.where(ActivityLog.subject_id == subject_id)
    if since is not None:
        statement = statement.where(ActivityLog.created_at >= since)
    if until is not None:
        statement = statement.where(ActivityLog.created_at <= until)
    statement = statement.order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
    return await paginate(session, statement, params)
