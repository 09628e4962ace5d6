"""Creating administrators from the command line."""

from __future__ import annotations

from lectern.db import create_engine, session_factory, session_scope
from lectern.kit.types import utcnow
from lectern.models import User, UserRole, UserStatus
from lectern.users import service


async def create_admin(
    url: str, *, email: str, password: str, name: str, username: str | None
) -> User:
    engine = create_engine(url)
    try:
        async with session_scope(session_factory(engine)) as session:
            return await service.create_user(
                session,
                name=name,
                email=email,
                password=password,
                username=username,
                role=UserRole.ADMIN,
                status=UserStatus.ACTIVE,
                email_verified_at=utcnow(),
            )
    finally:
        await engine.dispose()
