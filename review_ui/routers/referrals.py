"""``/api/referrals``: the queue, one referral, and every review action on it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from models.referral import Referral
from pipeline import loop_status, regroup
from pipeline import review_actions as actions
from pipeline.cleanup_apply import absorbed, merge_action
from pipeline.review_queue import QueueFilter, list_referrals
from pipeline.routing.run import deliveries
from review_ui.schemas import ClaimOut, MergeIn, MoveIn, QueuePage, ReferralOut, RejectIn, SplitIn
from review_ui.security import CurrentActor, authenticated

router = APIRouter(
    prefix="/api/referrals", tags=["referrals"], dependencies=[Depends(authenticated)]
)

EXAMPLE = {"patient.dob": "1961-04-02", "referring.npi": "1234567893"}


def queue_filter(
    *,
    status: str | None = "needs_review",
    urgency: str | None = None,
    specialty: str | None = None,
    missing: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    sender_fax: str | None = None,
    claimed_by: str | None = None,
    overdue: bool = False,
) -> QueueFilter:
    """Query parameters of the queue (``status=all`` or empty: every status)."""
    return QueueFilter(
        status=None if status in (None, "", "all") else status,
        urgency=urgency or None,
        specialty=specialty or None,
        missing=missing or None,
        received_from=received_from,
        received_to=received_to,
        sender_fax=sender_fax or None,
        claimed_by=claimed_by or None,
        overdue=overdue,
    )


Filters = Annotated[QueueFilter, Depends(queue_filter)]


@router.get("", response_model=QueuePage)
def list_queue(
    request: Request,
    filters: Filters,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The work queue: most urgent then earliest due first, with counts per filter value."""
    return list_referrals(request.app.state.store, filters, page=page, per_page=per_page)


def referral_detail(request: Request, referral_id: str) -> dict[str, Any]:
    """The contract's referral plus ``reviewed``, ``claim`` and ``history``."""
    store = request.app.state.store
    with store.session() as s:
        row, referral = actions.load(s, referral_id)
        claim = actions.claim_of(s, referral_id)
        document_id = row.document_id
        loop = loop_status.current(s, referral_id)
        merge = merge_action(s, referral_id)
        merged_here = absorbed(s, referral_id)
        routing = deliveries(s, referral_id)
    contract = referral.to_contract()
    reviewed = {
        name.value: f.reviewed_value
        for name, f in referral.fields.items()
        if f.reviewed_value is not None
    }
    for name, f in referral.fields.items():  # a field only a reviewer supplied
        if f.value is None and name.value not in contract["fields"]:
            contract["fields"][name.value] = f.to_contract()
    return {
        **contract,
        "document_id": document_id,
        "reviewed": reviewed,
        "claim": claim.model_dump() if claim else None,
        "history": actions.history(store, referral_id),
        "loop_status": loop,
        "merged_into": merge.duplicate_of if merge is not None else None,
        "merge_action": merge.id if merge is not None else None,
        "absorbed": merged_here,
        "routing": routing,
    }


def _run(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except actions.ReviewError as exc:
        raise HTTPException(status_code=exc.status, detail=str(exc)) from exc


@router.get("/{referral_id}", response_model=ReferralOut)
def get_referral(request: Request, referral_id: str, actor: CurrentActor) -> dict[str, Any]:
    """One referral (viewing it is audited)."""
    detail = _run(referral_detail, request, referral_id)
    actions.record(request.app.state.store, actor, "referral.view", "referral", referral_id)
    detail["history"] = actions.history(request.app.state.store, referral_id)
    return detail


@router.post("/{referral_id}/claim", response_model=ClaimOut)
def claim(request: Request, referral_id: str, actor: CurrentActor) -> Any:
    """Claim a referral for ``INTAKE_CLAIM_MINUTES`` (409 while someone else holds it)."""
    minutes = request.app.state.settings.claim_minutes
    return _run(actions.claim, request.app.state.store, referral_id, actor, minutes)


@router.post("/{referral_id}/release", status_code=204)
def release(request: Request, referral_id: str, actor: CurrentActor) -> Response:
    """Give a claim back (admins may release anyone's)."""
    _run(actions.release, request.app.state.store, referral_id, actor)
    return Response(status_code=204)


@router.patch("/{referral_id}/fields", response_model=ReferralOut)
def patch_fields(
    request: Request,
    referral_id: str,
    actor: CurrentActor,
    changes: Annotated[dict[str, Any], Body(examples=[EXAMPLE])],
) -> Any:
    """Correct fields: ``{"patient.dob": "1961-04-02", …}``; 422 names each invalid field."""
    if not changes:
        raise HTTPException(status_code=422, detail={"errors": {"": "no fields given"}})
    try:
        _run(actions.correct, request.app.state.store, referral_id, actor, changes)
    except actions.InvalidFields as exc:
        raise HTTPException(status_code=422, detail={"errors": exc.errors}) from exc
    return referral_detail(request, referral_id)


@router.post("/{referral_id}/fields/{field}/accept", response_model=ReferralOut)
def accept_field(request: Request, referral_id: str, field: str, actor: CurrentActor) -> Any:
    """Confirm one extracted value as read."""
    try:
        _run(actions.accept, request.app.state.store, referral_id, actor, field)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail="unknown field") from exc
    return referral_detail(request, referral_id)


@router.post("/{referral_id}/approve", response_model=ReferralOut)
def approve(request: Request, referral_id: str, actor: CurrentActor) -> Any:
    """Approve (409 while a field is invalid or another user holds the claim)."""
    _run(actions.approve, request.app.state.store, referral_id, actor)
    return referral_detail(request, referral_id)


@router.post("/{referral_id}/reject", response_model=ReferralOut)
def reject(request: Request, referral_id: str, body: RejectIn, actor: CurrentActor) -> Any:
    """Reject with a coded reason."""
    _run(actions.reject, request.app.state.store, referral_id, actor, body.reason)
    return referral_detail(request, referral_id)


def _referral(request: Request, referral_id: str) -> tuple[Referral, str]:
    with request.app.state.store.session() as s:
        row, referral = _run(actions.load, s, referral_id)
        return referral, row.document_id


@router.get("/{referral_id}/fhir")
def fhir(request: Request, referral_id: str, actor: CurrentActor) -> Response:
    """FHIR R4 transaction Bundle (Patient, Coverage, Practitioner, Organization,
    ServiceRequest, Task, DocumentReference), validated with ``fhir.resources``."""
    import json

    from pipeline.fhir_export import build_bundle  # fhir.resources: loaded on first export

    referral, document_id = _referral(request, referral_id)
    urls = [f"/api/documents/{document_id}/pages/{n}.png" for n in referral.pages]
    bundle = build_bundle(referral, urls)
    actions.record(
        request.app.state.store, actor, "referral.export", "referral", referral_id, format="fhir"
    )
    return Response(json.dumps(bundle), media_type="application/fhir+json")


@router.get("/{referral_id}/missing-info.pdf")
async def missing_info(request: Request, referral_id: str, actor: CurrentActor) -> Response:
    """One-page fax-back to the referring office asking for what is missing."""
    from pipeline.faxback import missing_info_pdf  # reportlab: loaded on first fax-back

    referral, _ = _referral(request, referral_id)
    settings = request.app.state.settings
    pdf = await run_in_threadpool(
        missing_info_pdf, referral, clinic_name=settings.clinic_name, clinic_fax=settings.clinic_fax
    )
    actions.record(request.app.state.store, actor, "referral.request_info", "referral", referral_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="missing-info-{referral_id[:8]}.pdf"'},
    )


@router.post("/{referral_id}/split")
def split(request: Request, referral_id: str, body: SplitIn, actor: CurrentActor) -> Any:
    """Split pages off into a new referral of the same document (both re-extracted)."""
    settings = request.app.state.settings
    return _run(regroup.split, request.app.state.store, settings, referral_id, body.pages, actor)


@router.post("/{referral_id}/merge")
def merge(request: Request, referral_id: str, body: MergeIn, actor: CurrentActor) -> Any:
    """Merge another referral of the same document into this one (the other: ``merged``)."""
    settings = request.app.state.settings
    return _run(regroup.merge, request.app.state.store, settings, referral_id, body.other, actor)


@router.post("/{referral_id}/pages/{number}/move")
def move_page(
    request: Request, referral_id: str, number: int, body: MoveIn, actor: CurrentActor
) -> Any:
    """Move one page to another referral of the same document."""
    store, settings = request.app.state.store, request.app.state.settings
    return _run(regroup.move_page, store, settings, referral_id, number, body.to, actor)
