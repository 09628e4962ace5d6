"""Other domains' facts, told to the people they concern (see ``service.notify``).

Each handler runs in the publisher's transaction and reads what its message needs in one
or two statements; e-mails leave only after that transaction commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import jobs
from lectern.assignments.events import AssignmentGraded
from lectern.certificates.events import CertificateIssued, CertificateReissued
from lectern.curriculum.events import LessonPublished
from lectern.discussions.events import BestAnswerChosen, QuestionAsked, ReplyPosted, UserMentioned
from lectern.kit.i18n import Text
from lectern.kit.links import app_link
from lectern.learner_tools.events import PriceDropped
from lectern.learning.events import EnrollmentCreated
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    Certificate,
    Course,
    CourseInstructor,
    Discussion,
    DiscussionReply,
    Quiz,
    QuizAttempt,
    Review,
    User,
)
from lectern.notifications import tasks
from lectern.notifications.service import About, notify, notify_many
from lectern.quizzes.events import QuizGraded
from lectern.reviews.events import ReviewAnswered, ReviewInvited, ReviewPosted


async def _title(session: AsyncSession, course_id: int) -> str:
    return str(await session.scalar(select(Course.title).where(Course.id == course_id)))


async def _name(session: AsyncSession, user_id: int) -> str:
    return str(await session.scalar(select(User.name).where(User.id == user_id)))


def _thread_link(discussion_uuid: object) -> str:
    return app_link("discussion", discussion=discussion_uuid)


async def new_enrollment(session: AsyncSession, event: EnrollmentCreated) -> None:
    owner, title, student = (
        await session.execute(
            select(Course.instructor_id, Course.title, User.name)
            .join(User, User.id == event.user_id)
            .where(Course.id == event.course_id)
        )
    ).one()
    if owner == event.user_id:
        return
    await notify(
        session,
        owner,
        "new_enrollments",
        title=Text("New student in {course}", course=title),
        message=Text("{student} enrolled in {course}.", student=student, course=title),
        about=About("course", event.course_id),
    )


async def certificate_issued(session: AsyncSession, event: CertificateIssued) -> None:
    await _certificate(session, event.certificate_id, "Your certificate for {course} is ready")


async def certificate_reissued(session: AsyncSession, event: CertificateReissued) -> None:
    await _certificate(session, event.certificate_id, "Your certificate for {course} was reissued")


async def _certificate(session: AsyncSession, certificate_id: int, title: str) -> None:
    certificate = await session.get_one(Certificate, certificate_id)
    await notify(
        session,
        certificate.user_id,
        "certificate_issued",
        title=Text(title, course=certificate.course_title),
        message=Text(
            "Certificate {number} for “{course}”: download it from your certificates, share "
            "its link, or add it to your profile.",
            number=certificate.certificate_number,
            course=certificate.course_title,
        ),
        action_url=certificate.verification_url,
        action_text=Text("See it"),
        about=About("certificate", certificate.id),
    )


async def review_posted(session: AsyncSession, event: ReviewPosted) -> None:
    if not event.approved:  # a held review is told when it shows
        return
    owner, title = (
        await session.execute(
            select(Course.instructor_id, Course.title).where(Course.id == event.course_id)
        )
    ).one()
    rating = await session.scalar(select(Review.rating).where(Review.id == event.review_id))
    await notify(
        session,
        owner,
        "new_reviews",
        title=Text("A new {rating}-star review of {course}", rating=rating, course=title),
        message=Text(
            "A student reviewed {course}. You may answer it once, publicly.", course=title
        ),
        about=About("review", event.review_id),
    )


async def review_answered(session: AsyncSession, event: ReviewAnswered) -> None:
    title = await _title(session, event.course_id)
    await notify(
        session,
        event.user_id,
        "review_replies",
        title=Text("The instructor answered your review of {course}", course=title),
        message=str(
            await session.scalar(
                select(Review.instructor_response).where(Review.id == event.review_id)
            )
        ),
        about=About("review", event.review_id),
    )


async def review_invited(session: AsyncSession, event: ReviewInvited) -> None:
    title = await _title(session, event.course_id)
    await notify(
        session,
        event.user_id,
        "course_updates",
        title=Text("How is {course} going?", course=title),
        message=Text(
            "You are halfway through {course}: a review helps other learners choose.",
            course=title,
        ),
        about=About("course", event.course_id),
        email=False,
    )


async def question_asked(session: AsyncSession, event: QuestionAsked) -> None:
    if event.type != "question":
        return
    course = await session.get_one(Course, event.course_id)
    thread = await session.get_one(Discussion, event.discussion_id)
    team = set(
        await session.scalars(
            select(CourseInstructor.instructor_id).where(CourseInstructor.course_id == course.id)
        )
    ) | {course.instructor_id}
    await notify_many(
        session,
        sorted(team - {event.user_id}),
        "new_questions",
        title=Text("New question in {course}", course=course.title),
        message=thread.title,
        action_url=_thread_link(thread.uuid),
        action_text=Text("Answer it"),
        about=About("discussion", thread.id),
    )


async def reply_posted(session: AsyncSession, event: ReplyPosted) -> None:
    """The thread's author, in the app (its followers, the author too, are e-mailed by
    discussions' own job)."""
    thread = await session.get_one(Discussion, event.discussion_id)
    if thread.user_id == event.user_id:
        return
    replier = await _name(session, event.user_id)
    await notify(
        session,
        thread.user_id,
        "qa_replies",
        title=Text("{name} replied to “{thread}”", name=replier, thread=thread.title),
        message=str(
            await session.scalar(
                select(DiscussionReply.content).where(DiscussionReply.id == event.reply_id)
            )
        )[:500],
        action_url=_thread_link(thread.uuid),
        about=About("discussion_reply", event.reply_id),
        email=False,
    )


async def best_answer(session: AsyncSession, event: BestAnswerChosen) -> None:
    thread = await session.get_one(Discussion, event.discussion_id)
    if thread.user_id == event.reply_user_id:
        return
    await notify(
        session,
        event.reply_user_id,
        "qa_replies",
        title=Text("Your answer was marked best in “{thread}”", thread=thread.title),
        message=Text("Thank you for helping."),
        action_url=_thread_link(thread.uuid),
        about=About("discussion_reply", event.reply_id),
    )


async def mentioned(session: AsyncSession, event: UserMentioned) -> None:
    thread = await session.get_one(Discussion, event.discussion_id)
    by = await _name(session, event.by_user_id)
    await notify(
        session,
        event.user_id,
        "qa_replies",
        title=Text("{name} mentioned you in “{thread}”", name=by, thread=thread.title),
        message=Text("{name} mentioned you in a discussion of your course.", name=by),
        action_url=_thread_link(thread.uuid),
        about=About("discussion", thread.id),
    )


async def price_dropped(session: AsyncSession, event: PriceDropped) -> None:
    title = await _title(session, event.course_id)
    await notify_many(
        session,
        event.user_ids,
        "course_updates",
        title=Text("{course} costs less now", course=title),
        message=Text(
            "A course on your wishlist went from {old} to {new}.",
            old=event.old_price,
            new=event.new_price,
        ),
        about=About("course", event.course_id),
    )


async def quiz_graded(session: AsyncSession, event: QuizGraded) -> None:
    attempt, quiz, course = (
        await session.execute(
            select(QuizAttempt, Quiz, Course)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Course, Course.id == Quiz.course_id)
            .where(QuizAttempt.id == event.attempt_id)
        )
    ).one()
    outcome = Text("passed") if attempt.is_passed else Text("not passed")
    await notify(
        session,
        event.user_id,
        "assignment_feedback",
        title=Text("Your attempt at {quiz} was graded", quiz=quiz.title),
        message=Text(
            "{points} / {total} points, {outcome}.",
            points=attempt.score_earned,
            total=attempt.score_total,
            outcome=outcome,
        ),
        action_url=app_link("quiz", course=course.uuid, quiz=quiz.uuid),
        about=About("quiz_attempt", attempt.id),
        template="quiz_graded",
        context={
            "course": course.title,
            "quiz": quiz.title,
            "points": str(attempt.score_earned),
            "total": str(attempt.score_total),
            "percentage": str(attempt.percentage),
            "passed": attempt.is_passed,
            "feedback": attempt.feedback or "",
            "link": app_link("quiz", course=course.uuid, quiz=quiz.uuid),
        },
    )


async def assignment_graded(session: AsyncSession, event: AssignmentGraded) -> None:
    row, assignment, course = (
        await session.execute(
            select(AssignmentSubmission, Assignment, Course)
            .join(Assignment, Assignment.id == AssignmentSubmission.assignment_id)
            .join(Course, Course.id == Assignment.course_id)
            .where(AssignmentSubmission.id == event.submission_id)
        )
    ).one()
    link = app_link("assignment", course=course.uuid, assignment=assignment.uuid)
    passed = row.points_earned >= assignment.passing_points
    if event.returned:
        title = Text("Your work on {assignment} was returned", assignment=assignment.title)
        message = Text("Your instructor returned it for resubmission.")
    else:
        title = Text("Your work on {assignment} was graded", assignment=assignment.title)
        message = Text(
            "{points} / {total} points, {outcome}.",
            points=row.points_earned,
            total=assignment.total_points,
            outcome=Text("passed") if passed else Text("not passed"),
        )
    await notify(
        session,
        event.user_id,
        "assignment_feedback",
        title=title,
        message=message,
        action_url=link,
        about=About("assignment_submission", row.id),
        template="assignment_graded",
        context={
            "course": course.title,
            "assignment": assignment.title,
            "returned": event.returned,
            "points": str(row.points_earned),
            "total": str(assignment.total_points),
            "passed": passed,
            "late_penalty": str(row.late_penalty_applied) if row.late_penalty_applied else "",
            "feedback": row.feedback or "",
            "link": link,
        },
    )


async def lesson_published(session: AsyncSession, event: LessonPublished) -> None:
    """The course's learners hear of it from jobs, in batches, once the lesson is saved."""
    jobs.after_commit(session, tasks.tell_new_lesson, lesson_id=event.lesson_id, after_user_id=0)
