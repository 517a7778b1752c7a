"""``intake queue``: paging past 200 rows, filters, a status column, JSON, due-by shown in the
site's time zone and counted from when the fax was received."""

from __future__ import annotations

import json
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import Document, Referral
from models.document import FaxMeta
from models.referral import Triage
from models.storage import Store
from models.vocab import ReferralStatus, Specialty, Urgency
from pipeline.runner import process
from pipeline.stage import StageContext
from tests.conftest import SAMPLES
from tests.ops.conftest import run_intake

BASE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _fill(store: Store, count: int) -> None:
    """``count`` one-referral documents: every 3rd urgent, every 5th approved, due hourly."""
    for i in range(count):
        doc = Document(
            sha256=uuid.uuid4().hex * 2,
            media_type="application/pdf",
            size_bytes=1,
            source_name=f"f{i}.pdf",
            received_at=BASE,
            page_count=1,
        )
        urgency = Urgency.URGENT if i % 3 == 0 else Urgency.ROUTINE
        referral = Referral(
            document_id=doc.id,
            pages=[1],
            triage=Triage(
                urgency=urgency,
                specialty=Specialty.CARDIOLOGY if i % 2 else Specialty.NEUROLOGY,
                due_by=BASE + timedelta(hours=i),
            ),
            status=ReferralStatus.APPROVED if i % 5 == 0 else ReferralStatus.NEEDS_REVIEW,
        )
        store.save_processed(doc, [referral])


def _queue(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_intake(tmp_path / "data", "queue", *args, **env)


@pytest.fixture
def filled(tmp_path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'data' / 'intake.db'}")
    _fill(store, 260)
    return store


def test_paging_goes_past_200_rows_without_overlap(filled):
    total = filled.count_queue(None)
    assert total == 260
    seen = []
    for offset in range(0, total, 100):
        seen += [r["id"] for r in filled.queue(None, limit=100, offset=offset)]
    assert len(seen) == len(set(seen)) == 260


def test_cli_json_filters_and_time_zone(tmp_path, filled):
    run = _queue(
        tmp_path,
        "--json",
        "--urgency",
        "urgent",
        "--limit",
        "10",
        "--page",
        "2",
        INTAKE_TIMEZONE="America/New_York",
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    needs_review_urgent = sum(1 for i in range(260) if i % 3 == 0 and i % 5 != 0)
    assert out["total"] == needs_review_urgent and out["offset"] == 10
    assert len(out["referrals"]) == 10
    rows = out["referrals"]
    assert {r["urgency"] for r in rows} == {"urgent"} and {r["status"] for r in rows} == {
        "needs_review"
    }
    due = [datetime.fromisoformat(r["due_by"]) for r in rows]
    assert due == sorted(due)
    assert all(d.utcoffset() == timedelta(hours=-5) for d in due)  # EST in November
    spec = _queue(tmp_path, "--json", "--all", "--specialty", "neurology", "--limit", "500")
    assert json.loads(spec.stdout)["total"] == 130


def test_cli_table_has_a_status_column_and_says_what_is_left(tmp_path, filled):
    run = _queue(tmp_path, "--all", "--limit", "5", INTAKE_TIMEZONE="Europe/Paris")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split()[:3] == ["referral", "status", "urgency"]
    assert len(lines) == 1 + 5 + 1
    assert "approved" in lines[1]  # i == 0: approved, earliest due
    assert "10:00" in lines[1]  # 09:00 UTC shown in Paris time
    assert lines[-1].startswith("1-5 of 260") and "--offset 5" in lines[-1]
    bad = _queue(tmp_path, "--urgency", "soon")
    assert bad.returncode == 2


def test_due_by_counts_from_the_fax_received_time(settings, store):
    received = datetime(2026, 11, 20, 8, 30, tzinfo=ZoneInfo("America/Chicago"))
    fax = FaxMeta(received=received, pages_expected=1)
    result = process(
        SAMPLES / "referrals" / "12_letter_digital.pdf",
        StageContext(settings=settings),
        store,
        fax=fax,
    )
    [referral] = result.referrals
    hours = {
        "stat": settings.due_hours_stat,
        "urgent": settings.due_hours_urgent,
        "routine": settings.due_hours_routine,
    }[referral.triage.urgency.value]
    assert referral.triage.due_by == received + timedelta(hours=hours)
    [row] = store.queue(None)
    assert row["received"] == received
