"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Request

from lectern.migrate import check_connection

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="The process can serve requests: the database answers",
    responses={503: {"description": "The database is unreachable"}},
)
async def ready(request: Request) -> dict[str, str]:
    await check_connection(request.app.state.engine)
    return {"status": "ok", "database": "ok"}
