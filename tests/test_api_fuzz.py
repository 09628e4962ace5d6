"""Schemathesis fuzzes the whole OpenAPI document against a real server on PostgreSQL, over the
demo school, as an admin, an instructor and a student: no server error, and every response
matches what the document promises.

Two passes: every operation on its own, with path ids drawn half the time from the demo's
rows (so requests get past the first 404), and stateful scenarios that follow the links
between operations (create, then read, update, delete what was created).

The run is random; its seed is printed and named in any failure. Replay it with
``LECTERN_FUZZ_SEED=<seed>``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.stateful.state_machine import APIStateMachine
from sqlalchemy import Select, select, update
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lectern import config, migrate, runtime
from lectern.app import create_app
from lectern.db import unit_of_work
from lectern.models import (
    Assignment,
    AssignmentSubmission,
    CartItem,
    Coupon,
    Course,
    CourseSection,
    Enrollment,
    InstructorProfile,
    InstructorProfileStatus,
    Lesson,
    Media,
    Order,
    Quiz,
    QuizAttempt,
    User,
    UserStatus,
)
from lectern.platform.service import KNOWN
from lectern.security.tokens import issue_access_token
from lectern.seed import demo, demo_content
from tests.dbs import Databases, on_postgresql

T = TypeVar("T")

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="the fuzzing run is on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)

FUZZ_SEED = int(os.environ.get("LECTERN_FUZZ_SEED") or secrets.randbelow(2**32))
REPLAY = f"fuzz seed {FUZZ_SEED}: replay with LECTERN_FUZZ_SEED={FUZZ_SEED}"

# Who calls: the demo school's admin, its first instructor and its first student.
PEOPLE = {
    "admin": demo_content.ADMIN[1],
    "instructor": demo_content.INSTRUCTORS[0].email,
    "student": demo_content.STUDENTS[0][1],
}

# Path parameters filled from the demo's rows (besides what the fuzzer makes up).
KNOWN_IDS: dict[str, Select[Any]] = {
    "course_uuid": select(Course.uuid),
    "slug": select(Course.slug),
    "section_id": select(CourseSection.id),
    "lesson_uuid": select(Lesson.uuid),
    "quiz_uuid": select(Quiz.uuid),
    "assignment_uuid": select(Assignment.uuid),
    "attempt_uuid": select(QuizAttempt.uuid),
    "submission_uuid": select(AssignmentSubmission.uuid),
    "enrollment_uuid": select(Enrollment.uuid),
    "media_uuid": select(Media.uuid),
    "user_uuid": select(User.uuid).where(User.email.not_in(PEOPLE.values())),
    "username": select(User.username).where(User.username.is_not(None)),
    "coupon_id": select(Coupon.id),
    "item_id": select(CartItem.id),
    "order_uuid": select(Order.uuid),
}

# Datetimes at the calendar's edges (where a conversion to UTC overflows) come up often, beside
# ordinary ones.
EDGE_DATETIMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1899-12-31T23:59:59Z"]
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.sampled_from(EDGE_DATETIMES),
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
            lambda moment: moment.isoformat() + "+00:00"
        ),
    ),
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class Target:
    base_url: str
    sessions: async_sessionmaker[AsyncSession]  # the server's own
    people: dict[str, User]
    known: dict[str, list[Any]]
    on_server_loop: Callable[[Coroutine[Any, Any, Any]], Any]

    def headers(self, role: str) -> dict[str, str]:
        # A fresh token for every call: a fuzzed "sign out everywhere" must not turn the rest
        # of the run into 401s.
        person = self.people[role]
        token, _ = issue_access_token(person.uuid, person.role.value)
        return {"Authorization": f"Bearer {token}"}


def _clear_settings() -> None:
    for cached in (
        config.database_settings,
        config.app_settings,
        config.rate_limit_settings,
        config.mail_settings,
    ):
        cached.cache_clear()


async def _school(url: str) -> tuple[dict[str, User], dict[str, list[Any]]]:
    """The demo school on ``url``: the people who call, and the ids that exist."""
    await demo.seed(url)
    async with runtime.database(url) as sessions, unit_of_work(sessions) as session:
        people = {
            role: await session.scalar(select(User).where(User.email == email))
            for role, email in PEOPLE.items()
        }
        known = {
            name: list(await session.scalars(query.limit(30))) for name, query in KNOWN_IDS.items()
        }
    known["key"] = sorted(KNOWN)
    assert all(people.values()), people
    return {role: person for role, person in people.items() if person}, {
        name: [str(value) if not isinstance(value, int) else value for value in values]
        for name, values in known.items()
        if values
    }


@pytest.fixture(scope="module")
def server(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """Lectern served by uvicorn on loopback, over a fresh database holding the demo school.
    The server has an event loop of its own, and the test's own database work runs on it too:
    database connections are never shared, or collected, across two loops."""
    print(REPLAY)
    url: URL = databases.new()
    migrate.upgrade(url)
    plain = url.render_as_string(hide_password=False)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def on_server_loop(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, loop).result(timeout=300)

    people, known = on_server_loop(_school(plain))
    patch = pytest.MonkeyPatch()
    patch.setenv("LECTERN_DATABASE_URL", plain)
    patch.setenv("LECTERN_RATE_LIMIT_ENABLED", "false")
    patch.setenv("LECTERN_MAIL_DIR", str(tmp_path_factory.mktemp("fuzz-mail")))
    patch.setenv("LECTERN_STORAGE_DIR", str(tmp_path_factory.mktemp("fuzz-files")))
    patch.setenv("LECTERN_LOG_LEVEL", "CRITICAL")
    _clear_settings()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    application = create_app()
    uv = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    serving = asyncio.run_coroutine_threadsafe(uv.serve(), loop)
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Target(
            f"http://127.0.0.1:{port}", application.state.sessions, people, known, on_server_loop
        )
    finally:
        uv.should_exit = True
        serving.result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        patch.undo()
        _clear_settings()


async def _restore(target: Target) -> None:
    """The callers as seeded: a fuzzed admin call may have suspended, demoted or deleted one,
    or signed them out everywhere."""
    async with unit_of_work(target.sessions) as session:
        for person in target.people.values():
            await session.execute(
                update(User)
                .where(User.id == person.id)
                .values(
                    status=UserStatus.ACTIVE,
                    role=person.role,
                    deleted_at=None,
                    tokens_valid_after=None,
                )
            )
            await session.execute(
                update(InstructorProfile)
                .where(InstructorProfile.user_id == person.id)
                .values(status=InstructorProfileStatus.APPROVED)
            )


@pytest.fixture(autouse=True)
def people_as_seeded(server: Target) -> None:
    server.on_server_loop(_restore(server))


def _load(target: Target) -> Any:
    """The served document, with path ids drawn half the time from the rows that exist."""
    schema = schemathesis.openapi.from_url(f"{target.base_url}/api/openapi.json")

    def path_parameters(_context: Any, params: dict[str, Any] | None) -> st.SearchStrategy[Any]:
        names = [name for name in params or () if name in target.known]
        if not params or not names:
            return st.just(params)
        existing = st.fixed_dictionaries(
            {name: st.sampled_from(target.known[name]) for name in names}
        ).map(lambda values: {**params, **values})
        return st.one_of(existing, st.just(params))

    schema.hook("flatmap_path_parameters")(path_parameters)
    # The live stream answers for as long as the client listens: tested on its own
    # (tests/notifications/test_stream.py), never ending a fuzzed call.
    return schema.exclude(path="/api/v1/notifications/stream")


def _fuzz_settings(**overrides: Any) -> settings:
    return settings(
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        **overrides,
    )


def test_every_operation_keeps_its_promises(server: Target) -> None:
    schema = _load(server)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @seed(FUZZ_SEED)
        @_fuzz_settings(max_examples=25)
        @given(case=operation.as_strategy(), role=st.sampled_from(sorted(PEOPLE)))
        def exercise(case: Case[Any], role: str) -> None:
            case.call_and_validate(headers=server.headers(role), checks=CHECKS)

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations > 100
    assert failures == [], REPLAY + "\n\n" + "\n\n".join(failures)


@dataclass
class Scenarios:
    """Scenarios of linked calls made by one person: what one step creates, the next reads,
    changes or deletes. A broken promise is recorded, not raised: the server's state moves on,
    so Hypothesis could not replay a scenario to shrink it (the curl line reproduces a call)."""

    machine: type[APIStateMachine]
    calls: list[str]
    failures: list[str]

    def run(self, scenarios: int, steps: int, rounds: int = 3) -> None:
        for round_ in range(rounds):
            machine: type[APIStateMachine] = seed(FUZZ_SEED + round_)(
                type(f"Round{round_}", (self.machine,), {})
            )
            try:
                machine.run(
                    settings=_fuzz_settings(
                        max_examples=scenarios, stateful_step_count=steps, phases=[Phase.generate]
                    )
                )
                return
            except FlakyStrategyDefinition:
                # Hypothesis retraced a scenario and the server answered differently (its rows
                # moved on): what ran so far counts, another round goes on from here.
                continue


def _scenarios(schema: Any, target: Target, role: str) -> Scenarios:
    calls: list[str] = []
    failures: list[str] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            calls.append(f"{case.method} {case.path}")
            return {"headers": target.headers(role)}

        def validate_response(self, response: Any, case: Case[Any], **_: Any) -> None:
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:  # every broken promise is reported at the end
                failures.append(f"{case.method} {case.path}: {exc}")

    return Scenarios(Machine, calls, failures)


@pytest.mark.parametrize("role", sorted(PEOPLE))
def test_linked_calls_keep_their_promises(server: Target, role: str) -> None:
    scenarios = _scenarios(_load(server), server, role)

    scenarios.run(scenarios=40, steps=6)

    assert scenarios.failures == [], REPLAY + "\n\n" + "\n\n".join(scenarios.failures)
    # The scenarios went beyond single calls: many operations, some more than once.
    assert len(set(scenarios.calls)) > 20, scenarios.calls
    assert len(scenarios.calls) > len(set(scenarios.calls))
