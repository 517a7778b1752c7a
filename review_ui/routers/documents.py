"""``/api/documents``: every input file (non-referrals and quarantined ones too), page
images, upload, and re-typing a document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy import func, or_, select

from models.clock import as_utc
from models.storage.tables import DocumentRow, PageRow, ReferralRow
from models.vocab import DocumentType
from pipeline import review_actions as actions
from pipeline.retype import extract_referrals, stored_document
from pipeline.stage import StageContext
from review_ui.schemas import DocumentPage, RetypeIn, UploadOut
from review_ui.security import CurrentActor, authenticated

router = APIRouter(tags=["documents"], dependencies=[Depends(authenticated)])


def _doc(row: DocumentRow, referrals: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "document_type": row.document_type,
        "document_type_confidence": row.document_type_confidence,
        "page_count": row.page_count,
        "received_at": as_utc(row.received_at).isoformat(),
        "error_code": row.error_code,
        "sender_fax": (row.fax or {}).get("sender_fax"),
        "referrals": referrals,
    }


def list_documents(request: Request, kind: str, page: int, per_page: int) -> dict[str, Any]:
    """Documents, newest first; ``kind=other`` (default): not referrals, or quarantined."""
    counts = (
        select(ReferralRow.document_id, func.count().label("n"))
        .group_by(ReferralRow.document_id)
        .subquery()
    )
    query = select(DocumentRow, func.coalesce(counts.c.n, 0)).outerjoin(
        counts, counts.c.document_id == DocumentRow.id
    )
    if kind == "other":
        query = query.where(
            or_(
                DocumentRow.status == "quarantined",
                DocumentRow.document_type.is_(None),
                DocumentRow.document_type != DocumentType.REFERRAL.value,
            )
        )
    elif kind == "quarantined":
        query = query.where(DocumentRow.status == "quarantined")
    with request.app.state.store.session() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.execute(
            query.order_by(DocumentRow.received_at.desc(), DocumentRow.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        items = [_doc(row, n) for row, n in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@router.get("/api/documents", response_model=DocumentPage)
def documents(
    request: Request,
    kind: Annotated[str, Query(pattern="^(other|quarantined|all)$")] = "other",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Documents that are not referrals (and quarantined files), or ``kind=all``."""
    return list_documents(request, kind, page, per_page)


@router.post("/api/documents", response_model=list[UploadOut], status_code=202)
async def upload(
    request: Request, actor: CurrentActor, files: Annotated[list[UploadFile], File()]
) -> list[dict[str, Any]]:
    """Upload PDFs/images (several at once); each is processed like an inbox file."""
    uploads = request.app.state.uploads
    limit = request.app.state.settings.max_file_mb * 1024 * 1024
    out = []
    for item in files:
        status = await run_in_threadpool(uploads.submit, item.filename or "", item.file, limit)
        actions.record(request.app.state.store, actor, "document.upload", "upload", status["id"])
        out.append(status)
    return out


@router.get("/api/uploads/{upload_id}", response_model=UploadOut)
def upload_status(request: Request, upload_id: str) -> dict[str, Any]:
    """Where an upload's processing stands."""
    found = request.app.state.uploads.get(upload_id)
    if found is None:
        raise HTTPException(status_code=404, detail="no such upload")
    return found


@router.get("/api/documents/{document_id}/pages/{number}.png")
def page_image(request: Request, document_id: str, number: int) -> FileResponse:
    """A page image of a document (as the reviewer sees it)."""
    settings = request.app.state.settings
    with request.app.state.store.session() as s:
        row = s.scalar(
            select(PageRow).where(PageRow.document_id == document_id, PageRow.number == number)
        )
        stored = (row.data or {}).get("image_path") if row else None
    pages_dir = settings.pages_dir.resolve()
    candidates = [Path(stored)] if stored else []
    candidates.append(pages_dir / document_id / f"{number:04d}.png")
    for path in candidates:
        resolved = path.resolve()
        if resolved.is_relative_to(pages_dir) and resolved.is_file():
            return FileResponse(
                resolved, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
            )
    raise HTTPException(status_code=404, detail="no such page image")


@router.post("/api/documents/{document_id}/type")
async def retype(
    request: Request, document_id: str, body: RetypeIn, actor: CurrentActor
) -> dict[str, Any]:
    """Set what a document is. ``referral`` extracts its referrals; the same type confirms."""
    store = request.app.state.store
    with store.session() as s:
        row = s.get(DocumentRow, document_id)
        if row is None:
            raise HTTPException(status_code=404, detail="no such document")
        if row.status != "processed":
            raise HTTPException(status_code=409, detail="a quarantined file has no pages")
        before = row.document_type
        has_referrals = s.scalar(select(func.count()).where(ReferralRow.document_id == document_id))
    created: list[str] = []
    new = body.document_type.value
    if new == DocumentType.REFERRAL.value and not has_referrals:
        document = stored_document(store, row)
        ctx = StageContext(settings=request.app.state.settings)
        referrals = await run_in_threadpool(extract_referrals, document, ctx)
        created = store.add_referrals(referrals)
    with store.session() as s:
        s.get(DocumentRow, document_id).document_type = new
        action = "document.confirm_type" if before == new else "document.retype"
        actions.audit(
            s,
            actor,
            action,
            "document",
            document_id,
            before=before,
            after=new,
            referrals=len(created),
        )
    return {"id": document_id, "document_type": new, "referral_ids": created}
