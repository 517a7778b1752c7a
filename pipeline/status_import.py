"""``intake import-status FILE``: closed-loop updates from a CSV export or a FHIR Task.

CSV (a scheduling system's export; headers case-insensitive): ``referral_id`` — or
``patient`` and ``dob`` when the other side never saw our id —, ``status`` (a 360X state),
``date`` and ``note``. A patient + DOB names the patient's referrals (names compared as
duplicate detection does, OCR slips and "Last, First" allowed; a referral merged into another
is not one of them); with several, the newest received on or before ``date`` is taken.
FHIR: a ``Task`` (or a ``Bundle`` of them) validated with ``fhir.resources``, found by the
identifier our Bundle export gave it (``urn:referral-intake:referral``). A row that cannot be
placed is reported by its line number and skipped; the others are recorded, each audited.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import as_utc
from models.storage import Store
from models.storage.review_tables import ReferralIndexRow
from pipeline.dedup.names import name_similarity
from pipeline.loop_status import FROM_TASK, StatusError, Update, normalise_state, record
from pipeline.review_queue import sync_index

IDENTIFIER_SYSTEM = "urn:referral-intake:referral"
_ID_COLUMNS = ("referral_id", "referral", "id")


@dataclass
class ImportReport:
    """How many updates were recorded and, per rejected row, why (line numbers, no values)."""

    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _when(text: str) -> datetime:
    if not text.strip():
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise StatusError("date is not ISO 8601 (YYYY-MM-DD)") from None
    return as_utc(moment)


def _by_patient(s: Session, name: str, dob: str, when: datetime) -> str:
    rows = s.execute(
        select(
            ReferralIndexRow.referral_id,
            ReferralIndexRow.patient_name,
            ReferralIndexRow.received_at,
        ).where(
            ReferralIndexRow.dob == dob.strip(),
            ReferralIndexRow.status != "merged",  # its survivor is the referral being served
        )
    ).all()
    matching = [
        (as_utc(received), rid)
        for rid, stored, received in rows
        if name_similarity(name, stored)[1][0] != "name_fuzzy"
        and name_similarity(name, stored)[0] >= 0.9
    ]
    if not matching:
        raise StatusError("no referral for this patient and DOB")
    before = [m for m in matching if m[0] <= when] or matching
    return max(before)[1]


def _csv_updates(s: Session, text: str) -> list[tuple[int, Update | str]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return [(1, "empty file")]
    out: list[tuple[int, Update | str]] = []
    for row in reader:
        line = reader.line_num
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        try:
            state = normalise_state(cells.get("status", ""))
            when = _when(cells.get("date", ""))
            rid = next((cells[c] for c in _ID_COLUMNS if cells.get(c)), "")
            if not rid:
                if not (cells.get("patient") and cells.get("dob")):
                    raise StatusError("needs referral_id, or patient and dob")
                rid = _by_patient(s, cells["patient"], cells["dob"], when)
            out.append((line, Update(rid, state, when, cells.get("note", "")[:2000], "csv")))
        except StatusError as exc:
            out.append((line, str(exc)))
    return out


def _task_update(task: dict[str, Any]) -> Update:
    from fhir.resources.R4B.task import Task
    from pydantic import ValidationError

    try:
        Task.model_validate(task)
    except ValidationError as exc:
        raise StatusError(f"not a valid FHIR Task ({exc.error_count()} errors)") from None
    rid = next(
        (
            str(i.get("value"))
            for i in task.get("identifier") or []
            if i.get("system") == IDENTIFIER_SYSTEM and i.get("value")
        ),
        "",
    )
    if not rid:
        raise StatusError(f"Task has no identifier of system {IDENTIFIER_SYSTEM}")
    business = task.get("businessStatus") or {}
    words = [c.get("code", "") for c in business.get("coding") or []] + [business.get("text", "")]
    state = ""
    for word in filter(None, words):
        try:
            state = normalise_state(word)
            break
        except StatusError:
            continue
    state = state or FROM_TASK.get(str(task.get("status")), "")
    if not state:
        raise StatusError(f"Task.status {task.get('status')!r} has no 360X state")
    when = _when(str(task.get("lastModified") or task.get("authoredOn") or ""))
    note = " ".join(str(n.get("text", "")) for n in task.get("note") or [])
    return Update(rid, state, when, note[:2000], "fhir")


def _fhir_updates(text: str) -> list[tuple[int, Update | str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [(1, "not JSON")]
    if not isinstance(data, dict):
        return [(1, "not a FHIR resource")]
    if data.get("resourceType") == "Bundle":
        tasks = [
            e.get("resource") or {}
            for e in data.get("entry") or []
            if (e.get("resource") or {}).get("resourceType") == "Task"
        ]
    elif data.get("resourceType") == "Task":
        tasks = [data]
    else:
        return [(1, "neither a Task nor a Bundle of Tasks")]
    out: list[tuple[int, Update | str]] = []
    for n, task in enumerate(tasks, start=1):
        try:
            out.append((n, _task_update(task)))
        except StatusError as exc:
            out.append((n, str(exc)))
    return out


def import_status(store: Store, raw: bytes, actor: str) -> ImportReport:
    """Record every update in ``raw`` (CSV or FHIR JSON), each in its own transaction."""
    report = ImportReport()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((1, "not UTF-8 text"))
        return report
    sync_index(store)
    is_json = text.lstrip().startswith("{")
    with store.session() as s:
        parsed = _fhir_updates(text) if is_json else _csv_updates(s, text)
    for line, item in parsed:
        if isinstance(item, str):
            report.errors.append((line, item))
            continue
        try:
            with store.session() as s:
                record(s, item, actor)
            report.imported += 1
        except StatusError as exc:
            report.errors.append((line, str(exc)))
    return report
