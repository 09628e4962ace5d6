"""The demo school: complete, consistent with the constraints, and safe to seed twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import migrate
from lectern.db import create_engine, session_factory
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    AssignmentSubmissionStatus,
    Base,
    Category,
    Certificate,
    Coupon,
    Course,
    CourseSection,
    CourseStatus,
    CreditNote,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    InstructorProfile,
    InstructorProfileStatus,
    Lesson,
    LessonProgress,
    LiveClass,
    LiveClassRegistration,
    LiveClassStatus,
    Notification,
    Order,
    OrderPaymentStatus,
    OrderStatus,
    PaymentEvent,
    PaymentEventOutcome,
    Quiz,
    QuizAttempt,
    Review,
    ReviewStatus,
    User,
    UserRole,
)
from lectern.seed import demo, demo_content
from tests.dbs import Databases
from tests.invariants import broken


@pytest.fixture(scope="module")
def seeded(databases: Databases) -> tuple[URL, dict[str, int], dict[str, int]]:
    url = databases.new()
    migrate.upgrade(url)
    first = asyncio.run(demo.seed(url.render_as_string(hide_password=False)))
    second = asyncio.run(demo.seed(url.render_as_string(hide_password=False)))
    return url, first, second


@pytest.fixture
async def db(seeded: tuple[URL, dict[str, int], dict[str, int]]) -> AsyncIterator[AsyncSession]:
    engine = create_engine(seeded[0])
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def test_the_school_keeps_every_invariant_of_the_application(db: AsyncSession) -> None:
    """Counters and the rows they count agree, as the application keeps them."""
    assert await broken(await db.connection()) == {}


async def count(session: AsyncSession, model: type[Base]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def test_first_run_adds_a_whole_school(seeded: tuple[URL, dict[str, int], dict[str, int]]) -> None:
    _, first, _ = seeded
    for table in (
        "users",
        "instructor_profiles",
        "categories",
        "tags",
        "courses",
        "course_sections",
        "lessons",
        "enrollments",
        "lesson_progress",
        "reviews",
        "quizzes",
        "quiz_questions",
        "quiz_options",
        "assignments",
        "quiz_attempts",
        "assignment_submissions",
        "carts",
        "cart_items",
        "coupons",
        "orders",
        "refunds",
        "live_classes",
    ):
        assert first.get(table, 0) > 0, table


async def test_second_run_adds_nothing(
    seeded: tuple[URL, dict[str, int], dict[str, int]], db: AsyncSession
) -> None:
    _, first, second = seeded
    assert second == {}
    assert await count(db, User) == first["users"]
    assert await count(db, Lesson) == first["lessons"]


async def test_categories_have_subcategories(db: AsyncSession) -> None:
    children = await db.scalar(select(func.count()).where(Category.parent_id.is_not(None)))
    parents = await db.scalar(select(func.count()).where(Category.parent_id.is_(None)))
    assert parents == len(demo_content.CATEGORIES)
    assert children == sum(len(c) for c in demo_content.CATEGORIES.values())


async def test_instructors_are_approved_with_profiles(db: AsyncSession) -> None:
    rows = (
        await db.execute(
            select(User.role, InstructorProfile.status).join(
                InstructorProfile, InstructorProfile.user_id == User.id
            )
        )
    ).all()
    assert len(rows) == len(demo_content.INSTRUCTORS)
    assert set(rows) == {(UserRole.INSTRUCTOR, InstructorProfileStatus.APPROVED)}


async def test_courses_are_published_with_exact_prices(db: AsyncSession) -> None:
    courses = {c.title: c for c in await db.scalars(select(Course))}
    assert len(courses) == len(demo_content.COURSES)
    for title, _, _, price, _, _ in demo_content.COURSES:
        course = courses[title]
        assert course.status == CourseStatus.PUBLISHED
        assert course.is_published
        assert course.published_at is not None
        assert course.price == price
        if price is not None:
            assert course.compare_price == price * 2 > price
    paid_sum = await db.scalar(select(func.sum(Course.price)))
    assert paid_sum == sum(course[3] for course in demo_content.COURSES if course[3])


async def test_course_totals_match_their_curriculum(db: AsyncSession) -> None:
    for course in await db.scalars(select(Course)):
        lessons = list(await db.scalars(select(Lesson).where(Lesson.course_id == course.id)))
        sections = await db.scalar(select(func.count()).where(CourseSection.course_id == course.id))
        assert course.total_sections == sections == len(demo_content.SECTIONS)
        assert course.total_lectures == len(lessons) == len(demo_content.LESSONS)
        assert course.duration_minutes * 60 >= sum(lesson.duration_seconds for lesson in lessons)
        assert len({lesson.type for lesson in lessons}) >= 5
        enrolled = await db.scalar(select(func.count()).where(Enrollment.course_id == course.id))
        assert course.total_enrollments == enrolled


async def test_progress_is_consistent_with_completed_lessons(db: AsyncSession) -> None:
    statuses = set()
    for enrollment in await db.scalars(select(Enrollment)):
        done = await db.scalar(
            select(func.count()).where(
                LessonProgress.enrollment_id == enrollment.id, LessonProgress.is_completed
            )
        )
        assert enrollment.completed_lessons == done
        expected = (Decimal(100) * done / enrollment.total_lessons).quantize(Decimal("0.01"))
        assert enrollment.progress_percentage == expected
        assert (enrollment.status == EnrollmentStatus.COMPLETED) == (
            done == enrollment.total_lessons
        )
        statuses.add(enrollment.status)
    # Mary's refunded course among them.
    assert statuses == {
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.REFUNDED,
    }


async def test_ratings_are_the_average_of_approved_reviews(db: AsyncSession) -> None:
    for course in await db.scalars(select(Course)):
        ratings = list(
            await db.scalars(
                select(Review.rating).where(
                    Review.course_id == course.id, Review.status == ReviewStatus.APPROVED
                )
            )
        )
        assert course.total_reviews == len(ratings)
        if ratings:
            assert course.rating == (sum(ratings) / len(ratings)).quantize(Decimal("0.01"))
            assert all(Decimal(1) <= r <= Decimal(5) for r in ratings)


async def test_every_review_comes_from_an_enrolled_student(db: AsyncSession) -> None:
    orphan = await db.scalar(
        select(func.count())
        .select_from(Review)
        .outerjoin(
            Enrollment,
            (Enrollment.user_id == Review.user_id) & (Enrollment.course_id == Review.course_id),
        )
        .where(Enrollment.id.is_(None))
    )
    assert orphan == 0


async def test_unique_keys_hold(db: AsyncSession) -> None:
    for model, columns in (
        (Enrollment, (Enrollment.user_id, Enrollment.course_id)),
        (LessonProgress, (LessonProgress.user_id, LessonProgress.lesson_id)),
        (Review, (Review.user_id, Review.course_id)),
        (Course, (Course.slug,)),
        (Category, (Category.slug,)),
        (User, (User.email,)),
    ):
        duplicates = await db.scalar(
            select(func.count()).select_from(
                select(*columns).group_by(*columns).having(func.count() > 1).subquery()
            )
        )
        assert duplicates == 0, model.__name__


async def test_foreign_keys_hold(
    db: AsyncSession, seeded: tuple[URL, dict[str, int], dict[str, int]]
) -> None:
    if seeded[0].get_backend_name() != "sqlite":
        pytest.skip("PostgreSQL checks every foreign key on write")
    assert (await db.execute(text("PRAGMA foreign_key_check"))).all() == []


async def test_every_course_ends_with_a_quiz_and_a_project_students_have_worked_on(
    db: AsyncSession,
) -> None:
    """Through the learners' and graders' own services: finishers passed the quiz and had
    their project graded; students halfway tried the quiz and wait for a grade."""
    courses = len(demo_content.COURSES)
    assert await count(db, Quiz) == await count(db, Assignment) == courses
    attempts = list(await db.scalars(select(QuizAttempt)))
    assert {attempt.is_passed for attempt in attempts} == {True, False}
    assert all(attempt.score_total == 4 for attempt in attempts)
    statuses = set(await db.scalars(select(AssignmentSubmission.status)))
    assert statuses == {AssignmentSubmissionStatus.GRADED, AssignmentSubmissionStatus.SUBMITTED}
    graded = await db.scalars(
        select(AssignmentSubmission).where(
            AssignmentSubmission.status == AssignmentSubmissionStatus.GRADED
        )
    )
    assert all(70 <= row.points_earned <= 100 and row.feedback for row in graded)
    # A finisher's course is complete: the quiz and the project completed their lessons.
    completed = await db.scalar(
        select(func.count()).where(Enrollment.status == EnrollmentStatus.COMPLETED)
    )
    assert completed == await db.scalar(
        select(func.count()).where(AssignmentSubmission.status == AssignmentSubmissionStatus.GRADED)
    )


async def test_a_student_bought_a_course_with_a_scholarship(db: AsyncSession) -> None:
    """Placed through checkout itself: the order, its line, the coupon's use, the course."""
    order = await db.scalar(select(Order))
    assert order is not None
    assert (order.status, order.payment_status, order.total, order.coupon_code) == (
        OrderStatus.COMPLETED,
        OrderPaymentStatus.PAID,
        Decimal(0),
        "SCHOLARSHIP",
    )
    enrollment = await db.scalar(select(Enrollment).where(Enrollment.order_id == order.id))
    assert enrollment is not None
    assert enrollment.user_id == order.user_id
    coupon = await db.scalar(select(Coupon).where(Coupon.code == "SCHOLARSHIP"))
    assert coupon is not None
    assert coupon.used_count == 1


async def test_a_student_bought_a_course_through_the_sandbox(db: AsyncSession) -> None:
    linus = await db.scalar(select(User).where(User.email == "linus@lectern.test"))
    assert linus is not None
    order = await db.scalar(select(Order).where(Order.user_id == linus.id))
    assert order is not None
    assert (order.status, order.payment_gateway, order.coupon_code, order.total > 0) == (
        OrderStatus.COMPLETED,
        "sandbox",
        "WELCOME10",
        True,
    )
    settled = await db.scalar(select(PaymentEvent.outcome).where(PaymentEvent.order_id == order.id))
    assert settled == PaymentEventOutcome.HANDLED
    bought = await db.scalar(select(Enrollment).where(Enrollment.order_id == order.id))
    assert bought is not None
    assert bought.enrollment_type == EnrollmentType.PAID


async def test_a_student_was_refunded_with_a_credit_note_and_lost_the_course(
    db: AsyncSession,
) -> None:
    mary = await db.scalar(select(User).where(User.email == "mary@lectern.test"))
    assert mary is not None
    order = await db.scalar(select(Order).where(Order.user_id == mary.id))
    assert order is not None
    assert (order.status, order.payment_status) == (
        OrderStatus.REFUNDED,
        OrderPaymentStatus.REFUNDED,
    )
    note = await db.scalar(select(CreditNote).where(CreditNote.order_id == order.id))
    assert note is not None
    assert (note.invoice_number, note.amount) == (order.invoice_number, order.total)
    lost = await db.scalar(select(Enrollment).where(Enrollment.order_id == order.id))
    assert lost is not None
    assert lost.status == EnrollmentStatus.REFUNDED


async def test_every_finished_course_has_its_certificate(db: AsyncSession) -> None:
    finished = set(
        (await db.execute(
            select(Enrollment.user_id, Enrollment.course_id).where(
                Enrollment.status == EnrollmentStatus.COMPLETED
            )
        )).all()
    )  # fmt: skip
    certified = set((await db.execute(select(Certificate.user_id, Certificate.course_id))).all())
    assert finished
    assert certified == finished


async def test_live_classes_are_coming_one_with_seats_taken_one_sold_and_one_to_replay(
    db: AsyncSession,
) -> None:
    past, tomorrow, upcoming, sold = await db.scalars(
        select(LiveClass).order_by(LiveClass.scheduled_at)
    )
    assert (past.status, upcoming.status) == (LiveClassStatus.ENDED, LiveClassStatus.SCHEDULED)
    reminded = await db.scalar(
        select(func.count(Notification.uuid)).where(
            Notification.title == "A live class is coming up",
            Notification.notifiable_id == tomorrow.id,
        )
    )
    assert (tomorrow.registered_count, reminded) == (2, 2)
    assert (sold.price, sold.is_free, sold.registered_count) == (Decimal("19.00"), False, 0)
    seated = list(
        await db.scalars(
            select(LiveClassRegistration.user_id).where(
                LiveClassRegistration.live_class_id == upcoming.id
            )
        )
    )
    told = set(
        await db.scalars(select(Notification.user_id).where(Notification.type == "live_classes"))
    )
    assert upcoming.registered_count == len(seated) == 2
    assert set(seated) <= told
    assert (upcoming.scheduled_at.weekday(), upcoming.scheduled_at.hour) == (3, 17)
    assert past.recording_url is not None
    assert past.enable_replay
    assert past.attended_count == 2
