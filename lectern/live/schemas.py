"""Bodies of the live-class routes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints

from lectern.courses.schemas import Amount
from lectern.kit.schemas import Input, Instant, Output, PageMeta, Patch
from lectern.models import LiveClassPlatform
from lectern.users.schemas import TimeZone

Title = Annotated[str, StringConstraints(min_length=3, max_length=255)]
Description = Annotated[str, StringConstraints(max_length=10_000)]
Link = Annotated[str, StringConstraints(min_length=8, max_length=2048)]


def _at_most_bytes(limit: int) -> AfterValidator:
    """Text kept sealed grows (a third, and a header): so much fits its column."""

    def check(value: str) -> str:
        if len(value.encode()) > limit:
            raise ValueError(f"at most {limit} bytes")
        return value

    return AfterValidator(check)


SealedLink = Annotated[str, StringConstraints(min_length=8), _at_most_bytes(1400)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=64), _at_most_bytes(100)]
MeetingId = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Minutes = Annotated[int, Field(ge=5, le=720)]
Seats = Annotated[int, Field(ge=1, le=100_000)]
RegistrationState = Literal["registered", "waitlisted"]


class LiveClassIn(Input):
    title: Title
    description: Description | None = None
    scheduled_at: Instant = Field(description="The start, with its offset (kept in UTC).")
    timezone: TimeZone = Field(
        "UTC", description="The IANA zone the class is announced in (its calendar entries)."
    )
    duration_minutes: Minutes = 60
    platform: LiveClassPlatform = LiveClassPlatform.ZOOM
    meeting_url: Link = Field(description="The meeting's https link on its platform.")
    meeting_id: MeetingId | None = None
    meeting_password: Secret | None = Field(None, description="Kept encrypted.")
    host_url: SealedLink | None = Field(None, description="The host's own link; kept encrypted.")
    max_attendees: Seats | None = Field(
        None, description="Seats; registrations past them join the waitlist. None: no limit."
    )
    price: Amount | None = Field(
        None,
        description="A seat's price in the course's currency, bought through the cart; "
        "none: free for the course's learners.",
    )
    enable_chat: bool = True
    enable_qa: bool = True
    enable_recording: bool = False
    enable_replay: bool = False


class LiveClassEdit(Patch):
    """Changing the start, the duration or the zone reschedules: registrants are told, with
    the calendar entry updated, and their reminders will come again."""

    not_null = ("title", "scheduled_at", "timezone", "duration_minutes", "platform", "meeting_url")

    title: Title | None = None
    description: Description | None = None
    scheduled_at: Instant | None = None
    timezone: TimeZone | None = None
    duration_minutes: Minutes | None = None
    platform: LiveClassPlatform | None = None
    meeting_url: Link | None = None
    meeting_id: MeetingId | None = None
    meeting_password: Secret | None = None
    host_url: SealedLink | None = None
    max_attendees: Seats | None = None
    price: Amount | None = None
    enable_chat: bool | None = None
    enable_qa: bool | None = None
    enable_recording: bool | None = None
    enable_replay: bool | None = None
    recording_url: Link | None = Field(
        None, description="Shown to the course's learners after the class, with replay on."
    )


class LiveClassOut(Output):
    uuid: UUID
    course_uuid: UUID
    title: str
    description: str | None
    scheduled_at: datetime
    ends_at: datetime
    timezone: str
    local_start: str = Field(description="The start as a wall-clock time in `timezone`.")
    duration_minutes: int
    platform: LiveClassPlatform
    max_attendees: int | None
    seats_left: int | None = Field(description="None: no limit.")
    price: Decimal | None = Field(description="A seat's price; null: free for the learners.")
    currency: str | None
    registered_count: int
    waitlist_count: int
    attended_count: int
    peak_viewers: int
    enable_chat: bool
    enable_qa: bool
    enable_recording: bool
    enable_replay: bool
    status: Literal["scheduled", "live", "ended", "cancelled"]
    started_at: datetime | None
    ended_at: datetime | None
    recording_url: str | None = Field(
        description="After the class, when replay is on (always shown to its staff)."
    )
    my_registration: RegistrationState | None = Field(
        None, description="For a learner: registered, waitlisted, or not (null)."
    )
    waitlist_position: int | None = Field(None, description="1 for the next one seated.")


class StudioLiveClassOut(LiveClassOut):
    meeting_url: str | None
    meeting_id: str | None
    meeting_password: str | None
    host_url: str | None


class LiveClassPage(Output):
    items: list[LiveClassOut]
    meta: PageMeta


class RegistrationOut(Output):
    status: RegistrationState
    waitlist_position: int | None = Field(None, description="1 for the next one seated.")


class JoinOut(Output):
    meeting_url: str
    meeting_id: str | None
    meeting_password: str | None
    platform: LiveClassPlatform


class AttendeeOut(Output):
    user_uuid: UUID
    name: str
    email: str
    status: RegistrationState
    registered_at: datetime
    attended: bool
    joined_at: datetime | None
    left_at: datetime | None
    watch_time: int = Field(description="Seconds in the class.")


class AttendeePage(Output):
    items: list[AttendeeOut]
    meta: PageMeta


class CalendarFeedOut(Output):
    url: str = Field(
        description="A private link to my live classes as an iCalendar feed, for a calendar "
        "app to subscribe to (anyone with it sees them: keep it to yourself)."
    )
