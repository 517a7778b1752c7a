"""``GET /health``: database and broker reachability for load balancers and monitors.

Unauthenticated on purpose (it is what a monitor polls) and therefore free of PHI: ok flags,
latencies and error types only. 200 when everything answers, 503 otherwise.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from pipeline.health import health as check

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request) -> Any:
    """The checks of :func:`pipeline.health.health` (run off the event loop: they block)."""
    report = await run_in_threadpool(check, request.app.state.settings)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)
