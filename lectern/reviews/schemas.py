"""Bodies of the review routes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.kit.schemas import Input, Output, Patch

# 1.0 to 5.0 stars, in halves.
Stars = Annotated[Decimal, Field(ge=1, le=5, multiple_of=Decimal("0.5"), examples=[4.5])]
Title = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
Sort = Literal["helpful", "newest", "highest", "lowest"]
Vote = Literal["helpful", "not_helpful"]
ReportReason = Literal["spam", "offensive", "off_topic", "fake", "other"]
Status = Literal["pending", "approved", "rejected", "flagged"]


class CourseReviewIn(Input):
    rating: Stars
    title: Title | None = None
    content: Text | None = None
    rating_content: Stars | None = None
    rating_instructor: Stars | None = None
    rating_value: Stars | None = None


class CourseReviewPatch(Patch):
    not_null = ("rating",)

    rating: Stars | None = None
    title: Title | None = None
    content: Text | None = None
    rating_content: Stars | None = None
    rating_instructor: Stars | None = None
    rating_value: Stars | None = None


class CourseReviewOut(Output):
    """A review as anyone may read it: the reviewer by first name and initial."""

    id: int
    course_uuid: UUID
    reviewer: str
    rating: Decimal
    title: str | None
    content: str | None
    rating_content: Decimal | None
    rating_instructor: Decimal | None
    rating_value: Decimal | None
    is_verified_purchase: bool
    is_featured: bool
    helpful_count: int
    not_helpful_count: int
    instructor_response: str | None
    responded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    my_vote: Vote | None = Field(None, description="The caller's vote, when signed in.")


class MyCourseReviewOut(CourseReviewOut):
    """The author's own review, whatever its moderation."""

    status: Status
    rejection_reason: str | None


class StaffCourseReviewOut(MyCourseReviewOut):
    """A review as moderators see it."""

    course_title: str
    reviewer_email: str
    report_count: int


class ReviewVoteIn(Input):
    vote: Vote


class ReviewReportIn(Input):
    reason: ReportReason
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ReviewResponseIn(Input):
    response: Text


class ReviewRejectionIn(Input):
    reason: Annotated[str, StringConstraints(min_length=3, max_length=1000)]


class ReviewFeatureIn(Input):
    featured: bool
