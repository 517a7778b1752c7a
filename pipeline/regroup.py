"""Page thumbnails on the review screen: split a referral, merge two, move a page between them.

The splitter can be wrong about where one patient's referral ends. Staff regroup the pages
of a document; each changed referral is then extracted again from exactly its pages by the
pipeline's own stages (find → extract → triage → check), so fields, boxes and problems stay
consistent with the pages. Only referrals still waiting for review can be regrouped (a
reviewed value would not survive re-extraction), and only within one document (a referral's
pages are page numbers of its document). Every regrouping is audited.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from models.referral import Referral
from models.storage import Store
from models.storage.tables import DocumentRow, ReferralRow
from models.vocab import ReferralStatus
from pipeline import review_actions as actions
from pipeline.retype import referrals_of_pages, stored_document
from pipeline.settings import Settings
from pipeline.stage import StageContext


class RegroupError(actions.ReviewError):
    """A regrouping that makes no sense (no pages left, other document…)."""

    status = 409


def extract_groups(
    store: Store, settings: Settings, document_id: str, groups: list[list[int]]
) -> list[Referral]:
    """One freshly extracted referral per group of page numbers (in the given order)."""
    with store.session() as s:
        row = s.get(DocumentRow, document_id)
        if row is None:
            raise actions.NotFound("no such document")
        document = stored_document(store, row)
    return referrals_of_pages(document, groups, StageContext(settings=settings))


def _open(s: Session, referral_id: str, actor: actions.Actor) -> tuple[ReferralRow, Referral]:
    row, referral = actions.load(s, referral_id)
    held = actions.claim_of(s, referral_id)
    if held is not None and held.user != actor.user.name:
        raise actions.ClaimedByOther(f"claimed by {held.user}")
    if referral.status != ReferralStatus.NEEDS_REVIEW:
        raise RegroupError(f"referral is already {referral.status.value}")
    return row, referral


def _store_as(s: Session, row: ReferralRow, fresh: Referral) -> Referral:
    """Put a re-extracted referral in ``row`` (keeping the row's id)."""
    kept = fresh.model_copy(update={"id": UUID(row.id), "document_id": UUID(row.document_id)})
    row.urgency = kept.triage.urgency.value if kept.triage else None
    row.specialty = kept.triage.specialty.value if kept.triage else None
    row.due_by = kept.triage.due_by if kept.triage else None
    actions.save(s, row, kept)
    return kept


def _groups_check(pages: list[int], all_pages: list[int]) -> None:
    if not pages or not set(pages) <= set(all_pages):
        raise RegroupError("pages must be pages of this referral")
    if set(pages) == set(all_pages):
        raise RegroupError("a split must leave pages in the referral")


def split(
    store: Store, settings: Settings, referral_id: str, pages: list[int], actor: actions.Actor
) -> dict[str, Any]:
    """Move ``pages`` of a referral into a new referral of the same document."""
    with store.session() as s:
        row, referral = _open(s, referral_id, actor)
        _groups_check(pages, referral.pages)
        document_id = row.document_id
    rest = [p for p in referral.pages if p not in pages]
    first, second = extract_groups(store, settings, document_id, [rest, sorted(pages)])
    with store.session() as s:
        row, _ = _open(s, referral_id, actor)
        _store_as(s, row, first)
        s.add(store.referral_row(second))
        actions.audit(
            s,
            actor,
            "referral.split",
            "referral",
            referral_id,
            pages=sorted(pages),
            new=str(second.id),
        )
    return {"id": referral_id, "new": str(second.id)}


def merge(
    store: Store, settings: Settings, referral_id: str, other_id: str, actor: actions.Actor
) -> dict[str, Any]:
    """Join ``other_id`` (same document) into ``referral_id``; the other becomes ``merged``."""
    if other_id == referral_id:
        raise RegroupError("a referral cannot be merged with itself")
    with store.session() as s:
        row, referral = _open(s, referral_id, actor)
        other_row, other = _open(s, other_id, actor)
        if other_row.document_id != row.document_id:
            raise RegroupError("only referrals of the same document can be merged")
        pages = sorted({*referral.pages, *other.pages})
        document_id = row.document_id
    (joined,) = extract_groups(store, settings, document_id, [pages])
    with store.session() as s:
        row, _ = _open(s, referral_id, actor)
        other_row, other = _open(s, other_id, actor)
        _store_as(s, row, joined)
        actions.save(s, other_row, other.model_copy(update={"status": ReferralStatus.MERGED}))
        actions.audit(s, actor, "referral.merge", "referral", referral_id, other=other_id)
        actions.audit(s, actor, "referral.merged_into", "referral", other_id, into=referral_id)
    return {"id": referral_id, "merged": other_id}


def move_page(
    store: Store,
    settings: Settings,
    referral_id: str,
    page: int,
    to_id: str,
    actor: actions.Actor,
) -> dict[str, Any]:
    """Move one page to another referral of the same document (both are re-extracted)."""
    with store.session() as s:
        row, referral = _open(s, referral_id, actor)
        target_row, target = _open(s, to_id, actor)
        if target_row.document_id != row.document_id or to_id == referral_id:
            raise RegroupError("a page moves to another referral of the same document")
        _groups_check([page], referral.pages)
        document_id = row.document_id
    rest = [p for p in referral.pages if p != page]
    source, dest = extract_groups(
        store, settings, document_id, [rest, sorted({*target.pages, page})]
    )
    with store.session() as s:
        row, _ = _open(s, referral_id, actor)
        target_row, _ = _open(s, to_id, actor)
        _store_as(s, row, source)
        _store_as(s, target_row, dest)
        actions.audit(s, actor, "referral.move_page", "referral", referral_id, page=page, to=to_id)
    return {"id": referral_id, "to": to_id}
