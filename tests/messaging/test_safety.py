"""Keeping messaging safe: blocking a sender, instructors turning direct messages off,
reporting a message and the admins' decision, and messages with files (checked by their
content, stored, downloaded by the conversation's people only)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Conversation, Message, MessageReport, User, UserBlock
from tests.assignments.conftest import PDF, PNG
from tests.conftest import bearer
from tests.discussions.conftest import School
from tests.factories.users import create_admin
from tests.messaging.test_messaging import URL, write
from tests.reviews.helpers import code


async def conversation_of(client: httpx.AsyncClient, user: User) -> str:
    [conversation] = (await client.get(URL, headers=bearer(user))).json()["items"]
    return str(conversation["uuid"])


async def say(
    client: httpx.AsyncClient, conversation: str, user: User, text: str
) -> httpx.Response:
    return await client.post(
        f"{URL}/{conversation}/messages", json={"content": text}, headers=bearer(user)
    )


async def contents(db: AsyncSession, conversation: str) -> list[str]:
    kept = await db.scalars(
        select(Message.content)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.uuid == uuid.UUID(conversation))
        .order_by(Message.id)
    )
    return list(kept)


async def test_a_blocked_sender_cannot_write_until_unblocked(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    await write(client, school.ada, school.teacher, message="Hello")
    conversation = await conversation_of(client, school.teacher)
    blocked = await client.put(
        f"/api/v1/me/blocked-users/{school.ada.uuid}", headers=bearer(school.teacher)
    )

    in_old = await say(client, conversation, school.ada, "Are you there?")
    in_new = await write(client, school.ada, school.teacher, message="Again")
    answer = await say(client, conversation, school.teacher, "I am, but please stop.")
    listed = await client.get("/api/v1/me/blocked-users", headers=bearer(school.teacher))
    await client.delete(
        f"/api/v1/me/blocked-users/{school.ada.uuid}", headers=bearer(school.teacher)
    )
    after = await say(client, conversation, school.ada, "Sorry.")

    assert blocked.status_code == 204
    assert (in_old.status_code, code(in_old)) == (403, "blocked")
    assert (in_new.status_code, code(in_new)) == (403, "blocked")
    assert answer.status_code == 201
    assert [person["uuid"] for person in listed.json()["items"]] == [str(school.ada.uuid)]
    assert after.status_code == 201
    assert await contents(db, conversation) == ["Hello", "I am, but please stop.", "Sorry."]


async def test_blocking_twice_or_oneself(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    path = f"/api/v1/me/blocked-users/{school.alan.uuid}"
    twice = [await client.put(path, headers=bearer(school.ada)) for _ in range(2)]
    myself = await client.put(
        f"/api/v1/me/blocked-users/{school.ada.uuid}", headers=bearer(school.ada)
    )

    assert [answer.status_code for answer in twice] == [204, 204]
    assert myself.status_code == 422
    assert (
        await db.scalar(
            select(func.count(UserBlock.id)).where(UserBlock.blocker_id == school.ada.id)
        )
        == 1
    )


async def test_an_instructor_turns_direct_messages_off_and_admins_still_write(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    await write(client, school.alan, school.teacher, message="Before")
    settings = "/api/v1/me/messaging-settings"
    off = await client.put(
        settings, json={"accepts_messages": False}, headers=bearer(school.teacher)
    )
    admin = await create_admin(db)

    refused = await write(client, school.ada, school.teacher, message="Hi")
    going_on = await say(client, await conversation_of(client, school.alan), school.alan, "Still?")
    from_admin = await write(client, admin, school.teacher, message="A word")
    learner_setting = await client.put(
        settings, json={"accepts_messages": False}, headers=bearer(school.ada)
    )
    shown = await client.get(settings, headers=bearer(school.teacher))

    assert off.json() == {"accepts_messages": False}
    assert (refused.status_code, code(refused)) == (403, "messages_off")
    assert going_on.status_code == 201
    assert from_admin.status_code == 201
    assert (learner_setting.status_code, code(learner_setting)) == (403, "not_an_instructor")
    assert shown.json() == {"accepts_messages": False}


async def test_a_reported_message_goes_to_the_admins_who_take_it_down(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    await write(client, school.teacher, school.ada, message="Buy my other course now!!!")
    conversation = await conversation_of(client, school.ada)
    thread = await client.get(f"{URL}/{conversation}/messages", headers=bearer(school.ada))
    [message] = thread.json()["items"]
    path = f"{URL}/{conversation}/messages/{message['uuid']}/report"
    body = {"reason": "spam", "block": True}

    reported = await client.post(path, json=body, headers=bearer(school.ada))
    again = await client.post(path, json=body, headers=bearer(school.ada))
    own = await client.post(path, json=body, headers=bearer(school.teacher))
    outsider = await client.post(path, json=body, headers=bearer(school.stranger))
    admin = await create_admin(db)
    queue = await client.get("/api/v1/admin/message-reports", headers=bearer(admin))
    not_admin = await client.get("/api/v1/admin/message-reports", headers=bearer(school.ada))
    [item] = queue.json()["items"]
    decided = await client.post(
        f"/api/v1/admin/message-reports/{item['id']}/resolve",
        json={"resolution": "removed"},
        headers=bearer(admin),
    )
    twice = await client.post(
        f"/api/v1/admin/message-reports/{item['id']}/resolve",
        json={"resolution": "dismissed"},
        headers=bearer(admin),
    )
    after = await client.get(f"{URL}/{conversation}/messages", headers=bearer(school.ada))
    still_open = await client.get("/api/v1/admin/message-reports", headers=bearer(admin))

    assert reported.status_code == 204
    assert (again.status_code, code(again)) == (409, "already_reported")
    assert own.status_code == 422
    assert outsider.status_code == 404
    assert not_admin.status_code == 403
    assert (item["message"], item["reason"]) == ("Buy my other course now!!!", "spam")
    assert item["sender"]["uuid"] == str(school.teacher.uuid)
    assert decided.status_code == 204
    assert (twice.status_code, code(twice)) == (409, "already_resolved")
    assert after.json()["items"] == []
    assert still_open.json()["items"] == []
    assert (
        await db.scalar(
            select(MessageReport.resolution).where(MessageReport.reporter_id == school.ada.id)
        )
        == "removed"
    )
    assert (
        await db.scalar(
            select(func.count(UserBlock.id)).where(UserBlock.blocker_id == school.ada.id)
        )
        == 1
    )


async def upload(
    client: httpx.AsyncClient, conversation: str, user: User, parts: list[Any], **data: str
) -> httpx.Response:
    return await client.post(
        f"{URL}/{conversation}/files", files=parts, data=data, headers=bearer(user)
    )


async def test_files_travel_with_a_message_and_only_to_its_people(
    client: httpx.AsyncClient, school: School, files: Path
) -> None:
    await write(client, school.ada, school.teacher, message="Here is my work")
    conversation = await conversation_of(client, school.ada)

    sent = await upload(
        client,
        conversation,
        school.ada,
        [("files", ("diagram.png", PNG, "image/png")), ("files", ("notes.pdf", PDF, "x/y"))],
        content="Two files",
    )
    assert sent.status_code == 201, sent.text
    message = sent.json()
    link = f"{URL}/{conversation}/messages/{message['uuid']}/files"
    first = message["attachments"][0]
    theirs = await client.get(f"{link}/{first['id']}", headers=bearer(school.teacher))
    stranger = await client.get(f"{link}/{first['id']}", headers=bearer(school.stranger))
    unknown = await client.get(f"{link}/00ff00ff", headers=bearer(school.teacher))

    assert message["content"] == "Two files"
    assert [(f["name"], f["type"]) for f in message["attachments"]] == [
        ("diagram.png", "image/png"),
        ("notes.pdf", "application/pdf"),
    ]
    assert "path" not in first
    assert theirs.content == PNG
    assert stranger.status_code == 404
    assert unknown.status_code == 404


async def test_programs_and_too_many_files_are_refused_and_nothing_is_kept(
    client: httpx.AsyncClient, db: AsyncSession, school: School, files: Path
) -> None:
    await write(client, school.ada, school.teacher, message="Hi")
    conversation = await conversation_of(client, school.ada)
    program = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200
    await client.put(f"/api/v1/me/blocked-users/{school.ada.uuid}", headers=bearer(school.teacher))

    exe = await upload(client, conversation, school.alan, [("files", ("x.exe", program, "x"))])
    blocked = await upload(client, conversation, school.ada, [("files", ("a.png", PNG, "x"))])
    await client.delete(
        f"/api/v1/me/blocked-users/{school.ada.uuid}", headers=bearer(school.teacher)
    )
    program_sent = await upload(
        client, conversation, school.ada, [("files", ("x.exe", program, "x"))]
    )
    many = await upload(
        client, conversation, school.ada, [("files", (f"{n}.png", PNG, "x")) for n in range(11)]
    )

    assert exe.status_code == 404  # not his conversation
    assert (blocked.status_code, code(blocked)) == (403, "blocked")
    assert program_sent.status_code == 415
    assert many.status_code == 422
    assert await contents(db, conversation) == ["Hi"]
    assert not (files / "messages").exists()


async def test_a_question_to_support_reaches_every_admin_who_may_answer(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    first, second = await create_admin(db), await create_admin(db)
    path = f"{URL}/support"

    asked = await client.post(
        path,
        json={"subject": "Invoice", "message": "Where is my invoice?"},
        headers=bearer(school.ada),
    )
    again = await client.post(path, json={"message": "Any news?"}, headers=bearer(school.ada))
    by_admin = await client.post(path, json={"message": "Hi"}, headers=bearer(first))
    [seen] = (await client.get(URL, headers=bearer(second))).json()["items"]
    answered = await say(client, seen["uuid"], second, "It is in your orders.")
    [mine] = (await client.get(URL, headers=bearer(school.ada))).json()["items"]

    assert (asked.status_code, again.status_code) == (201, 201)
    assert by_admin.status_code == 403
    assert (seen["type"], seen["subject"], seen["unread_count"]) == ("support", "Invoice", 2)
    assert answered.status_code == 201
    assert (mine["uuid"], mine["last_message"], mine["unread_count"]) == (
        seen["uuid"],
        "It is in your orders.",
        1,
    )
    assert await contents(db, seen["uuid"]) == [
        "Where is my invoice?",
        "Any news?",
        "It is in your orders.",
    ]
