"""HTTP routes of the learner's tools: /me/bookmarks, /me/notes, /me/wishlist (owner only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.learner_tools import schemas, service, wishlist
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="/me")

BookmarkId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The bookmark's id.")]
NoteUuid = Annotated[uuid.UUID, Path(description="The note's uuid.")]
CourseUuid = Annotated[uuid.UUID, Path(description="The wishlisted course's uuid.")]
CourseFilter = Annotated[uuid.UUID | None, Query(description="Only this course's (uuid).")]
LessonFilter = Annotated[uuid.UUID | None, Query(description="Only this lesson's (uuid).")]

# -- bookmarks ------------------------------------------------------------------------------


@router.post(
    "/bookmarks",
    status_code=201,
    response_model=schemas.BookmarkOut,
    tags=["bookmarks"],
    summary="Bookmark a lesson (optionally at a video position)",
    description="Only lessons I may open: enrolled (live enrollment), staff of the course, or "
    "a free preview. An unknown or invisible lesson is 422 on `lesson`; a lesson of a course "
    "I am not entitled to is 403 (`not_enrolled`, `enrollment_expired` ...). `timestamp`: "
    "0 ≤ t ≤ the lesson's length, video and audio lessons only.",
    responses=problem_responses(401, 403, 422),
)
async def create_bookmark(
    session: SessionDep, user: CurrentUser, body: schemas.BookmarkCreate
) -> schemas.BookmarkOut:
    return await service.create_bookmark(session, user, body)


@router.get(
    "/bookmarks",
    response_model=Page[schemas.BookmarkOut],
    tags=["bookmarks"],
    summary="My bookmarks, in curriculum order",
    responses=problem_responses(401, 422),
)
async def list_bookmarks(
    session: SessionDep,
    user: CurrentUser,
    course: CourseFilter = None,
    lesson: LessonFilter = None,
    params: PageParams = Depends(page_params),
) -> Page[schemas.BookmarkOut]:
    items, meta = await service.list_bookmarks(session, user, params, course=course, lesson=lesson)
    return Page(items=items, meta=meta)


@router.get(
    "/bookmarks/{bookmark_id}",
    response_model=schemas.BookmarkOut,
    tags=["bookmarks"],
    summary="One of my bookmarks",
    responses=problem_responses(401, 404),
)
async def get_bookmark(
    session: SessionDep, user: CurrentUser, bookmark_id: BookmarkId
) -> schemas.BookmarkOut:
    return await service.get_bookmark(session, user, bookmark_id)


@router.patch(
    "/bookmarks/{bookmark_id}",
    response_model=schemas.BookmarkOut,
    tags=["bookmarks"],
    summary="Change a bookmark's title, note or position",
    responses=problem_responses(401, 404, 422),
)
async def update_bookmark(
    session: SessionDep, user: CurrentUser, bookmark_id: BookmarkId, body: schemas.BookmarkUpdate
) -> schemas.BookmarkOut:
    return await service.update_bookmark(session, user, bookmark_id, body)


@router.delete(
    "/bookmarks/{bookmark_id}",
    status_code=204,
    response_class=Response,
    tags=["bookmarks"],
    summary="Delete a bookmark",
    responses=problem_responses(401, 404),
)
async def delete_bookmark(session: SessionDep, user: CurrentUser, bookmark_id: BookmarkId) -> None:
    await service.delete_bookmark(session, user, bookmark_id)


# -- notes ----------------------------------------------------------------------------------


@router.post(
    "/notes",
    status_code=201,
    response_model=schemas.NoteOut,
    tags=["notes"],
    summary="Write a note on a lesson",
    description="The same lessons as bookmarks. `content` is plain text (1 to 10,000 characters, "
    "stored as sent and never rendered as HTML); `color` is a palette name or #rrggbb.",
    responses=problem_responses(401, 403, 422),
)
async def create_note(
    session: SessionDep, user: CurrentUser, body: schemas.NoteCreate
) -> schemas.NoteOut:
    return await service.create_note(session, user, body)


@router.get(
    "/notes",
    response_model=Page[schemas.NoteOut],
    tags=["notes"],
    summary="My notes, in curriculum order; search with q",
    responses=problem_responses(401, 422),
)
async def list_notes(
    session: SessionDep,
    user: CurrentUser,
    course: CourseFilter = None,
    lesson: LessonFilter = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Case-insensitive substring of the content (% and _ match literally).",
        ),
    ] = None,
    params: PageParams = Depends(page_params),
) -> Page[schemas.NoteOut]:
    items, meta = await service.list_notes(session, user, params, course=course, lesson=lesson, q=q)
    return Page(items=items, meta=meta)


@router.get(
    "/notes/{note_uuid}",
    response_model=schemas.NoteOut,
    tags=["notes"],
    summary="One of my notes",
    responses=problem_responses(401, 404),
)
async def get_note(session: SessionDep, user: CurrentUser, note_uuid: NoteUuid) -> schemas.NoteOut:
    return await service.get_note(session, user, note_uuid)


@router.patch(
    "/notes/{note_uuid}",
    response_model=schemas.NoteOut,
    tags=["notes"],
    summary="Change a note's content, position or colour",
    responses=problem_responses(401, 404, 422),
)
async def update_note(
    session: SessionDep, user: CurrentUser, note_uuid: NoteUuid, body: schemas.NoteUpdate
) -> schemas.NoteOut:
    return await service.update_note(session, user, note_uuid, body)


@router.delete(
    "/notes/{note_uuid}",
    status_code=204,
    response_class=Response,
    tags=["notes"],
    summary="Delete a note",
    responses=problem_responses(401, 404),
)
async def delete_note(session: SessionDep, user: CurrentUser, note_uuid: NoteUuid) -> None:
    await service.delete_note(session, user, note_uuid)


# -- wishlist -------------------------------------------------------------------------------


@router.post(
    "/wishlist",
    status_code=201,
    response_model=schemas.WishlistItem,
    tags=["wishlist"],
    summary="Add a course to my wishlist (idempotent)",
    description="Published courses only (else 422 on `course`). 201 when added; 200 with the "
    "existing entry, unchanged, when the course is already there.",
    responses={
        200: {"model": schemas.WishlistItem, "description": "Already on the wishlist"},
        **problem_responses(401, 422),
    },
)
async def add_to_wishlist(
    session: SessionDep, user: CurrentUser, body: schemas.WishlistAdd, response: Response
) -> schemas.WishlistItem:
    item, created = await wishlist.add(session, user, body)
    if not created:
        response.status_code = 200
    return item


@router.get(
    "/wishlist",
    response_model=Page[schemas.WishlistItem],
    tags=["wishlist"],
    summary="My wishlist, newest first",
    responses=problem_responses(401, 422),
)
async def list_wishlist(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[schemas.WishlistItem]:
    items, meta = await wishlist.list_items(session, user, params)
    return Page(items=items, meta=meta)


@router.get(
    "/wishlist/{course_uuid}",
    response_model=schemas.WishlistItem,
    tags=["wishlist"],
    summary="A course on my wishlist",
    responses=problem_responses(401, 404),
)
async def get_wishlist_item(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid
) -> schemas.WishlistItem:
    return await wishlist.get(session, user, course_uuid)


@router.patch(
    "/wishlist/{course_uuid}",
    response_model=schemas.WishlistItem,
    tags=["wishlist"],
    summary="Turn a wishlisted course's price alert on or off",
    responses=problem_responses(401, 404, 422),
)
async def update_wishlist_item(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: schemas.WishlistUpdate
) -> schemas.WishlistItem:
    return await wishlist.set_alert(session, user, course_uuid, body)


@router.delete(
    "/wishlist/{course_uuid}",
    status_code=204,
    response_class=Response,
    tags=["wishlist"],
    summary="Remove a course from my wishlist",
    responses=problem_responses(401, 404),
)
async def remove_from_wishlist(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid
) -> None:
    await wishlist.remove(session, user, course_uuid)
