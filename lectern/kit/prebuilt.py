"""Statements of the hot paths, compiled once per dialect and run on the unit of work's
driver connection.

``session.execute`` sends a statement through the ORM and the engine: a compiled-cache
lookup, an execution context, a switch into and out of a greenlet, a result object and its
rows. That is most of a simple request's time. A :class:`Prebuilt` statement is compiled
once per dialect into its SQL text, the order of its parameters and its type processors,
and runs on the driver connection of the unit of work (asyncpg on PostgreSQL, aiosqlite on
SQLite): the session's connection, in the same transaction.
Rows come back as dicts, their values processed as the columns' types do, except
enumerations: they stay the strings stored, which their StrEnum members equal (serialising
an enum member costs several times what a string does).

On PostgreSQL, a read run before the unit of work has written anything runs without a
transaction of its own (no BEGIN, no COMMIT: each statement sees what was committed when
it ran), as a read-only request needs; a write begins a transaction first, which the unit
of work commits or rolls back as one. Statements run before the session has a connection
do not ask it for one (its transaction's bookkeeping, its commit, its close: a
fifth of a read-only request): they take one from the engine's pool and hold it for the
unit of work, and a :class:`UnitOfWorkSession` begins its own transaction on that same
connection if it needs one (one connection a unit of work, as before). On SQLite the
session's transaction has begun already (BEGIN IMMEDIATE, lectern.db) and everything runs
inside it.

The engine's statement listeners hear these statements as they hear any other, so the
tests count them, and ``LECTERN_DATABASE_ECHO`` logs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar, cast

from fastapi import Response
from pydantic_core import to_json
from sqlalchemy import Enum, TypeDecorator
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, Session, SessionTransaction
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.util import greenlet_spawn

from lectern.kit.pool import checkout

Processor = Callable[[Any], Any]
Model = TypeVar("Model")


def from_rows(content: Any) -> Response:
    """A JSON response serialised straight from rows (dicts, lists, plain values): the route
    keeps its response model for the OpenAPI document, and the tests check the answer
    against it instead of every request validating it again."""
    return Response(to_json(content), media_type="application/json")


def loaded(session: AsyncSession, model: type[Model], row: dict[str, Any]) -> Model:
    """The ORM instance of ``model`` whose every column ``row`` holds (a prebuilt read of
    its table), in the session as if a query had loaded it: later changes to it are
    flushed as usual. The signed-in user of every request is read this way: one statement
    on the driver connection instead of the ORM's loading."""
    mapper = model.__mapper__  # type: ignore[attr-defined]
    key = (mapper._identity_class, tuple(map(row.__getitem__, _key_columns(mapper))), None)
    sync = session.sync_session
    found: Model | None = sync.identity_map.get(key)
    if found is not None:
        return found
    # As the ORM's loader does: the values go straight into the instance's state, not
    # through the attributes' events (which would record them as changes), and the
    # instance, given its identity, joins the session's identity map as a persistent
    # instance. (Session.add would walk every relationship of the model for a cascade that
    # has nothing loaded to follow, and begin the session's transaction, which a request
    # whose statements are all prebuilt never needs.)
    instance: Model = mapper.class_manager.new_instance()
    values = instance.__dict__
    for column, attribute, members in _attributes(mapper):
        value = row[column]
        values[attribute] = value if members is None or value is None else members[value]
    state = instance_state(instance)
    state.key = key
    state.session_id = sync.hash_key
    sync.identity_map.add(state)
    return instance


@cache
def _key_columns(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(column.name for column in mapper.primary_key)


@cache
def _attributes(mapper: Mapper[Any]) -> tuple[tuple[str, str, dict[str, Any] | None], ...]:
    """(column name, attribute, an enumeration's members by value or None) of each of the
    mapper's columns: rows keep enumerations as their stored strings, an instance holds
    their members (looked up: calling the enumeration is several times slower)."""
    return tuple(
        (
            column.name,
            mapper.get_property_by_column(column).key,
            (
                {member.value: member for member in column.type.enum_class}
                if isinstance(column.type, Enum) and column.type.enum_class is not None
                else None
            ),
        )
        for column in mapper.local_table.columns
    )


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters, in the order the SQL takes them
    defaults: dict[str, Any]  # the values the statement holds (status = 'published' ...)
    computed: dict[str, Any]  # column defaults computed per run (updated_at's onupdate)
    lists: tuple[str, ...]  # the list parameters (name_1, name_2 ... their items)
    binds: tuple[Processor | None, ...]
    keys: tuple[str, ...]  # the result's columns
    results: tuple[tuple[int, Processor], ...]  # the columns whose values need processing
    # Lectern's own column types among them: their method called with the dialect, as
    # SQLAlchemy's processor would (without the function it wraps each in).
    decorated: tuple[tuple[int, Callable[[Any, Dialect], Any]], ...]


class Prebuilt:
    """A statement compiled once per dialect (and per length of its list parameters),
    run with plain values on the session's driver connection; rows come back as dicts."""

    def __init__(self, statement: ClauseElement, *, in_transaction: bool | None = None) -> None:
        """``in_transaction``: begin the session's transaction before running (default: for
        an INSERT, UPDATE or DELETE)."""
        self.statement = statement
        self.writes = (
            isinstance(statement, UpdateBase) if in_transaction is None else in_transaction
        )
        self._compiled: dict[tuple[str, tuple[int, ...]], _Compiled] = {}
        embedded = statement._get_embedded_bindparams()
        # The lists the caller gives (an IN of fixed values is part of the statement).
        self._lists = tuple(
            param.key for param in embedded if param.expanding and param.value is None
        )
        self._expands = any(param.expanding for param in embedded)

    def compiled(self, dialect: Dialect, params: dict[str, Any]) -> _Compiled:
        lengths = tuple(len(params[name]) for name in self._lists) if self._lists else ()
        key = (dialect.name, lengths)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(
                self.statement, dialect, self._lists, self._expands, params
            )
        return found

    def bound(self, dialect: Dialect, params: dict[str, Any]) -> tuple[str, list[Any]]:
        """The SQL text for ``dialect`` and its parameters' values in order: what runs."""
        compiled = self.compiled(dialect, params)
        return compiled.sql, _values(compiled, params)

    async def _ready(
        self, session: AsyncSession, params: dict[str, Any]
    ) -> tuple[_Link, _Compiled, list[Any]]:
        """Where the statement runs, the statement compiled for it, the values in order."""
        link = await _link(session, self.writes)
        compiled = self.compiled(link.engine.dialect, params)
        values = _values(compiled, params)
        _tell_listeners(link.engine, compiled.sql, values)
        return link, compiled, values

    async def rows(self, session: AsyncSession, **params: Any) -> list[dict[str, Any]]:
        link, compiled, values = await self._ready(session, params)
        raw = link.driver
        try:
            if link.engine.dialect.name == "postgresql":
                fetched: Sequence[Sequence[Any]] = await raw.fetch(compiled.sql, *values)
            else:
                fetched = await raw.execute_fetchall(compiled.sql, values)
        except Exception as error:
            raise _translated(link, compiled.sql, values, error) from error
        keys, processors, decorated = compiled.keys, compiled.results, compiled.decorated
        if not processors and not decorated:
            return [dict(zip(keys, row, strict=True)) for row in fetched]
        dialect = link.engine.dialect
        out = []
        for row in fetched:
            item = list(row)
            for index, process in processors:
                item[index] = process(item[index])
            for index, method in decorated:
                item[index] = method(item[index], dialect)
            out.append(dict(zip(keys, item, strict=True)))
        return out

    async def first(self, session: AsyncSession, **params: Any) -> dict[str, Any] | None:
        rows = await self.rows(session, **params)
        return rows[0] if rows else None

    async def scalar(self, session: AsyncSession, **params: Any) -> Any:
        rows = await self.rows(session, **params)
        return next(iter(rows[0].values())) if rows else None

    async def execute(self, session: AsyncSession, **params: Any) -> int:
        """Run a statement that returns no rows; how many rows it touched."""
        link, compiled, values = await self._ready(session, params)
        raw = link.driver
        try:
            if link.engine.dialect.name == "postgresql":
                status: str = await raw.execute(compiled.sql, *values)
                return int(status.rsplit(" ", 1)[-1]) if status[-1:].isdigit() else 0
            cursor = await raw.execute(compiled.sql, values)
            count: int = cursor.rowcount
            await cursor.close()
            return count
        except Exception as error:
            raise _translated(link, compiled.sql, values, error) from error


def _compile(
    statement: ClauseElement,
    dialect: Dialect,
    lists: tuple[str, ...],
    expands: bool,
    params: dict[str, Any],
) -> _Compiled:
    # A list parameter is rendered as one parameter per item (name_1, name_2, ...), for the
    # caller's lists' lengths of this call.
    if expands:
        statement = statement.params(params)
    compiled = cast(
        SQLCompiler,
        statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": expands}),
    )
    names = tuple(compiled.positiontup or ())
    expanded = compiled._post_compile_expanded_state
    if expanded is not None:
        # What this call gave is not a default: later calls give their own.
        defaults = {k: v for k, v in expanded.parameters.items() if k not in params}
        processors = {**compiled._bind_processors, **expanded.processors}
    else:
        defaults = {name: bind.effective_value for name, bind in compiled.binds.items()}
        processors = dict(compiled._bind_processors)
    # Columns filled in Python when not given (updated_at's onupdate, a default): computed
    # per run, as an execution context does.
    computed = {
        column.key: column.onupdate if column in compiled.update_prefetch else column.default
        for column in (*compiled.insert_prefetch, *compiled.update_prefetch)
    }
    binds = tuple(cast(Processor | None, processors.get(name)) for name in names)
    keys: tuple[str, ...] = ()
    results: list[tuple[int, Processor]] = []
    decorated: list[tuple[int, Callable[[Any, Dialect], Any]]] = []
    for index, column in enumerate(compiled._result_columns or ()):
        keys += (column[0],)
        if isinstance(column[3], Enum):
            continue  # kept as its stored string, the value its StrEnum member equals
        impl = column[3].dialect_impl(dialect)
        process = impl.result_processor(dialect, None)
        if process is None:
            continue
        if (
            isinstance(impl, TypeDecorator)
            and impl.impl_instance.result_processor(dialect, None) is None
        ):
            decorated.append((index, impl.process_result_value))
        else:
            results.append((index, process))
    return _Compiled(
        compiled.string,
        names,
        defaults,
        computed,
        lists,
        binds,
        keys,
        tuple(results),
        tuple(decorated),
    )


def _values(compiled: _Compiled, params: dict[str, Any]) -> list[Any]:
    values = []
    for name, process in zip(compiled.names, compiled.binds, strict=True):
        if name in params:
            value = params[name]
        else:
            base, _, position = name.rpartition("_")
            if base in compiled.lists:  # an item of a list parameter: name_1 is the first
                value = params[base][int(position) - 1]
            elif name in compiled.computed:
                value = _default(compiled.computed[name])
            else:
                value = compiled.defaults.get(name)
        values.append(process(value) if process is not None else value)
    return values


def _default(default: Any) -> Any:
    """A column default's value for one run (a callable's wrapper takes a context)."""
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


@dataclass(frozen=True)
class _Link:
    """Where a prebuilt statement runs: the engine (its dialect, its listeners) and a pool
    connection (the session's, or the one its unit of work holds), with its driver's
    connection (asked once: a chain of three properties)."""

    engine: Engine
    pooled: PoolProxiedConnection
    driver: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "driver", self.pooled.driver_connection)


_KEPT = "lectern.prebuilt.connection"
_HELD = "lectern.prebuilt.held"
_WROTE = "lectern.prebuilt.wrote"  # the session transaction a prebuilt write ran in


async def _link(session: AsyncSession, writes: bool) -> _Link:
    """The session's connection, or on PostgreSQL before the session has one, the
    connection its unit of work holds (:class:`UnitOfWorkSession`); for a write on
    PostgreSQL, its transaction begun first.

    Asking the session costs a switch into SQLAlchemy's greenlet each time: its connection
    is kept in the session's ``info`` with the session transaction it belongs to, and asked
    again once that transaction has ended (a commit, a rollback, ``db.release``)."""
    sync = session.sync_session
    transaction = sync.get_transaction()
    held: _Held | None = sync.info.get(_HELD)
    kept = sync.info.get(_KEPT)
    if held is not None and not _on_a_connection(transaction):
        link: _Link = held.link
    elif kept is not None and transaction is not None and kept[0] is transaction:
        link = kept[1]
    elif isinstance(sync, UnitOfWorkSession) and sync.holds(transaction):
        link = await sync.held_link()
    else:
        connection = (await session.connection()).sync_connection
        assert connection is not None
        link = _Link(connection.engine, connection.connection)
        sync.info[_KEPT] = (sync.get_transaction(), link)
    if writes:
        sync.info[_WROTE] = sync.get_transaction()
    if writes and link.engine.dialect.name == "postgresql":
        adapted = link.pooled.dbapi_connection
        # SQLAlchemy's asyncpg adapter begins its transaction on its first statement: a
        # write run here begins it, so the unit of work commits or rolls it back.
        if adapted is not None and adapted._transaction is None:
            async with adapted._execute_mutex:
                await adapted._start_transaction()
    return link


def _on_a_connection(transaction: SessionTransaction | None) -> bool:
    """Whether the session's transaction has begun on a connection (``_connections``:
    SQLAlchemy's record of a transaction's connections)."""
    return transaction is not None and bool(transaction._connections)


class _Held:
    """The pool connection a unit of work's prebuilt statements took, and the Connection its
    session's transaction runs on once it needs one."""

    def __init__(self, engine: Engine, pooled: PoolProxiedConnection) -> None:
        self.link = _Link(engine, pooled)
        self.connection: Connection | None = None

    def for_session(self) -> Connection:
        if self.connection is None:
            self.connection = Connection(self.link.engine, self.link.pooled)
        return self.connection

    def in_transaction(self) -> bool:
        """Whether a transaction is open on it (the writes', or the session's)."""
        adapted = self.link.pooled.dbapi_connection
        return adapted is not None and adapted._transaction is not None

    def returns_at_once(self) -> bool:
        """Whether giving it back waits for nothing: no transaction is open on it and the
        pool keeps it (a queue pool with room; a full one, or another kind, closes it)."""
        pool = self.link.engine.pool
        return (
            not self.in_transaction()
            and isinstance(pool, QueuePool)
            and pool.checkedin() < pool.size()
        )

    def written(self) -> bool:
        """Whether prebuilt writes began a transaction the session's has not joined."""
        joined = self.connection is not None and self.connection.in_transaction()
        return self.in_transaction() and not joined

    def end(self, commit: bool) -> None:
        """Commit or roll back the transaction writes began, if still open (in the session's
        greenlet: the driver's calls are awaited there)."""
        adapted = self.link.pooled.dbapi_connection
        if adapted is not None and adapted._transaction is not None:
            try:
                if commit:
                    adapted.commit()
                else:
                    adapted.rollback()
            except Exception as error:
                raise _translated(
                    self.link, "COMMIT" if commit else "ROLLBACK", [], error
                ) from error

    async def commit(self) -> None:
        """Commit the transaction writes began, straight on the driver (the session never
        joined it)."""
        adapted = self.link.pooled.dbapi_connection
        assert adapted is not None
        assert adapted._transaction is not None
        engine = self.link.engine
        if engine._should_log_info():
            engine.logger.info("COMMIT")
        try:
            await adapted._call_and_discard(adapted._transaction.commit)
        except Exception as error:
            raise _translated(self.link, "COMMIT", [], error) from error

    def close(self) -> None:
        """Back to the pool (through the Connection, if one was made for the session); the
        pool rolls back a transaction left open."""
        (self.connection or self.link.pooled).close()


class UnitOfWorkSession(Session):
    """The ORM session of a unit of work (``db.session_factory``). On PostgreSQL, prebuilt
    statements run before it has a connection take one from the engine's pool themselves
    and it is held until the session closes. A prebuilt write begins a transaction on it;
    the session's own transaction, if it needs one (an ORM read or change), begins on that
    same connection, and its commit or rollback ends both (the writes' alone when the
    session never needed one). A session bound to a Connection (the tests') is left as
    it is."""

    def holds(self, transaction: SessionTransaction | None) -> bool:
        """Whether a statement may run on the held connection: the session has none of its
        own yet."""
        bind = self.bind
        return (
            isinstance(bind, Engine)
            and bind.dialect.name == "postgresql"
            and not _on_a_connection(transaction)
        )

    async def held_link(self) -> _Link:
        """The held connection, taken from the pool the first time."""
        held: _Held | None = self.info.get(_HELD)
        if held is None:
            engine = cast(Engine, self.bind)
            held = self.info[_HELD] = _Held(engine, await checkout(engine))
        return held.link

    def _connection_for_bind(
        self,
        engine: Any,
        execution_options: Any = None,
        **kw: Any,
    ) -> Connection:
        held: _Held | None = self.info.get(_HELD)
        if held is not None and engine is held.link.engine and not execution_options:
            transaction = self.get_transaction()
            if transaction is None or engine not in transaction._connections:
                engine = held.for_session()
        return super()._connection_for_bind(engine, execution_options, **kw)

    def commit(self) -> None:
        super().commit()
        self._end_held(commit=True)

    def rollback(self) -> None:
        super().rollback()
        self._end_held(commit=False)

    def _end_held(self, commit: bool) -> None:
        held: _Held | None = self.info.get(_HELD)
        if held is not None:
            held.end(commit)

    def _close_impl(self, invalidate: bool, is_reset: bool = False) -> None:
        super()._close_impl(invalidate, is_reset)
        held: _Held | None = self.info.pop(_HELD, None)
        if held is not None:
            held.close()


class UnitOfWorkAsyncSession(AsyncSession):
    """The asyncio session of a unit of work (``db.session_factory``): one with no
    transaction open on a connection closes at once when nothing in closing it waits: its
    held connection, if any, goes back into a pool with room for it. SQLAlchemy's close,
    which rolls back in its greenlet in a task shielded from cancellation, is for the
    others (a full pool closes the connection it is given back, which waits)."""

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        sync = self.sync_session
        transaction = sync.get_transaction()
        held: _Held | None = sync.info.get(_HELD)
        if not _on_a_connection(transaction) and (held is None or held.returns_at_once()):
            sync.close()
        else:
            await super().__aexit__(type_, value, traceback)


def wrote(session: AsyncSession) -> bool:
    """Whether prebuilt writes ran in the unit of work's open transaction (the session's
    ``new``, ``dirty`` and ``deleted`` do not show them)."""
    sync = session.sync_session
    held: _Held | None = sync.info.get(_HELD)
    if held is not None and held.written():
        return True
    transaction = sync.info.get(_WROTE)
    return transaction is not None and transaction is sync.get_transaction()


async def release_held(session: AsyncSession) -> None:
    """Give back the connection the unit of work's statements hold, once its session has
    ended its transaction (``db.release``): the next statement takes one again."""
    held: _Held | None = session.sync_session.info.pop(_HELD, None)
    if held is not None:
        await greenlet_spawn(held.close)


async def commit(session: AsyncSession) -> None:
    """Commit the unit of work. When everything it wrote ran as prebuilt writes on the
    connection it holds (the session itself never began a transaction: a heartbeat), that
    transaction is committed on the driver, without a session transaction made only to
    end it and the switch into SQLAlchemy's greenlet."""
    sync = session.sync_session
    held: _Held | None = sync.info.get(_HELD)
    transaction = sync.get_transaction()
    if (
        held is not None
        and held.written()
        and not (sync.new or sync.dirty or sync.deleted)
        and not _on_a_connection(transaction)
    ):
        await held.commit()
        return
    await session.commit()


def nothing_to_commit(session: AsyncSession) -> bool:
    """Whether the unit of work has nothing for a commit to do: no changes in the session,
    and what it ran (if anything) ran on PostgreSQL outside a transaction (prebuilt reads);
    closing it then ends it as a commit would, without the commit's bookkeeping."""
    sync = session.sync_session
    if sync.new or sync.dirty or sync.deleted:
        return False
    held: _Held | None = sync.info.get(_HELD)
    if held is not None and held.in_transaction():
        return False
    transaction = sync.get_transaction()
    if not _on_a_connection(transaction):
        return True
    kept = sync.info.get(_KEPT)
    if kept is None or kept[0] is not transaction or kept[1].engine.dialect.name != "postgresql":
        return False
    adapted = kept[1].pooled.dbapi_connection
    return adapted is not None and adapted._transaction is None


def _translated(link: _Link, sql: str, values: list[Any], error: Exception) -> Exception:
    """The driver's error as SQLAlchemy raises it (IntegrityError, OperationalError ...), so
    callers and the error handlers see the same errors as from ``session.execute``."""
    dialect = link.engine.dialect
    if dialect.name == "postgresql":
        adapted = link.pooled.dbapi_connection
        try:  # the asyncpg adapter raises asyncpg's error as a DBAPI error
            adapted._handle_exception(error)  # type: ignore[union-attr]
        except Exception as dbapi_error:
            error = dbapi_error
    if isinstance(error, dialect.loaded_dbapi.Error):
        return DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error, dialect=dialect)
    return error


def _tell_listeners(engine: Engine, sql: str, values: list[Any]) -> None:
    """The engine's before_cursor_execute listeners (tests counting statements, echo); they
    are given no Connection (the statement runs on the driver's). ``_has_events``: whether
    the engine has any listener at all, as SQLAlchemy's Connection asks first."""
    if engine._has_events:
        for listen in engine.dispatch.before_cursor_execute:
            listen(None, None, sql, values, None, False)
    if engine.echo and engine._should_log_info():
        engine.logger.info(sql)
