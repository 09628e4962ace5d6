"""Who may do what with an instructor profile, and which states lead where.

The user's role follows the profile: an approved profile makes its user an instructor,
a suspended or rejected one makes them a student again (administrators keep their role).
Later checks ("may this user author courses?") look at the role, so a suspended
instructor loses those powers the moment the suspension commits.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement

from lectern.errors import Conflict, Forbidden
from lectern.models import InstructorProfile, InstructorProfileStatus, User, UserRole, UserStatus
from lectern.security.dependencies import ACTIVE_STATUSES

Status = InstructorProfileStatus


class Action(enum.StrEnum):
    """An administrator's decision on a profile; its value is the activity-log event suffix."""

    APPROVE = "approved"
    REJECT = "rejected"
    SUSPEND = "suspended"
    REINSTATE = "reinstated"


# action -> (the states it applies to, the state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    Action.APPROVE: (frozenset({Status.PENDING}), Status.APPROVED),
    Action.REJECT: (frozenset({Status.PENDING}), Status.REJECTED),
    Action.SUSPEND: (frozenset({Status.APPROVED}), Status.SUSPENDED),
    Action.REINSTATE: (frozenset({Status.SUSPENDED}), Status.APPROVED),
}

_VERBS = {
    Action.APPROVE: "approve",
    Action.REJECT: "reject",
    Action.SUSPEND: "suspend",
    Action.REINSTATE: "reinstate",
}


def check_can_apply(profile: InstructorProfile | None) -> None:
    """Anyone signed in may apply once; after a rejection they may apply again."""
    if profile is None:
        return
    if profile.deleted_at is not None:
        raise Conflict(
            "this instructor profile has been removed; contact support",
            code="instructor_profile_removed",
        )
    if profile.status == Status.REJECTED:
        return
    messages = {
        Status.PENDING: "your application is already waiting for review",
        Status.APPROVED: "you are already an instructor",
        Status.SUSPENDED: "your instructor profile is suspended; contact support",
    }
    raise Conflict(messages[profile.status], code="instructor_application_exists")


def check_can_edit(profile: InstructorProfile) -> None:
    """The owner edits their profile unless it is suspended."""
    if profile.status == Status.SUSPENDED:
        raise Forbidden("your instructor profile is suspended", code="instructor_profile_suspended")


def check_transition(profile: InstructorProfile, action: Action) -> Status:
    """The state ``action`` leads to, or a 409 if the profile is not in a state it applies to."""
    sources, target = TRANSITIONS[action]
    if profile.status not in sources:
        raise Conflict(
            f"cannot {_VERBS[action]} an instructor profile that is {profile.status.value}",
            code="instructor_status_conflict",
        )
    if target == Status.APPROVED and profile.user.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"the user's account is {profile.user.status.value}",
            code="instructor_account_inactive",
        )
    return target


def role_for(current: UserRole, status: Status) -> UserRole:
    """The role a user holds once their profile is in ``status``."""
    if current == UserRole.ADMIN:
        return current
    if status == Status.APPROVED:
        return UserRole.INSTRUCTOR
    if status in (Status.SUSPENDED, Status.REJECTED):
        return UserRole.STUDENT
    return current


def public_criteria() -> list[ColumnElement[Any]]:
    """Which profiles have a public page: approved ones of active, undeleted users."""
    return [
        InstructorProfile.status == Status.APPROVED,
        InstructorProfile.deleted_at.is_(None),
        User.status == UserStatus.ACTIVE,
        User.deleted_at.is_(None),
    ]
