"""Server-rendered pages (Jinja2 + htmx): queue, review screen, documents, upload, search,
audit. They call the same services as the JSON API; actions go through the API from app.js."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from models.review import FIELD_LABELS as LABELS
from models.review import RejectReason
from models.storage.tables import DocumentRow, ReferralRow
from models.vocab import DocumentType, FieldName, Specialty, Urgency
from pipeline import review_actions as actions
from pipeline.loop_status import STATES
from pipeline.review_queue import QueueFilter, list_referrals
from pipeline.review_search import search as run_search
from review_ui.routers.documents import list_documents
from review_ui.routers.misc import audit_entries
from review_ui.routers.referrals import queue_filter, referral_detail
from review_ui.security import AdminUser, CurrentActor, CurrentUser, acts, authenticated

router = APIRouter(include_in_schema=False, dependencies=[Depends(authenticated)])
Filters = Annotated[QueueFilter, Depends(queue_filter)]


def render(request: Request, name: str, **context: Any) -> Response:
    """A template with the user and CSRF token every page needs."""
    context.setdefault("user", request.state.user)
    context["csrf_token"] = request.state.csrf_token
    return request.app.state.templates.TemplateResponse(request, name, context)


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    filters: Filters,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The work queue with its filters and counts."""
    result = list_referrals(request.app.state.store, filters, page=page, per_page=50)
    pages = max(1, -(-result["total"] // result["per_page"]))
    return render(
        request,
        "queue.html",
        result=result,
        filters=filters,
        pages=pages,
        query=request.query_params,
        urgencies=[u.value for u in Urgency],
        specialties=[s.value for s in Specialty],
        fields=[f.value for f in FieldName],
    )


@router.get("/referrals/next")
def next_referral(request: Request, user: CurrentUser) -> Response:
    """The most urgent referral nobody else holds."""
    result = list_referrals(request.app.state.store, QueueFilter(), per_page=200)
    for item in result["items"]:
        if item["claimed_by"] in (None, user.name):
            return RedirectResponse(f"/referrals/{item['id']}", status_code=303)
    return RedirectResponse("/", status_code=303)


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
def review_page(request: Request, referral_id: str, actor: CurrentActor) -> Response:
    """The review screen; opening it claims the referral (unless someone else holds it)."""
    store = request.app.state.store
    try:
        detail = referral_detail(request, referral_id)
    except actions.NotFound as exc:
        raise HTTPException(status_code=404, detail="no such referral") from exc
    if detail["status"] == "needs_review":
        with contextlib.suppress(actions.ClaimedByOther):
            detail["claim"] = actions.claim(
                store, referral_id, actor, request.app.state.settings.claim_minutes
            ).model_dump()
    actions.record(store, actor, "referral.view", "referral", referral_id)
    problems: dict[str, list[dict[str, Any]]] = {}
    for problem in detail["problems"]:
        problems.setdefault(problem["field"], []).append(problem)
    mine = detail["claim"] is None or detail["claim"]["user"] == actor.user.name
    page_count, siblings = _document_of(store, detail["document_id"], referral_id)
    owner = {n: s["id"] for s in siblings for n in s["pages"]}
    return render(
        request,
        "review.html",
        r=detail,
        problems=problems,
        labels=LABELS,
        field_names=[f.value for f in FieldName],
        low=request.app.state.settings.low_confidence,
        editable=mine and detail["status"] == "needs_review",
        reasons=[r.value for r in RejectReason],
        page_count=page_count,
        siblings=siblings,
        owner=owner,
        can_act=acts(actor.user),
        states=list(STATES),
        rules_on=request.app.state.settings.routing_rules is not None,
    )


def _document_of(store: Any, document_id: str, referral_id: str) -> tuple[int, list[dict]]:
    """The document's page count and its other referrals still in review (for regrouping)."""
    with store.session() as s:
        doc = s.get(DocumentRow, document_id)
        rows = s.scalars(
            select(ReferralRow).where(
                ReferralRow.document_id == document_id,
                ReferralRow.id != referral_id,
                ReferralRow.status == "needs_review",
            )
        ).all()
        siblings = [
            {
                "id": row.id,
                "pages": row.data.get("pages", []),
                "name": ((row.data.get("fields") or {}).get("patient.name") or {}).get("value"),
            }
            for row in rows
        ]
    return (doc.page_count if doc else 0), siblings


@router.get("/documents", response_class=HTMLResponse)
def documents_page(
    request: Request,
    kind: Annotated[str, Query(pattern="^(other|quarantined|all)$")] = "other",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Documents that are not referrals, and quarantined files; re-type or confirm."""
    result = list_documents(request, kind, page, 50)
    return render(
        request, "documents.html", result=result, kind=kind, types=[t.value for t in DocumentType]
    )


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> Response:
    """Drop letters here."""
    return render(request, "upload.html")


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, actor: CurrentActor, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """Search results."""
    found = run_search(request.app.state.store, q) if q else {"referrals": [], "documents": []}
    if q:
        actions.record(
            request.app.state.store, actor, "search", "query", "-", results=len(found["referrals"])
        )
    return render(request, "search.html", q=q, found=found)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    _admin: AdminUser,
    entity_id: str | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The audit log, newest first (admins only)."""
    entries = audit_entries(request, entity_id, None, before, 100)
    return render(request, "audit.html", entries=entries, entity_id=entity_id or "")
