"""intake cleanup: merge, expire and close on a real SQLite store, each audited and undone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.storage.cleanup_tables import CleanupActionRow, ReferralStatusUpdateRow
from models.storage.tables import AuditRow, ReferralRow
from pipeline.cleanup_apply import CleanupError, apply, merged_into, undo
from pipeline.cleanup_plan import plan
from tests.cleanup.conftest import JANE, LETTER, NOW, store_referral
from tests.ops.conftest import run_intake


def status(store, rid: str) -> str:
    with store.session() as s:
        row = s.get(ReferralRow, rid)
        assert row.data["status"] == row.status  # the row and its JSON agree
        return row.status


def audit_actions(store, rid: str) -> list[str]:
    with store.session() as s:
        return list(
            s.scalars(
                select(AuditRow.action).where(AuditRow.entity_id == rid).order_by(AuditRow.id)
            )
        )


def test_refax_is_merged_and_unmerged_keeping_everything(store, settings):
    first = store_referral(store, days_ago=3)
    refax = store_referral(
        store, {**JANE, "patient.name": "Doe, Jarne"}, days_ago=2, text=LETTER.replace("m", "rn")
    )
    other = store_referral(
        store,
        {**JANE, "referral.clinical_question": "Changing mole."},
        specialty="dermatology",
        text="Dermatology referral for Jane Doe: a changing mole on the back, please assess.",
    )
    with store.session() as s:
        before = {r.id: r.data for r in s.scalars(select(ReferralRow))}
    planned = plan(store, settings)
    assert [(p.action, p.referral, p.duplicate_of) for p in planned] == [("merge", refax, first)]
    assert status(store, refax) == "needs_review"  # planning changes nothing
    line = planned[0].to_json()
    assert set(line) == {"action", "referral", "duplicate_of", "score", "evidence", "reason"}
    assert 0 < line["score"] <= 1 and "dob_exact" in line["evidence"]

    (done,) = apply(store, planned, "cli:test")
    assert status(store, refax) == "merged" and status(store, first) == "needs_review"
    assert status(store, other) == "needs_review"
    with store.session() as s:
        assert merged_into(s, refax) == first
        after = {r.id: r.data for r in s.scalars(select(ReferralRow))}
    assert {k: {**v, "status": None} for k, v in after.items()} == {
        k: {**v, "status": None} for k, v in before.items()
    }  # every field and page of both kept
    assert "cleanup.merge" in audit_actions(store, refax)
    assert "cleanup.merged_in" in audit_actions(store, first)
    assert plan(store, settings) == []  # nothing left to merge

    undo(store, done.id, "cli:test")
    assert status(store, refax) == "needs_review"
    with store.session() as s:
        assert merged_into(s, refax) is None
        assert s.get(CleanupActionRow, done.id).undone_by == "cli:test"
    assert audit_actions(store, refax)[-1] == "cleanup.undo_merge"
    with pytest.raises(CleanupError, match="already undone"):
        undo(store, done.id, "cli:test")


def test_expiry_by_status_age_from_settings_and_undo(store, settings):
    old = store_referral(store, days_ago=31, specialty="neurology")
    young = store_referral(store, {"patient.name": "Ann Lee"}, days_ago=5)
    approved = store_referral(store, {"patient.name": "Bo Chan"}, days_ago=60)
    with store.session() as s:
        row = s.get(ReferralRow, approved)
        row.status = "approved"
        row.data = {**row.data, "status": "approved"}
    planned = plan(store, settings)
    assert [(p.action, p.referral) for p in planned] == [("expire", old)]
    assert "limit_days_30" in planned[0].evidence
    tighter = settings.model_copy(update={"expire_approved_days": 45})
    assert {p.referral for p in plan(store, tighter)} == {old, approved}
    off = settings.model_copy(update={"expire_needs_review_days": None})
    assert plan(store, off) == []

    (done,) = apply(store, planned, "cli:test")
    assert status(store, old) == "expired" and status(store, young) == "needs_review"
    undo(store, done.id, "cli:test")
    assert status(store, old) == "needs_review"
    assert audit_actions(store, old)[-2:] == ["cleanup.expire", "cleanup.undo_expire"]


def test_completed_loop_status_closes_and_undo_refused_after_a_change(store, settings):
    rid = store_referral(store, days_ago=2)
    with store.session() as s:
        s.add(
            ReferralStatusUpdateRow(
                referral_id=rid,
                state="completed",
                task_status="completed",
                rf1_status="CM",
                occurred_at=NOW - timedelta(days=1),
                note="",
                source="csv",
                imported_at=NOW,
                actor="cli:test",
            )
        )
    (done,) = apply(store, plan(store, settings), "cli:test")
    assert (done.action, status(store, rid)) == ("close", "closed")
    with store.session() as s:  # someone reopens it by hand: undo must not overwrite that
        row = s.get(ReferralRow, rid)
        row.status = "needs_review"
        row.data = {**row.data, "status": "needs_review"}
    with pytest.raises(CleanupError, match="changed since"):
        undo(store, done.id, "cli:test")
    with pytest.raises(CleanupError, match="no clean-up action"):
        undo(store, 999, "cli:test")


def test_cli_dry_run_json_apply_and_undo(tmp_path):
    from models.storage import Store
    from pipeline.settings import Settings

    data = tmp_path / "data"
    store = Store(Settings(data_dir=data).effective_database_url)
    first = store_referral(store, days_ago=3)
    refax = store_referral(store, days_ago=2)
    stale = store_referral(store, {"patient.name": "Ann Lee"}, days_ago=40)
    env = {"INTAKE_EMBEDDING_MODEL_PATH": str(tmp_path / "no-model")}  # rapidfuzz fallback

    dry = run_intake(data, "cleanup", "--dry-run", "--json", **env)
    assert dry.returncode == 0, dry.stderr
    lines = [json.loads(line) for line in dry.stdout.splitlines()]
    assert [(x["action"], x["referral"]) for x in lines] == [("merge", refax), ("expire", stale)]
    assert lines[0]["duplicate_of"] == first and "duplicate_of" not in lines[1]
    assert status(store, refax) == "needs_review"

    applied = run_intake(data, "cleanup", "--json", **env)
    ids = [json.loads(line)["id"] for line in applied.stdout.splitlines()]
    assert status(store, refax) == "merged" and status(store, stale) == "expired"
    assert "Jane" not in applied.stderr and "Doe" not in applied.stderr  # no PHI in logs

    back = run_intake(data, "cleanup", "--undo", str(ids[0]), **env)
    assert back.returncode == 0, back.stderr
    assert status(store, refax) == "needs_review"
    again = run_intake(data, "cleanup", "--undo", str(ids[0]), **env)
    assert again.returncode == 1 and "already undone" in again.stderr
