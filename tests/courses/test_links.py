"""Prerequisites, related courses and per-course FAQs."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.models import Course, CoursePrerequisite, Faq, RelatedCourse, User
from tests.conftest import bearer
from tests.courses.conftest import BASE
from tests.factories import create_course
from tests.factories.courses import create_faq
from tests.factories.taxonomy import create_published_course


async def _prerequisites(db: AsyncSession, course: Course) -> list[int]:
    rows = await db.scalars(
        select(CoursePrerequisite.prerequisite_course_id).where(
            CoursePrerequisite.course_id == course.id
        )
    )
    return list(rows)


async def test_prerequisites_add_list_remove(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    public = await create_published_course(db, instructor=other, slug="basics")
    my_draft = await create_course(db, owner, slug="my-draft")
    url = f"{BASE}/{course.uuid}/prerequisites"
    first = await client.post(url, json={"course": "basics"}, headers=bearer(owner))
    assert first.status_code == 201, first.text
    assert first.json()["course"]["slug"] == "basics"
    assert first.json()["order"] == 0
    second = await client.post(
        url, json={"course": "my-draft", "is_required": False}, headers=bearer(owner)
    )
    assert second.json()["order"] == 1
    listed = await client.get(url, headers=bearer(owner))
    assert [p["course"]["slug"] for p in listed.json()["items"]] == ["basics", "my-draft"]
    assert sorted(await _prerequisites(db, course)) == sorted([public.id, my_draft.id])
    assert (await client.delete(f"{url}/basics", headers=bearer(owner))).status_code == 204
    assert await _prerequisites(db, course) == [my_draft.id]
    assert (await client.delete(f"{url}/basics", headers=bearer(owner))).status_code == 404


async def test_prerequisite_rules(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner, slug="main")
    await create_course(db, other, slug="their-draft")
    before = await create_course(db, owner, slug="before")
    url = f"{BASE}/{course.uuid}/prerequisites"
    for body in (
        {"course": "main"},  # itself
        {"course": "their-draft"},  # someone else's unpublished course
        {"course": "nope"},
        {"course": "Not a slug"},
        {"course": "before", "order": -1},
        {"course": "before", "course_id": 1},
        {},
    ):
        response = await client.post(url, json=body, headers=bearer(owner))
        assert response.status_code == 422, body
    assert await _prerequisites(db, course) == []
    assert (
        await client.post(url, json={"course": "before"}, headers=bearer(owner))
    ).status_code == 201
    duplicate = await client.post(url, json={"course": "before"}, headers=bearer(owner))
    assert duplicate.status_code == 409
    # before → main would close the loop main → before.
    cycle = await client.post(
        f"{BASE}/{before.uuid}/prerequisites", json={"course": "main"}, headers=bearer(owner)
    )
    assert cycle.status_code == 422
    assert await _prerequisites(db, before) == []
    # Someone else's course: not found.
    stranger = await client.get(url, headers=bearer(other))
    assert stranger.status_code == 404


async def test_related_courses(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner, slug="main")
    await create_published_course(db, instructor=other, slug="next")
    url = f"{BASE}/{course.uuid}/related"
    added = await client.post(
        url, json={"course": "next", "relationship": "next_level"}, headers=bearer(owner)
    )
    assert added.status_code == 201
    assert added.json()["relationship"] == "next_level"
    assert (
        await client.post(url, json={"course": "next"}, headers=bearer(owner))
    ).status_code == 409
    for body in ({"course": "main"}, {"course": "next", "relationship": "enemy"}):
        assert (await client.post(url, json=body, headers=bearer(owner))).status_code == 422
    listed = await client.get(url, headers=bearer(owner))
    assert [r["course"]["slug"] for r in listed.json()["items"]] == ["next"]
    assert (await client.delete(f"{url}/next", headers=bearer(owner))).status_code == 204
    rows = await db.scalars(select(RelatedCourse).where(RelatedCourse.course_id == course.id))
    assert list(rows) == []
    assert (
        await client.post(url, json={"course": "next"}, headers=bearer(other))
    ).status_code == 404


async def test_faqs_crud_and_order(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    url = f"{BASE}/{course.uuid}/faqs"
    ids = []
    for question in ("One?", "Two?", "Three?"):
        response = await client.post(
            url, json={"question": question, "answer": "Yes."}, headers=bearer(owner)
        )
        assert response.status_code == 201
        ids.append(response.json()["id"])
    listed = await client.get(url, headers=bearer(owner))
    assert [f["question"] for f in listed.json()["items"]] == ["One?", "Two?", "Three?"]
    edited = await client.patch(
        f"{url}/{ids[0]}", json={"answer": "No.", "is_published": False}, headers=bearer(owner)
    )
    assert edited.status_code == 200
    assert (edited.json()["answer"], edited.json()["is_published"]) == ("No.", False)
    reordered = await client.put(
        f"{url}/order", json={"ids": [ids[2], ids[0], ids[1]]}, headers=bearer(owner)
    )
    assert reordered.status_code == 200
    assert [(f["id"], f["order"]) for f in reordered.json()] == [
        (ids[2], 0),
        (ids[0], 1),
        (ids[1], 2),
    ]
    assert (await client.delete(f"{url}/{ids[1]}", headers=bearer(owner))).status_code == 204
    faq = await db.scalar(
        select(Faq).where(Faq.id == ids[1]).execution_options(populate_existing=True)
    )
    assert faq is not None
    assert faq.deleted_at is not None
    listed = await client.get(url, headers=bearer(owner))
    assert [f["id"] for f in listed.json()["items"]] == [ids[2], ids[0]]
    assert (
        await client.patch(f"{url}/{ids[1]}", json={"answer": "x"}, headers=bearer(owner))
    ).status_code == 404


async def test_faq_bad_inputs_and_other_courses(
    client: httpx.AsyncClient, db: AsyncSession, owner: User, other: User
) -> None:
    course = await create_course(db, owner)
    theirs = await create_course(db, other)
    their_faq = await create_faq(db, theirs, question="Theirs?")
    mine = await create_faq(db, course)
    url = f"{BASE}/{course.uuid}/faqs"
    for body in (
        {"question": "Q?"},
        {"question": "", "answer": "A"},
        {"question": "x" * 501, "answer": "A"},
        {"question": "Q\u0000", "answer": "A"},
        {"question": "Q?", "answer": "A", "helpful_count": 10},
    ):
        assert (await client.post(url, json=body, headers=bearer(owner))).status_code == 422
    # A FAQ of another course is not found through mine; their course is not found for me.
    assert (
        await client.patch(f"{url}/{their_faq.id}", json={"answer": "x"}, headers=bearer(owner))
    ).status_code == 404
    assert (
        await client.get(f"{BASE}/{theirs.uuid}/faqs", headers=bearer(owner))
    ).status_code == 404
    assert (
        await client.patch(f"{url}/{mine.id}", json={"question": None}, headers=bearer(owner))
    ).status_code == 422
    # A reorder must name exactly the course's FAQs.
    for ids in ([their_faq.id], [mine.id, their_faq.id], [mine.id, mine.id], []):
        response = await client.put(f"{url}/order", json={"ids": ids}, headers=bearer(owner))
        assert response.status_code == 422, ids
    refreshed = await db.scalar(
        select(Faq).where(Faq.id == their_faq.id).execution_options(populate_existing=True)
    )
    assert refreshed is not None
    assert refreshed.answer == "Because."
