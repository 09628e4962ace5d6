"""Creating users: normalised e-mails and usernames, uniqueness, free usernames."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import UserRole
from lectern.security.passwords import verify_now
from lectern.users import service


async def test_create_user_normalises_and_hashes(session: AsyncSession) -> None:
    user = await service.create_user(
        session, name="  Ada Lovelace ", email="Ada@Example.COM", password="Analytical-1843"
    )
    assert user.email == "ada@example.com"
    assert user.username == "ada"
    assert user.name == "Ada Lovelace"
    assert user.role == UserRole.STUDENT
    assert verify_now(user.password_hash, "Analytical-1843")


async def test_the_same_email_in_another_case_is_taken(session: AsyncSession) -> None:
    await service.create_user(
        session, name="A", email="dup@example.com", password="Analytical-1843"
    )
    with pytest.raises(service.UserExistsError):
        await service.create_user(
            session, name="B", email="DUP@example.com", password="Analytical-1843"
        )


async def test_usernames_get_a_free_number(session: AsyncSession) -> None:
    first = await service.create_user(
        session, name="A", email="sam@one.example.com", password="Analytical-1843"
    )
    second = await service.create_user(
        session, name="B", email="sam@two.example.com", password="Analytical-1843"
    )
    assert (first.username, second.username) == ("sam", "sam2")


async def test_a_taken_or_malformed_username_is_refused(session: AsyncSession) -> None:
    await service.create_user(
        session, name="A", email="a1@example.com", password="Analytical-1843", username="Taken"
    )
    with pytest.raises(service.UserExistsError):
        await service.create_user(
            session, name="B", email="b1@example.com", password="Analytical-1843", username="taken"
        )
    with pytest.raises(service.InvalidUserError):
        await service.create_user(
            session, name="C", email="c1@example.com", password="Analytical-1843", username="a b"
        )


async def test_an_empty_name_is_refused(session: AsyncSession) -> None:
    with pytest.raises(service.InvalidUserError, match="name"):
        await service.create_user(
            session, name="  ", email="e@example.com", password="Analytical-1843"
        )
