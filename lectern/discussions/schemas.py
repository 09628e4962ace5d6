"""Bodies of the discussion routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from lectern.kit.schemas import Input, Output, Patch

Title = Annotated[str, StringConstraints(min_length=3, max_length=255)]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000),
    Field(description="Markdown; raw HTML in it is shown as text."),
]
ThreadType = Literal["question", "discussion", "announcement"]
Filter = Literal["unanswered", "mine", "following"]
Sort = Literal["recent", "top", "newest"]
ReportReason = Literal["spam", "offensive", "off_topic", "other"]


class ThreadIn(Input):
    title: Title
    content: Markdown
    type: ThreadType = "question"
    lesson: UUID | None = Field(None, description="The lesson it is about (uuid), if any.")


class ThreadPatch(Patch):
    not_null = ("title", "content")

    title: Title | None = None
    content: Markdown | None = None


class ThreadState(Patch):
    """What the course's staff change on a thread."""

    not_null = ("is_pinned", "is_featured", "is_closed")

    is_pinned: bool | None = None
    is_featured: bool | None = None
    is_closed: bool | None = None


class ReplyIn(Input):
    content: Markdown
    parent_id: int | None = Field(None, ge=1, description="The reply answered, if any.")


class ReplyPatch(Input):
    content: Markdown


class BestAnswerIn(Input):
    reply_id: int = Field(ge=1)


class PostReportIn(Input):
    reason: ReportReason
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class PostAuthor(Output):
    name: str
    username: str


class ThreadOut(Output):
    uuid: UUID
    course_uuid: UUID
    lesson_uuid: UUID | None
    type: ThreadType
    status: Literal["open", "answered", "closed", "flagged"]
    title: str
    content: str = Field(description="The Markdown as written (plain text: escape it).")
    content_html: str = Field(description="The Markdown rendered and sanitised.")
    author: PostAuthor
    by_instructor: bool
    is_pinned: bool
    is_featured: bool
    best_answer_id: int | None
    views_count: int
    replies_count: int
    upvotes_count: int
    followers_count: int
    last_activity_at: datetime
    created_at: datetime
    updated_at: datetime
    upvoted: bool = Field(description="Whether I upvoted it.")
    following: bool = Field(description="Whether I follow it.")


class ReplyOut(Output):
    """A reply; a deleted one stays as a placeholder (no author, no content) so that the
    thread still reads."""

    id: int
    parent_id: int | None
    status: Literal["active", "flagged", "deleted"]
    content: str | None
    content_html: str | None
    author: PostAuthor | None
    is_instructor_reply: bool
    is_best_answer: bool
    upvotes_count: int
    replies_count: int
    created_at: datetime
    updated_at: datetime
    upvoted: bool


_HELD = Field(
    description="True when the spam rules held the post: only its author and the course's "
    "moderators see it until a moderator restores it."
)


class PostedThread(ThreadOut):
    held_for_moderation: bool = _HELD


class PostedReply(ReplyOut):
    held_for_moderation: bool = _HELD


class UpvotesOut(Output):
    upvotes_count: int
