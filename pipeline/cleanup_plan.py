"""What `intake cleanup` would do: merge proposals, expiries and closures, decided, not done.

Planning only reads the database. Candidates for duplicate detection are built from the
stored referrals (values as reviewed, else as extracted) and the text of their own pages;
expiry ages count from when the document was received (the fax server's time when it gave
one); closure follows a closed-loop status imported from the receiving side (completed,
cancelled, declined), see ``pipeline.loop_status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.storage import Store
from models.storage.tables import DocumentRow, PageRow, ReferralRow
from pipeline.dedup.candidate import Candidate
from pipeline.dedup.propose import COMPARED, Embedder, candidate_pairs, propose, score_pair
from pipeline.loop_status import latest
from pipeline.settings import Settings

#: Closed-loop states after which a referral needs nothing more from the queue.
FINAL_STATES = ("completed", "cancelled", "declined")
#: States that mean an approved referral is being taken care of (never expired).
ACTIVE_STATES = ("accepted", "scheduled")
_OPEN = COMPARED  # what duplicate detection compares is what clean-up may close
_BATCH = 500  # ids per IN (...) query


@dataclass
class Planned:
    """One clean-up action, before (``id`` None) or after it was applied."""

    action: str  # merge | expire | close
    referral: str
    score: float
    reason: str
    evidence: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``intake cleanup --json`` line (names are a contract); ``id`` once applied."""
        out: dict[str, Any] = {"action": self.action, "referral": self.referral}
        if self.action == "merge":
            out["duplicate_of"] = self.duplicate_of
        out.update(score=round(self.score, 3), evidence=self.evidence, reason=self.reason)
        if self.id is not None:
            out["id"] = self.id
        return out


def _arrival(stated: Any, landed: datetime) -> datetime:
    """When a document arrived: the fax server's stated time (``fax.received``), else its
    landing time, in UTC. Expiry ages and duplicate windows count from here."""
    if stated:
        try:
            return as_utc(datetime.fromisoformat(str(stated)))
        except ValueError:
            pass
    return as_utc(landed)


#: The referral fields duplicate detection reads (see ``Candidate.from_contract``).
_COMPARED = (
    "patient.name",
    "patient.dob",
    "patient.phone",
    "patient.mrn",
    "insurance.member_id",
    "referral.specialty",
    "referral.clinical_question",
)


def _candidate_columns() -> list[Any]:
    """Only what duplicate detection reads, taken out of the JSON by the database: parsing
    10,000 whole referrals in Python is what made the duplicates page slow."""
    data = ReferralRow.data
    columns: list[Any] = [
        ReferralRow.id,
        ReferralRow.status,
        ReferralRow.document_id,
        data[("pages",)].label("pages"),
        data[("triage", "specialty")].as_string().label("triage_specialty"),
        DocumentRow.received_at,
        DocumentRow.fax[("received",)].as_string().label("fax_received"),
    ]
    for i, name in enumerate(_COMPARED):
        columns.append(data[("fields", name, "value")].as_string().label(f"v{i}"))
        columns.append(data[("fields", name, "reviewed_value")].as_string().label(f"r{i}"))
    return columns


def _bare_candidate(row: Any) -> Candidate:
    fields = {
        name: {"value": getattr(row, f"v{i}"), "reviewed_value": getattr(row, f"r{i}")}
        for i, name in enumerate(_COMPARED)
    }
    contract = {
        "id": row.id,
        "status": row.status,
        "fields": fields,
        "triage": {"specialty": row.triage_specialty},
    }
    return Candidate.from_contract(contract, _arrival(row.fax_received, row.received_at))


def _page_texts(s: Session, wanted: dict[str, list[int]]) -> dict[tuple[str, int], str]:
    """Words of the wanted pages, ``(document id, page) → text``, in few queries."""
    out: dict[tuple[str, int], str] = {}
    doc_ids = sorted(wanted)
    for i in range(0, len(doc_ids), _BATCH):
        rows = s.scalars(select(PageRow).where(PageRow.document_id.in_(doc_ids[i : i + _BATCH])))
        for row in rows:
            if row.number in wanted[row.document_id]:
                words = (row.data or {}).get("words") or []
                out[(row.document_id, row.number)] = " ".join(str(w.get("text", "")) for w in words)
    return out


def _joined(texts: dict[tuple[str, int], str], document_id: str, pages: list[int]) -> str:
    """A referral's page texts in page order; a page not stored adds nothing."""
    return "\n".join(texts[(document_id, n)] for n in pages if (document_id, n) in texts)


def candidates(store: Store, ids: list[str] | None = None) -> list[Candidate]:
    """Every open referral as duplicate detection sees it (or those of ``ids``, any status)."""
    return _candidates_and_pairs(store, ids)[0]


def _candidates_and_pairs(
    store: Store, ids: list[str] | None = None
) -> tuple[list[Candidate], list[tuple[Candidate, Candidate]] | None]:
    """:func:`candidates`, and (for the whole queue) the pairs sharing a blocking key.

    Page text (for "the same fax re-sent") is the costly part, so it is loaded only for
    referrals that share a blocking key with another: a busy queue stays fast.
    """
    query = select(*_candidate_columns()).join(
        DocumentRow, DocumentRow.id == ReferralRow.document_id
    )
    if ids is None:
        query = query.where(ReferralRow.status.in_(_OPEN))
    else:
        query = query.where(ReferralRow.id.in_(ids))
    with store.session() as s:
        rows = s.execute(query).all()
        bare = [_bare_candidate(row) for row in rows]
        bare_pairs = candidate_pairs(bare) if ids is None else None
        paired = {c.id for pair in bare_pairs for c in pair} if bare_pairs is not None else None
        pages = {
            row.id: [int(n) for n in row.pages or []]
            for row in rows
            if paired is None or row.id in paired
        }
        wanted: dict[str, list[int]] = {}
        for row in rows:
            if row.id in pages:
                wanted.setdefault(row.document_id, []).extend(pages[row.id])
        texts = _page_texts(s, wanted)
    doc_of = {row.id: row.document_id for row in rows}
    full = {
        c.id: replace(c, text=_joined(texts, doc_of[c.id], pages[c.id])) if c.id in pages else c
        for c in bare
    }
    pairs = None if bare_pairs is None else [(full[a.id], full[b.id]) for a, b in bare_pairs]
    return list(full.values()), pairs


def pair(
    store: Store, settings: Settings, a: str, b: str, *, embed: Embedder | None = None
) -> Planned | None:
    """The merge proposal for two given referrals whatever their status (the side-by-side
    view), or ``None`` when duplicate detection does not see the same request."""
    found = {c.id: c for c in candidates(store, [a, b])}
    if len(found) != 2:
        return None
    ca, cb = found[a], found[b]
    vectors: dict[str, Any] = {}
    if embed is not None and ca.question and cb.question:
        rows = embed([ca.question, cb.question])
        if rows is not None:
            vectors = {a: rows[0], b: rows[1]}
    p = score_pair(ca, cb, window_days=settings.duplicate_window_days, vectors=vectors)
    if p is None:
        return None
    return Planned("merge", p.referral, p.score, p.reason, p.evidence, p.duplicate_of)


def _expiries(
    store: Store,
    settings: Settings,
    now: datetime,
    taken: set[str],
    states: dict[str, str],
) -> list[Planned]:
    limits = {
        "needs_review": settings.expire_needs_review_days,
        "approved": settings.expire_approved_days,
    }
    out = []
    with store.session() as s:
        rows = s.execute(
            select(
                ReferralRow.id, ReferralRow.status, DocumentRow.fax, DocumentRow.received_at
            )
            .join(DocumentRow, DocumentRow.id == ReferralRow.document_id)
            .where(ReferralRow.status.in_(list(limits)))
        ).all()
    for rid, status, fax, landed in rows:
        days = limits[status]
        if days is None or rid in taken or states.get(rid) in (*ACTIVE_STATES, *FINAL_STATES):
            continue
        age = (now - _arrival((fax or {}).get("received"), landed)) / timedelta(days=1)
        if age > days:
            evidence = [f"status_{status}", f"age_days_{age:.0f}", f"limit_days_{days}"]
            reason = f"{status} for more than {days} days"
            out.append(Planned("expire", rid, 1.0, reason, evidence))
    return out


def _closures(store: Store, taken: set[str], states: dict[str, str]) -> list[Planned]:
    with store.session() as s:
        rows = s.execute(
            select(ReferralRow.id, ReferralRow.status).where(
                ReferralRow.id.in_([r for r, st in states.items() if st in FINAL_STATES])
            )
        ).all()
    return [
        Planned(
            "close",
            rid,
            1.0,
            f"receiving side reported {states[rid]}",
            [f"loop_state_{states[rid]}", f"status_{status}"],
        )
        for rid, status in rows
        if status in _OPEN and rid not in taken
    ]


def merge_proposals(
    store: Store,
    settings: Settings,
    *,
    embed: Embedder | None = None,
    exclude: set[frozenset[str]] | None = None,
) -> list[Planned]:
    """The merge proposals alone, best score first (the duplicates screen); dismissed pairs
    and those in ``exclude`` are never proposed."""
    from pipeline.cleanup_apply import dismissed

    with store.session() as s:
        not_pairs = dismissed(s) | (exclude or set())
    found, pairs = _candidates_and_pairs(store)
    return [
        Planned("merge", p.referral, p.score, p.reason, p.evidence, p.duplicate_of)
        for p in propose(
            found,
            threshold=settings.duplicate_threshold,
            window_days=settings.duplicate_window_days,
            embed=embed,
            exclude=not_pairs,
            pairs=pairs,
        )
    ]


def plan(
    store: Store,
    settings: Settings,
    *,
    now: datetime | None = None,
    embed: Embedder | None = None,
    merges: bool = True,
    min_merge_score: float = 0.0,
) -> list[Planned]:
    """Merges first (best score first), then closures, then expiries; one action per referral.

    ``min_merge_score``: merges scoring less are left out before the others are planned (the
    periodic job's auto-merge threshold), so such a referral is still closed or expired.

    What a person undid is not redone here (``cleanup_apply.undone``): an un-merged pair is
    not merged again, an un-expired or re-opened referral is not expired or closed again —
    only a person does that (the Duplicates screen still shows an un-merged pair).
    ``merges=False`` skips duplicate detection (and the embedding model) altogether."""
    from pipeline.cleanup_apply import undone

    now = now or datetime.now(UTC)
    with store.session() as s:
        undone_pairs, undone_single = undone(s)
        states = latest(s)  # closed-loop state per referral, for closures and expiries alike
    found = merge_proposals(store, settings, embed=embed, exclude=undone_pairs) if merges else []
    found = [m for m in found if m.score >= min_merge_score]
    taken = {m.referral for m in found}
    closes = [
        c for c in _closures(store, taken, states) if ("close", c.referral) not in undone_single
    ]
    taken |= {c.referral for c in closes}
    expiries = _expiries(store, settings, now, taken, states)
    return [*found, *closes, *[e for e in expiries if ("expire", e.referral) not in undone_single]]
