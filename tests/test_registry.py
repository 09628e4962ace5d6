"""The domain registry: each domain's domain.py is what the app, the worker and the scheduler
know of it."""

from __future__ import annotations

import pkgutil
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

import lectern
from lectern import events, registry
from lectern.courses.events import CoursePriceChanged
from lectern.curriculum.events import CurriculumChanged
from lectern.learner_tools.subscribers import alert_price_drop
from lectern.learning.progress.subscribers import recount_after_curriculum_change

# Packages that are not domains: shared pieces, the models, who is calling, seed data.
NOT_DOMAINS = {"kit", "models", "security", "seed"}


def test_every_package_but_the_shared_ones_is_a_domain() -> None:
    packages = {m.name for m in pkgutil.iter_modules(lectern.__path__) if m.ispkg}
    assert {domain.name for domain in registry.domains()} == packages - NOT_DOMAINS
    names = [domain.name for domain in registry.domains()]
    assert names == sorted(names)


def test_the_app_serves_the_routes_of_the_domains(shared_app: FastAPI) -> None:
    served = {
        (method.upper(), path)
        for path, operations in shared_app.openapi()["paths"].items()
        for method in operations
    }
    declared = {
        (method, "/api/v1" + route.path)  # type: ignore[attr-defined]
        for router in registry.routers()
        for route in router.routes
        for method in route.methods - {"HEAD"}  # type: ignore[attr-defined]
    }
    assert declared
    assert declared == {(method, path) for method, path in served if path.startswith("/api/v1")}


def test_the_worker_knows_every_task_and_the_scheduler_every_job() -> None:
    assert registry.task_modules() == [
        "lectern.announcements.tasks",
        "lectern.auth.tasks",
        "lectern.certificates.tasks",
        "lectern.curriculum.tasks",
        "lectern.discussions.tasks",
        "lectern.invoices.tasks",
        "lectern.mail.tasks",
        "lectern.notifications.push",
        "lectern.notifications.tasks",
    ]
    assert sorted(registry.periodic_jobs()) == [
        "announcements.deliver_due",
        "commerce.expire_pending_orders",
        "commerce.forget_idempotency_keys",
        "commerce.reconcile_payments",
        "earnings.clear_pending",
        "learning.expire_enrollments",
        "live.close_finished",
        "live.send_reminders",
        "notifications.release_held_pushes",
        "notifications.send_digests",
        "quizzes.close_overdue_attempts",
        "support.close_resolved",
    ]


def test_the_subscribers_are_installed() -> None:
    assert recount_after_curriculum_change in events._handlers[CurriculumChanged]
    assert alert_price_drop in events._handlers[CoursePriceChanged]


@dataclass(frozen=True)
class Happened(events.Event):
    pass


async def test_publishing_before_the_domains_subscribed_is_an_error(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events, "_installed", False)
    with pytest.raises(RuntimeError, match="Happened published before the domains subscribed"):
        await events.publish(session, Happened())
