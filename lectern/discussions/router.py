"""HTTP routes of discussions: a course's threads, a thread and its replies, what
participants do with posts, moderation, and the instructors' unanswered queue."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from lectern.db import SessionDep
from lectern.discussions import engagement, replies, threads
from lectern.discussions.access import in_thread
from lectern.discussions.schemas import (
    BestAnswerIn,
    Filter,
    PostedReply,
    PostedThread,
    PostReportIn,
    ReplyIn,
    ReplyOut,
    ReplyPatch,
    Sort,
    ThreadIn,
    ThreadOut,
    ThreadPatch,
    ThreadState,
    UpvotesOut,
)
from lectern.discussions.views import REPLY, THREAD, one_thread, replies_out, replies_statement
from lectern.errors import problem_responses
from lectern.kit.pagination import paginate_rows
from lectern.kit.ratelimit import limit
from lectern.kit.routing import ApiRouter
from lectern.kit.schemas import Page, PageParams, page_params
from lectern.models import DiscussionReply, DiscussionReplyStatus, User
from lectern.security.dependencies import CurrentUser

router = ApiRouter(prefix="", tags=["discussions"])

CourseUuid = Annotated[uuid.UUID, Path(description="The course's uuid.")]
ThreadUuid = Annotated[uuid.UUID, Path(description="The thread's uuid.")]
ReplyId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The reply's id.")]
PARTICIPANTS = (
    "Only the course's participants (a live enrollment, or its staff) may use it: 403 "
    "`not_enrolled` (or the enrollment's lapse) for anyone else."
)


async def _rate(request: Request, user: User) -> None:
    await limit(request, "discussion_post", "discussion_post_rate", f"user:{user.id}", per_ip=False)


@router.get(
    "/courses/{course_uuid}/discussions",
    response_model=Page[ThreadOut],
    summary="A course's threads",
    description="Pinned first, then by `sort`: `recent` activity (the default), `top` "
    "(upvotes), `newest`. `filter`: `unanswered` (open questions no instructor has replied "
    "to), `mine`, `following`; `lesson` keeps one lesson's; `q` searches titles and content. "
    + PARTICIPANTS,
    responses=problem_responses(401, 403, 404, 422),
)
async def course_threads(
    session: SessionDep,
    user: CurrentUser,
    course_uuid: CourseUuid,
    filter: Filter | None = None,
    lesson: uuid.UUID | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    sort: Sort = "recent",
    params: PageParams = Depends(page_params),
) -> Page[ThreadOut]:
    items, meta = await threads.course_threads(
        session, user, course_uuid, params, filter=filter, lesson=lesson, q=q, sort=sort
    )
    return Page(items=items, meta=meta)


@router.post(
    "/courses/{course_uuid}/discussions",
    status_code=201,
    response_model=PostedThread,
    summary="Ask a question or start a discussion",
    description="Markdown content (raw HTML shows as text; the answer carries it rendered "
    "and sanitised). Announcements are for the course's staff (403 `not_staff`). The author "
    "follows the thread. A new account's link, or text its author posted in the last day, "
    "is held for moderation. Rate-limited per user (`LECTERN_DISCUSSION_POST_RATE`). "
    + PARTICIPANTS,
    responses=problem_responses(401, 403, 404, 422, 429),
)
async def start_thread(
    session: SessionDep,
    request: Request,
    user: CurrentUser,
    course_uuid: CourseUuid,
    body: ThreadIn,
) -> PostedThread:
    await _rate(request, user)
    thread, held = await threads.start(session, user, course_uuid, body)
    return PostedThread(**thread.model_dump(), held_for_moderation=held)


@router.get(
    "/discussions/{discussion_uuid}",
    response_model=ThreadOut,
    summary="A thread (counted as a view)",
    responses=problem_responses(401, 403, 404),
)
async def read_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid
) -> ThreadOut:
    return await threads.read(session, user, discussion_uuid)


@router.patch(
    "/discussions/{discussion_uuid}",
    response_model=ThreadOut,
    summary="Edit my thread",
    responses=problem_responses(401, 403, 404, 422),
)
async def edit_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid, body: ThreadPatch
) -> ThreadOut:
    return await threads.edit(session, user, discussion_uuid, body)


@router.delete(
    "/discussions/{discussion_uuid}",
    status_code=204,
    summary="Delete a thread (its author, or a moderator)",
    responses=problem_responses(401, 403, 404),
)
async def delete_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid
) -> Response:
    await threads.delete(session, user, discussion_uuid)
    return Response(status_code=204)


@router.patch(
    "/discussions/{discussion_uuid}/state",
    response_model=ThreadOut,
    summary="Pin, feature, close or reopen a thread (moderators)",
    description="A closed thread takes no more replies (409 `thread_closed`).",
    responses=problem_responses(401, 403, 404, 422),
)
async def set_state(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid, body: ThreadState
) -> ThreadOut:
    return await threads.set_state(session, user, discussion_uuid, body)


@router.post(
    "/discussions/{discussion_uuid}/restore",
    response_model=ThreadOut,
    summary="Restore a flagged thread (moderators)",
    responses=problem_responses(401, 403, 404),
)
async def restore_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid
) -> ThreadOut:
    return await threads.restore(session, user, discussion_uuid)


@router.put(
    "/discussions/{discussion_uuid}/best-answer",
    response_model=ThreadOut,
    summary="Mark the best answer of a question (its asker, or a moderator)",
    description="The question becomes `answered`; choosing another moves the mark.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def best_answer(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid, body: BestAnswerIn
) -> ThreadOut:
    discussion = await replies.choose_best(session, user, discussion_uuid, body.reply_id)
    return await one_thread(session, user.id, discussion.id)


@router.get(
    "/discussions/{discussion_uuid}/replies",
    response_model=Page[ReplyOut],
    summary="A thread's replies, oldest first",
    description="Flat, each with its `parent_id` (threads nest three deep). A deleted reply "
    "stays as a placeholder; flagged ones show only to their author and moderators.",
    responses=problem_responses(401, 403, 404, 422),
)
async def thread_replies(
    session: SessionDep,
    user: CurrentUser,
    discussion_uuid: ThreadUuid,
    params: PageParams = Depends(page_params),
) -> Page[ReplyOut]:
    participant, discussion = await in_thread(session, user, discussion_uuid)
    statement = replies_statement(discussion.id)
    if not participant.is_staff:
        statement = statement.where(
            (DiscussionReply.status != DiscussionReplyStatus.FLAGGED)
            | (DiscussionReply.user_id == user.id)
        )
    rows, meta = await paginate_rows(session, statement, params)
    return Page(items=await replies_out(session, user.id, rows), meta=meta)


@router.post(
    "/discussions/{discussion_uuid}/replies",
    status_code=201,
    response_model=PostedReply,
    summary="Reply in a thread",
    description="`parent_id` answers a reply (three levels at most: 422 `too_deep`). A "
    "closed thread is 409 `thread_closed`. Replies by the course's staff are marked "
    "`is_instructor_reply`. The replier follows the thread; its other followers are "
    "e-mailed. Rate-limited per user, and held by the spam rules like a thread.",
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
async def post_reply(
    session: SessionDep,
    request: Request,
    user: CurrentUser,
    discussion_uuid: ThreadUuid,
    body: ReplyIn,
) -> PostedReply:
    await _rate(request, user)
    reply, held = await replies.post(session, user, discussion_uuid, body)
    return PostedReply(**reply.model_dump(), held_for_moderation=held)


@router.patch(
    "/discussion-replies/{reply_id}",
    response_model=ReplyOut,
    summary="Edit my reply",
    responses=problem_responses(401, 403, 404, 422),
)
async def edit_reply(
    session: SessionDep, user: CurrentUser, reply_id: ReplyId, body: ReplyPatch
) -> ReplyOut:
    return await replies.edit(session, user, reply_id, body.content)


@router.delete(
    "/discussion-replies/{reply_id}",
    status_code=204,
    summary="Delete a reply (its author, or a moderator); a placeholder stays",
    responses=problem_responses(401, 403, 404),
)
async def delete_reply(session: SessionDep, user: CurrentUser, reply_id: ReplyId) -> Response:
    await replies.delete(session, user, reply_id)
    return Response(status_code=204)


@router.post(
    "/discussion-replies/{reply_id}/restore",
    response_model=ReplyOut,
    summary="Restore a flagged reply (moderators)",
    responses=problem_responses(401, 403, 404),
)
async def restore_reply(session: SessionDep, user: CurrentUser, reply_id: ReplyId) -> ReplyOut:
    return await replies.restore(session, user, reply_id)


# -- upvotes, following, reports ------------------------------------------------------------


@router.put(
    "/discussions/{discussion_uuid}/upvote",
    response_model=UpvotesOut,
    summary="Upvote a thread (once; never my own: 403 `own_post`)",
    responses=problem_responses(401, 403, 404),
)
async def upvote_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid
) -> UpvotesOut:
    return UpvotesOut(upvotes_count=await engagement.upvote(session, user, THREAD, discussion_uuid))


@router.delete(
    "/discussions/{discussion_uuid}/upvote",
    response_model=UpvotesOut,
    summary="Take back my upvote of a thread",
    responses=problem_responses(401, 403, 404),
)
async def unvote_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid
) -> UpvotesOut:
    count = await engagement.remove_upvote(session, user, THREAD, discussion_uuid)
    return UpvotesOut(upvotes_count=count)


@router.put(
    "/discussion-replies/{reply_id}/upvote",
    response_model=UpvotesOut,
    summary="Upvote a reply (once; never my own: 403 `own_post`)",
    responses=problem_responses(401, 403, 404),
)
async def upvote_reply(session: SessionDep, user: CurrentUser, reply_id: ReplyId) -> UpvotesOut:
    return UpvotesOut(upvotes_count=await engagement.upvote(session, user, REPLY, reply_id))


@router.delete(
    "/discussion-replies/{reply_id}/upvote",
    response_model=UpvotesOut,
    summary="Take back my upvote of a reply",
    responses=problem_responses(401, 403, 404),
)
async def unvote_reply(session: SessionDep, user: CurrentUser, reply_id: ReplyId) -> UpvotesOut:
    return UpvotesOut(upvotes_count=await engagement.remove_upvote(session, user, REPLY, reply_id))


@router.put(
    "/discussions/{discussion_uuid}/follow",
    status_code=204,
    summary="Follow a thread (its new replies are e-mailed to me)",
    responses=problem_responses(401, 403, 404),
)
async def follow(session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid) -> Response:
    await engagement.start_following(session, user, discussion_uuid)
    return Response(status_code=204)


@router.delete(
    "/discussions/{discussion_uuid}/follow",
    status_code=204,
    summary="Stop following a thread",
    responses=problem_responses(401, 403, 404),
)
async def unfollow(session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid) -> Response:
    await engagement.stop_following(session, user, discussion_uuid)
    return Response(status_code=204)


REPORTS = (
    "Once per user (409 `already_reported`), never my own post (403 `own_post`); at "
    "`discussions.report_threshold` distinct reporters the post is flagged: hidden until a "
    "moderator restores or deletes it."
)


@router.post(
    "/discussions/{discussion_uuid}/reports",
    status_code=204,
    summary="Report a thread",
    description=REPORTS,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def report_thread(
    session: SessionDep, user: CurrentUser, discussion_uuid: ThreadUuid, body: PostReportIn
) -> Response:
    await engagement.report(session, user, THREAD, discussion_uuid, body)
    return Response(status_code=204)


@router.post(
    "/discussion-replies/{reply_id}/reports",
    status_code=204,
    summary="Report a reply",
    description=REPORTS,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def report_reply(
    session: SessionDep, user: CurrentUser, reply_id: ReplyId, body: PostReportIn
) -> Response:
    await engagement.report(session, user, REPLY, reply_id, body)
    return Response(status_code=204)


@router.get(
    "/studio/discussions/unanswered",
    response_model=Page[ThreadOut],
    summary="Open questions no instructor has answered, across the courses I teach",
    description="Oldest first.",
    responses=problem_responses(401, 422),
)
async def unanswered(
    session: SessionDep, user: CurrentUser, params: PageParams = Depends(page_params)
) -> Page[ThreadOut]:
    items, meta = await threads.unanswered_queue(session, user, params)
    return Page(items=items, meta=meta)
