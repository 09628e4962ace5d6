"""HTTP routes of the courses domain: authoring, co-instructors, links, FAQs and approval.

Who: approved instructors on the courses they own or co-teach, admins on every course.
A course the caller may not edit is a 404; one they may see but not change this way
(a co-instructor deleting or re-pricing it) is a 403.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from lectern.courses import approval, links, service, team
from lectern.courses.schemas import (
    SLUG_PATTERN,
    CoInstructorCreate,
    CoInstructorOut,
    CoInstructorUpdate,
    CourseCreate,
    CourseOut,
    CourseRejectionIn,
    CourseUpdate,
    FaqCreate,
    FaqOut,
    FaqReorder,
    FaqUpdate,
    LinkedCourseOut,
    PrerequisiteCreate,
    PrerequisiteOut,
    RelatedCreate,
    RelatedOut,
)
from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import CourseInstructor, CoursePrerequisite, CourseStatus, RelatedCourse
from lectern.security.dependencies import CurrentAdmin, CurrentUser

router = ApiRouter(prefix="/studio/courses", tags=["studio"])

CourseUuid = Annotated[uuid.UUID, Path(description="The course's uuid.")]
UserUuid = Annotated[uuid.UUID, Path(description="The co-instructor's user uuid.")]
CourseSlug = Annotated[
    str, Path(min_length=1, max_length=200, pattern=SLUG_PATTERN, description="A course slug.")
]
FaqId = Annotated[int, Path(ge=1, le=2**62, description="The FAQ's id within the course.")]
Sort = Literal[
    "created_at", "-created_at", "updated_at", "-updated_at", "title", "-title",
    "submitted_at", "-submitted_at",
]  # fmt: skip


def _co(link: CourseInstructor) -> CoInstructorOut:
    return CoInstructorOut.model_validate(
        {"user": link.instructor, "role": link.role, "revenue_share": link.revenue_share}
    )


def _prerequisite(link: CoursePrerequisite) -> PrerequisiteOut:
    return PrerequisiteOut(
        course=LinkedCourseOut.model_validate(link.prerequisite),
        is_required=link.is_required,
        order=link.order,
    )


def _related(link: RelatedCourse) -> RelatedOut:
    return RelatedOut(
        course=LinkedCourseOut.model_validate(link.related_course),
        relationship=link.relationship,
        order=link.order,
    )


# -- courses ------------------------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=CourseOut,
    summary="Create a course (a draft)",
    description="Approved instructors and admins. Status, approval, statistics and owner are "
    "not settable; the marketing flags (is_featured ...) are for admins only.",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_course(session: SessionDep, user: CurrentUser, body: CourseCreate) -> CourseOut:
    return service.course_out(await service.create_course(session, user, body))


@router.get(
    "",
    response_model=Page[CourseOut],
    summary="List the courses I own or co-teach (every course for admins)",
    responses=problem_responses(401, 403),
)
async def list_courses(
    session: SessionDep,
    user: CurrentUser,
    params: PageParams = Depends(page_params),
    status: CourseStatus | None = Query(
        None, description="Only courses in this status (admins: pending_review = review queue)."
    ),
    sort: Sort = Query("-updated_at", description="A field, '-' for descending."),
) -> Page[CourseOut]:
    courses, meta = await service.list_courses(session, user, params, status=status, sort=sort)
    return Page[CourseOut](items=[service.course_out(c) for c in courses], meta=meta)


@router.get(
    "/{course_uuid}",
    response_model=CourseOut,
    summary="A course I may edit",
    responses=problem_responses(401, 403, 404),
)
async def get_course(session: SessionDep, user: CurrentUser, course_uuid: CourseUuid) -> CourseOut:
    return service.course_out(await service.get_course(session, user, course_uuid))


@router.patch(
    "/{course_uuid}",
    response_model=CourseOut,
    summary="Edit a course",
    description="Only the fields sent change. Co-instructors may not change pricing "
    "(price_type, price, compare_price, currency): 403.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_course(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: CourseUpdate
) -> CourseOut:
    return service.course_out(await service.update_course(session, user, course_uuid, body))


@router.delete(
    "/{course_uuid}",
    status_code=204,
    summary="Delete a course (soft; owner or admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_course(session: SessionDep, user: CurrentUser, course_uuid: CourseUuid) -> None:
    await service.delete_course(session, user, course_uuid)


# -- co-instructors -------------------------------------------------------------------------------


@router.post(
    "/{course_uuid}/instructors",
    status_code=201,
    response_model=CoInstructorOut,
    summary="Add a co-instructor (owner or admin)",
    description="The user must be an approved instructor. The co-instructors' revenue shares "
    "add up to at most 100 %; the owner keeps the rest.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_instructor(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: CoInstructorCreate
) -> CoInstructorOut:
    return _co(await team.add(session, user, course_uuid, body))


@router.patch(
    "/{course_uuid}/instructors/{user_uuid}",
    response_model=CoInstructorOut,
    summary="Change a co-instructor's role or share (owner or admin)",
    responses=problem_responses(401, 403, 404, 422),
)
async def change_instructor(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    user_uuid: UserUuid,
    body: CoInstructorUpdate,
) -> CoInstructorOut:
    return _co(await team.change(session, user, course_uuid, user_uuid, body))


@router.delete(
    "/{course_uuid}/instructors/{user_uuid}",
    status_code=204,
    summary="Remove a co-instructor (owner or admin)",
    responses=problem_responses(401, 403, 404),
)
async def remove_instructor(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, user_uuid: UserUuid
) -> None:
    await team.remove(session, user, course_uuid, user_uuid)


# -- prerequisites and related courses -----------------------------------------------------------


@router.get(
    "/{course_uuid}/prerequisites",
    response_model=Page[PrerequisiteOut],
    summary="The course's prerequisites, in order",
    responses=problem_responses(401, 403, 404),
)
async def list_prerequisites(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    params: PageParams = Depends(page_params),
) -> Page[PrerequisiteOut]:
    rows, meta = await links.list_prerequisites(session, user, course_uuid, params)
    return Page[PrerequisiteOut](items=[_prerequisite(row) for row in rows], meta=meta)


@router.post(
    "/{course_uuid}/prerequisites",
    status_code=201,
    response_model=PrerequisiteOut,
    summary="Add a prerequisite",
    description="The other course, by slug: published, or one you may edit; not this "
    "course; no cycles.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_prerequisite(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: PrerequisiteCreate
) -> PrerequisiteOut:
    return _prerequisite(await links.add_prerequisite(session, user, course_uuid, body))


@router.delete(
    "/{course_uuid}/prerequisites/{slug}",
    status_code=204,
    summary="Remove a prerequisite",
    responses=problem_responses(401, 403, 404),
)
async def remove_prerequisite(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, slug: CourseSlug
) -> None:
    await links.remove_prerequisite(session, user, course_uuid, slug)


@router.get(
    "/{course_uuid}/related",
    response_model=Page[RelatedOut],
    summary="The course's related courses, in order",
    responses=problem_responses(401, 403, 404),
)
async def list_related(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    params: PageParams = Depends(page_params),
) -> Page[RelatedOut]:
    rows, meta = await links.list_related(session, user, course_uuid, params)
    return Page[RelatedOut](items=[_related(row) for row in rows], meta=meta)


@router.post(
    "/{course_uuid}/related",
    status_code=201,
    response_model=RelatedOut,
    summary="Add a related course",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_related(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: RelatedCreate
) -> RelatedOut:
    return _related(await links.add_related(session, user, course_uuid, body))


@router.delete(
    "/{course_uuid}/related/{slug}",
    status_code=204,
    summary="Remove a related course",
    responses=problem_responses(401, 403, 404),
)
async def remove_related(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, slug: CourseSlug
) -> None:
    await links.remove_related(session, user, course_uuid, slug)


# -- FAQs ---------------------------------------------------------------------------------------


@router.get(
    "/{course_uuid}/faqs",
    response_model=Page[FaqOut],
    summary="The course's FAQs, in order (unpublished ones included)",
    responses=problem_responses(401, 403, 404),
)
async def list_faqs(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    params: PageParams = Depends(page_params),
) -> Page[FaqOut]:
    rows, meta = await links.list_faqs(session, user, course_uuid, params)
    return Page[FaqOut](items=[FaqOut.model_validate(row) for row in rows], meta=meta)


@router.post(
    "/{course_uuid}/faqs",
    status_code=201,
    response_model=FaqOut,
    summary="Add a FAQ",
    responses=problem_responses(401, 403, 404, 422),
)
async def add_faq(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: FaqCreate
) -> FaqOut:
    return FaqOut.model_validate(await links.add_faq(session, user, course_uuid, body))


@router.put(
    "/{course_uuid}/faqs/order",
    response_model=list[FaqOut],
    summary="Reorder the course's FAQs",
    description="Send every FAQ id of the course once, in the new order; they are numbered "
    "0, 1, 2 ...",
    responses=problem_responses(401, 403, 404, 422),
)
async def reorder_faqs(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: FaqReorder
) -> list[FaqOut]:
    rows = await links.reorder_faqs(session, user, course_uuid, body)
    return [FaqOut.model_validate(row) for row in rows]


@router.patch(
    "/{course_uuid}/faqs/{faq_id}",
    response_model=FaqOut,
    summary="Edit a FAQ",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_faq(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, faq_id: FaqId, body: FaqUpdate
) -> FaqOut:
    return FaqOut.model_validate(await links.update_faq(session, user, course_uuid, faq_id, body))


@router.delete(
    "/{course_uuid}/faqs/{faq_id}",
    status_code=204,
    summary="Delete a FAQ (soft)",
    responses=problem_responses(401, 403, 404),
)
async def delete_faq(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, faq_id: FaqId
) -> None:
    await links.delete_faq(session, user, course_uuid, faq_id)


# -- review --------------------------------------------------------------------------------------


@router.post(
    "/{course_uuid}/submit",
    response_model=CourseOut,
    summary="Submit a draft, rejected or unpublished course for review",
    description="Checks: a title, a description, at least one published lesson, the price "
    "and access rules (422 listing what is missing). 409 from another status.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def submit(session: SessionDep, user: CurrentUser, course_uuid: CourseUuid) -> CourseOut:
    return service.course_out(await approval.submit(session, user, course_uuid))


@router.post(
    "/{course_uuid}/approve",
    response_model=CourseOut,
    summary="Approve and publish a course under review (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def approve(session: SessionDep, admin: CurrentAdmin, course_uuid: CourseUuid) -> CourseOut:
    return service.course_out(await approval.approve(session, admin, course_uuid))


@router.post(
    "/{course_uuid}/reject",
    response_model=CourseOut,
    summary="Reject a course under review, with a reason (admin)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reject(
    session: SessionDep, admin: CurrentAdmin, course_uuid: CourseUuid, body: CourseRejectionIn
) -> CourseOut:
    return service.course_out(await approval.reject(session, admin, course_uuid, body.reason))


@router.post(
    "/{course_uuid}/unpublish",
    response_model=CourseOut,
    summary="Take a published course off the catalog (owner or admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def unpublish(session: SessionDep, user: CurrentUser, course_uuid: CourseUuid) -> CourseOut:
    return service.course_out(await approval.unpublish(session, user, course_uuid))


@router.post(
    "/{course_uuid}/publish",
    response_model=CourseOut,
    summary="Republish an unpublished, approved course (owner or admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def publish(session: SessionDep, user: CurrentUser, course_uuid: CourseUuid) -> CourseOut:
    return service.course_out(await approval.publish(session, user, course_uuid))
