""" "Did you get my fax for Jane Doe?": find referrals and documents from what a caller says.

A query that reads as a date matches the DOB; one with 7+ digits matches phone, fax and MRN
digits; anything else matches the MRN exactly, the patient name with rapidfuzz (token sort:
"Doe, Jane" finds "Jane Doe"; an OCR slip or a typo still scores high) and the referring
practice. Names are compared in Python over the index's name column, which stays fast at
tens of thousands of referrals.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process, utils
from sqlalchemy import or_, select

from extractors.fields.dates import parse_date
from models.storage import Store
from models.storage.review_tables import ReferralIndexRow
from models.storage.tables import DocumentRow
from pipeline.review_queue import QueueFilter, digits, list_referrals, sync_index

NAME_CUTOFF = 78
PRACTICE_CUTOFF = 85
LIMIT = 50


def _matching_ids(store: Store, q: str) -> list[str]:
    text = " ".join(q.split())
    number = digits(text)
    parsed = parse_date(text, "dob")
    with store.session() as s:
        if parsed is not None and parsed.start == 0 and len(number) >= 6:
            where = ReferralIndexRow.dob == parsed.iso
            return list(s.scalars(select(ReferralIndexRow.referral_id).where(where).limit(LIMIT)))
        ids: list[str] = []
        if len(number) >= 7:
            where = or_(
                ReferralIndexRow.phones.contains(number),
                ReferralIndexRow.sender_fax.contains(number),
                ReferralIndexRow.mrn.contains(number),
            )
            ids += s.scalars(select(ReferralIndexRow.referral_id).where(where).limit(LIMIT))
        ids += s.scalars(
            select(ReferralIndexRow.referral_id).where(ReferralIndexRow.mrn == text).limit(LIMIT)
        )
        rows = s.execute(
            select(
                ReferralIndexRow.referral_id,
                ReferralIndexRow.patient_name,
                ReferralIndexRow.practice,
            )
        ).all()
    names = {rid: name for rid, name, _ in rows if name}
    practices = {rid: practice for rid, _, practice in rows if practice}
    for _, _score, rid in process.extract(
        text,
        names,
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        score_cutoff=NAME_CUTOFF,
        limit=LIMIT,
    ):
        ids.append(rid)
    if len(text) >= 4:
        for _, _score, rid in process.extract(
            text,
            practices,
            scorer=fuzz.partial_ratio,
            processor=utils.default_process,
            score_cutoff=PRACTICE_CUTOFF,
            limit=LIMIT,
        ):
            ids.append(rid)
    return list(dict.fromkeys(ids))[:LIMIT]


def search(store: Store, q: str) -> dict[str, Any]:
    """Referrals (queue items, any status) and documents matching ``q``."""
    q = q.strip()[:200]
    if not q:
        return {"referrals": [], "documents": []}
    sync_index(store)
    ids = _matching_ids(store, q)
    found = list_referrals(store, QueueFilter(status=None, ids=ids), per_page=LIMIT)["items"]
    order = {rid: i for i, rid in enumerate(ids)}
    found.sort(key=lambda item: order[item["id"]])
    number = digits(q)
    documents: list[dict[str, Any]] = []
    if len(number) >= 7:
        with store.session() as s:
            docs = s.scalars(select(DocumentRow).order_by(DocumentRow.received_at.desc())).all()
            documents = [
                {"id": d.id, "document_type": d.document_type, "status": d.status}
                for d in docs
                if number in digits((d.fax or {}).get("sender_fax"))
            ][:LIMIT]
    return {"referrals": found, "documents": documents}
