"""The HTTP application: create_app() wires the routers, error handlers and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from lectern import __version__, health
from lectern.db import create_engine, session_factory
from lectern.errors import LecternError

PROBLEM_JSON = "application/problem+json"


def create_app(engine: AsyncEngine | None = None) -> FastAPI:
    """Build the app; an engine may be handed in (tests), else one comes from the settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine if engine is not None else create_engine()
        app.state.sessions = session_factory(app.state.engine)
        try:
            yield
        finally:
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
    app.include_router(health.router)
    app.add_exception_handler(LecternError, _problem)  # type: ignore[arg-type]
    return app


async def _problem(request: Request, exc: LecternError) -> JSONResponse:
    """An RFC 9457 problem document for an error the domain raised on purpose."""
    return JSONResponse(
        {
            "type": f"https://lectern.dev/problems/{exc.code}",
            "title": exc.code.replace("_", " ").capitalize(),
            "status": exc.status,
            "detail": exc.detail,
        },
        status_code=exc.status,
        media_type=PROBLEM_JSON,
    )
