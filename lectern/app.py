"""The HTTP application: create_app() wires the routers, middleware, error handlers, lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lectern import __version__, health, jobs, schedule
from lectern.config import app_settings, job_settings, rate_limit_settings, storage_settings
from lectern.db import create_engine, session_factory
from lectern.errors import install_error_handlers, problem_responses
from lectern.kit.ratelimit import RateLimiter
from lectern.kit.routing import API_PREFIX
from lectern.logs import configure_logging
from lectern.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from lectern.openapi import install_openapi


def api_router() -> APIRouter:
    """Every domain's routes, under /api/v1."""
    from lectern.assignments import router as assignments
    from lectern.auth import router as auth
    from lectern.catalog import router as browse
    from lectern.courses import router as courses
    from lectern.curriculum import router as curriculum
    from lectern.gradebook import router as gradebook
    from lectern.instructors import router as instructors
    from lectern.learner_tools import router as learner
    from lectern.learning.content import router as learning_content
    from lectern.learning.enrollments import router as enrollments
    from lectern.learning.progress import router as learning_progress
    from lectern.media import router as media
    from lectern.platform import router as platform
    from lectern.quizzes.attempts import router as quiz_attempts
    from lectern.quizzes.grading import router as quiz_review
    from lectern.quizzes.studio import router as quiz_studio
    from lectern.taxonomy import router as catalog
    from lectern.users import router as users

    # 400: the middleware refuses NUL bytes in URLs before any route runs.
    router = APIRouter(prefix=API_PREFIX, responses=problem_responses(400, 422, 500))
    for module in (
        auth,
        users,
        catalog,
        instructors,
        platform,
        courses,
        curriculum,
        browse,
        media,
        enrollments,
        learning_content,
        learning_progress,
        learner,
        quiz_attempts,
        quiz_review,
        quiz_studio,
        assignments,
        gradebook,
    ):
        router.include_router(module.router)
    return router


def _start_scheduler(app: FastAPI) -> tuple[asyncio.Event, asyncio.Task[None]] | None:
    """Embedded mode (no Redis): run the periodic jobs in this process, unless switched off
    (``LECTERN_SCHEDULER=off``; the tests do). With Redis, `lectern scheduler` runs them."""
    settings = job_settings()
    if not settings.scheduler or not jobs.in_process():
        return None
    stop = asyncio.Event()
    runner = schedule.Scheduler(app.state.sessions)
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
    configure_logging(settings.log_level, json_lines=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine if engine is not None else create_engine()
        app.state.sessions = sessions or session_factory(app.state.engine)
        if not jobs.broker.is_worker_process:
            await jobs.broker.startup()
        scheduler = _start_scheduler(app)
        try:
            yield
        finally:
            await _stop_scheduler(scheduler)
            await jobs.wait_for_jobs()
            if not jobs.broker.is_worker_process:
                await jobs.broker.shutdown()
            if own_engine:
                await app.state.engine.dispose()

    app = FastAPI(
        title="Lectern",
        version=__version__,
        summary="An open-source learning platform: courses, learning, commerce.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.rate_limiter = RateLimiter(rate_limit_settings())
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(health.router)
    app.include_router(api_router())

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
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware)
    return app
