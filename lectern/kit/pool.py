"""A pooled connection taken without SQLAlchemy's greenlet when taking it waits for nothing.

An async engine's pool is synchronous code that awaits the driver through a greenlet
(``greenlet_spawn``): checking a connection out may connect, reconnect one due for
recycling, or ping it. Most checkouts do none of these: an open connection is idle in the
pool. Spawning a greenlet for them still costs more than its switches: each new greenlet
starts a frame stack of its own, which CPython allocates and frees as a 16 KiB mapping
(an mmap, a page fault and a munmap for every request that takes a connection).

:func:`checkout` takes the connection directly when the pool says it can hand one over
without I/O, and in the greenlet otherwise.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import MissingGreenlet
from sqlalchemy.pool import AsyncAdaptedQueuePool, PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn


async def checkout(engine: Engine) -> PoolProxiedConnection:
    """A connection from ``engine``'s pool, as ``engine.raw_connection()`` gives it."""
    if at_once(engine):
        try:
            return engine.raw_connection()
        except MissingGreenlet:
            # The pool needed I/O after all (a change in SQLAlchemy's pool, say): it
            # refused before doing any, and the greenlet below takes one as usual.
            pass
    return await greenlet_spawn(engine.raw_connection)


def at_once(engine: Engine) -> bool:
    """Whether ``engine``'s pool hands out a connection without I/O: a queue pool without
    pre-ping or checkout listeners (which may run statements) whose next idle connection
    is open, not due for recycling and not invalidated (what ``_ConnectionRecord``'s
    ``get_connection`` checks before it reconnects)."""
    pool = engine.pool
    if not isinstance(pool, AsyncAdaptedQueuePool) or pool._pre_ping or pool.dispatch.checkout:
        return False
    record = _next_idle(pool)
    if record is None or record.dbapi_connection is None:
        return False
    started: float = record.starttime
    return bool(
        (pool._recycle < 0 or time.time() - started <= pool._recycle)
        and pool._invalidate_time <= started
        and record._soft_invalidate_time <= started
    )


def _next_idle(pool: AsyncAdaptedQueuePool) -> Any:
    """The connection record the pool hands out next, if one is idle (its queue holds an
    asyncio queue, first in first out unless the pool was made LIFO)."""
    queue = pool._pool
    idle = getattr(getattr(queue, "_queue", None), "_queue", None)
    if not idle:
        return None
    return idle[-1] if getattr(queue, "use_lifo", False) else idle[0]
