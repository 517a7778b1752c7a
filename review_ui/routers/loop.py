"""Closed-loop status from the workspace: record a state reported by phone or letter, and
import a scheduling system's CSV export or a FHIR Task (the referral team).

The logic is ``pipeline.loop_status`` and ``pipeline.status_import``, the same as
``intake import-status``: every state recorded is audited with its FHIR Task.status and HL7
v2 RF1-1. The review screen and the queue show the newest state and its history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from pipeline import loop_status
from pipeline.status_import import import_status
from review_ui.schemas import ImportOut, LoopStatusIn
from review_ui.security import TeamUser, authenticated, who

router = APIRouter(tags=["closed loop"], dependencies=[Depends(authenticated)])
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@router.post("/api/referrals/{referral_id}/loop-status")
def record_state(
    request: Request, referral_id: str, body: LoopStatusIn, user: TeamUser
) -> dict[str, Any]:
    """Record a 360X state for a referral; returns its current state with the history."""
    try:
        update = loop_status.Update(
            referral_id,
            loop_status.normalise_state(body.state),
            body.at or datetime.now(UTC),
            body.note,
            "web",
        )
        with request.app.state.store.session() as s:
            loop_status.record(s, update, who(user))
    except loop_status.StatusError as exc:
        code = 404 if "no such referral" in str(exc) else 422
        raise HTTPException(status_code=code, detail=str(exc)) from exc
    with request.app.state.store.session() as s:
        return loop_status.current(s, referral_id) or {}


@router.post("/api/status/import", response_model=ImportOut)
async def import_file(
    request: Request, user: TeamUser, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Closed-loop updates from a CSV export or a FHIR Task / Bundle of Tasks (JSON)."""
    raw = await file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise HTTPException(status_code=413, detail="status file too large")
    report = await run_in_threadpool(import_status, request.app.state.store, raw, who(user))
    errors = [{"line": line, "error": msg} for line, msg in report.errors]
    return {"imported": report.imported, "errors": errors}
