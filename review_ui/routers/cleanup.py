"""``/api/cleanup``: proposed duplicates side by side with their evidence; merge, dismiss, undo.

The referral team (and admins) act here; the logic is the pipeline's (``pipeline.cleanup_*``),
the same as ``intake cleanup``, so a merge from the workspace is recorded, audited and undone
exactly like one from the command line. Responses hold ids, scores and evidence codes; the
side-by-side view reads each referral's fields from ``GET /api/referrals/{id}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from pipeline.cleanup_apply import CleanupError, apply_one, dismiss, recent, undo
from pipeline.cleanup_plan import Planned, pair, plan
from pipeline.dedup.propose import safe_embedder
from review_ui.schemas import CleanupActionOut
from review_ui.security import CurrentUser, TeamUser, who

router = APIRouter(prefix="/api/cleanup", tags=["cleanup"])


class PairIn(BaseModel):
    """Two referrals: the one to merge (or not) and the one it duplicates."""

    referral: str
    duplicate_of: str


def _plan(request: Request) -> list[Planned]:
    settings = request.app.state.settings
    embed = safe_embedder(settings.embedding_model_path)
    return plan(request.app.state.store, settings, embed=embed)


@router.get("/proposals")
async def proposals(request: Request, _user: TeamUser) -> list[dict[str, Any]]:
    """What ``intake cleanup --dry-run`` would do now (merges first), one object per action."""
    planned = await run_in_threadpool(_plan, request)
    return [p.to_json() for p in planned]


@router.post("/merge")
async def merge(request: Request, body: PairIn, user: TeamUser) -> dict[str, Any]:
    """Merge ``referral`` into ``duplicate_of`` (the proposal's score and evidence kept)."""
    settings = request.app.state.settings
    scored = await run_in_threadpool(
        pair,
        request.app.state.store,
        settings,
        body.referral,
        body.duplicate_of,
        embed=safe_embedder(settings.embedding_model_path),
    )
    same_way = scored is not None and (scored.referral, scored.duplicate_of) == (
        body.referral,
        body.duplicate_of,
    )
    found = scored if same_way else None
    item = found or Planned(
        "merge", body.referral, 0.0, "merged by a reviewer", [], body.duplicate_of
    )
    done = await run_in_threadpool(apply_one, request.app.state.store, item, who(user))
    if done is None:
        raise HTTPException(status_code=409, detail="cannot merge these referrals now")
    return done.to_json()


@router.post("/dismiss")
def dismiss_pair(request: Request, body: PairIn, user: TeamUser) -> dict[str, Any]:
    """Not the same request: the pair is never proposed again (until the dismissal is undone)."""
    try:
        action_id = dismiss(request.app.state.store, body.referral, body.duplicate_of, who(user))
    except CleanupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return {"id": action_id, "action": "dismiss", "referral": body.referral}


@router.post("/actions/{action_id}/undo")
def undo_action(request: Request, action_id: int, user: TeamUser) -> dict[str, Any]:
    """Reverse one clean-up action (un-merge, un-expire, re-open, un-dismiss)."""
    try:
        action = undo(request.app.state.store, action_id, who(user))
    except CleanupError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    return {
        "undone": action.id,
        "action": action.action,
        "referral": action.referral_id,
        "status": action.previous_status,
    }


@router.get("/actions", response_model=list[CleanupActionOut])
def list_actions(
    request: Request,
    _user: CurrentUser,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Clean-up actions (merge, expire, close, dismiss), newest first, with whether undone."""
    return recent(request.app.state.store, limit=limit, before=before)
