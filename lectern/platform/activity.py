"""The activity log: sign-ins, failed sign-ins and every admin action, for admins to read."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

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
    request: Request | None = None,
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
    if request is not None:
        entry.ip_address = request.client.host if request.client else None
        agent = request.headers.get("user-agent")
        entry.user_agent = agent[:500] if agent else None
    session.add(entry)
    return entry
