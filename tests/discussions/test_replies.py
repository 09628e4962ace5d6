"""Replies: threaded to three levels, instructors' marked by the server, the best answer
chosen by the asker or a moderator, deleted ones kept as placeholders, followers e-mailed."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events
from lectern.discussions.events import BestAnswerChosen, UserMentioned
from lectern.discussions.replies import choose_best
from lectern.discussions.schemas import ReplyIn
from lectern.models import Discussion
from tests.conftest import bearer
from tests.discussions.conftest import School, ask, reply
from tests.mailbox import Mailbox
from tests.reviews.helpers import code


async def thread_of(client: httpx.AsyncClient, school: School) -> str:
    return str((await ask(client, school, school.ada)).json()["uuid"])


async def counts(db: AsyncSession, thread: str) -> tuple[int, int, int]:
    row = (
        await db.execute(
            select(Discussion.replies_count, Discussion.upvotes_count, Discussion.followers_count)
            .where(Discussion.uuid == uuid.UUID(thread))
            .execution_options(populate_existing=True)
        )
    ).one()
    return tuple(row)  # type: ignore[return-value]


async def test_replies_nest_three_deep_and_instructors_are_marked(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = await thread_of(client, school)

    top = await reply(client, thread, school.teacher, "Level one")
    second = await reply(client, thread, school.ada, "Level two", parent_id=top.json()["id"])
    third = await reply(client, thread, school.alan, "Level three", parent_id=second.json()["id"])
    fourth = await reply(client, thread, school.ada, "Level four", parent_id=third.json()["id"])
    forged = await reply(client, thread, school.alan, "Me too", is_instructor_reply=True)

    assert top.json()["is_instructor_reply"] is True
    assert second.json()["is_instructor_reply"] is False
    assert third.status_code == 201
    assert (fourth.status_code, code(fourth)) == (422, "too_deep")
    assert forged.status_code == 422
    listed = await client.get(f"/api/v1/discussions/{thread}/replies", headers=bearer(school.alan))
    assert [item["content"] for item in listed.json()["items"]] == [
        "Level one",
        "Level two",
        "Level three",
    ]
    assert listed.json()["items"][0]["replies_count"] == 1
    # Three replies; ada, grace and alan follow.
    assert await counts(db, thread) == (3, 0, 3)


async def test_a_parent_from_another_thread_is_refused(
    client: httpx.AsyncClient, school: School
) -> None:
    first, second = (
        await thread_of(client, school),
        str((await ask(client, school, school.alan, content="Other")).json()["uuid"]),
    )
    elsewhere = (await reply(client, first, school.teacher)).json()["id"]

    answer = await reply(client, second, school.ada, parent_id=elsewhere)

    assert answer.status_code == 422


async def test_the_asker_marks_the_best_answer_and_others_may_not(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = await thread_of(client, school)
    first = (await reply(client, thread, school.alan, "Try this")).json()["id"]
    second = (await reply(client, thread, school.teacher, "Better")).json()["id"]
    url = f"/api/v1/discussions/{thread}/best-answer"

    by_other = await client.put(url, json={"reply_id": first}, headers=bearer(school.alan))
    chosen = await client.put(url, json={"reply_id": first}, headers=bearer(school.ada))
    moved = await client.put(url, json={"reply_id": second}, headers=bearer(school.assistant))

    assert (by_other.status_code, code(by_other)) == (403, "not_staff")
    assert (chosen.json()["status"], chosen.json()["best_answer_id"]) == ("answered", first)
    assert moved.json()["best_answer_id"] == second
    listed = await client.get(f"/api/v1/discussions/{thread}/replies", headers=bearer(school.ada))
    assert [item["is_best_answer"] for item in listed.json()["items"]] == [False, True]


async def test_a_best_answer_is_told_to_its_author(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:

    thread = await thread_of(client, school)
    answer = (await reply(client, thread, school.alan, "Try this")).json()["id"]

    discussion = await choose_best(db, school.ada, uuid.UUID(thread), answer)

    assert BestAnswerChosen(discussion.id, answer, school.alan.id) in events.published(db)


async def test_a_deleted_reply_leaves_a_placeholder_and_the_counts_follow(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = await thread_of(client, school)
    gone = (await reply(client, thread, school.alan, "Oops")).json()["id"]
    await reply(client, thread, school.ada, "Still here", parent_id=gone)

    deleted = await client.delete(f"/api/v1/discussion-replies/{gone}", headers=bearer(school.alan))
    again = await client.delete(f"/api/v1/discussion-replies/{gone}", headers=bearer(school.alan))

    assert deleted.status_code == 204
    assert again.status_code == 404
    listed = await client.get(f"/api/v1/discussions/{thread}/replies", headers=bearer(school.ada))
    placeholder, child = listed.json()["items"]
    assert (placeholder["status"], placeholder["content"], placeholder["author"]) == (
        "deleted",
        None,
        None,
    )
    assert child["content"] == "Still here"
    assert (await counts(db, thread))[0] == 1


async def test_upvotes_count_once_and_never_ones_own(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = await thread_of(client, school)
    answer = (await reply(client, thread, school.alan)).json()["id"]
    up = f"/api/v1/discussions/{thread}/upvote"

    own = await client.put(up, headers=bearer(school.ada))
    first = await client.put(up, headers=bearer(school.alan))
    twice = await client.put(up, headers=bearer(school.alan))
    on_reply = await client.put(
        f"/api/v1/discussion-replies/{answer}/upvote", headers=bearer(school.ada)
    )

    assert (own.status_code, code(own)) == (403, "own_post")
    assert (first.json(), twice.json()) == ({"upvotes_count": 1}, {"upvotes_count": 1})
    assert on_reply.json() == {"upvotes_count": 1}
    shown = await client.get(f"/api/v1/discussions/{thread}", headers=bearer(school.alan))
    assert shown.json()["upvoted"] is True
    taken_back = await client.delete(up, headers=bearer(school.alan))
    assert taken_back.json() == {"upvotes_count": 0}


async def test_followers_are_mailed_of_a_reply_but_never_the_replier(
    client: httpx.AsyncClient, school: School, mailbox: Mailbox
) -> None:
    thread = await thread_of(client, school)
    await client.put(f"/api/v1/discussions/{thread}/follow", headers=bearer(school.teacher))

    await reply(client, thread, school.alan, "Use a parser generator")

    # The question told the teacher and the assistant; the reply its two followers.
    everything = await mailbox.wait(4)
    replies = [m for m in everything if str(m["Subject"]).startswith("New reply in")]
    assert sorted(str(m["To"]) for m in replies) == sorted([school.ada.email, school.teacher.email])
    assert "Use a parser generator" in replies[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_mentions_of_participants_are_announced(
    db: AsyncSession, client: httpx.AsyncClient, school: School
) -> None:

    from lectern.discussions.replies import post

    thread = await thread_of(client, school)

    await post(db, school.alan, uuid.UUID(thread), ReplyIn(content="@ada and @grace and @eve, see"))

    mentioned = {e.user_id for e in events.published(db) if isinstance(e, UserMentioned)}
    # Eve takes no part in the thread or the course.
    assert mentioned == {school.ada.id, school.teacher.id}
