"""Schemathesis fuzzes the whole OpenAPI document against a real server on PostgreSQL:
no server error, and every response matches what the document promises."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import URL

from lectern import config, migrate, runtime
from lectern.app import create_app
from lectern.db import unit_of_work
from lectern.models import User
from lectern.security.tokens import issue_access_token
from lectern.users.service import create_admin
from tests.dbs import Databases, on_postgresql

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="the fuzzing run is on PostgreSQL (LECTERN_TEST_DATABASE_URL)"
)

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


def _clear_settings() -> None:
    for cached in (
        config.database_settings,
        config.app_settings,
        config.rate_limit_settings,
        config.mail_settings,
    ):
        cached.cache_clear()


@pytest.fixture(scope="module")
def server(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, User]]:
    """Lectern served by uvicorn on loopback, on a fresh database, and its admin."""
    url: URL = databases.new()
    migrate.upgrade(url)
    plain = url.render_as_string(hide_password=False)

    async def make_admin() -> User:
        async with runtime.database(plain) as sessions, unit_of_work(sessions) as session:
            return await create_admin(
                session,
                email="fuzz@example.com",
                password="Fuzz-admin-2026",
                name="Fuzz",
                username="fuzzadmin",
            )

    admin = asyncio.run(make_admin())
    patch = pytest.MonkeyPatch()
    patch.setenv("LECTERN_DATABASE_URL", plain)
    patch.setenv("LECTERN_RATE_LIMIT_ENABLED", "false")
    patch.setenv("LECTERN_MAIL_DIR", str(tmp_path_factory.mktemp("fuzz-mail")))
    patch.setenv("LECTERN_LOG_LEVEL", "CRITICAL")
    _clear_settings()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(
        uvicorn.Config(
            create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", admin
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        patch.undo()
        _clear_settings()


def test_api_keeps_its_promises(server: tuple[str, User]) -> None:
    base_url, admin = server
    schema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def exercise(case: schemathesis.Case) -> None:
            # A fresh admin token for every call: a fuzzed "sign out everywhere" must not
            # turn the rest of the run into 401s.
            token, _ = issue_access_token(admin.uuid, admin.role.value)
            case.call_and_validate(
                base_url=base_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
            )

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations > 2
    assert failures == [], "\n\n".join(failures)
