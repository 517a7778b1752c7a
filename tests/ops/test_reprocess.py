"""``intake reprocess`` on real documents: a quarantined document retried after a setting
change, referrals replaced with the old outcome kept, reviewed referrals protected."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import select, update

from models.storage import Store
from models.storage.history import find_documents, runs_of
from models.storage.tables import AuditRow, ReferralRow
from pipeline.reprocess import Refused, reprocess
from pipeline.runner import process
from pipeline.settings import Settings
from pipeline.stage import StageContext
from tests.conftest import SAMPLES
from tests.hostile import not_private
from tests.ops.conftest import run_intake

TWO_PAGES = SAMPLES / "referrals" / "01_cover_form_digital.pdf"  # one referral on page 2
ONE_PAGE = SAMPLES / "referrals" / "12_letter_digital.pdf"


def _cli(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_intake(tmp_path / "data", *args, **env)


def _processed(settings: Settings, store: Store, path=ONE_PAGE):
    result = process(path, StageContext(settings=settings), store)
    assert result.status.value == "processed" and result.referrals
    return result


@pytest.mark.slow
def test_quarantined_document_is_retried_after_a_setting_change(tmp_path):
    first = _cli(tmp_path, "process", "--json", str(TWO_PAGES), INTAKE_MAX_PAGES="1")
    line = json.loads(first.stdout)
    assert line["status"] == "quarantined" and line["error"].startswith("too_many_pages")
    quarantine = tmp_path / "data" / "quarantine"
    assert any(p.name.endswith(".error.txt") for p in quarantine.iterdir())
    # re-running the file only gives back the stored failure …
    again = json.loads(_cli(tmp_path, "process", "--json", str(TWO_PAGES)).stdout)
    assert again["status"] == "quarantined" and again["duplicate"] is True
    # … reprocess runs it again, from the stored original, under today's settings
    run = _cli(tmp_path, "reprocess", "--quarantined", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["status"] == "processed" and out["document_id"] == line["document_id"]
    assert [r["pages"] for r in out["referrals"]] == [[2]]
    assert "Traceback" not in run.stderr
    # the failure stays recorded; its quarantine copy moved to the archive
    store = Store(f"sqlite:///{tmp_path / 'data' / 'intake.db'}")
    runs = runs_of(store, line["document_id"])
    assert [(r.status, r.error_code) for r in runs] == [("quarantined", "too_many_pages")]
    assert not [p for p in quarantine.iterdir() if p.is_file()]
    assert list((tmp_path / "data" / "archive").iterdir())
    assert not_private(tmp_path / "data") == []  # moved and re-written files stay 0600
    # nothing quarantined is left to retry
    empty = _cli(tmp_path, "reprocess", "--quarantined")
    assert empty.returncode == 0 and "no quarantined document" in empty.stderr


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def on_db(request, settings) -> tuple[Settings, Store]:
    """Settings and store on the embedded SQLite file, or on a fresh PostgreSQL database."""
    if request.param == "postgres":
        url = request.getfixturevalue("fresh_pg")
        settings = settings.model_copy(update={"database_url": url})
    return settings, Store(settings.effective_database_url)


def test_reprocess_replaces_referrals_and_keeps_the_old_outcome(on_db):
    settings, store = on_db
    before = _processed(settings, store)
    old_ids = [str(r.id) for r in before.referrals]
    [row] = find_documents(store, before.sha256)
    [result] = reprocess([row], settings, store)
    assert result.status.value == "processed"
    assert result.document_id == before.document_id
    new = store.referrals_of(before.document_id)
    assert len(new) == len(before.referrals)
    assert not {str(r.id) for r in new} & set(old_ids)  # replaced, not added
    [old_run] = runs_of(store, before.document_id)
    assert old_run.status == "processed"
    assert [r["id"] for r in old_run.referrals] == old_ids  # the old values are kept
    with store.session() as s:
        actions = s.scalars(
            select(AuditRow.action).where(AuditRow.entity_id == before.document_id)
        ).all()
    assert "document.reprocessed" in actions
    # page images were replaced in place, none left in a scratch folder
    assert [p.name for p in settings.pages_dir.iterdir()] == [before.document_id]


def test_reviewed_referrals_are_never_overwritten_silently(on_db):
    settings, store = on_db
    before = _processed(settings, store)
    reviewed_id = str(before.referrals[0].id)
    with store.session() as s:
        row = s.get(ReferralRow, reviewed_id)
        s.execute(
            update(ReferralRow)
            .where(ReferralRow.id == reviewed_id)
            .values(status="approved", data={**row.data, "status": "approved"})
        )
    [doc] = find_documents(store, before.document_id)
    [refused] = reprocess([doc], settings, store)
    assert isinstance(refused, Refused)
    assert [str(r.id) for r in store.referrals_of(before.document_id)] == [reviewed_id]
    assert runs_of(store, before.document_id) == []
    # with --keep-reviewed the reviewed referral stays exactly as it is
    [result] = reprocess([doc], settings, store, keep_reviewed=True)
    assert result.status.value == "processed"
    after = store.referrals_of(before.document_id)
    assert [(str(r.id), r.status.value) for r in after] == [(reviewed_id, "approved")]


def test_a_failed_rerun_keeps_the_processed_result(settings, store):
    before = _processed(settings, store, TWO_PAGES)
    strict = settings.model_copy(update={"max_pages": 1})
    [doc] = find_documents(store, before.document_id[:8])
    [result] = reprocess([doc], strict, store)
    assert result.status.value == "quarantined"
    assert result.error_code == "too_many_pages" and "stored result is kept" in result.error
    assert store.document_by_sha(before.sha256).status == "processed"
    assert len(store.referrals_of(before.document_id)) == 1
    [failed] = runs_of(store, before.document_id)
    assert (failed.status, failed.reason) == ("quarantined", "reprocess_failed")


def test_unknown_target_and_bad_arguments(tmp_path):
    missing = _cli(tmp_path, "reprocess", "0" * 64)
    assert missing.returncode == 1 and "not found" in missing.stderr
    both = _cli(tmp_path, "reprocess")
    assert both.returncode == 2
