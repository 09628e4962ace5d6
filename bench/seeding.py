"""The platform the endpoint benchmarks run on: a modest one, seeded with bulk inserts.

Categories, tags, instructors, hundreds of published courses with sections and lessons,
students enrolled in several courses each (and with two paid courses they do not own in
their cart), newcomers enrolled nowhere (they enroll in free courses) and accounts to sign
in with: a few dozen statements whatever the numbers.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench.harness import PASSWORD_HASH
from lectern.models import (
    Cart,
    CartItem,
    Category,
    Course,
    CourseLevel,
    CoursePriceType,
    CourseSection,
    CourseStatus,
    CourseTag,
    Enrollment,
    EnrollmentType,
    Lesson,
    LessonType,
    Tag,
    User,
    UserRole,
)
from lectern.security.passwords import hash_now

LOGIN_PASSWORD = "Bench-pass-1"  # noqa: S105
LEVELS = [level.value for level in CourseLevel]
WORDS = [
    "python",
    "data",
    "web",
    "design",
    "business",
    "marketing",
    "finance",
    "music",
    "photography",
    "cooking",
    "yoga",
    "drawing",
    "writing",
    "excel",
    "statistics",
    "machine",
    "learning",
    "cloud",
    "security",
    "networks",
    "guitar",
    "piano",
    "leadership",
    "sales",
    "accounting",
    "javascript",
    "react",
    "databases",
    "spanish",
    "french",
]


@dataclass(frozen=True)
class Size:
    courses: int = 300
    students: int = 500
    enrollments_per_student: int = 5
    newcomers: int = 50  # each enrolls in every free course


@dataclass(frozen=True)
class Learner:
    user: uuid.UUID
    course: uuid.UUID
    lessons: list[uuid.UUID]  # the lessons the lesson benchmark opens
    video: uuid.UUID  # the lesson the heartbeat benchmark plays
    video_seconds: int = 600  # its running time


@dataclass
class Seeded:
    slugs: list[str]
    free_courses: list[uuid.UUID]
    learners: list[Learner]  # a student and one of their courses (one per student)
    students: list[uuid.UUID]  # enrolled in several courses each, two more in their cart
    newcomers: list[uuid.UUID]  # enrolled nowhere: they enroll in free courses
    logins: list[str]  # e-mail addresses signing in with login_password
    login_password: str = LOGIN_PASSWORD


async def _ids(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk INSERT ... RETURNING id, in the order of ``rows``."""
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list((await conn.scalars(statement, rows)).all())


async def seed(url: URL, size: Size) -> Seeded:
    """A modest platform: bulk inserts, a few dozen statements whatever the numbers."""
    rng = random.Random(7)  # noqa: S311 - data, not secrets
    now = datetime.now(UTC)
    lessons_per_section, sections_per_course = 5, 4
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            parents = await _ids(
                conn,
                Category,
                [{"name": f"Topic {n}", "slug": f"topic-{n}", "order": n} for n in range(8)],
            )
            children = await _ids(
                conn,
                Category,
                [
                    {"name": f"Topic {p}.{n}", "slug": f"topic-{p}-{n}", "parent_id": parent}
                    for p, parent in enumerate(parents)
                    for n in range(3)
                ],
            )
            tags = await _ids(
                conn, Tag, [{"name": f"Tag {n}", "slug": f"tag-{n}"} for n in range(60)]
            )
            teachers = await _ids(
                conn,
                User,
                [
                    {
                        "name": f"Teacher {n}",
                        "username": f"teacher{n}",
                        "email": f"teacher{n}@example.test",
                        "password_hash": PASSWORD_HASH,
                        "role": UserRole.INSTRUCTOR,
                        "email_verified_at": now,
                    }
                    for n in range(30)
                ],
            )
            course_uuids = [uuid.uuid4() for _ in range(size.courses)]
            course_rows: list[dict[str, Any]] = []
            for n, course_uuid in enumerate(course_uuids):
                is_free = n % 3 == 0
                words = rng.sample(WORDS, 6)
                child = rng.randrange(len(children))
                course_rows.append(
                    {
                        "uuid": course_uuid,
                        "instructor_id": teachers[n % len(teachers)],
                        "category_id": parents[child // 3],
                        "subcategory_id": children[child],
                        "title": f"{words[0].title()} and {words[1]} course {n}",
                        "slug": f"course-{n}",
                        "subtitle": f"Learn {words[2]} with {words[3]}",
                        "short_description": f"A course on {' '.join(words[:4])}.",
                        "description": " ".join(rng.choices(WORDS, k=120)),
                        "requirements": ["A computer", f"Curiosity about {words[4]}"],
                        "what_you_learn": [f"{word.title()} basics" for word in words],
                        "target_audience": ["Beginners", "Professionals"],
                        "price_type": CoursePriceType.FREE if is_free else CoursePriceType.PAID,
                        "price": None if is_free else Decimal(rng.randrange(10, 200)),
                        "level": LEVELS[n % len(LEVELS)],
                        "language": "en" if n % 5 else "fr",
                        "duration_minutes": lessons_per_section * sections_per_course * 10,
                        "total_sections": sections_per_course,
                        "total_lectures": lessons_per_section * sections_per_course,
                        "rating": Decimal(rng.randrange(300, 500)) / 100,
                        "total_reviews": rng.randrange(0, 500),
                        "total_enrollments": rng.randrange(0, 5000),
                        "status": CourseStatus.PUBLISHED,
                        "is_published": True,
                        "is_approved": True,
                        "is_featured": n % 10 == 0,
                        "published_at": now - timedelta(days=n),
                    }
                )
            courses = await _ids(conn, Course, course_rows)
            await conn.execute(
                insert(CourseTag),
                [
                    {"course_id": course, "tag_id": tag}
                    for course in courses
                    for tag in rng.sample(tags, 3)
                ],
            )
            sections = await _ids(
                conn,
                CourseSection,
                [
                    {"course_id": course, "title": f"Part {s + 1}", "order": s}
                    for course in courses
                    for s in range(sections_per_course)
                ],
            )
            lesson_uuids: dict[int, list[uuid.UUID]] = {course: [] for course in courses}
            lesson_rows = []
            for position, section in enumerate(sections):
                course = courses[position // sections_per_course]
                for n in range(lessons_per_section):
                    lesson_uuid = uuid.uuid4()
                    lesson_uuids[course].append(lesson_uuid)
                    lesson_rows.append(
                        {
                            "uuid": lesson_uuid,
                            "course_id": course,
                            "section_id": section,
                            "title": f"Lesson {n + 1}",
                            "description": "What this lesson covers.",
                            "order": n,
                            "type": LessonType.VIDEO,
                            "video_url": f"https://video.example/{lesson_uuid}.mp4",
                            "duration_seconds": 600,
                            "is_free": position % sections_per_course == 0 and n == 0,
                        }
                    )
            await conn.execute(insert(Lesson), lesson_rows)

            def people(prefix: str, count: int, password_hash: str) -> list[dict[str, Any]]:
                return [
                    {
                        "uuid": uuid.uuid4(),
                        "name": f"{prefix.title()} {n}",
                        "username": f"{prefix}{n}",
                        "email": f"{prefix}{n}@example.test",
                        "password_hash": password_hash,
                        "role": UserRole.STUDENT,
                        "email_verified_at": now,
                    }
                    for n in range(count)
                ]

            student_rows = people("student", size.students, PASSWORD_HASH)
            students = await _ids(conn, User, student_rows)
            free = [n for n in range(len(courses)) if n % 3 == 0]
            newcomer_rows = people("newcomer", size.newcomers, PASSWORD_HASH)
            await conn.execute(insert(User), newcomer_rows)
            login_rows = people("login", 20, hash_now(LOGIN_PASSWORD))
            await conn.execute(insert(User), login_rows)

            total = lessons_per_section * sections_per_course
            enrollment_rows = []
            learners = []
            cart_rows = []
            carts = await _ids(conn, Cart, [{"user_id": student} for student in students])
            paid = sorted(set(range(len(courses))) - set(free))
            for s, student in enumerate(students):
                picked = rng.sample(range(len(courses)), size.enrollments_per_student)
                for course_index in rng.sample([n for n in paid if n not in picked], 2):
                    cart_rows.append(
                        {
                            "cart_id": carts[s],
                            "course_id": courses[course_index],
                            "price": course_rows[course_index]["price"],
                        }
                    )
                for course_index in picked:
                    enrollment_rows.append(
                        {
                            "uuid": uuid.uuid4(),
                            "user_id": student,
                            "course_id": courses[course_index],
                            "enrollment_type": EnrollmentType.PAID,
                            "price_paid": 0,
                            "total_lessons": total,
                            "enrolled_at": now - timedelta(days=rng.randrange(1, 100)),
                        }
                    )
                first = courses[picked[0]]
                lessons = lesson_uuids[first]
                learners.append(
                    Learner(student_rows[s]["uuid"], course_uuids[picked[0]], lessons, lessons[0])
                )
            await conn.execute(insert(Enrollment), enrollment_rows)
            await conn.execute(insert(CartItem), cart_rows)
        # Statistics, as autovacuum keeps them on a live platform: without them the planner
        # guesses, and reads every lesson for each row of the dashboard.
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return Seeded(
        slugs=[row["slug"] for row in course_rows],
        free_courses=[course_uuids[n] for n in free],
        learners=learners,
        students=[row["uuid"] for row in student_rows],
        newcomers=[row["uuid"] for row in newcomer_rows],
        logins=[row["email"] for row in login_rows],
    )
