"""HTTP routes of live classes: the studio's (schedule, change, run, attendance), the
learners' (see, register, join, leave, calendar) and the calendar feed (signed, no session)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern.courses.dependencies import EditableCourse
from lectern.db import SessionDep
from lectern.errors import NotFound, problem_responses
from lectern.kit.links import app_link
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import PageParams, page_params
from lectern.live import calendar, policy, seats, service, views
from lectern.live.schemas import (
    AttendeePage,
    CalendarFeedOut,
    JoinOut,
    LiveClassEdit,
    LiveClassIn,
    LiveClassOut,
    LiveClassPage,
    RegistrationOut,
    StudioLiveClassOut,
)
from lectern.models import User
from lectern.security.dependencies import CurrentUser

studio_router = ApiRouter(prefix="/studio", tags=["live classes"])
router = ApiRouter(prefix="", tags=["live classes"])

ClassUuid = Annotated[uuid.UUID, Path(description="The live class's uuid.")]
CourseUuid = Annotated[uuid.UUID, Path(description="The course's uuid.")]
WhenQuery = Annotated[
    views.When,
    Query(description="`upcoming` (scheduled or live, soonest first), `past`, or `all`."),
]
CALENDAR: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An iCalendar document (RFC 5545).",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    }
}


def _ics(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


# -- the studio ---------------------------------------------------------------------------------


async def _run(
    session: AsyncSession,
    user: User,
    class_uuid: uuid.UUID,
    step: Callable[[AsyncSession, policy.Seen], Awaitable[object]],
) -> LiveClassOut:
    """Start, end or cancel a class of the caller's course; the studio's view after."""
    seen = await policy.hosted(session, user, class_uuid)
    await step(session, seen)
    return await views.one(session, user, seen, studio=True)


@studio_router.post(
    "/courses/{course_uuid}/live-classes",
    status_code=201,
    response_model=StudioLiveClassOut,
    summary="Schedule a live class in a course",
    description="By the course's owner, co-instructors or an admin. The meeting is one made "
    "on its platform: its link must be an https link of that platform (any for `custom`). "
    "The class is free for the course's learners.",
    responses=problem_responses(401, 403, 404, 422),
)
async def schedule(
    session: SessionDep, user: CurrentUser, course: EditableCourse, body: LiveClassIn
) -> LiveClassOut:
    live_class = await service.schedule(session, course, user, body)
    return views.present(live_class, course, waitlisted=0, staff=True)


@studio_router.get(
    "/courses/{course_uuid}/live-classes",
    response_model=LiveClassPage,
    summary="A course's live classes (studio)",
    responses=problem_responses(401, 403, 404, 422),
)
async def studio_classes(
    session: SessionDep,
    user: CurrentUser,
    course: EditableCourse,
    when: WhenQuery = "all",
    params: PageParams = Depends(page_params),
) -> LiveClassPage:
    return await views.of_course(session, user, course, params, when, studio=True)


@studio_router.get(
    "/live-classes/{class_uuid}",
    response_model=StudioLiveClassOut,
    summary="A live class with its meeting details (studio)",
    responses=problem_responses(401, 404, 422),
)
async def studio_class(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Any:
    seen = await policy.hosted(session, user, class_uuid)
    return await views.one(session, user, seen, studio=True)


@studio_router.patch(
    "/live-classes/{class_uuid}",
    response_model=StudioLiveClassOut,
    summary="Change a live class",
    description="A new `scheduled_at`, `duration_minutes` or `timezone` reschedules: "
    "registrants are told, with the calendar entry (same UID, a higher SEQUENCE), and their "
    "reminders come again. More `max_attendees` seats the waitlist in order; fewer than "
    "the seats taken is a 409 `seats_taken`. After the class only `recording_url`, "
    "`enable_replay` and `description` change (409 `live_class_over`).",
    responses=problem_responses(401, 404, 409, 422),
)
async def change(
    session: SessionDep, user: CurrentUser, class_uuid: ClassUuid, body: LiveClassEdit
) -> Any:
    seen = await policy.hosted(session, user, class_uuid)
    await service.edit(session, seen, body)
    return await views.one(session, user, seen, studio=True)


@studio_router.post(
    "/live-classes/{class_uuid}/cancel",
    response_model=StudioLiveClassOut,
    summary="Cancel a live class",
    description="Registrants are told; those with a seat get the calendar's cancellation "
    "(METHOD:CANCEL).",
    responses=problem_responses(401, 404, 409, 422),
)
async def cancel(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Any:
    return await _run(session, user, class_uuid, service.cancel)


@studio_router.post(
    "/live-classes/{class_uuid}/start",
    response_model=StudioLiveClassOut,
    summary="Mark a live class live",
    responses=problem_responses(401, 404, 409, 422),
)
async def start(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Any:
    return await _run(session, user, class_uuid, service.start)


@studio_router.post(
    "/live-classes/{class_uuid}/end",
    response_model=StudioLiveClassOut,
    summary="End a live class",
    description="Whoever is still inside leaves now (their watch time counted).",
    responses=problem_responses(401, 404, 409, 422),
)
async def end(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Any:
    return await _run(session, user, class_uuid, service.end)


@studio_router.get(
    "/live-classes/{class_uuid}/registrations",
    response_model=AttendeePage,
    summary="Who registered for a live class, and who came",
    description="Seats first, then the waitlist in order; attendance and watch time.",
    responses=problem_responses(401, 404, 422),
)
async def registrations(
    session: SessionDep,
    user: CurrentUser,
    class_uuid: ClassUuid,
    params: PageParams = Depends(page_params),
) -> AttendeePage:
    seen = await policy.hosted(session, user, class_uuid)
    return await views.attendees(session, seen, params)


# -- learners -----------------------------------------------------------------------------------


@router.get(
    "/courses/{course_uuid}/live-classes",
    response_model=LiveClassPage,
    summary="A course's live classes, with my seat",
    description="For its learners (a live enrollment) and staff.",
    responses=problem_responses(401, 403, 404, 422),
)
async def course_classes(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    when: WhenQuery = "upcoming",
    params: PageParams = Depends(page_params),
) -> LiveClassPage:
    course = await policy.of_course(session, user, course_uuid)
    return await views.of_course(session, user, course, params, when, studio=False)


@router.get(
    "/live-classes/{class_uuid}",
    response_model=LiveClassOut,
    summary="A live class, with my seat or waitlist place",
    description="The recording shows after the class when replay is on.",
    responses=problem_responses(401, 403, 404, 422),
)
async def one_class(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> LiveClassOut:
    seen = await policy.attended(session, user, class_uuid)
    return await views.one(session, user, seen, studio=False)


@router.post(
    "/live-classes/{class_uuid}/registration",
    response_model=RegistrationOut,
    summary="Register for a live class",
    description="A seat while there are some (with the calendar entry by e-mail), else a "
    "place in the waitlist, seated in order as seats free up. Registering again answers the "
    "registration there is. 409 `live_class_closed` for a class over or cancelled.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def register(
    session: SessionDep, user: CurrentUser, class_uuid: ClassUuid
) -> RegistrationOut:
    seen = await policy.attended(session, user, class_uuid)
    return await seats.register(session, user, seen)


@router.delete(
    "/live-classes/{class_uuid}/registration",
    status_code=204,
    summary="Give up my seat or my waitlist place",
    description="A seat given up goes to the first one waiting.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def withdraw(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Response:
    seen = await policy.attended(session, user, class_uuid)
    await seats.withdraw(session, user, seen)
    return Response(status_code=204)


@router.post(
    "/live-classes/{class_uuid}/join",
    response_model=JoinOut,
    summary="Join a live class: its link, for those with a seat",
    description="From `live.join_opens_minutes` (10) before the start until the class ends "
    "(403 `not_open_yet` with `opens_at` before). Records attendance.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def join(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> JoinOut:
    seen = await policy.attended(session, user, class_uuid)
    live_class = await seats.join(session, user, seen)
    meeting = service.meeting_of(live_class)
    return JoinOut(
        meeting_url=meeting.url,
        meeting_id=meeting.meeting_id,
        meeting_password=meeting.password,
        platform=live_class.platform,
    )


@router.post(
    "/live-classes/{class_uuid}/leave",
    status_code=204,
    summary="Leave a live class (its watch time counted)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def leave(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Response:
    seen = await policy.attended(session, user, class_uuid)
    await seats.leave(session, user, seen)
    return Response(status_code=204)


@router.get(
    "/live-classes/{class_uuid}/calendar.ics",
    summary="A live class as a calendar entry (.ics)",
    response_class=Response,
    responses={**CALENDAR, **problem_responses(401, 403, 404, 422)},
)
async def class_calendar(session: SessionDep, user: CurrentUser, class_uuid: ClassUuid) -> Response:
    seen = await policy.attended(session, user, class_uuid)
    entry = calendar.Entry(seen.live_class, seen.course.title, seen.course.uuid)
    return _ics(calendar.document([entry]), f"live-class-{seen.live_class.uuid}.ics")


@router.get(
    "/me/calendar-feed",
    response_model=CalendarFeedOut,
    summary="The private link of my live-class calendar feed",
    responses=problem_responses(401),
)
async def my_feed_link(user: CurrentUser) -> CalendarFeedOut:
    return CalendarFeedOut(url=app_link("calendar_feed", token=calendar.feed_token(user.uuid)))


@router.get(
    "/calendar/{token}.ics",
    summary="A user's live classes as an iCalendar feed (signed link, no sign-in)",
    description="The classes I have a seat in, from 90 days back; cancelled ones marked "
    "so. Calendar apps subscribe to it.",
    response_class=Response,
    responses={**CALENDAR, **problem_responses(404, 422)},
)
async def feed(
    session: SessionDep,
    token: Annotated[str, Path(max_length=200, description="The feed's signed token.")],
) -> Response:
    user_uuid = calendar.read_feed_token(token)
    user = (
        None
        if user_uuid is None
        else await session.scalar(
            select(User).where(User.uuid == user_uuid, User.deleted_at.is_(None))
        )
    )
    if user is None:
        raise NotFound("no such calendar", code="calendar_not_found")
    return _ics(await views.feed(session, user), "live-classes.ics")
