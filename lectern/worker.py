"""The worker process: `lectern worker` runs Taskiq on this module's broker.

Each worker process loads the domains (their tasks and event subscribers) and opens the
database once, so a task's ``db.unit_of_work()`` has sessions to use.
"""

from __future__ import annotations

from taskiq import TaskiqEvents, TaskiqState

from lectern import channel, db, jobs, registry

registry.load()
broker = jobs.broker


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def open_database(state: TaskiqState) -> None:
    state.engine = db.create_engine()
    db.bind_sessions(db.session_factory(state.engine))


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def close_database(state: TaskiqState) -> None:
    db.bind_sessions(None)
    await state.engine.dispose()
    await channel.close()
