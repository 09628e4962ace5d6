"""HTTP routes of reviews: a course's reviews, mine, votes and reports, the instructor's
answer, and moderation."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from lectern.db import SessionDep
from lectern.errors import problem_responses
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.reviews import feedback, moderation, service
from lectern.reviews.schemas import (
    CourseReviewIn,
    CourseReviewOut,
    CourseReviewPatch,
    MyCourseReviewOut,
    ReviewFeatureIn,
    ReviewRejectionIn,
    ReviewReportIn,
    ReviewResponseIn,
    ReviewVoteIn,
    Sort,
    StaffCourseReviewOut,
    Status,
)
from lectern.security.dependencies import AdminActor, CurrentUser, OptionalUser

router = ApiRouter(prefix="", tags=["reviews"])
admin_router = ApiRouter(prefix="/admin/reviews", tags=["reviews"])

CourseUuid = Annotated[uuid.UUID, Path(description="The course's uuid.")]
ReviewId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The review's id.")]


@router.get(
    "/courses/{course_uuid}/reviews",
    response_model=Page[CourseReviewOut],
    summary="A course's reviews",
    description="Approved reviews only, reviewers by first name and initial. `sort`: "
    "`helpful` (featured first, then most helpful; the default), `newest`, `highest`, "
    "`lowest`; `stars` keeps one band of the course page's distribution (4 is 4.0 to 4.5). "
    "Signed in, each review carries my vote.",
    responses=problem_responses(404, 422),
)
async def course_reviews(
    session: SessionDep,
    user: OptionalUser,
    course_uuid: CourseUuid,
    sort: Sort = "helpful",
    stars: Annotated[int | None, Query(ge=1, le=5)] = None,
    params: PageParams = Depends(page_params),
) -> Page[CourseReviewOut]:
    items, meta = await service.course_reviews(
        session, user, course_uuid, params, sort=sort, stars=stars
    )
    return Page(items=items, meta=meta)


@router.post(
    "/courses/{course_uuid}/reviews",
    status_code=201,
    response_model=MyCourseReviewOut,
    summary="Review a course I take",
    description="Once per course, with a live enrollment and at least "
    "`reviews.min_progress_percent` of the course done (403 `not_enough_progress`, with "
    "`required_percent`); never by the course's staff (403 `course_staff`). Ratings 1 to 5 in "
    "halves. It shows at once, or after an admin approves it (`reviews.auto_approve`). "
    "409 `already_reviewed`.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def write_review(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: CourseReviewIn
) -> MyCourseReviewOut:
    return await service.write(session, user, course_uuid, body)


@router.get(
    "/courses/{course_uuid}/reviews/mine",
    response_model=MyCourseReviewOut,
    summary="My review of a course, with its moderation",
    responses=problem_responses(401, 404),
)
async def my_review(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid
) -> MyCourseReviewOut:
    return await service.mine(session, user, course_uuid)


@router.patch(
    "/courses/{course_uuid}/reviews/mine",
    response_model=MyCourseReviewOut,
    summary="Edit my review",
    description="A review that was rejected (or, when reviews are moderated, approved) goes "
    "back to moderation; a flagged one stays hidden until a moderator decides.",
    responses=problem_responses(401, 403, 404, 422),
)
async def edit_review(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, body: CourseReviewPatch
) -> MyCourseReviewOut:
    return await service.edit(session, user, course_uuid, body)


@router.delete(
    "/courses/{course_uuid}/reviews/mine",
    status_code=204,
    summary="Delete my review (I may write another)",
    responses=problem_responses(401, 404),
)
async def delete_review(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid
) -> Response:
    await service.remove(session, user, course_uuid)
    return Response(status_code=204)


@router.put(
    "/reviews/{review_id}/vote",
    response_model=CourseReviewOut,
    summary="Vote a review helpful or not",
    description="One vote per user and review (sending another changes it); never on my "
    "own review (403 `own_review`).",
    responses=problem_responses(401, 403, 404, 422),
)
async def vote(
    session: SessionDep, user: CurrentUser, review_id: ReviewId, body: ReviewVoteIn
) -> CourseReviewOut:
    review = await feedback.vote(session, user, review_id, body.vote)
    return await service.public(session, review, my_vote=body.vote)


@router.delete(
    "/reviews/{review_id}/vote",
    status_code=204,
    summary="Take back my vote",
    responses=problem_responses(401, 404),
)
async def unvote(session: SessionDep, user: CurrentUser, review_id: ReviewId) -> Response:
    await feedback.unvote(session, user, review_id)
    return Response(status_code=204)


@router.post(
    "/reviews/{review_id}/reports",
    status_code=204,
    summary="Report a review",
    description="Once per user (409 `already_reported`). Reported by "
    "`reviews.report_threshold` distinct users, a review is flagged: hidden until an admin "
    "approves or rejects it.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def report(
    session: SessionDep, user: CurrentUser, review_id: ReviewId, body: ReviewReportIn
) -> Response:
    await feedback.report(session, user, review_id, body)
    return Response(status_code=204)


@router.put(
    "/studio/courses/{course_uuid}/reviews/{review_id}/response",
    response_model=CourseReviewOut,
    summary="Answer a review of my course",
    description="The course's instructors and assistants answer once, publicly "
    "(409 `already_answered`).",
    responses=problem_responses(401, 404, 409, 422),
)
async def respond(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    review_id: ReviewId,
    body: ReviewResponseIn,
) -> CourseReviewOut:
    course = await feedback.course_by_uuid(session, course_uuid)
    review = await feedback.respond(session, user, course, review_id, body.response)
    return await service.public(session, review)


# -- moderation ------------------------------------------------------------------------------


@admin_router.get(
    "",
    response_model=Page[StaffCourseReviewOut],
    summary="Reviews to moderate",
    description="Most reported first; pending and flagged ones unless `status` is given.",
    responses=problem_responses(401, 403, 422),
)
async def to_moderate(
    session: SessionDep,
    admin: AdminActor,
    status: Status | None = None,
    params: PageParams = Depends(page_params),
) -> Page[StaffCourseReviewOut]:
    items, meta = await moderation.reviews_to_moderate(session, params, status=status)
    return Page(items=items, meta=meta)


@admin_router.post(
    "/{review_id}/approve",
    response_model=StaffCourseReviewOut,
    summary="Approve a review (it shows and counts)",
    responses=problem_responses(401, 403, 404),
)
async def approve(
    session: SessionDep, admin: AdminActor, review_id: ReviewId
) -> StaffCourseReviewOut:
    return await moderation.approve(session, admin, review_id)


@admin_router.post(
    "/{review_id}/reject",
    response_model=StaffCourseReviewOut,
    summary="Reject a review, with a reason its author sees",
    responses=problem_responses(401, 403, 404, 422),
)
async def reject(
    session: SessionDep, admin: AdminActor, review_id: ReviewId, body: ReviewRejectionIn
) -> StaffCourseReviewOut:
    return await moderation.reject(session, admin, review_id, body.reason)


@admin_router.post(
    "/{review_id}/feature",
    response_model=StaffCourseReviewOut,
    summary="Feature a review first on its course's page, or stop featuring it",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def feature(
    session: SessionDep, admin: AdminActor, review_id: ReviewId, body: ReviewFeatureIn
) -> StaffCourseReviewOut:
    return await moderation.feature(session, admin, review_id, body.featured)
