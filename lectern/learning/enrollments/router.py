"""HTTP routes of enrollments: enrolling in a free course, my courses, the admin's switches,
and the studio's list, export and grants of a course's enrollments.

Reading a list or an enrollment first turns the ones in view that are past their
``expires_at`` into expired (the periodic job does the same for all), so what is shown
is what access checks decide.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from lectern.courses.policy import Access, course_for
from lectern.db import SessionDep
from lectern.errors import InvalidInput, problem_responses
from lectern.kit.prebuilt import from_rows
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.kit.spreadsheets import csv_download
from lectern.learning.enrollments import dashboard
from lectern.learning.enrollments import service as enrollments
from lectern.learning.enrollments.schemas import (
    ActionIn,
    CourseEnrollmentOut,
    EnrollIn,
    EnrollmentOut,
    GrantIn,
    StudentOut,
)
from lectern.models import Enrollment, EnrollmentStatus, User
from lectern.security.actor import Actor
from lectern.security.dependencies import AdminActor, CurrentActor, CurrentUser

EnrollmentUuid = Annotated[uuid.UUID, Path(description="The enrollment's uuid.")]
CourseUuid = Annotated[uuid.UUID, Path(description="The course's uuid.")]
LearnerSort = Literal[
    "-last_activity", "last_activity", "-enrolled_at", "enrolled_at",
    "-progress", "progress", "title", "-title",
]  # fmt: skip
StudioSort = Literal[
    "-enrolled_at", "enrolled_at", "-progress", "progress", "-last_accessed_at",
    "last_accessed_at", "-completed_at", "completed_at", "name", "-name", "email", "-email",
]  # fmt: skip

learner = ApiRouter(prefix="/enrollments", tags=["enrollments"])
studio = ApiRouter(prefix="/studio/courses/{course_uuid}/enrollments", tags=["studio"])


# -- the learner -----------------------------------------------------------------------------


@learner.post(
    "",
    status_code=201,
    response_model=EnrollmentOut,
    summary="Enroll in a free course",
    description="201 with the new enrollment; 200 with the existing one when already "
    "enrolled (idempotent; also for a paid course bought earlier), or a lapsed one renewed "
    "(expired, refunded). 404: no such published, approved course. 403 `course_not_free` "
    "(buy it), `prerequisites_not_met` (with `missing`: the courses to complete first), "
    "`enrollment_suspended`.",
    responses={
        200: {"model": EnrollmentOut, "description": "Already enrolled."},
        **problem_responses(401, 403, 404, 422),
    },
)
async def enroll(
    session: SessionDep, user: CurrentUser, body: EnrollIn, response: Response
) -> EnrollmentOut:
    granted = await enrollments.enroll_free(session, user, body.course)
    if not granted.created:
        response.status_code = 200
    return await dashboard.enrollment_out(session, user, granted.enrollment.uuid)


@learner.get(
    "",
    response_model=Page[EnrollmentOut],
    summary="My courses: enrollments with progress, last activity and the next lesson",
    responses=problem_responses(401),
)
async def my_enrollments(
    session: SessionDep,
    user: CurrentUser,
    params: PageParams = Depends(page_params),
    status: EnrollmentStatus | None = Query(None, description="Only enrollments in this status."),
    sort: LearnerSort = Query(
        "-last_activity",
        description="last_activity = last access, else enrollment date; '-' for descending.",
    ),
) -> Response:
    page = await dashboard.my_enrollments(session, user, params, status=status, sort=sort)
    return from_rows(page)


@learner.get(
    "/{enrollment_uuid}",
    response_model=EnrollmentOut,
    summary="One of my enrollments (admins: anyone's)",
    responses=problem_responses(401, 404),
)
async def get_enrollment(
    session: SessionDep, user: CurrentUser, enrollment_uuid: EnrollmentUuid
) -> EnrollmentOut:
    return await dashboard.enrollment_out(session, user, enrollment_uuid)


async def _admin_action(
    session: SessionDep,
    admin: Actor,
    enrollment_uuid: uuid.UUID,
    action: str,
    body: ActionIn | None,
) -> EnrollmentOut:
    enrollment = await enrollments.admin_action(
        session,
        admin,
        enrollment_uuid,
        action,
        reason=body.reason if body is not None else None,
    )
    return await dashboard.enrollment_out(session, admin.user, enrollment.uuid)


@learner.post(
    "/{enrollment_uuid}/suspend",
    response_model=EnrollmentOut,
    summary="Suspend an enrollment (admins)",
    description="Active or completed → suspended: no access until reactivated. 409 "
    "`wrong_status` otherwise.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def suspend(
    session: SessionDep,
    admin: AdminActor,
    enrollment_uuid: EnrollmentUuid,
    body: ActionIn | None = None,
) -> EnrollmentOut:
    return await _admin_action(session, admin, enrollment_uuid, "suspend", body)


@learner.post(
    "/{enrollment_uuid}/reactivate",
    response_model=EnrollmentOut,
    summary="Reactivate a suspended enrollment (admins)",
    description="Suspended → completed if it had been completed, else active. 409 "
    "`wrong_status` otherwise.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reactivate(
    session: SessionDep,
    admin: AdminActor,
    enrollment_uuid: EnrollmentUuid,
    body: ActionIn | None = None,
) -> EnrollmentOut:
    return await _admin_action(session, admin, enrollment_uuid, "reactivate", body)


@learner.post(
    "/{enrollment_uuid}/refund",
    response_model=EnrollmentOut,
    summary="Mark an enrollment refunded (admins)",
    description="Any status but refunded → refunded: access ends. Moves no money (the "
    "refunds module will). 409 `wrong_status` when already refunded.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def refund(
    session: SessionDep,
    admin: AdminActor,
    enrollment_uuid: EnrollmentUuid,
    body: ActionIn | None = None,
) -> EnrollmentOut:
    return await _admin_action(session, admin, enrollment_uuid, "refund", body)


# -- the studio ------------------------------------------------------------------------------


async def studio_filters(
    status: EnrollmentStatus | None = Query(None, description="Only this status."),
    min_progress: Decimal | None = Query(
        None, ge=0, le=100, decimal_places=2, description="Progress at least (percent)."
    ),
    max_progress: Decimal | None = Query(
        None, ge=0, le=100, decimal_places=2, description="Progress at most (percent)."
    ),
    q: str | None = Query(
        None, min_length=1, max_length=100, description="Part of the student's name or e-mail."
    ),
    sort: StudioSort = Query("-enrolled_at", description="A field, '-' for descending."),
) -> dashboard.CourseEnrollmentFilters:
    if min_progress is not None and max_progress is not None and min_progress > max_progress:
        raise InvalidInput("min_progress is above max_progress", field="query.min_progress")
    return dashboard.CourseEnrollmentFilters(
        status=status, min_progress=min_progress, max_progress=max_progress, q=q, sort=sort
    )


Filters = Annotated[dashboard.CourseEnrollmentFilters, Depends(studio_filters)]


@studio.get(
    "",
    response_model=Page[CourseEnrollmentOut],
    summary="The course's enrollments, with progress and completion",
    description="The course's owner, co-instructors and admins; another's course is a 404.",
    responses=problem_responses(401, 403, 404, 422),
)
async def course_enrollments(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    filters: Filters,
    params: PageParams = Depends(page_params),
) -> Page[CourseEnrollmentOut]:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    items, meta = await dashboard.course_enrollments(session, course, filters, params)
    return Page[CourseEnrollmentOut](items=items, meta=meta)


@studio.get(
    ".csv",
    summary="The course's enrollments as CSV",
    description="The same filters and sort as the list, every row (no pages), streamed. "
    "Cells that a spreadsheet would run as a formula (= + - @) start with a quote.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The CSV file."},
        **problem_responses(401, 403, 404, 422),
    },
)
async def course_enrollments_csv(
    session: SessionDep, user: CurrentUser, course_uuid: CourseUuid, filters: Filters
) -> StreamingResponse:
    course = await course_for(session, user, course_uuid, Access.CONTENT)
    rows = await dashboard.course_export(session, course, filters)
    return csv_download(f"enrollments-{course.slug}.csv", dashboard.CSV_HEADER, rows)


@studio.post(
    "",
    status_code=201,
    response_model=CourseEnrollmentOut,
    summary="Enroll a user in the course (gift or admin grant)",
    description="The course's owner and co-instructors grant `gifted`; admins `gifted` or "
    "`admin` (403 `admin_only` for an instructor asking `admin`). Any course status; "
    "prerequisites are not checked. 201 new, 200 when already enrolled or a lapsed "
    "enrollment was renewed; 403 `enrollment_suspended`; 404 `user_not_found`.",
    responses={
        200: {"model": CourseEnrollmentOut, "description": "Already enrolled or renewed."},
        **problem_responses(401, 403, 404, 422),
    },
)
async def grant(
    session: SessionDep,
    actor: CurrentActor,
    course_uuid: CourseUuid,
    body: GrantIn,
    response: Response,
) -> CourseEnrollmentOut:
    granted, student = await enrollments.grant_by_staff(
        session, actor, course_uuid, body.user, body.type
    )
    if not granted.created:
        response.status_code = 200
    return _studio_row(granted.enrollment, student)


def _studio_row(enrollment: Enrollment, student: User) -> CourseEnrollmentOut:
    return CourseEnrollmentOut(
        uuid=enrollment.uuid,
        student=StudentOut(uuid=student.uuid, name=student.name, email=student.email),
        enrollment_type=enrollment.enrollment_type,
        status=enrollment.status,
        enrolled_at=enrollment.enrolled_at,
        expires_at=enrollment.expires_at,
        progress_percentage=enrollment.progress_percentage,
        completed_lessons=enrollment.completed_lessons,
        total_lessons=enrollment.total_lessons,
        last_accessed_at=enrollment.last_accessed_at,
        completed_at=enrollment.completed_at,
    )
