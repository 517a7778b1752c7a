"""The one quarantine module, the private-file rules and the PDF sandbox, piece by piece."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from extractors import pdf_sandbox
from models.document import Document
from models.errors import ErrorCode, Rejected
from models.fs import open_regular, safe_name
from pipeline import quarantine
from pipeline.datadir import clean_stale_tmp, prepare, process_tmp_dir
from tests.conftest import sample_documents
from tests.hostile import flate_bomb_pdf, not_private

FAILURE = quarantine.Failure("corrupt_file", "corrupt_file: damaged. Ask the sender to resend.")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_keep_copy_is_private_atomic_and_found_again(tmp_path):
    source = tmp_path / "in.pdf"
    source.write_bytes(b"%PDF-1.4 bytes")
    source.chmod(0o644)
    folder = tmp_path / "quarantine"
    sha = "ab" * 32
    target = quarantine.keep_copy(source, folder, sha, FAILURE)
    assert target.read_bytes() == source.read_bytes()
    assert quarantine.note_of(target).read_text() == FAILURE.message + "\n"
    assert _mode(target) == _mode(quarantine.note_of(target)) == 0o600 and _mode(folder) == 0o700
    assert quarantine.keep_copy(source, folder, sha, FAILURE) == target  # once per sha
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert quarantine.copies_of(folder, sha) == [target]  # what a re-run reads again


def test_move_in_puts_note_sidecar_and_file_beside_each_other(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fax = inbox / "fax.tif"
    fax.write_bytes(b"II*\x00data")
    sidecar = inbox / "fax.tif.json"
    sidecar.write_text("{}")
    name = quarantine.file_name("cd" * 32, ".TIF", key="k" * 64)
    target = quarantine.move_in(fax, tmp_path / "q", name, FAILURE, sidecar=sidecar)
    assert not fax.exists() and not sidecar.exists()
    assert target.name == "cdcdcdcdcdcdcdcd-kkkkkkkk.tif"
    assert target.with_name(target.name + ".json").exists()
    assert not_private(tmp_path / "q") == []


def test_refused_entries_move_unread(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    link = inbox / "x.pdf"
    link.symlink_to("/etc/passwd")
    pipe = inbox / "p.tif"
    os.mkfifo(pipe)
    for entry, kind in ((link, "a symbolic link"), (pipe, "a named pipe")):
        note = quarantine.refuse_entry(entry, tmp_path / "q", kind)
        assert kind in note.read_text()
        assert not entry.exists() and not entry.is_symlink()
    moved = [p for p in (tmp_path / "q").iterdir() if not p.name.endswith(".error.txt")]
    assert sum(p.is_symlink() for p in moved) == 1
    assert not_private(tmp_path / "q") == []


def test_failure_never_carries_a_bugs_message():
    secret = "".join(["Ja", "ne"])  # built at run time: the source never holds it
    bug = quarantine.Failure.of(ValueError(secret))
    assert bug.message.startswith("internal_error: ValueError") and secret not in bug.message
    rejected = Rejected("PDF needs a password", code=ErrorCode.ENCRYPTED_PDF)
    assert quarantine.Failure.of(rejected).code == "encrypted_pdf"
    notes = {"intake_code": "ocr_timeout", "intake_error": "ocr_timeout: slow."}
    assert quarantine.Failure.from_info({}, notes) == quarantine.Failure(
        "ocr_timeout", "ocr_timeout: slow."
    )


def test_a_quarantined_sha_can_still_succeed_later(store):
    """Nothing makes a failure final: a later success of the same bytes supersedes it."""
    document = Document(
        sha256="ef" * 32,
        media_type="application/pdf",
        size_bytes=10,
        source_name="x.pdf",
        received_at=datetime.now(UTC),
        page_count=0,
    )
    first = quarantine.record(store, document, FAILURE)
    assert store.document_by_sha(document.sha256).status == "quarantined"
    again = document.model_copy(update={"id": uuid4()})
    outcome = store.save_processed(again, [])
    assert outcome.created and outcome.document_id != first.document_id
    assert store.document_by_sha(document.sha256).status == "processed"


def test_open_regular_refuses_what_is_not_a_file(tmp_path):
    (tmp_path / "link").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "pipe")
    for name, words in (("link", "symbolic link"), ("pipe", "named pipe"), (".", "folder")):
        with pytest.raises(Rejected, match=words) as info:
            open_regular(tmp_path / name)
        assert info.value.code is ErrorCode.NOT_A_FILE
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "absent")


def test_safe_name_escapes_undecodable_bytes_and_controls():
    assert safe_name(os.fsdecode(b"r\xe9f.pdf")) == "r\\xe9f.pdf"
    assert safe_name("Réf 1.pdf") == "Réf 1.pdf"
    assert safe_name("a\x1b[2Jb") == "a\\x1b[2Jb"


def test_prepare_tightens_an_old_data_folder_and_clears_dead_temp_folders(settings):
    data = settings.data_dir
    data.mkdir(mode=0o755, parents=True)
    data.chmod(0o755)
    (data / "archive").mkdir(mode=0o755)
    (data / "archive").chmod(0o755)
    (data / "mine.txt").write_text("an admin's own file")
    (data / "mine.txt").chmod(0o644)
    host = process_tmp_dir(settings).name.rpartition("-")[0]
    dead = data / "tmp" / f"{host}-999999999"  # beyond pid_max: certainly not running
    dead.mkdir(parents=True)
    (dead / "intake-ocr-1.pgm").write_bytes(b"P5 PHI pixels")
    own = prepare(settings)
    assert own == process_tmp_dir(settings) and own.is_dir() and _mode(own) == 0o700
    assert not dead.exists()
    assert _mode(data) == _mode(data / "archive") == 0o700
    assert _mode(data / "mine.txt") == 0o644  # not ours: left alone
    assert clean_stale_tmp(settings) == 0


def test_sandbox_child_dies_on_a_bomb_and_the_next_page_reads(tmp_path):
    good = next(p for p in sample_documents("referrals") if p.suffix == ".pdf")
    bomb = flate_bomb_pdf(tmp_path / "bomb.pdf", inflated=1 << 30)
    saved = (pdf_sandbox.MEMORY_MB, pdf_sandbox.TIME_LIMIT_S)
    pdf_sandbox.configure(memory_mb=384)
    try:
        with pytest.raises(Rejected) as info:
            pdf_sandbox.read_text_page(bomb, 1)
        assert info.value.code is ErrorCode.RESOURCE_LIMIT
        text, boxes, good_chars, _size, _turn, gray = pdf_sandbox.read_text_page(
            good, 1, image_dpi=50, min_chars=1
        )
        assert good_chars > 20 and len(boxes) == len(text) and gray is not None
        gray[0, 0] = 0  # a writable array, ours
        pdf_sandbox.configure(time_limit_s=0.0)
        with pytest.raises(Rejected, match="took longer"):
            pdf_sandbox.render_gray(good, 1, 72)
    finally:
        pdf_sandbox.configure(memory_mb=saved[0], time_limit_s=saved[1])
    assert pdf_sandbox.render_gray(good, 1, 72).ndim == 2
