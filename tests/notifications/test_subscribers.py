"""What other domains' facts tell whom: instructors of new students, reviews and questions;
learners of their certificates, answers to their reviews and questions, mentions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import events, jobs
from lectern.assignments.events import AssignmentGraded
from lectern.learning.events import CourseCompleted, EnrollmentCreated
from lectern.models import AssignmentSubmissionStatus, Certificate, Notification, User
from tests.assignments.test_grading import mails
from tests.conftest import bearer
from tests.discussions.conftest import School, ask, reply
from tests.factories import create_enrollment, create_user
from tests.factories.assignments import create_assignment, create_submission
from tests.factories.courses import create_instructor
from tests.factories.learning import create_published_course
from tests.reviews.helpers import learner_at, post_review


async def told(db: AsyncSession, user: User, kind: str | None = None) -> list[Notification]:
    statement = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        statement = statement.where(Notification.type == kind)
    return list(await db.scalars(statement.order_by(Notification.created_at)))


async def test_a_question_tells_the_course_staff_but_not_the_asker(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    await ask(client, school, school.ada, title="What is a lexer?")

    for member in (school.teacher, school.assistant):
        [note] = await told(db, member, "new_questions")
        assert note.title == "New question in Compilers"
        assert note.message == "What is a lexer?"
        assert note.action_url is not None
    assert await told(db, school.ada) == []


async def test_a_reply_tells_the_asker_in_the_app(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]

    await reply(client, thread, school.teacher, "It splits text into tokens.")

    [note] = await told(db, school.ada, "qa_replies")
    assert note.title == "Grace Hopper replied to “How do parsers work?”"
    assert note.sent_at is None  # the thread's followers are mailed by discussions itself


async def test_a_mention_and_a_best_answer_tell_their_people(
    client: httpx.AsyncClient, db: AsyncSession, school: School
) -> None:
    thread = (await ask(client, school, school.ada)).json()["uuid"]
    answer = (await reply(client, thread, school.alan, "Ask @grace, she wrote one")).json()["id"]

    await client.put(
        f"/api/v1/discussions/{thread}/best-answer",
        json={"reply_id": answer},
        headers=bearer(school.ada),
    )

    assert [n.title for n in await told(db, school.teacher, "qa_replies")] == [
        "Alan Turing mentioned you in “How do parsers work?”"
    ]
    assert [n.title for n in await told(db, school.alan, "qa_replies")] == [
        "Your answer was marked best in “How do parsers work?”"
    ]


async def test_reviews_tell_the_instructor_and_answers_tell_the_reviewer(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    teacher = await create_instructor(db)
    course = await create_published_course(db, teacher, title="Compilers")
    learner, _ = await learner_at(db, course)
    written = await post_review(client, learner, course, 4.5)

    await client.put(
        f"/api/v1/studio/courses/{course.uuid}/reviews/{written.json()['id']}/response",
        json={"response": "Thank you!"},
        headers=bearer(teacher),
    )

    [review_note] = await told(db, teacher, "new_reviews")
    assert review_note.title == "A new 4.50-star review of Compilers"
    [answer_note] = await told(db, learner, "review_replies")
    assert answer_note.message == "Thank you!"


async def test_a_new_student_tells_the_instructor(db: AsyncSession) -> None:
    teacher = await create_instructor(db)
    course = await create_published_course(db, teacher, title="Compilers")
    learner = await create_user(db, name="Ada Lovelace")
    enrollment = await create_enrollment(db, learner, course)

    await events.publish(db, EnrollmentCreated(enrollment.id, learner.id, course.id, "free"))

    [note] = await told(db, teacher, "new_enrollments")
    assert note.message == "Ada Lovelace enrolled in Compilers."


async def test_a_certificate_tells_its_holder(db: AsyncSession) -> None:
    course = await create_published_course(db, await create_instructor(db), title="Compilers")
    learner = await create_user(db)
    enrollment = await create_enrollment(db, learner, course)

    await events.publish(db, CourseCompleted(enrollment.id, learner.id, course.id))

    certificate = await db.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None
    [note] = await told(db, learner, "certificate_issued")
    assert note.title == "Your certificate for Compilers is ready"
    assert note.action_url == certificate.verification_url


async def test_graded_work_is_told_in_the_app_and_mailed_with_its_unsubscribe_link(
    db: AsyncSession, mail_dir: Path
) -> None:
    course = await create_published_course(db, await create_instructor(db), title="Essays")
    learner = await create_user(db)
    essay = await create_assignment(db, course, title="On parsing", total_points=Decimal(100))
    graded = await create_submission(
        db, essay, learner, status=AssignmentSubmissionStatus.GRADED, points_earned=Decimal("84")
    )

    fact = AssignmentGraded(graded.id, learner.id, course.id, False)
    db.expire_all()  # the figures as stored (two decimals), as a request reads them

    await events.publish(db, fact)
    await jobs.dispatch_pending(db)

    [note] = await told(db, await db.get_one(User, fact.user_id), "assignment_feedback")
    assert (note.title, note.message) == (
        "Your work on On parsing was graded",
        "84.00 / 100.00 points, passed.",
    )
    [mail] = await mails(mail_dir)
    assert "84.00 / 100.00" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert str(mail["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
