"""The demo school's community: on a paid course with reviews, a learner's question that its
instructor answered and the learner marked best, a discussion another learner upvoted, an
announcement to its students (in their notifications and mailboxes), the instructor's
answer to the course's most helpful review, a learner's message that the instructor
answered, and the learner's support ticket that the admin answered; each made through the
services themselves."""

from __future__ import annotations

from sqlalchemy import select

from lectern.announcements import service as announcements
from lectern.announcements.schemas import AnnouncementIn
from lectern.discussions import engagement, replies, threads
from lectern.discussions.schemas import ReplyIn, ThreadIn
from lectern.discussions.views import THREAD
from lectern.learning.access import LIVE_STATUSES
from lectern.messaging import service as messages
from lectern.messaging.schemas import ConversationIn
from lectern.models import (
    Course,
    Discussion,
    Enrollment,
    Review,
    ReviewStatus,
    User,
    UserRole,
)
from lectern.reviews import feedback
from lectern.seed.seeder import DemoSeeder
from lectern.support import service as tickets
from lectern.support import staff as support_staff
from lectern.support.schemas import TicketIn

QUESTION = ThreadIn(
    title="Why does my endpoint answer 422 when the body looks right?",
    content='I post `{"price": "12"}` to the route from the lesson on request bodies and '
    "get a 422. The field is declared as `price: float`. What am I missing?",
)
ANSWER = (
    "The 422 is FastAPI telling you the body did not validate; its `detail` names the field. "
    "Here the model is probably strict, or the field has another name. Compare:\n\n"
    "```python\nclass Item(BaseModel):\n    price: float\n```\n\n"
    'and send `{"price": 12}`. Reading the `detail` list first saves a lot of guessing.'
)
WELCOME = AnnouncementIn(
    title="Live Q&A on Thursday",
    content="<p>Bring your questions about request bodies and validation: I will answer them "
    "live on <b>Thursday at 17:00 UTC</b>. The recording goes up the day after.</p>",
    send_email=True,
    is_pinned=True,
)
TICKET = TicketIn(
    subject="The video of a lesson stops playing",
    message="The lesson on request bodies stops at 0:42 every time, in two browsers.",
    category="technical",
)
DISCUSSION = ThreadIn(
    title="Share the first API you built!",
    content="Post what you built after the first section. Mine is a tiny to-do list API.",
    type="discussion",
)


async def learners_of(seeder: DemoSeeder, course: Course, count: int) -> list[User]:
    """The course's first ``count`` learners with a live enrollment."""
    return list(
        await seeder.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.course_id == course.id, Enrollment.status.in_(LIVE_STATUSES))
            .order_by(User.id)
            .limit(count)
        )
    )


async def community(seeder: DemoSeeder) -> None:
    session = seeder.session
    course = seeder.course_rows[1]  # a paid course with learners and reviews
    if await session.scalar(select(Discussion.id).where(Discussion.course_id == course.id)):
        return
    learners = await learners_of(seeder, course, 2)
    teacher = await session.get_one(User, course.instructor_id)
    asker, other = learners[0], learners[-1]

    question, _ = await threads.start(session, asker, course.uuid, QUESTION)
    answer, _ = await replies.post(session, teacher, question.uuid, ReplyIn(content=ANSWER))
    await replies.post(
        session,
        asker,
        question.uuid,
        ReplyIn(content="That makes sense, thank you!", parent_id=answer.id),
    )
    await replies.choose_best(session, asker, question.uuid, answer.id)
    chat, _ = await threads.start(session, other, course.uuid, DISCUSSION)
    if other.id != asker.id:
        await engagement.upvote(session, asker, THREAD, chat.uuid)
    seeder.added["discussions"] = 2

    await announcements.post(session, teacher, course, WELCOME)
    seeder.added["announcements"] = 1

    await _support(seeder, asker)
    await messages.start(
        session,
        asker,
        ConversationIn(
            recipient=teacher.uuid,
            message="Could you look at my project before Friday? I am not sure about the routes.",
        ),
    )
    await messages.start(
        session,
        teacher,
        ConversationIn(recipient=asker.uuid, message="Of course: send the link and I will."),
    )

    review = await session.scalar(
        select(Review)
        .where(Review.course_id == course.id, Review.status == ReviewStatus.APPROVED)
        .order_by(Review.rating.desc(), Review.id)
    )
    if review is not None:
        await feedback.respond(
            session, teacher, course, review.id, "Thank you! The next section goes further."
        )


async def _support(seeder: DemoSeeder, student: User) -> None:
    """A student's ticket about a video, answered by the admin (with a note for staff)."""
    session = seeder.session
    admin = await session.scalar(select(User).where(User.role == UserRole.ADMIN).limit(1))
    if admin is None:
        return
    ticket = await tickets.open_ticket(session, student, TICKET)
    row = await support_staff.ticket(session, ticket.uuid)
    await support_staff.reply(
        session, admin, row, "Checked the player logs: a CDN node was slow.", internal=True
    )
    await support_staff.reply(
        session,
        admin,
        row,
        "Thanks for telling us: the video plays again. Reply here if it stops.",
        internal=False,
    )
    seeder.added["support_tickets"] = 1
