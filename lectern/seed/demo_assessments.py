"""The demo school's quizzes and assignments: every course ends with a quiz and a project, and
its students' work on them is done through the learners' and graders' own services, so the
scores, the gradebook and the lessons it completes are what Lectern itself computes.

Students who finished a course's other lessons passed its quiz and had their project graded;
those halfway through tried the quiz once (partly right) and handed in a project that waits
for grading; the others have not reached them. A second run adds nothing.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from lectern.assignments.grading import service as grading
from lectern.assignments.grading.schemas import SubmissionGradeIn
from lectern.assignments.submissions import service as submissions
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonType,
    Quiz,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    QuizQuestionType,
    User,
)
from lectern.quizzes.attempts import service as attempts
from lectern.seed import demo_content as content
from lectern.seed.seeder import DemoSeeder

ASSESSMENTS = (LessonType.QUIZ, LessonType.ASSIGNMENT)


async def assessments(seeder: DemoSeeder) -> None:
    """A published quiz and project on each course's quiz and assignment lessons."""
    for course in seeder.course_rows:
        lessons = {
            lesson.type: lesson
            for lesson in await seeder.session.scalars(
                select(Lesson).where(Lesson.course_id == course.id, Lesson.type.in_(ASSESSMENTS))
            )
        }
        await _quiz(seeder, course, lessons[LessonType.QUIZ])
        await seeder.get_or_add(
            Assignment,
            {"course_id": course.id, "lesson_id": lessons[LessonType.ASSIGNMENT].id},
            title=content.PROJECT_TITLE,
            description=f"Apply {course.title.lower()} to a problem of your own.",
            instructions=content.PROJECT_INSTRUCTIONS,
            total_points=Decimal(100),
            passing_points=Decimal(70),
            max_submissions=2,
            is_published=True,
        )


async def _quiz(seeder: DemoSeeder, course: Course, lesson: Lesson) -> None:
    questions = content.QUIZ_QUESTIONS
    quiz = await seeder.get_or_add(
        Quiz,
        {"course_id": course.id, "lesson_id": lesson.id},
        title=content.QUIZ_TITLE,
        description=f"Three questions on {course.title.lower()}.",
        passing_score=Decimal(70),
        max_attempts=3,
        total_questions=len(questions),
        total_points=sum(Decimal(points) for _, _, points, _ in questions),
        is_published=True,
    )
    for order, (kind, text, points, options) in enumerate(questions):
        question = await seeder.get_or_add(
            QuizQuestion,
            {"quiz_id": quiz.id, "order": order},
            type=QuizQuestionType(kind),
            question=text,
            points=Decimal(points),
        )
        for option_order, (label, correct) in enumerate(options):
            await seeder.get_or_add(
                QuizOption,
                {"question_id": question.id, "order": option_order},
                option_text=label,
                is_correct=correct,
            )


async def coursework(seeder: DemoSeeder) -> None:
    """Each enrolled student's quiz attempts and projects, as far as they have come."""
    session = seeder.session
    enrollments = await session.execute(
        select(Enrollment, User, Course)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .order_by(Enrollment.id)
    )
    for number, (enrollment, student, course) in enumerate(enrollments.all()):
        share = await _share_done(seeder, enrollment)
        if share < Decimal("0.5"):
            continue
        finished = share == 1
        quiz = await session.scalar(select(Quiz).where(Quiz.course_id == course.id))
        project = await session.scalar(select(Assignment).where(Assignment.course_id == course.id))
        assert quiz is not None
        assert project is not None
        await _take_quiz(seeder, student, course, quiz, all_right=finished)
        await _hand_in(seeder, student, course, project, graded=finished, number=number)


async def _share_done(seeder: DemoSeeder, enrollment: Enrollment) -> Decimal:
    """The share of the course's other lessons the student has completed."""
    others = select(Lesson.id).where(
        Lesson.course_id == enrollment.course_id, Lesson.type.not_in(ASSESSMENTS)
    )
    total = await seeder.session.scalar(select(func.count()).select_from(others.subquery()))
    done = await seeder.session.scalar(
        select(func.count())
        .select_from(LessonProgress)
        .where(
            LessonProgress.enrollment_id == enrollment.id,
            LessonProgress.is_completed.is_(True),
            LessonProgress.lesson_id.in_(others),
        )
    )
    return Decimal(done or 0) / Decimal(total) if total else Decimal(0)


async def _take_quiz(
    seeder: DemoSeeder, student: User, course: Course, quiz: Quiz, *, all_right: bool
) -> None:
    session = seeder.session
    taken = await session.scalar(
        select(QuizAttempt.id).where(
            QuizAttempt.user_id == student.id, QuizAttempt.quiz_id == quiz.id
        )
    )
    if taken is not None:
        return
    started = await attempts.start_attempt(session, student, course.uuid, quiz.uuid)
    questions = await session.scalars(
        select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id).order_by(QuizQuestion.order)
    )
    for question in questions:
        options = list(
            await session.scalars(
                select(QuizOption)
                .where(QuizOption.question_id == question.id)
                .order_by(QuizOption.order)
            )
        )
        right = [option.id for option in options if option.is_correct]
        # Halfway through, the last question is only half right.
        chosen = right if all_right or len(right) == 1 else right[:1]
        await attempts.save_answer(
            session, student, started.attempt.uuid, question.id, {"selected_options": chosen}
        )
    await attempts.submit_attempt(session, student, started.attempt.uuid)
    seeder.added["quiz_attempts"] = seeder.added.get("quiz_attempts", 0) + 1


async def _hand_in(
    seeder: DemoSeeder,
    student: User,
    course: Course,
    project: Assignment,
    *,
    graded: bool,
    number: int,
) -> None:
    session = seeder.session
    handed_in = await session.scalar(
        select(AssignmentSubmission.id).where(
            AssignmentSubmission.user_id == student.id,
            AssignmentSubmission.assignment_id == project.id,
        )
    )
    if handed_in is not None:
        return
    _, submission = await submissions.create_draft(
        session,
        student,
        course.uuid,
        project.uuid,
        content=f"<p>My plan: use {course.title.lower()} on a project at work, one small "
        "step a week, and compare the results with last month's.</p>",
        uploads=[],
        submit=True,
    )
    seeder.added["assignment_submissions"] = seeder.added.get("assignment_submissions", 0) + 1
    if not graded:
        return
    grader = await session.get_one(User, course.instructor_id)
    feedback = content.PROJECT_FEEDBACK[number % len(content.PROJECT_FEEDBACK)]
    await grading.grade(
        session,
        course,
        grader,
        submission.uuid,
        SubmissionGradeIn(points=Decimal(78 + 4 * (number % 5)), feedback=feedback),
    )
