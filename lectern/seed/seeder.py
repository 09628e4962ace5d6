"""What the demo's step modules use of the demo seeder (lectern.seed.demo.DemoSeeder)."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Base, Course, User

M = TypeVar("M", bound=Base)


class DemoSeeder(Protocol):
    session: AsyncSession
    course_rows: list[Course]
    students: list[User]
    added: dict[str, int]

    async def get_or_add(self, model: type[M], key: dict[str, Any], **values: Any) -> M: ...
