"""Threads: participants ask and discuss; Markdown is rendered and sanitised; lists filter
and search; moderators pin, feature and close; strangers are refused everywhere."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Discussion, DiscussionFollower, LessonType
from tests.conftest import bearer
from tests.discussions.conftest import School, ask, reply
from tests.factories import create_lesson, create_section
from tests.reviews.helpers import code


async def test_a_learner_asks_and_follows_their_question(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    asked = await ask(client, school, school.ada)

    assert asked.status_code == 201, asked.text
    body = asked.json()
    assert (body["type"], body["status"], body["held_for_moderation"]) == (
        "question",
        "open",
        False,
    )
    assert body["content_html"] == "<p>I am <em>stuck</em> on LR(1).</p>\n"
    assert body["author"] == {"name": "Ada Lovelace", "username": "ada"}
    assert (body["by_instructor"], body["following"], body["followers_count"]) == (False, True, 1)
    assert await db.scalar(select(func.count(DiscussionFollower.id))) == 1


async def test_html_and_script_never_survive_but_code_blocks_do(
    client: httpx.AsyncClient, school: School
) -> None:
    content = (
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> '
        "[click](javascript:alert(3))\n\n```python\nif a < b: print('<div>')\n```\n"
    )

    asked = await ask(client, school, school.ada, content=content)

    html = asked.json()["content_html"]
    assert "<script" not in html
    assert "<img" not in html
    assert "href" not in html  # the javascript: link stays text
    assert "<pre><code class=\"language-python\">if a &lt; b: print('&lt;div&gt;')" in html
    assert asked.json()["content"] == content.strip()


async def test_strangers_are_refused_on_every_discussion_route(
    client: httpx.AsyncClient, school: School
) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    answer = (await reply(client, thread, school.alan)).json()["id"]
    eve = bearer(school.stranger)
    course = f"/api/v1/courses/{school.course.uuid}/discussions"
    calls = [
        ("GET", course, None),
        ("POST", course, {"title": "Hello there", "content": "x"}),
        ("GET", f"/api/v1/discussions/{thread}", None),
        ("PATCH", f"/api/v1/discussions/{thread}", {"title": "Mine now"}),
        ("DELETE", f"/api/v1/discussions/{thread}", None),
        ("GET", f"/api/v1/discussions/{thread}/replies", None),
        ("POST", f"/api/v1/discussions/{thread}/replies", {"content": "x"}),
        ("PUT", f"/api/v1/discussions/{thread}/upvote", None),
        ("PUT", f"/api/v1/discussions/{thread}/follow", None),
        ("POST", f"/api/v1/discussions/{thread}/reports", {"reason": "spam"}),
        ("PUT", f"/api/v1/discussions/{thread}/best-answer", {"reply_id": answer}),
        ("PATCH", f"/api/v1/discussions/{thread}/state", {"is_pinned": True}),
        ("POST", f"/api/v1/discussions/{thread}/restore", None),
        ("PATCH", f"/api/v1/discussion-replies/{answer}", {"content": "x"}),
        ("DELETE", f"/api/v1/discussion-replies/{answer}", None),
        ("PUT", f"/api/v1/discussion-replies/{answer}/upvote", None),
        ("POST", f"/api/v1/discussion-replies/{answer}/reports", {"reason": "spam"}),
        ("POST", f"/api/v1/discussion-replies/{answer}/restore", None),
    ]
    for method, url, body in calls:
        answer_ = await client.request(method, url, json=body, headers=eve)
        assert (method, url, answer_.status_code, code(answer_)) == (
            method,
            url,
            403,
            "not_enrolled",
        )


async def test_announcements_are_for_staff(client: httpx.AsyncClient, school: School) -> None:
    by_learner = await ask(client, school, school.ada, type="announcement")
    by_assistant = await ask(client, school, school.assistant, type="announcement")

    assert (by_learner.status_code, code(by_learner)) == (403, "not_staff")
    assert by_assistant.status_code == 201
    assert by_assistant.json()["by_instructor"] is True


async def test_a_thread_on_a_lesson_of_another_course_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    from tests.factories.learning import create_published_course

    other = await create_published_course(db, school.teacher)
    lesson = await create_lesson(db, await create_section(db, other), type=LessonType.TEXT)

    answer = await ask(client, school, school.ada, lesson=str(lesson.uuid))

    assert answer.status_code == 422
    assert await db.scalar(select(func.count(Discussion.id))) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "content": "x"},
        {"title": "Fine title", "content": ""},
        {"type": "poll"},
        {"pinned": True},
    ],
)
async def test_malformed_threads_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, school: School, body: dict[str, object]
) -> None:
    answer = await ask(client, school, school.ada, **body)

    assert answer.status_code == 422
    assert await db.scalar(select(func.count(Discussion.id))) == 0


async def test_lists_filter_and_search(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    lesson = await create_lesson(db, await create_section(db, school.course), type=LessonType.TEXT)
    mine = (await ask(client, school, school.ada, title="Shift-reduce conflicts")).json()["uuid"]
    on_lesson = (
        await ask(
            client,
            school,
            school.alan,
            title="Lexers and regex",
            content="Which regex engine?",
            lesson=str(lesson.uuid),
        )
    ).json()["uuid"]
    answered = (
        await ask(client, school, school.alan, title="Register allocation", content="Spilling?")
    ).json()["uuid"]
    await reply(client, answered, school.teacher, "Graph colouring.")
    url = f"/api/v1/courses/{school.course.uuid}/discussions"

    async def titles(**params: str) -> set[str]:
        found = await client.get(url, params=params, headers=bearer(school.ada))
        assert found.status_code == 200, found.text
        return {item["uuid"] for item in found.json()["items"]}

    assert await titles() == {mine, on_lesson, answered}
    assert await titles(filter="mine") == {mine}
    assert await titles(filter="unanswered") == {mine, on_lesson}
    assert await titles(lesson=str(lesson.uuid)) == {on_lesson}
    assert await titles(q="REGEX") == {on_lesson}
    assert await titles(q="100%") == set()
    await client.put(f"/api/v1/discussions/{answered}/follow", headers=bearer(school.ada))
    assert await titles(filter="following") == {mine, answered}


async def test_moderators_pin_feature_and_close(client: httpx.AsyncClient, school: School) -> None:
    first = (await ask(client, school, school.ada, title="First thread")).json()["uuid"]
    await ask(client, school, school.alan, title="Second thread", content="Another one")
    state = f"/api/v1/discussions/{first}/state"

    by_learner = await client.patch(state, json={"is_pinned": True}, headers=bearer(school.ada))
    pinned = await client.patch(
        state, json={"is_pinned": True, "is_featured": True}, headers=bearer(school.assistant)
    )
    listed = await client.get(
        f"/api/v1/courses/{school.course.uuid}/discussions", headers=bearer(school.alan)
    )
    closed = await client.patch(state, json={"is_closed": True}, headers=bearer(school.teacher))
    late = await reply(client, first, school.alan)

    assert (by_learner.status_code, code(by_learner)) == (403, "not_staff")
    assert (pinned.json()["is_pinned"], pinned.json()["is_featured"]) == (True, True)
    assert listed.json()["items"][0]["uuid"] == first
    assert closed.json()["status"] == "closed"
    assert (late.status_code, code(late)) == (409, "thread_closed")
    reopened = await client.patch(state, json={"is_closed": False}, headers=bearer(school.teacher))
    assert reopened.json()["status"] == "open"


async def test_only_the_author_edits_and_a_moderator_may_delete(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    url = f"/api/v1/discussions/{thread}"

    by_other = await client.patch(url, json={"title": "Hijacked"}, headers=bearer(school.alan))
    edited = await client.patch(url, json={"content": "**Solved** it"}, headers=bearer(school.ada))
    not_deleted = await client.delete(url, headers=bearer(school.alan))
    deleted = await client.delete(url, headers=bearer(school.teacher))

    assert (by_other.status_code, code(by_other)) == (403, "not_the_author")
    assert edited.json()["content_html"] == "<p><strong>Solved</strong> it</p>\n"
    assert not_deleted.status_code == 403
    assert deleted.status_code == 204
    assert (await client.get(url, headers=bearer(school.ada))).status_code == 404


async def test_reading_a_thread_counts_views(client: httpx.AsyncClient, school: School) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]

    for _ in range(3):
        seen = await client.get(f"/api/v1/discussions/{thread}", headers=bearer(school.alan))

    assert seen.json()["views_count"] == 3


async def test_the_unanswered_queue_spans_the_instructors_courses(
    client: httpx.AsyncClient, school: School
) -> None:
    waiting = (await ask(client, school, school.ada, title="Waiting question")).json()["uuid"]
    done = (await ask(client, school, school.alan, title="Done question", content="Q")).json()[
        "uuid"
    ]
    await reply(client, done, school.assistant, "Here you go")
    await ask(client, school, school.alan, title="Just chatting", content="Hi", type="discussion")

    queue = await client.get(
        "/api/v1/studio/discussions/unanswered", headers=bearer(school.teacher)
    )
    outsider = await client.get("/api/v1/studio/discussions/unanswered", headers=bearer(school.ada))

    assert [item["uuid"] for item in queue.json()["items"]] == [waiting]
    assert outsider.json()["items"] == []


async def test_a_course_that_turned_off_questions_or_discussions_refuses_them(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    question = (await ask(client, school, school.ada)).json()["uuid"]
    school.course.allow_qa = False
    school.course.allow_discussions = False
    await db.flush()

    asked = await ask(client, school, school.alan, content="Another")
    talk = await ask(client, school, school.alan, content="Chat", type="discussion")
    answered = await reply(client, question, school.alan)
    announced = await ask(client, school, school.teacher, content="News", type="announcement")

    assert (asked.status_code, code(asked)) == (403, "qa_closed")
    assert (talk.status_code, code(talk)) == (403, "discussions_closed")
    assert (answered.status_code, code(answered)) == (403, "qa_closed")
    assert announced.status_code == 201
