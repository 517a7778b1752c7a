"""intake import-status: CSV exports and FHIR Task updates → closed-loop status, audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from models.storage.tables import AuditRow
from pipeline.cleanup_apply import apply
from pipeline.cleanup_plan import plan
from pipeline.loop_status import current, normalise_state
from pipeline.status_import import IDENTIFIER_SYSTEM, import_status
from tests.cleanup.conftest import JANE, store_referral
from tests.ops.conftest import run_intake


def task(rid: str, status: str, **extra) -> dict:
    return {
        "resourceType": "Task",
        "status": status,
        "intent": "order",
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": rid}],
        **extra,
    }


def test_state_spellings():
    assert normalise_state("No Show") == "no-show"
    assert normalise_state("Canceled") == "cancelled"
    assert normalise_state("COMPLETED") == "completed"


def test_csv_by_id_and_by_patient_dob_with_bad_rows_reported(store, settings):
    jane = store_referral(store, days_ago=10)
    bo = store_referral(store, {"patient.name": "Bo Chan", "patient.dob": "1970-01-05"})
    csv = (
        "Referral_ID,patient,dob,status,date,note\n"
        f"{bo},,,Accepted,2026-11-20,\n"
        ',"Doe, Jane",1961-04-02,scheduled,2026-11-21T10:00:00,cardiology clinic\n'
        f"{bo},,,teleported,2026-11-22,\n"
        "nope,,,completed,2026-11-22,\n"
        ",Mary Major,1961-04-02,completed,,\n"
    ).encode()
    report = import_status(store, csv, "cli:test")
    assert report.imported == 2
    assert [line for line, _ in report.errors] == [4, 5, 6]
    assert "unknown status" in report.errors[0][1]
    with store.session() as s:
        got = current(s, jane)
        assert (got["state"], got["task_status"], got["rf1_status"]) == (
            "scheduled",
            "in-progress",
            "A",
        )
        assert current(s, bo)["rf1_status"] == "A"
        audited = s.scalars(select(AuditRow).where(AuditRow.action == "referral.loop_status"))
        details = [a.detail for a in audited]
    assert {d["state"] for d in details} == {"accepted", "scheduled"}
    assert all("note" not in d for d in details)  # free text never enters the audit log


def test_fhir_task_updates_and_completion_closes_via_cleanup(store, settings):
    rid = store_referral(store, days_ago=3)
    other = store_referral(store, {**JANE, "patient.name": "Bo Chan", "patient.mrn": "99"})
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": task(rid, "in-progress", lastModified="2026-11-20T09:00:00Z")},
            {
                "resource": task(
                    rid,
                    "completed",
                    lastModified="2026-11-25T09:00:00Z",
                    businessStatus={"text": "completed"},
                    note=[{"text": "consult note sent"}],
                )
            },
            {"resource": task(other, "on-hold")},
            {"resource": {"resourceType": "Task", "status": "completed"}},  # no intent
        ],
    }
    report = import_status(store, json.dumps(bundle).encode(), "cli:test")
    assert report.imported == 3
    assert report.errors == [(4, report.errors[0][1])]
    assert "not a valid FHIR Task" in report.errors[0][1]
    with store.session() as s:
        got = current(s, rid)
        assert [h["state"] for h in got["history"]] == ["scheduled", "completed"]
        assert got["note"] == "consult note sent"
        assert current(s, other)["state"] == "no-show"
    closes = [p for p in plan(store, settings) if p.action == "close"]
    assert [p.referral for p in closes] == [rid]
    apply(store, closes, "cli:test")


def test_api_shows_loop_status_and_merge_pointer(store, settings):
    from fastapi.testclient import TestClient

    from pipeline import accounts
    from review_ui.app import create_app

    first = store_referral(store, days_ago=3)
    again = store_referral(store, days_ago=2)
    apply(store, plan(store, settings), "cli:test")
    import_status(store, f"referral_id,status\n{first},accepted\n".encode(), "cli:test")
    app = create_app(settings)
    accounts.add_user(app.state.store, "rita", "referral_team", "correct horse battery")
    token = accounts.issue_token(app.state.store, "rita")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    body = client.get(f"/api/referrals/{first}").json()
    assert body["loop_status"]["state"] == "accepted"
    assert body["loop_status"]["task_status"] == "accepted"
    assert body["merged_into"] is None and body["status"] == "needs_review"
    merged = client.get(f"/api/referrals/{again}").json()
    assert (merged["status"], merged["merged_into"]) == ("merged", first)


def test_cli_import_status(tmp_path):
    from models.storage import Store
    from pipeline.settings import Settings

    data = tmp_path / "data"
    store = Store(Settings(data_dir=data).effective_database_url)
    rid = store_referral(store)
    good = tmp_path / "export.csv"
    good.write_text(f"referral_id,status,date,note\n{rid},declined,2026-11-20,full\n")
    done = run_intake(data, "import-status", "--json", str(good))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"imported": 1, "errors": []}
    bad = tmp_path / "task.json"
    bad.write_text(json.dumps(task("missing", "completed")))
    failed = run_intake(data, "import-status", str(bad))
    assert failed.returncode == 1 and "line 1: no such referral" in failed.stderr
