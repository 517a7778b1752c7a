"""``intake purge`` on real files and a real SQLite database: after it, no byte of the
document's content, values or name is left anywhere under the data folder; the tombstone
stays; the same bytes delivered again are processed afresh."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from models.storage import Store
from models.storage.purge import tombstones
from models.storage.review_tables import FieldReviewRow
from models.storage.tables import AuditRow, DocumentRow
from pipeline.runner import process
from pipeline.stage import StageContext
from tests.conftest import SAMPLES, truth_of
from tests.hostile import not_private
from tests.inbox.conftest import fast_settings, wait_for, watching
from tests.ops.conftest import run_intake

LETTER = SAMPLES / "referrals" / "12_letter_digital.pdf"
TWO_PAGES = SAMPLES / "referrals" / "01_cover_form_digital.pdf"
OTHER = SAMPLES / "referrals" / "19_ehr_digital.pdf"
SECRET_NAME = "zz-phi-name-7f3a91"


def _traces(data_dir: Path, needles: list[bytes]) -> dict[str, list[str]]:
    """Which files under ``data_dir`` contain which needle."""
    found: dict[str, list[str]] = {}
    for path in data_dir.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            hits = [n.decode(errors="replace") for n in needles if n in blob]
            if hits:
                found[str(path.relative_to(data_dir))] = hits
    return found


def _unique_chunk(data: bytes, other: bytes, size: int = 48) -> bytes:
    """48 bytes of ``data`` (its content streams, past the PDF header) not found in ``other``."""
    for start in range(len(data) // 2, len(data) - size, size):
        chunk = data[start : start + size]
        if chunk not in other:
            return chunk
    raise AssertionError("no distinctive bytes")


def _cli(settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_intake(settings.data_dir, *args, **env)


def test_purge_removes_every_trace_and_keeps_a_tombstone(tmp_path):
    settings = fast_settings(tmp_path)
    store = Store(settings.effective_database_url)
    # 1. a referral that came through the inbox: file store, archive, page images, jobs, rows
    settings.inbox_dir.mkdir(parents=True)
    shutil.copy(LETTER, settings.inbox_dir / f"{SECRET_NAME}.pdf")
    letter_bytes = LETTER.read_bytes()
    with watching(settings):
        wait_for(lambda: not list(settings.inbox_dir.iterdir()), 120)
    import hashlib

    sha = hashlib.sha256(letter_bytes).hexdigest()
    letter = store.document_by_sha(sha)
    assert letter is not None and letter.status == "processed"
    # 2. a quarantined one (quarantine copy and note) and 3. one that must stay
    ctx = StageContext(settings=settings.model_copy(update={"max_pages": 1}))
    bad = process(TWO_PAGES, ctx, store)
    assert bad.status.value == "quarantined"
    kept = process(OTHER, StageContext(settings=settings), store)
    assert kept.status.value == "processed"

    # a reviewer's correction of the name (review workspace rows go with the document)
    reviewed = "Reviewer-Corrected-Q7Z"
    [letter_referral] = store.referrals_of(letter.id)
    with store.session() as s:
        s.add(
            FieldReviewRow(
                referral_id=str(letter_referral.id),
                field="patient.name",
                extracted_value="x",
                extracted_confidence=0.5,
                extractor="t",
                reviewed_value=reviewed,
                correct=False,
                reviewer="rev",
                at=datetime.now(UTC),
            )
        )
    name = truth_of(LETTER)["referrals"][0]["fields"]["patient.name"]
    chunk = _unique_chunk(letter_bytes, OTHER.read_bytes())
    bad_chunk = _unique_chunk(TWO_PAGES.read_bytes(), OTHER.read_bytes())
    needles = [name.encode(), chunk, SECRET_NAME.encode(), bad_chunk, reviewed.encode()]
    before = _traces(settings.data_dir, needles)
    assert any(name in hits for hits in before.values())  # the check can see a value
    assert any(SECRET_NAME in hits for hits in before.values())
    assert any(reviewed in hits for hits in before.values())
    assert any(p.startswith(("archive", "files")) for p in before)
    assert any(p.startswith("quarantine") for p in before)

    dry = _cli(settings, "purge", "--dry-run", letter.id, bad.sha256)
    assert dry.returncode == 0, dry.stderr
    assert "2 document(s) would be purged" in dry.stdout

    def files(traces: dict) -> set[str]:  # the database moves between its file and its WAL
        return {p for p in traces if not p.startswith("intake.db")}

    assert files(_traces(settings.data_dir, needles)) == files(before)

    run = _cli(settings, "purge", letter.id, bad.sha256)
    assert run.returncode == 0, run.stderr
    assert _traces(settings.data_dir, needles) == {}
    assert not_private(settings.data_dir) == []
    assert not (settings.pages_dir / letter.id).exists()
    assert store.document_by_sha(sha) is None and store.document_by_sha(bad.sha256) is None
    assert store.document_by_sha(kept.sha256) is not None  # only what was named went
    assert [(t.document_id, t.reason) for t in tombstones(store, sha)] == [(letter.id, "request")]
    assert tombstones(store, bad.sha256)
    with store.session() as s:
        assert (
            s.scalars(select(AuditRow.action).where(AuditRow.entity_id == letter.id)).all()[-1]
            == "document.purged"
        )

    # the same bytes again: processed afresh as a new document; the tombstone stays
    again = process(LETTER, StageContext(settings=settings), store)
    assert again.status.value == "processed" and not again.duplicate
    assert again.document_id != letter.id
    assert len(tombstones(store, sha)) == 1


def test_purge_by_age_and_retention(tmp_path):
    settings = fast_settings(tmp_path)
    store = Store(settings.effective_database_url)
    old = process(LETTER, StageContext(settings=settings), store)
    new = process(OTHER, StageContext(settings=settings), store)
    with store.session() as s:
        s.execute(
            update(DocumentRow)
            .where(DocumentRow.id == old.document_id)
            .values(received_at=datetime.now(UTC) - timedelta(days=40))
        )
    off = _cli(settings, "purge")
    assert off.returncode == 2 and "INTAKE_RETENTION_DAYS" in off.stderr
    dry = _cli(settings, "purge", "--older-than", "30", "--dry-run")
    assert old.document_id in dry.stdout and new.document_id not in dry.stdout
    assert store.document_by_sha(old.sha256) is not None
    run = _cli(settings, "purge", INTAKE_RETENTION_DAYS="30")
    assert run.returncode == 0, run.stderr
    assert "1 document(s) purged" in run.stdout
    assert store.document_by_sha(old.sha256) is None
    assert store.document_by_sha(new.sha256) is not None
    assert [t.reason for t in tombstones(store)] == ["retention"]
    missing = _cli(settings, "purge", "f" * 64)
    assert missing.returncode == 1 and "not found" in missing.stderr


@pytest.mark.postgres
def test_purge_on_postgresql_removes_every_row(tmp_path, fresh_pg):
    from sqlalchemy import func

    from models.storage.tables import DeliveryRow, PageRow, ReferralRow
    from pipeline.purge import purge, select_targets

    settings = fast_settings(tmp_path, database_url=fresh_pg)
    store = Store(fresh_pg)
    done = process(LETTER, StageContext(settings=settings), store)
    kept = process(OTHER, StageContext(settings=settings), store)
    targets, missing, reason = select_targets(store, settings, [done.sha256], None)
    assert missing == [] and reason == "request"
    purge(store, settings, targets, actor="test", reason=reason)
    with store.session() as s:
        for table, column in (
            (DocumentRow, DocumentRow.sha256 == done.sha256),
            (PageRow, PageRow.document_id == done.document_id),
            (ReferralRow, ReferralRow.document_id == done.document_id),
            (DeliveryRow, DeliveryRow.sha256 == done.sha256),
        ):
            assert s.scalar(select(func.count()).select_from(table).where(column)) == 0
    assert [t.purged_by for t in tombstones(store, done.sha256)] == ["test"]
    assert store.document_by_sha(kept.sha256) is not None
    assert not (settings.pages_dir / done.document_id).exists()
    # the purged rows are not left as dead tuples for autovacuum to find some day
    from sqlalchemy import text

    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pgstattuple"))
        for table in ("documents", "pages", "referrals"):
            dead = conn.scalar(text(f"SELECT dead_tuple_count FROM pgstattuple('{table}')"))
            assert dead == 0, table
