"""Pages of queue clean-up: proposed duplicates, two referrals side by side with the evidence,
and the history of clean-up actions with Undo. Everyone signed in may look; the referral
team and admins act (the buttons call ``/api/cleanup``, ``/api/routing`` and
``/api/status``). Opening a side-by-side view is audited as a view of both referrals.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from models.review import FIELD_LABELS as LABELS
from models.storage.tables import DocumentRow
from pipeline import review_actions as actions
from pipeline.cleanup_apply import recent
from pipeline.cleanup_plan import Planned, merge_proposals, pair
from pipeline.dedup.explain import explain, matched_fields
from pipeline.dedup.propose import safe_embedder
from pipeline.loop_status import STATES
from pipeline.review_queue import QueueFilter, list_referrals
from review_ui.routers.pages import render
from review_ui.routers.referrals import referral_detail
from review_ui.security import CurrentActor, CurrentUser, acts, authenticated

router = APIRouter(include_in_schema=False, dependencies=[Depends(authenticated)])

#: What the side-by-side view compares, in this order.
COMPARED = (
    "patient.name",
    "patient.dob",
    "patient.sex",
    "patient.mrn",
    "patient.phone",
    "patient.address",
    "insurance.payer",
    "insurance.member_id",
    "referring.practice",
    "referring.name",
    "referring.fax",
    "referral.specialty",
    "referral.urgency",
    "referral.clinical_question",
    "referral.date",
)


def _people(request: Request, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Queue rows (name, specialty, received, status) of ``ids``, by id."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    found = list_referrals(
        request.app.state.store, QueueFilter(status=None, ids=sorted(ids)), per_page=200
    )
    return {item["id"]: item for item in found["items"]}


def _merges(request: Request) -> list[Planned]:
    settings = request.app.state.settings
    embed = safe_embedder(settings.embedding_model_path)
    return merge_proposals(request.app.state.store, settings, embed=embed)


@router.get("/duplicates", response_class=HTMLResponse)
async def duplicates_page(request: Request, user: CurrentUser) -> Response:
    """Proposed duplicate pairs, best score first, each with what matched."""
    merges = (await run_in_threadpool(_merges, request))[:100]
    people = _people(request, {i for p in merges for i in (p.referral, p.duplicate_of or "")})
    pairs = [
        {
            "p": p,
            "merge": people.get(p.referral),
            "keep": people.get(p.duplicate_of or ""),
            "evidence": [explain(code) for code in p.evidence],
        }
        for p in merges
    ]
    return render(request, "duplicates.html", pairs=pairs, can_act=acts(user))


def _value(detail: dict[str, Any], name: str) -> Any:
    if name in detail["reviewed"]:
        return detail["reviewed"][name]
    value = (detail["fields"].get(name) or {}).get("value")
    return ", ".join(value) if isinstance(value, list) else value


@router.get("/duplicates/{referral_id}/{other_id}", response_class=HTMLResponse)
async def compare_page(
    request: Request, referral_id: str, other_id: str, actor: CurrentActor
) -> Response:
    """Two referrals side by side: fields, evidence of the match, page thumbnails, actions."""
    try:
        a = referral_detail(request, referral_id)
        b = referral_detail(request, other_id)
    except actions.NotFound as exc:
        raise HTTPException(status_code=404, detail="no such referral") from exc
    settings = request.app.state.settings
    embed = safe_embedder(settings.embedding_model_path)
    proposal = await run_in_threadpool(
        lambda: pair(request.app.state.store, settings, referral_id, other_id, embed=embed)
    )
    if proposal is not None and proposal.referral != referral_id:  # merged one on the left
        a, b = b, a
    for detail in (a, b):
        actions.record(request.app.state.store, actor, "referral.view", "referral", detail["id"])
    codes = proposal.evidence if proposal else []
    matched = matched_fields(codes)
    rows = [
        {
            "name": name,
            "label": LABELS.get(name, name),
            "a": _value(a, name),
            "b": _value(b, name),
            "how": matched.get(name, []),
        }
        for name in COMPARED
    ]
    merged = next(
        (d for d in (a, b) if d["merged_into"] in (referral_id, other_id) and d["merge_action"]),
        None,
    )
    return render(
        request,
        "compare.html",
        a=a,
        b=b,
        proposal=proposal,
        evidence=[explain(code) for code in codes],
        rows=rows,
        merged=merged,
        can_act=acts(actor.user),
        people=_people(request, {a["id"], b["id"]}),
        page_counts={d["id"]: _page_count(request, d) for d in (a, b)},
    )


def _page_count(request: Request, detail: dict[str, Any]) -> int:
    """Pages of the referral's document: a cover page the other copy lacks is shown too."""
    with request.app.state.store.session() as s:
        doc = s.get(DocumentRow, detail["document_id"])
        return doc.page_count if doc is not None else max(detail["pages"] or [0])


@router.get("/cleanup", response_class=HTMLResponse)
def cleanup_page(request: Request, user: CurrentUser) -> Response:
    """Clean-up actions (merge, expire, close, dismiss) newest first, with Undo; routing and
    status import for the referral team."""
    done = recent(request.app.state.store, limit=200)
    people = _people(
        request, {a["referral"] for a in done} | {a["duplicate_of"] or "" for a in done}
    )
    return render(
        request,
        "cleanup.html",
        done=done,
        people=people,
        can_act=acts(user),
        rules=request.app.state.settings.routing_rules is not None,
        states=list(STATES),
    )
