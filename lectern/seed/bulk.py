"""Loading generated rows in bulk: COPY or executemany, the big tables' keys and indexes set
aside during a large load, the counters recomputed set-based afterwards, and the timings."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from lectern.kit.types import ExactDecimal
from lectern.models import Base


@dataclass
class TableStats:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Report:
    tables: dict[str, TableStats] = field(default_factory=dict)
    generate_seconds: float = 0.0  # making rows in Python
    counters_seconds: float = 0.0  # the set-based UPDATEs at the end
    rebuild_seconds: float = 0.0  # indexes and foreign keys added back (PostgreSQL)
    vacuum_seconds: float = 0.0  # VACUUM ANALYZE after the load (PostgreSQL)
    total_seconds: float = 0.0

    def add(self, table: str, rows: int, seconds: float) -> None:
        stats = self.tables.setdefault(table, TableStats())
        stats.rows += rows
        stats.seconds += seconds

    def rows(self) -> int:
        return sum(s.rows for s in self.tables.values())

    def markdown(self) -> str:
        lines = ["| table | rows | load s | rows/s |", "| --- | ---: | ---: | ---: |"]
        for name, stats in self.tables.items():
            rate = stats.rows / stats.seconds if stats.seconds else 0.0
            lines.append(f"| {name} | {stats.rows:,} | {stats.seconds:.1f} | {rate:,.0f} |")
        total = self.rows()
        lines.append(
            f"| **all** | {total:,} | {self.total_seconds:.1f} "
            f"| {total / self.total_seconds if self.total_seconds else 0:,.0f} |"
        )
        lines.append("")
        lines.append(
            f"Python row generation {self.generate_seconds:.1f} s, indexes and foreign keys "
            f"rebuilt {self.rebuild_seconds:.1f} s, counter UPDATEs "
            f"{self.counters_seconds:.1f} s, VACUUM ANALYZE {self.vacuum_seconds:.1f} s, "
            f"total {self.total_seconds:.1f} s."
        )
        return "\n".join(lines)


class Loader:
    """Bulk inserts on one connection: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, conn: AsyncConnection, report: Report) -> None:
        self.conn = conn
        self.report = report
        self.postgres = conn.dialect.name == "postgresql"
        self._raw: Any = None
        self._sql: dict[tuple[str, tuple[str, ...]], tuple[str, list[Any]]] = {}

    async def load(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        if self.postgres:
            if self._raw is None:
                self._raw = (await self.conn.get_raw_connection()).driver_connection
            await self._raw.copy_records_to_table(table, records=rows, columns=list(columns))
        else:
            sql, processors = self._statement(table, tuple(columns))
            if any(p is not None for p in processors):
                rows = [
                    tuple(
                        v if p is None or v is None else p(v)
                        for p, v in zip(processors, row, strict=True)
                    )
                    for row in rows
                ]
            await self.conn.exec_driver_sql(sql, rows)
        self.report.add(table, len(rows), time.perf_counter() - started)

    def _statement(self, table: str, columns: tuple[str, ...]) -> tuple[str, list[Any]]:
        key = (table, columns)
        if key not in self._sql:
            dialect = self.conn.dialect
            quote = dialect.identifier_preparer.quote
            schema: Table = Base.metadata.tables[table]
            processors: list[Any] = []
            for name in columns:
                kind = schema.c[name].type
                # Exact decimals arrive already as their integer unit.
                processors.append(
                    None if isinstance(kind, ExactDecimal) else kind.bind_processor(dialect)
                )
            sql = (
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            self._sql[key] = (sql, processors)
        return self._sql[key]


COUNTERS = [
    # courses: enrollments, reviews, rating (approved reviews, 2 places).
    """UPDATE courses SET total_enrollments = s.n
       FROM (SELECT course_id, count(*) AS n FROM enrollments GROUP BY course_id) AS s
       WHERE courses.id = s.course_id""",
    """UPDATE courses SET total_reviews = s.n, rating = s.rating
       FROM (SELECT course_id, count(*) AS n, CAST(round(avg(rating)) AS BIGINT) AS rating
             FROM reviews WHERE status = 'approved' AND deleted_at IS NULL
             GROUP BY course_id) AS s
       WHERE courses.id = s.course_id""",
    # lessons: completions and views.
    """UPDATE lessons SET total_completions = s.done, total_views = s.views
       FROM (SELECT lesson_id, sum(CASE WHEN is_completed THEN 1 ELSE 0 END) AS done,
                    sum(views_count) AS views
             FROM lesson_progress GROUP BY lesson_id) AS s
       WHERE lessons.id = s.lesson_id""",
    # instructors: courses, students (distinct learners), reviews, rating.
    """UPDATE instructor_profiles SET total_courses = s.n
       FROM (SELECT instructor_id, count(*) AS n FROM courses WHERE deleted_at IS NULL
             GROUP BY instructor_id) AS s
       WHERE instructor_profiles.user_id = s.instructor_id""",
    """UPDATE instructor_profiles SET total_students = s.n
       FROM (SELECT c.instructor_id, count(DISTINCT e.user_id) AS n
             FROM enrollments e JOIN courses c ON c.id = e.course_id
             GROUP BY c.instructor_id) AS s
       WHERE instructor_profiles.user_id = s.instructor_id""",
    """UPDATE instructor_profiles SET total_reviews = s.n, rating = s.rating
       FROM (SELECT c.instructor_id, count(*) AS n,
                    CAST(round(avg(r.rating)) AS BIGINT) AS rating
             FROM reviews r JOIN courses c ON c.id = r.course_id
             WHERE r.status = 'approved' AND r.deleted_at IS NULL
             GROUP BY c.instructor_id) AS s
       WHERE instructor_profiles.user_id = s.instructor_id""",
]

PG_SEARCH_REFRESH = """UPDATE courses SET search_vector = courses_search_document(
    title, subtitle, description, courses_search_tags(id))"""

SEQUENCED = (
    "users", "instructor_profiles", "categories", "tags", "courses", "course_sections",
    "lessons", "enrollments", "lesson_progress", "reviews", "orders", "order_items",
)  # fmt: skip


# The big tables: PostgreSQL checks each COPYed row's foreign keys one by one (a trigger
# per key and row) and updates every index as rows arrive; dropping the foreign keys and
# the plain indexes for the load and adding them back afterwards (one validating join
# per key, one sort per index) is several times faster. Primary keys and unique
# constraints stay. Inside the load's transaction: all or nothing.
BULK_TABLES = ("orders", "order_items", "enrollments", "lesson_progress", "reviews")
BULK_THRESHOLD = 10_000  # enrollments: below this, not worth the DDL


async def drop_for_load(conn: AsyncConnection) -> list[str]:
    """Drop the foreign keys and plain indexes of BULK_TABLES; return the statements
    that restore them."""
    tables = ", ".join(f"'{name}'::regclass" for name in BULK_TABLES)
    keys: Sequence[Any] = (
        await conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "  # noqa: S608
            f"FROM pg_constraint WHERE contype = 'f' AND conrelid IN ({tables}) ORDER BY oid"
        )
    ).all()
    indexes: Sequence[Any] = (
        await conn.exec_driver_sql(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) "  # noqa: S608
            f"FROM pg_index WHERE indrelid IN ({tables}) AND NOT indisprimary "
            "AND NOT indisunique ORDER BY indexrelid"
        )
    ).all()
    restore: list[str] = []
    for table, name, definition in keys:
        await conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        await conn.exec_driver_sql(f"DROP INDEX {name}")
        restore.insert(0, definition)  # indexes first: the key checks may use them
    return restore
