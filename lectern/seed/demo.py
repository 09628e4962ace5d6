"""`lectern db seed --demo`: a small, realistic school built through the model layer.

Every row is looked up by its natural key before it is added, so a second run adds
nothing; the statistics kept on rows (totals, ratings, progress) are recomputed from
the rows themselves at the end, so they are right however often the seed runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Coroutine
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lectern import runtime
from lectern.db import unit_of_work
from lectern.kit.slugs import make_slug
from lectern.kit.types import utcnow
from lectern.models import (
    Base,
    Category,
    Course,
    CourseLevel,
    CoursePriceType,
    CourseSection,
    CourseStatus,
    CourseTag,
    Enrollment,
    EnrollmentStatus,
    EnrollmentType,
    InstructorProfile,
    InstructorProfileStatus,
    Lesson,
    LessonProgress,
    LessonType,
    Review,
    ReviewStatus,
    Tag,
    User,
    UserRole,
)
from lectern.platform import service as settings_service
from lectern.security.passwords import hash_now
from lectern.seed import (
    demo_assessments,
    demo_certificates,
    demo_commerce,
    demo_community,
    demo_live,
)
from lectern.seed import demo_content as content
from lectern.seed.demo_assessments import ASSESSMENTS

M = TypeVar("M", bound=Base)
CENT = Decimal("0.01")


class DemoSeeder:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.added: dict[str, int] = {}
        self.random = random.Random(2026)  # the same school on every run  # noqa: S311
        self.now = utcnow()
        self.password_hash = hash_now(content.DEMO_PASSWORD)

    async def get_or_add(self, model: type[M], key: dict[str, Any], **values: Any) -> M:
        """The row with these key columns, added with ``values`` when missing."""
        found = await self.session.scalar(select(model).filter_by(**key))
        if found is not None:
            return found
        row = model(**key, **values)
        self.session.add(row)
        await self.session.flush()
        label = str(model.__table__.name)  # type: ignore[attr-defined]
        self.added[label] = self.added.get(label, 0) + 1
        return row

    async def user(self, name: str, email: str, role: UserRole) -> User:
        return await self.get_or_add(
            User,
            {"email": email},
            name=name,
            username=email.split("@")[0],
            password_hash=self.password_hash,
            role=role,
            email_verified_at=self.now,
        )

    # -- the steps, in order ---------------------------------------------------------------

    async def settings(self) -> None:
        added = await settings_service.ensure_defaults(self.session)
        if added:
            self.added["settings"] = len(added)

    async def people(self) -> None:
        await self.user(*content.ADMIN, UserRole.ADMIN)
        self.instructors = []
        for spec in content.INSTRUCTORS:
            user = await self.user(spec.name, spec.email, UserRole.INSTRUCTOR)
            await self.get_or_add(
                InstructorProfile,
                {"user_id": user.id},
                headline=spec.headline,
                bio=spec.bio,
                short_bio=spec.headline,
                expertise=spec.expertise,
                social_links={"website": f"https://example.com/{user.username}"},
                status=InstructorProfileStatus.APPROVED,
            )
            self.instructors.append(user)
        self.students = [
            await self.user(name, email, UserRole.STUDENT) for name, email in content.STUDENTS
        ]

    async def catalog(self) -> None:
        self.subcategories: dict[str, Category] = {}
        for order, (parent_name, children) in enumerate(content.CATEGORIES.items()):
            parent = await self.get_or_add(
                Category,
                {"slug": make_slug(parent_name)},
                name=parent_name,
                description=f"Courses in {parent_name.lower()}.",
                order=order,
                is_featured=order < 2,
            )
            for child_order, child in enumerate(children):
                self.subcategories[child] = await self.get_or_add(
                    Category,
                    {"slug": make_slug(child)},
                    name=child,
                    parent_id=parent.id,
                    order=child_order,
                )
        self.tags = {
            name: await self.get_or_add(Tag, {"slug": make_slug(name)}, name=name)
            for name in content.TAGS
        }

    async def courses(self) -> None:
        self.course_rows: list[Course] = []
        for title, teacher, subcategory_name, price, level, tags in content.COURSES:
            subcategory = self.subcategories[subcategory_name]
            published = self.now - timedelta(days=30 + 10 * len(self.course_rows))
            course = await self.get_or_add(
                Course,
                {"slug": make_slug(title)},
                title=title,
                instructor_id=self.instructors[teacher].id,
                category_id=subcategory.parent_id,
                subcategory_id=subcategory.id,
                subtitle=f"A practical course: {title.lower()}.",
                short_description=f"Learn {title.lower()} step by step.",
                description=f"{title} takes you from the basics to real work, one lesson "
                "at a time, with exercises after every section.",
                requirements=["A computer with internet access", "Curiosity"],
                what_you_learn=["The core ideas", "How to apply them", "Where to go next"],
                target_audience=["Beginners and practitioners who want a refresher"],
                price_type=CoursePriceType.PAID if price else CoursePriceType.FREE,
                price=price,
                compare_price=(price * 2).quantize(CENT) if price else None,
                level=CourseLevel(level),
                status=CourseStatus.PUBLISHED,
                is_published=True,
                is_approved=True,
                is_new=len(self.course_rows) >= len(content.COURSES) - 2,
                submitted_at=published - timedelta(days=2),
                approved_at=published,
                published_at=published,
                meta_title=title,
                meta_description=f"Learn {title.lower()} on Lectern.",
            )
            for tag in tags:
                await self.get_or_add(
                    CourseTag, {"course_id": course.id, "tag_id": self.tags[tag].id}
                )
            await self.curriculum(course)
            self.course_rows.append(course)

    async def curriculum(self, course: Course) -> None:
        lessons_per_section = len(content.LESSONS) // len(content.SECTIONS) + 1
        plan = iter(content.LESSONS)
        for order, title in enumerate(content.SECTIONS):
            section = await self.get_or_add(
                CourseSection,
                {"course_id": course.id, "order": order},
                title=title,
                description=f"{title} with {course.title}.",
            )
            for lesson_order in range(lessons_per_section):
                kind, lesson_title, seconds = next(plan, (None, "", 0))
                if kind is None:
                    break
                await self.get_or_add(
                    Lesson,
                    {"section_id": section.id, "order": lesson_order},
                    course_id=course.id,
                    title=lesson_title,
                    type=LessonType(kind),
                    duration_seconds=seconds,
                    is_free=order == 0 and lesson_order == 0,
                    **_lesson_media(LessonType(kind), course.slug, seconds),
                )

    async def learning(self) -> None:
        lessons = {
            course.id: list(
                await self.session.scalars(
                    select(Lesson)
                    .join(CourseSection, CourseSection.id == Lesson.section_id)
                    # Quizzes and projects are done through their own services (coursework).
                    .where(Lesson.course_id == course.id, Lesson.type.not_in(ASSESSMENTS))
                    .order_by(CourseSection.order, Lesson.order)
                )
            )
            for course in self.course_rows
        }
        for index, student in enumerate(self.students):
            for offset in range(2 + index % 3):
                course = self.course_rows[(index + offset) % len(self.course_rows)]
                await self.enroll(student, course, lessons[course.id], index, offset)

    async def enroll(
        self, student: User, course: Course, lessons: list[Lesson], index: int, offset: int
    ) -> None:
        enrolled_at = self.now - timedelta(days=20 - offset * 3)
        free = course.price_type == CoursePriceType.FREE
        enrollment = await self.get_or_add(
            Enrollment,
            {"user_id": student.id, "course_id": course.id},
            enrollment_type=EnrollmentType.FREE if free else EnrollmentType.GIFTED,
            enrolled_at=enrolled_at,
        )
        # A spread of progress: some just started, some halfway, some finished.
        done = len(lessons) * ((index + offset) % 5) // 4
        for position, lesson in enumerate(lessons[:done]):
            await self.get_or_add(
                LessonProgress,
                {"user_id": student.id, "lesson_id": lesson.id},
                enrollment_id=enrollment.id,
                is_completed=True,
                completed_at=enrolled_at + timedelta(days=1 + position // 3),
                watch_time=lesson.duration_seconds,
                last_position=lesson.duration_seconds,
                progress_percentage=Decimal(100),
                views_count=1,
                last_watched_at=enrolled_at + timedelta(days=1 + position // 3),
            )
        if done * 2 >= len(lessons):
            title, text = content.REVIEW_TEXTS[(index + offset) % len(content.REVIEW_TEXTS)]
            await self.get_or_add(
                Review,
                {"user_id": student.id, "course_id": course.id},
                enrollment_id=enrollment.id,
                rating=Decimal(3 + (index + offset) % 3),
                title=title,
                content=text,
                status=ReviewStatus.APPROVED,
                is_verified_purchase=not free,
                moderated_at=self.now,
            )

    async def statistics(self) -> None:
        """Recompute every total the demo rows feed, from the rows themselves."""
        for course in self.course_rows:
            await self.course_totals(course)
        for enrollment in await self.session.scalars(select(Enrollment)):
            await self.enrollment_progress(enrollment)
        for instructor in self.instructors:
            await self.instructor_totals(instructor)
        await self.lesson_completions()

    async def lesson_completions(self) -> None:
        """Each lesson's ``total_completions``: its completed progress rows (one UPDATE)."""
        completed = (
            select(func.count(LessonProgress.id))
            .where(LessonProgress.lesson_id == Lesson.id, LessonProgress.is_completed.is_(True))
            .scalar_subquery()
        )
        await self.session.execute(
            update(Lesson)
            .values(total_completions=completed)
            .execution_options(synchronize_session=False)
        )

    async def course_totals(self, course: Course) -> None:
        sections = list(
            await self.session.scalars(
                select(CourseSection).where(CourseSection.course_id == course.id)
            )
        )
        total_seconds = 0
        for section in sections:
            seconds = await self._sum(Lesson.duration_seconds, Lesson.section_id == section.id)
            section.duration_minutes = _minutes(seconds)
            total_seconds += seconds
        course.total_sections = len(sections)
        course.total_lectures = await self._count(Lesson.id, Lesson.course_id == course.id)
        course.duration_minutes = _minutes(total_seconds)
        course.total_enrollments = await self._count(
            Enrollment.id, Enrollment.course_id == course.id
        )
        reviews = (Review.course_id == course.id, Review.status == ReviewStatus.APPROVED)
        course.total_reviews = await self._count(Review.id, *reviews)
        course.rating = await self._average(Review.rating, *reviews)

    async def enrollment_progress(self, enrollment: Enrollment) -> None:
        total = await self._count(Lesson.id, Lesson.course_id == enrollment.course_id)
        rows = list(
            await self.session.scalars(
                select(LessonProgress)
                .where(LessonProgress.enrollment_id == enrollment.id)
                .order_by(LessonProgress.completed_at, LessonProgress.lesson_id)
            )
        )
        done_rows = [row for row in rows if row.is_completed]
        enrollment.total_lessons = total
        enrollment.completed_lessons = len(done_rows)
        enrollment.total_watch_time = sum(row.watch_time for row in rows)
        enrollment.progress_percentage = (
            (Decimal(100) * len(done_rows) / total).quantize(CENT, ROUND_HALF_UP)
            if total
            else Decimal(0)
        )
        if done_rows:
            enrollment.last_lesson_id = done_rows[-1].lesson_id
            enrollment.last_accessed_at = done_rows[-1].last_watched_at
        if total and len(done_rows) == total:
            enrollment.status = EnrollmentStatus.COMPLETED
            enrollment.completed_at = done_rows[-1].completed_at

    async def instructor_totals(self, instructor: User) -> None:
        courses = select(Course.id).where(Course.instructor_id == instructor.id)
        reviews = (Review.course_id.in_(courses), Review.status == ReviewStatus.APPROVED)
        await self.session.execute(
            update(InstructorProfile)
            .where(InstructorProfile.user_id == instructor.id)
            .values(
                total_courses=await self._count(Course.id, Course.instructor_id == instructor.id),
                total_students=await self._count(
                    func.distinct(Enrollment.user_id), Enrollment.course_id.in_(courses)
                ),
                total_reviews=await self._count(Review.id, *reviews),
                rating=await self._average(Review.rating, *reviews),
            )
        )

    async def _count(self, column: Any, *where: Any) -> int:
        return int(await self.session.scalar(select(func.count(column)).where(*where)) or 0)

    async def _sum(self, column: Any, *where: Any) -> int:
        return int(
            await self.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)) or 0
        )

    async def _average(self, column: Any, *where: Any) -> Decimal:
        # Ratings are stored exactly (hundredths); average the stored values.
        values = list(await self.session.scalars(select(column).where(*where)))
        if not values:
            return Decimal(0)
        return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def _minutes(seconds: int) -> int:
    return (seconds + 59) // 60


def _lesson_media(kind: LessonType, slug: str, seconds: int) -> dict[str, Any]:
    base = f"https://media.lectern.test/{slug}"
    if kind == LessonType.VIDEO:
        return {"video_url": f"{base}/video-{seconds}.mp4", "video_provider": "html5"}
    if kind == LessonType.AUDIO:
        return {"audio_url": f"{base}/interview.mp3", "audio_duration": seconds}
    if kind == LessonType.DOCUMENT:
        return {"document_url": f"{base}/cheat-sheet.pdf", "document_type": "pdf"}
    if kind == LessonType.EMBED:
        return {"embed_code": f'<iframe src="{base}/sandbox" title="Sandbox"></iframe>'}
    return {"content": "<p>Read this section carefully; the exercises build on it.</p>"}


STEPS: list[tuple[str, Callable[[DemoSeeder], Coroutine[Any, Any, None]]]] = [
    ("platform settings", DemoSeeder.settings),
    ("people", DemoSeeder.people),
    ("catalog", DemoSeeder.catalog),
    ("courses and curricula", DemoSeeder.courses),
    ("enrollments, progress and reviews", DemoSeeder.learning),
    ("quizzes and projects", demo_assessments.assessments),
    ("quiz attempts and graded projects", demo_assessments.coursework),
    ("carts and orders", demo_commerce.carts_and_orders),
    ("certificates", demo_certificates.certificates),
    ("questions, answers, announcements", demo_community.community),
    ("live classes", demo_live.live_classes),
    ("statistics", DemoSeeder.statistics),
]


async def seed(url: str, console: Console | None = None) -> dict[str, int]:
    """Seed the demo school into the database at ``url``; returns rows added per table."""
    async with runtime.database(url) as sessions, unit_of_work(sessions) as session:
        seeder = DemoSeeder(session)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Seeding the demo school", total=len(STEPS))
            for label, step in STEPS:
                progress.update(task, description=f"Seeding {label}")
                await step(seeder)
                progress.advance(task)
        return seeder.added
