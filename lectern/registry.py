"""The domain registry: what each domain brings to the app, the worker and the scheduler.

Every domain package declares itself in its ``domain.py``::

    domain = Domain(
        "learning",
        routers=[enrollments.learner, enrollments.studio, content.router, progress.router],
        periodic_jobs=[expire_enrollments],
        subscribers=[(CurriculumChanged, recount_after_curriculum_change)],
    )

``app.py`` includes the routers (and the pages, at the root), ``lectern worker`` imports
the modules of the tasks, the scheduler runs the periodic jobs and ``load`` subscribes the
handlers to their events.
Domains are found by looking for ``lectern/<package>/domain.py``: adding a module touches
only its own folder. Domains come in the order of their names, and each one's routers in
the order it lists them.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import APIRouter
from taskiq import AsyncTaskiqDecoratedTask

import lectern
from lectern import events
from lectern.schedule import PeriodicJob

Subscription = tuple[type[events.Event], events.Handler]


@dataclass(frozen=True)
class Domain:
    """What one domain package brings: HTTP routers, background tasks, periodic jobs, and the
    handlers it subscribes to other domains' events (run in the publisher's transaction)."""

    name: str
    routers: Sequence[APIRouter] = ()
    # Routers of HTML pages, served at the site's root (not under /api/v1, not in the
    # OpenAPI document).
    pages: Sequence[APIRouter] = ()
    tasks: Sequence[AsyncTaskiqDecoratedTask[Any, Any]] = ()
    periodic_jobs: Sequence[PeriodicJob] = ()
    subscribers: Sequence[Subscription] = ()


@cache
def domains() -> tuple[Domain, ...]:
    """Every domain of the package, by name (imports each ``domain.py``)."""
    found = []
    for module in pkgutil.iter_modules(lectern.__path__):
        name = f"lectern.{module.name}.domain"
        if module.ispkg and importlib.util.find_spec(name) is not None:
            declared = importlib.import_module(name).domain
            if not isinstance(declared, Domain):
                raise TypeError(f"{name}.domain is not a Domain")
            found.append(declared)
    return tuple(sorted(found, key=lambda domain: domain.name))


@cache
def load() -> tuple[Domain, ...]:
    """Find the domains and subscribe their handlers; once per process (later calls return
    the same domains). Every entry point calls it: the app, the worker, the CLI."""
    found = domains()
    events.install(subscription for domain in found for subscription in domain.subscribers)
    return found


def routers() -> list[APIRouter]:
    return [router for domain in load() for router in domain.routers]


def page_routers() -> list[APIRouter]:
    return [router for domain in load() for router in domain.pages]


def periodic_jobs() -> dict[str, PeriodicJob]:
    jobs = [job for domain in load() for job in domain.periodic_jobs]
    by_name = {job.name: job for job in jobs}
    if len(by_name) != len(jobs):
        raise ValueError("two periodic jobs share a name")
    return by_name


def task_modules() -> list[str]:
    """The modules that define the domains' tasks: a worker imports them to know each task."""
    return sorted({task.original_func.__module__ for domain in load() for task in domain.tasks})
