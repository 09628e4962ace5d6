"""Request and response bodies of bookmarks, notes and the wishlist.

Notes and lessons are addressed by uuid, wishlist entries by their course's uuid. Bookmarks
have no uuid (spec module 14 gives them none): they are addressed by their integer ``id``,
which is harmless here because a bookmark is only ever reachable by its owner.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator

from lectern.kit.schemas import Input, Output, Patch
from lectern.models import CoursePriceType, LessonType

# A video position in seconds. The upper bound only keeps absurd values out of the integer
# column; the service checks it against the lesson's own length when that is known.
Timestamp = Annotated[
    int, Field(ge=0, le=1_000_000, description="Position in seconds (video and audio lessons).")
]
BookmarkTitle = Annotated[str, Field(min_length=1, max_length=255)]
BookmarkNote = Annotated[str, Field(min_length=1, max_length=2_000)]
NOTE_MAX_LENGTH = 10_000
NoteContent = Annotated[str, Field(min_length=1, max_length=NOTE_MAX_LENGTH)]

# The player's highlight palette; any other colour is given as #rrggbb.
COLOR_NAMES = frozenset({"yellow", "green", "blue", "red", "orange", "purple", "pink", "gray"})
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _color(value: str | None) -> str | None:
    if value is None:
        return None
    if value.lower() in COLOR_NAMES:
        return value.lower()
    if _HEX.match(value):
        return value.lower()
    raise ValueError(f"a colour is one of {', '.join(sorted(COLOR_NAMES))} or #rrggbb")


# -- bookmarks ------------------------------------------------------------------------------


class BookmarkCreate(Input):
    lesson: uuid.UUID = Field(description="The lesson's uuid.")
    title: BookmarkTitle | None = None
    note: BookmarkNote | None = None
    timestamp: Timestamp | None = Field(
        None,
        description="Seconds into the video or audio (at most its length); "
        "null for lessons without a timeline.",
    )


class BookmarkUpdate(Patch):
    """Only the fields sent change; ``null`` clears."""

    title: BookmarkTitle | None = None
    note: BookmarkNote | None = None
    timestamp: Timestamp | None = None


class LessonRef(Output):
    uuid: uuid.UUID
    title: str
    type: LessonType


class CourseRef(Output):
    uuid: uuid.UUID
    title: str
    slug: str


class BookmarkOut(Output):
    id: int
    lesson: LessonRef
    course: CourseRef
    title: str | None
    note: str | None
    timestamp: int | None
    created_at: datetime
    updated_at: datetime


# -- notes ----------------------------------------------------------------------------------


class NoteCreate(Input):
    lesson: uuid.UUID = Field(description="The lesson's uuid.")
    content: NoteContent = Field(
        description="Plain text, stored as sent (trimmed); clients must display it as text, "
        "never as HTML."
    )
    timestamp: Timestamp | None = None
    color: str | None = Field(
        None, max_length=32, description=f"One of {sorted(COLOR_NAMES)} or #rrggbb."
    )

    _check_color = field_validator("color")(_color)


class NoteUpdate(Patch):
    """Only the fields sent change; ``null`` clears ``timestamp`` and ``color``."""

    content: NoteContent | None = None
    timestamp: Timestamp | None = None
    color: str | None = Field(None, max_length=32)

    _check_color = field_validator("color")(_color)
    not_null = ("content",)


class NoteOut(Output):
    uuid: uuid.UUID
    lesson: LessonRef
    course: CourseRef
    content: str
    timestamp: int | None
    color: str | None
    created_at: datetime
    updated_at: datetime


# -- wishlist -------------------------------------------------------------------------------


class WishlistAdd(Input):
    course: uuid.UUID = Field(description="The course's uuid (a published course).")
    price_alert: bool = Field(False, description="Be told when the course's price drops.")


class WishlistUpdate(Input):
    price_alert: bool


class WishlistCourse(Output):
    uuid: uuid.UUID
    title: str
    slug: str
    thumbnail: str | None
    price_type: CoursePriceType
    price: Decimal | None
    compare_price: Decimal | None = Field(description="The struck-through 'was' price.")
    currency: str


class WishlistItem(Output):
    course: WishlistCourse
    price_alert: bool
    enrolled: bool = Field(description="I already have a live enrollment in the course.")
    available: bool = Field(description="The course is still published (it can be bought).")
    added_at: datetime
