"""Prebuilt statements (lectern.kit.prebuilt): the rows the ORM would read, list
parameters of any length, a write inside the unit of work's transaction, a read outside
one on PostgreSQL, the engine's listeners hearing every statement, the one connection a
unit of work holds for its statements and its session, and how that unit of work commits
(its errors SQLAlchemy's) and closes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, column, event, insert, inspect, select, table, text, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lectern import db, migrate
from lectern.errors import LecternError
from lectern.kit.prebuilt import Prebuilt, commit, loaded, nothing_to_commit
from lectern.kit.types import utcnow
from lectern.models import Course, CourseLevel, CoursePriceType, CourseTag, User, UserRole
from tests.dbs import Databases, on_postgresql
from tests.factories import create_user
from tests.factories.learning import create_published_course
from tests.factories.taxonomy import create_tag
from tests.queries import count_queries

COURSE = Prebuilt(
    select(
        Course.id, Course.uuid, Course.price, Course.price_type, Course.level,
        Course.requirements, Course.published_at, User.username.label("owner"),
    )
    .join(User, User.id == Course.instructor_id)
    .where(Course.slug == bindparam("slug"))
)  # fmt: skip
TITLES = Prebuilt(
    select(Course.title).where(Course.id.in_(bindparam("ids", expanding=True))).order_by(Course.id)
)
RENAME = Prebuilt(update(Course).where(Course.id == bindparam("course_id")).values(title="Renamed"))
RETITLE = Prebuilt(
    update(Course).where(Course.id == bindparam("course_id")).values(title=bindparam("title"))
)


async def test_rows_hold_the_values_the_orm_reads(session: AsyncSession) -> None:
    course = await create_published_course(
        session,
        price=Decimal("49.90"),
        requirements=["A laptop"],
        level=CourseLevel.ADVANCED,
        published_at=utcnow(),
    )
    owner = await session.get(User, course.instructor_id)
    assert owner is not None

    row = await COURSE.first(session, slug=course.slug)

    assert row is not None
    assert row["uuid"] == course.uuid
    assert isinstance(row["uuid"], uuid.UUID)
    assert row["price"] == Decimal("49.90")
    assert row["price_type"] == CoursePriceType.PAID
    assert row["level"] == CourseLevel.ADVANCED  # the stored string, equal to its member
    assert row["requirements"] == ["A laptop"]
    assert row["published_at"] == course.published_at
    assert row["published_at"].utcoffset() is not None  # aware, as the ORM gives it
    assert row["owner"] == owner.username
    assert await COURSE.first(session, slug="no-such-course") is None


async def test_a_list_parameter_takes_any_number_of_items(session: AsyncSession) -> None:
    courses = [await create_published_course(session, title=f"Course {n}") for n in range(3)]
    ids = [course.id for course in courses]

    assert [row["title"] for row in await TITLES.rows(session, ids=ids)] == [
        "Course 0",
        "Course 1",
        "Course 2",
    ]
    assert [row["title"] for row in await TITLES.rows(session, ids=ids[1:])] == [
        "Course 1",
        "Course 2",
    ]
    assert await TITLES.scalar(session, ids=ids[:1]) == "Course 0"


async def test_the_engines_listeners_hear_the_statements(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    course = await create_published_course(session)
    await session.flush()

    with count_queries(engine) as statements:
        await COURSE.first(session, slug=course.slug)
        assert await RENAME.execute(session, course_id=course.id) == 1

    assert len(statements) == 2
    assert statements[1].lstrip().upper().startswith("UPDATE")


async def test_a_driver_error_is_sqlalchemys(session: AsyncSession) -> None:
    course = await create_published_course(session)
    await session.flush()
    duplicate = Prebuilt(
        insert(CourseTag).values(course_id=bindparam("course_id"), tag_id=bindparam("tag_id"))
    )
    tag = await create_tag(session)
    await session.flush()
    await duplicate.execute(session, course_id=course.id, tag_id=tag.id)

    with pytest.raises(IntegrityError):
        await duplicate.execute(session, course_id=course.id, tag_id=tag.id)


@pytest.fixture
def own_db(databases: Databases) -> URL:
    """A database of its own: the units of work below commit for real."""
    url = databases.new()
    migrate.upgrade(url)
    return url


@pytest.fixture
async def own_engine(own_db: URL) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(own_db)
    yield engine
    await engine.dispose()


async def test_a_write_is_part_of_the_unit_of_work(own_engine: AsyncEngine) -> None:
    sessions = db.session_factory(own_engine)
    async with db.unit_of_work(sessions) as session:
        course_id = (await create_published_course(session, title="Kept")).id

    async def rename_then_fail() -> None:
        async with db.unit_of_work(sessions) as session:
            assert await RENAME.execute(session, course_id=course_id) == 1
            raise RuntimeError("changed its mind")

    with pytest.raises(RuntimeError, match="changed its mind"):
        await rename_then_fail()

    async with db.unit_of_work(sessions) as session:
        assert await session.scalar(select(Course.title).where(Course.id == course_id)) == "Kept"
        assert await RENAME.execute(session, course_id=course_id) == 1
    async with db.unit_of_work(sessions) as session:
        assert await session.scalar(select(Course.title)) == "Renamed"


@pytest.mark.skipif(not on_postgresql(), reason="SQLite's unit of work begins at once")
async def test_a_read_runs_without_a_transaction_a_write_begins_one(
    own_engine: AsyncEngine,
) -> None:
    sessions = db.session_factory(own_engine)
    async with db.unit_of_work(sessions) as session:
        await create_user(session)
        course = await create_published_course(session)

    async with db.unit_of_work(sessions) as session:
        with checkouts(own_engine) as taken:
            await COURSE.first(session, slug=course.slug)
            adapted = (await session.connection()).sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
            assert adapted._transaction is None  # type: ignore[union-attr]  # no BEGIN was sent
            await RENAME.execute(session, course_id=course.id)
            assert adapted._transaction is not None  # type: ignore[union-attr]
        assert len(taken) == 1  # the session's transaction began on the read's connection


USER = Prebuilt(select(User.__table__).where(User.id == bindparam("user_id")))


async def test_a_unit_of_work_knows_when_a_commit_has_nothing_to_do(
    own_engine: AsyncEngine,
) -> None:
    """Prebuilt reads on PostgreSQL ran outside a transaction: the unit of work ends by
    closing. A write, a change to an instance or a read through the ORM (in a transaction),
    and anything on SQLite (whose unit of work begins at once), commit."""
    sessions = db.session_factory(own_engine)
    async with db.unit_of_work(sessions) as session:
        assert nothing_to_commit(session)  # nothing ran
        await create_user(session)
        course = await create_published_course(session)
        assert not nothing_to_commit(session)

    async with db.unit_of_work(sessions) as session:
        await COURSE.first(session, slug=course.slug)
        assert nothing_to_commit(session) == on_postgresql()
        await RENAME.execute(session, course_id=course.id)
        assert not nothing_to_commit(session)
    async with db.unit_of_work(sessions) as session:
        assert await TITLES.scalar(session, ids=[course.id]) == "Renamed"  # committed

    async with db.unit_of_work(sessions) as session:
        await COURSE.first(session, slug=course.slug)
        found = await session.get(Course, course.id)
        assert found is not None
        assert not nothing_to_commit(session)  # the ORM's read began a transaction
    async with db.unit_of_work(sessions) as session:
        row = await USER.first(session, user_id=course.instructor_id)
        assert row is not None
        user = loaded(session, User, row)
        assert nothing_to_commit(session) == on_postgresql()
        user.name = "Changed"
        assert not nothing_to_commit(session)
    async with db.unit_of_work(sessions) as session:
        assert (await USER.first(session, user_id=course.instructor_id) or {})["name"] == "Changed"


async def test_an_instance_from_a_row_is_as_if_loaded(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    """``loaded``: the ORM instance of a row of all its table's columns, persistent in the
    session without a query; enumerations are members again; a change is flushed as an
    UPDATE of that column alone."""
    created = await create_user(session, role=UserRole.INSTRUCTOR)
    await session.flush()
    user_id = created.id
    session.expunge_all()
    row = await USER.first(session, user_id=user_id)
    assert row is not None
    with count_queries(engine) as statements:
        user = loaded(session, User, row)
        assert user.role is UserRole.INSTRUCTOR
        assert await session.get(User, user_id) is user  # in the identity map
        assert loaded(session, User, row) is user
        assert inspect(user).persistent
        assert not session.dirty
        user.name = "Renamed"
        await session.flush()
    assert len(statements) == 1
    assert statements[0].lstrip().upper().startswith("UPDATE")
    assert "name" in statements[0]
    assert "email" not in statements[0]
    session.expunge_all()
    again = await session.get(User, user_id)
    assert again is not None
    assert again.name == "Renamed"


async def test_an_instance_from_a_row_loads_its_relationships(session: AsyncSession) -> None:
    """A ``loaded`` instance is persistent like a queried one: its relationships load on
    demand and a refresh reads it again."""
    created = await create_user(session)
    await session.flush()
    user_id = created.id
    session.expunge_all()
    row = await USER.first(session, user_id=user_id)
    assert row is not None
    user = loaded(session, User, row)
    await session.refresh(user, ["refresh_tokens"])
    assert user.refresh_tokens == []
    await session.execute(update(User).where(User.id == user_id).values(name="Changed"))
    await session.refresh(user)
    assert user.name == "Changed"


async def test_the_connection_is_asked_again_once_its_transaction_ends(
    own_engine: AsyncEngine,
) -> None:
    """The connection kept for the session's transaction is not used after it ends: a
    released session reads on the connection of its next transaction."""
    sessions = db.session_factory(own_engine)
    async with db.unit_of_work(sessions) as session:
        await TITLES.rows(session, ids=[0])
        first = (await session.connection()).sync_connection
        await db.release(session)
        assert first is not None
        assert first.closed
        assert await TITLES.rows(session, ids=[0]) == []
        second = (await session.connection()).sync_connection
        assert second is not first


@contextmanager
def checkouts(engine: AsyncEngine) -> Iterator[list[object]]:
    """The pool connections taken inside the block."""
    taken: list[object] = []

    def record(_dbapi: object, _record: object, proxy: object) -> None:
        taken.append(proxy)

    event.listen(engine.sync_engine.pool, "checkout", record)
    try:
        yield taken
    finally:
        event.remove(engine.sync_engine.pool, "checkout", record)


async def committed_course(sessions: async_sessionmaker[AsyncSession], title: str) -> Course:
    async with db.unit_of_work(sessions) as session:
        return await create_published_course(session, title=title)


async def test_a_unit_of_work_runs_on_one_connection_and_gives_it_back(
    own_engine: AsyncEngine,
) -> None:
    """Reads, then an ORM write, then a read that sees it: one pool connection, back in the
    pool when the unit of work ends (on PostgreSQL the reads took it before the session
    needed one, and the session's transaction began on it)."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Before")
    pool = own_engine.sync_engine.pool

    with checkouts(own_engine) as taken:
        async with db.unit_of_work(sessions) as session:
            assert (await COURSE.first(session, slug=course.slug) or {})["id"] == course.id
            found = await session.get(Course, course.id)
            assert found is not None
            found.title = "After"
            await session.flush()
            assert await TITLES.scalar(session, ids=[course.id]) == "After"  # uncommitted
            assert pool.checkedout() == 1  # type: ignore[attr-defined]
    assert len(taken) == 1
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    async with db.unit_of_work(sessions) as session:
        assert await TITLES.scalar(session, ids=[course.id]) == "After"  # committed


async def test_a_failed_or_released_unit_of_work_gives_its_connection_back(
    own_engine: AsyncEngine,
) -> None:
    """A unit of work that fails after a read and a write holds no connection after it, and
    one released for slow work holds none during it (its next statement takes one)."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")
    pool = own_engine.sync_engine.pool

    async def read_then_fail() -> None:
        async with db.unit_of_work(sessions) as session:
            await COURSE.first(session, slug=course.slug)
            await RENAME.execute(session, course_id=course.id)
            raise RuntimeError("changed its mind")

    with pytest.raises(RuntimeError, match="changed its mind"):
        await read_then_fail()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]

    async with db.unit_of_work(sessions) as session:
        await COURSE.first(session, slug=course.slug)
        await db.release(session)
        assert pool.checkedout() == 0  # type: ignore[attr-defined]  # the slow work holds none
        assert await TITLES.scalar(session, ids=[course.id]) == "Kept"  # rolled back
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


@pytest.mark.skipif(not on_postgresql(), reason="SQLite's connections are not held this way")
async def test_a_connection_given_back_to_a_full_pool_is_closed(own_db: URL) -> None:
    """Two units of work at once on a pool of one (and one more when busy): the connection
    that comes back second finds the pool full and is closed, not left open to the server."""
    engine = db.create_engine(own_db, pool_size=1, max_overflow=1)
    sessions = db.session_factory(engine)
    pool = engine.sync_engine.pool
    try:
        async with db.unit_of_work(sessions) as first:
            await TITLES.rows(first, ids=[1])
            async with db.unit_of_work(sessions) as second:
                await TITLES.rows(second, ids=[1])
                assert pool.checkedout() == 2  # type: ignore[attr-defined]
                kept = second.sync_session.info["lectern.prebuilt.held"].link.driver
            closed = first.sync_session.info["lectern.prebuilt.held"].link.driver
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
        assert pool.checkedin() == 1  # type: ignore[attr-defined]
        assert closed.is_closed()
        assert not kept.is_closed()
    finally:
        await engine.dispose()


@pytest.mark.skipif(not on_postgresql(), reason="SQLite's reads run in the session's transaction")
async def test_reads_do_not_open_the_sessions_transaction(own_engine: AsyncEngine) -> None:
    """A read-only unit of work on PostgreSQL never asks its session for a connection: the
    session has no transaction to commit or roll back."""
    sessions = db.session_factory(own_engine)
    async with db.unit_of_work(sessions) as session:
        course = await create_published_course(session)
    async with db.unit_of_work(sessions) as session:
        await COURSE.first(session, slug=course.slug)
        await TITLES.rows(session, ids=[course.id])
        assert session.sync_session.get_transaction() is None
        assert nothing_to_commit(session)


async def test_a_session_of_its_own_keeps_its_own_connection(own_engine: AsyncEngine) -> None:
    """A plain SQLAlchemy session (not ``db.session_factory``'s) runs prebuilt statements on
    its own connection, as the ORM does."""
    async with async_sessionmaker(own_engine)() as session:
        course = await create_published_course(session, title="Plain")
        assert await TITLES.scalar(session, ids=[course.id]) == "Plain"  # not yet committed
        await session.commit()
    assert own_engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_prebuilt_writes_commit_or_roll_back_with_the_unit_of_work(
    own_engine: AsyncEngine,
) -> None:
    """Writes alone (on PostgreSQL, in a transaction of their own on the held connection,
    which the session never joins): committed when the unit of work ends, rolled back when
    it fails or the session rolls back, kept by a refusal that keeps its changes."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")
    pool = own_engine.sync_engine.pool

    async def title() -> str:
        async with db.unit_of_work(sessions) as session:
            found: str = await TITLES.scalar(session, ids=[course.id])
            return found

    with checkouts(own_engine) as taken:
        async with db.unit_of_work(sessions) as session:
            assert await RENAME.execute(session, course_id=course.id) == 1
            assert not nothing_to_commit(session)
            with pytest.raises(RuntimeError, match="has changes"):
                await db.release(session)  # it would lose the write
    assert len(taken) == 1
    assert await title() == "Renamed"

    async def write_then(error: Exception) -> None:
        async with db.unit_of_work(sessions) as session:
            await RETITLE.execute(session, course_id=course.id, title="Lost")
            raise error

    with pytest.raises(RuntimeError):
        await write_then(RuntimeError("changed its mind"))
    assert await title() == "Renamed"
    with pytest.raises(LecternError):
        await write_then(LecternError("refused, with a trace", keep_changes=True))
    assert await title() == "Lost"

    async with db.unit_of_work(sessions) as session:
        await RETITLE.execute(session, course_id=course.id, title="Undone")
        await session.rollback()
        assert await TITLES.scalar(session, ids=[course.id]) == "Lost"
        await RETITLE.execute(session, course_id=course.id, title="Again")
    assert await title() == "Again"
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_prebuilt_writes_and_orm_changes_commit_as_one(own_engine: AsyncEngine) -> None:
    """A prebuilt write, then a change through the ORM: one connection, one transaction
    (the ORM's flush sees the write), committed together or not at all."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")

    async def write_both(fail: bool) -> None:
        async with db.unit_of_work(sessions) as session:
            await RETITLE.execute(session, course_id=course.id, title="Both")
            found = await session.get(Course, course.id)
            assert found is not None
            assert found.title == "Both"  # read in the write's transaction
            found.subtitle = "Changed too"
            if fail:
                await session.flush()
                raise RuntimeError("changed its mind")

    with pytest.raises(RuntimeError):
        await write_both(fail=True)
    async with db.unit_of_work(sessions) as session:
        kept = await session.get(Course, course.id)
        assert kept is not None
        assert (kept.title, kept.subtitle) == ("Kept", course.subtitle)
    with checkouts(own_engine) as taken:
        await write_both(fail=False)
    assert len(taken) == 1
    async with db.unit_of_work(sessions) as session:
        both = await session.get(Course, course.id)
        assert both is not None
        assert (both.title, both.subtitle) == ("Both", "Changed too")


async def test_a_savepoint_after_a_prebuilt_write_rolls_back_alone(
    own_engine: AsyncEngine,
) -> None:
    """A savepoint the session takes after a prebuilt write (a race caught, as the services
    do) undoes only what follows it; the write is committed with the unit of work."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")

    async def change_in_a_savepoint(session: AsyncSession) -> None:
        async with session.begin_nested():
            found = await session.get(Course, course.id)
            assert found is not None
            assert found.title == "Written"  # in the write's transaction
            found.subtitle = "Undone"
            await session.flush()
            raise RuntimeError("undone")

    async with db.unit_of_work(sessions) as session:
        await RETITLE.execute(session, course_id=course.id, title="Written")
        with pytest.raises(RuntimeError, match="undone"):
            await change_in_a_savepoint(session)
    async with db.unit_of_work(sessions) as session:
        kept = await session.get(Course, course.id)
        assert kept is not None
        assert (kept.title, kept.subtitle) == ("Written", course.subtitle)


async def test_writes_alone_commit_without_the_sessions_transaction(
    own_engine: AsyncEngine,
) -> None:
    """``commit`` of a unit of work whose writes were all prebuilt (a heartbeat's): on
    PostgreSQL they commit on the held connection and the session never begins a
    transaction; the write is there for the next unit of work either way."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")
    begun: list[object] = []
    async with sessions() as session:
        event.listen(session.sync_session, "after_transaction_create", lambda *a: begun.append(a))
        await RENAME.execute(session, course_id=course.id)
        await commit(session)
        assert nothing_to_commit(session)
    assert len(begun) == (0 if on_postgresql() else 1)
    assert own_engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with db.unit_of_work(sessions) as session:
        assert await TITLES.scalar(session, ids=[course.id]) == "Renamed"


CHILD = Prebuilt(insert(table("deferred_child", column("parent_id"))))


async def test_a_commit_that_fails_is_sqlalchemys_error_and_keeps_nothing(
    own_engine: AsyncEngine,
) -> None:
    """A check deferred to COMMIT fails there: SQLAlchemy's IntegrityError (as from
    ``session.commit``), nothing of the unit of work kept, its connection back in the
    pool."""
    async with own_engine.begin() as connection:
        await connection.execute(text("CREATE TABLE deferred_parent (id INTEGER PRIMARY KEY)"))
        await connection.execute(
            text(
                "CREATE TABLE deferred_child (parent_id INTEGER REFERENCES deferred_parent (id) "
                "DEFERRABLE INITIALLY DEFERRED)"
            )
        )
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")

    async def orphan(commit_first: bool) -> None:
        async with db.unit_of_work(sessions) as session:
            await RENAME.execute(session, course_id=course.id)
            await CHILD.execute(session, parent_id=1)  # no such parent: refused at COMMIT
            if commit_first:  # the session's commit, asked for by the caller
                await session.commit()

    with pytest.raises(IntegrityError):
        await orphan(commit_first=False)
    with pytest.raises(IntegrityError):
        await orphan(commit_first=True)
    assert own_engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with db.unit_of_work(sessions) as session:
        assert await TITLES.scalar(session, ids=[course.id]) == "Kept"


@pytest.mark.skipif(not on_postgresql(), reason="SQLite's unit of work begins at once")
async def test_an_instance_from_a_row_needs_no_session_transaction(
    own_engine: AsyncEngine,
) -> None:
    """``loaded`` does not begin the session's transaction (a read-only request stays
    without one); a change to the instance begins it when flushed, and commits."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")
    async with db.unit_of_work(sessions) as session:
        row = await USER.first(session, user_id=course.instructor_id)
        assert row is not None
        user = loaded(session, User, row)
        assert session.sync_session.get_transaction() is None
        assert inspect(user).persistent
        user.name = "Changed"
        await session.flush()
        assert session.sync_session.get_transaction() is not None
    async with db.unit_of_work(sessions) as session:
        assert (await USER.first(session, user_id=course.instructor_id) or {})["name"] == "Changed"


async def test_a_session_with_nothing_open_closes_and_an_open_one_rolls_back(
    own_engine: AsyncEngine,
) -> None:
    """``db.session_factory``'s sessions, closed without a commit: after reads alone, at
    once; after a prebuilt write or an ORM change, rolled back first. Either way the
    connection is back in the pool and nothing was kept."""
    sessions = db.session_factory(own_engine)
    course = await committed_course(sessions, "Kept")
    pool = own_engine.sync_engine.pool
    async with sessions() as session:
        await COURSE.first(session, slug=course.slug)
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    async with sessions() as session:
        await RENAME.execute(session, course_id=course.id)
    async with sessions() as session:
        found = await session.get(Course, course.id)
        assert found is not None
        found.title = "Lost"
        await session.flush()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    async with db.unit_of_work(sessions) as session:
        assert await TITLES.scalar(session, ids=[course.id]) == "Kept"
