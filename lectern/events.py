"""Domain events: a module announces what happened; other modules react in the same unit of work.

A publisher does not know its subscribers: curriculum raises ``CurriculumChanged`` and
learning, which subscribes in its ``domain.py``, recounts its learners' progress.
Handlers run inside the publisher's transaction, so what they write commits or rolls back
with it; a handler with slow or external work (e-mail) queues a job with
``jobs.after_commit`` instead of doing it inline.

The registry (``lectern.registry.load``) subscribes every domain's handlers once per
process; publishing before that is an error rather than an event nobody hears.

Events are frozen dataclasses of ids and values, never ORM objects: a handler loads what it
needs, and an event could be serialised into a job unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Event:
    """Base class of every domain event."""


E = TypeVar("E", bound=Event)
Handler = Callable[[AsyncSession, Any], Awaitable[None]]

_handlers: defaultdict[type[Event], list[Handler]] = defaultdict(list)
_installed = False


def install(subscriptions: Iterable[tuple[type[Event], Handler]]) -> None:
    """Subscribe the domains' handlers (the registry calls this once per process)."""
    global _installed
    for event_type, handler in subscriptions:
        subscribe(event_type, handler)
    _installed = True


def subscribe(event_type: type[E], handler: Callable[[AsyncSession, E], Awaitable[None]]) -> None:
    """Call ``handler(session, event)`` whenever an ``event_type`` is published."""
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[AsyncSession, E], Awaitable[None]]) -> None:
    if handler in _handlers[event_type]:
        _handlers[event_type].remove(handler)


def handles(
    event_type: type[E],
) -> Callable[
    [Callable[[AsyncSession, E], Awaitable[None]]], Callable[[AsyncSession, E], Awaitable[None]]
]:
    """Decorator form of ``subscribe``."""

    def register(
        handler: Callable[[AsyncSession, E], Awaitable[None]],
    ) -> Callable[[AsyncSession, E], Awaitable[None]]:
        subscribe(event_type, handler)
        return handler

    return register


async def publish(session: AsyncSession, event: Event) -> None:
    """Run the handlers of ``event`` (in subscription order) in ``session``'s transaction.

    Each published event is also kept in ``session.info["lectern.events"]`` for the rest of
    the unit of work, so that callers and tests can see what a request raised.
    """
    if not _installed:
        raise RuntimeError(
            f"{type(event).__name__} published before the domains subscribed "
            "(lectern.registry.load)"
        )
    session.info.setdefault(PUBLISHED, []).append(event)
    for handler in list(_handlers[type(event)]):
        await handler(session, event)


PUBLISHED = "lectern.events"


def published(session: AsyncSession) -> list[Event]:
    """The events published on ``session`` so far."""
    return list(session.info.get(PUBLISHED, []))
