"""``/api/search``, ``/api/audit`` (admins) and the OpenAPI schema (signed in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from models.storage.tables import AuditRow
from pipeline import review_actions as actions
from pipeline.review_search import search as run_search
from review_ui.schemas import AuditEntry, SearchOut
from review_ui.security import AdminUser, CurrentActor, authenticated

router = APIRouter(tags=["search and audit"], dependencies=[Depends(authenticated)])


@router.get("/api/search", response_model=SearchOut)
def search(
    request: Request, q: Annotated[str, Query(max_length=200)], actor: CurrentActor
) -> dict[str, Any]:
    """Referrals and documents by patient name (typos, either order), DOB, MRN, phone,
    referring practice or sending fax number."""
    found = run_search(request.app.state.store, q)
    actions.record(
        request.app.state.store, actor, "search", "query", "-", results=len(found["referrals"])
    )
    return found


def audit_entries(
    request: Request, entity_id: str | None, actor: str | None, before: int | None, limit: int
) -> list[dict[str, Any]]:
    """Newest first; ``before`` is the id to page from."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if entity_id:
        query = query.where(AuditRow.entity_id == entity_id)
    if actor:
        query = query.where(AuditRow.actor == actor)
    if before:
        query = query.where(AuditRow.id < before)
    with request.app.state.store.session() as s:
        return [actions.entry(r) for r in s.scalars(query).all()]


@router.get("/api/audit", response_model=list[AuditEntry])
def audit(
    request: Request,
    _admin: AdminUser,
    entity_id: str | None = None,
    actor: str | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The audit log (read only: there is no route that changes or deletes an entry)."""
    return audit_entries(request, entity_id, actor, before, limit)


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request) -> dict[str, Any]:
    """The OpenAPI schema of every route (for integrators; signed in like the rest)."""
    return request.app.openapi()
