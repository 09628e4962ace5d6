"""The HTTP application: create_app() wires the routers, middleware, error handlers, lifespan."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lectern import __version__, channel, db, health, jobs, registry, schedule
from lectern.config import (
    app_settings,
    job_settings,
    payment_settings,
    rate_limit_settings,
    storage_settings,
)
from lectern.errors import install_error_handlers, problem_responses
from lectern.kit.ratelimit import RateLimiter
from lectern.kit.routing import API_PREFIX, OpeningRoute, index_routes
from lectern.logs import configure_logging
from lectern.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from lectern.openapi import install_docs, install_openapi

# The collector's young threshold while the app serves (see lifespan).
YOUNG_THRESHOLD = 20_000


def _start_scheduler(app: FastAPI) -> tuple[asyncio.Event, asyncio.Task[None]] | None:
    """Embedded mode (no Redis): run the periodic jobs in this process, unless switched off
    (``LECTERN_SCHEDULER=off``; the tests do). With Redis, `lectern scheduler` runs them."""
    settings = job_settings()
    if not settings.scheduler or not jobs.in_process():
        return None
    stop = asyncio.Event()
    runner = schedule.Scheduler(app.state.sessions, registry.periodic_jobs())
    task = asyncio.create_task(runner.run_forever(stop, tick=settings.scheduler_tick_seconds))
    app.state.scheduler = runner
    return stop, task


async def _stop_scheduler(scheduler: tuple[asyncio.Event, asyncio.Task[None]] | None) -> None:
    if scheduler is None:
        return
    stop, task = scheduler
    stop.set()
    await task


def create_app(
    engine: AsyncEngine | None = None,
    sessions: async_sessionmaker[AsyncSession] | None = None,
) -> FastAPI:
    """Build the app. Tests may hand in an engine, and a session factory bound to a
    connection whose outer transaction they roll back; else both come from the settings."""
    settings = app_settings()
    payment_settings()  # a gateway set up wrongly stops the start, not the first checkout
    registry.load()
    configure_logging(settings.log_level, json_lines=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine if engine is not None else db.create_engine()
        app.state.sessions = sessions or db.session_factory(app.state.engine)
        previous_sessions = db.bind_sessions(app.state.sessions)
        if not jobs.broker.is_worker_process:
            await jobs.broker.startup()
        scheduler = _start_scheduler(app)
        # What the app built to start (routes, models, schemas: half a million objects)
        # lives as long as the process: out of the collector's sight, a full collection
        # takes a few milliseconds instead of a quarter of a second.
        gc.freeze()
        # A request's objects die by reference counting, but with requests in flight the
        # count of new ones crossed the default young threshold (700) hundreds of times a
        # second, each crossing a collection: 2-6 % of a worker's CPU under load. At
        # YOUNG_THRESHOLD a collection comes only when objects really pile up.
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            await _stop_scheduler(scheduler)
            await jobs.wait_for_jobs()
            await channel.close()
            if not jobs.broker.is_worker_process:
                await jobs.broker.shutdown()
            db.bind_sessions(previous_sessions)
            if own_engine:
                await app.state.engine.dispose()

    app = FastAPI(
        title="Lectern",
        version=__version__,
        summary="An open-source learning platform: courses, learning, commerce.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served by install_docs, from Lectern's own copies of the assets
        redoc_url=None,
        lifespan=lifespan,
        telemetry={
            "tracing": settings.opentelemetry,
            "metrics": settings.opentelemetry,
            "logs": settings.opentelemetry,
        },
    )
    # Routes added straight on the app (extensions, tests) open their unit of work too.
    app.router.route_class = OpeningRoute
    app.state.rate_limiter = RateLimiter(rate_limit_settings())
    install_error_handlers(app)
    install_openapi(app)
    install_docs(app)
    app.include_router(health.router)
    # Every domain's routes under /api/v1, included in the app itself: FastAPI asks each
    # level of included routers twice a request. 400: the middleware refuses NUL bytes in
    # URLs before any route runs.
    for router in registry.routers():
        app.include_router(router, prefix=API_PREFIX, responses=problem_responses(400, 422, 500))
    for pages in registry.page_routers():
        app.include_router(pages)
    index_routes(app.router)

    # Outermost last: the request id wraps everything, so even a 413 carries one.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_request_bytes,
        upload_max_bytes=storage_settings().max_upload_bytes,
    )
    if settings.security_headers:
        app.add_middleware(SecurityHeadersMiddleware, hsts=settings.hsts)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-Cart-Token"],
            expose_headers=["X-Request-ID", "Retry-After", "X-Cart-Token"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware)
    return app
