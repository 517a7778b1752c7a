"""Issue 7: hostile and odd inputs handed to ``intake process``, as a user or an attacker would.

One batch holds a Flate bomb, links to ``/etc/passwd`` and ``/dev/zero``, a named pipe, a
non-UTF-8 file name, an empty folder, a missing path and good files: every input gets its
line with the right status, nothing that is not a regular file is read or copied, there is no
traceback, the good files are processed, and the data folder is private.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.document import FaxMeta
from tests.conftest import ROOT, sample_documents, truth_of
from tests.hostile import flate_bomb_pdf, not_private, tiff_with_corrupt_page

INTAKE = [sys.executable, "-m", "pipeline.cli"]
NON_UTF8 = os.fsdecode(b"r\xe9f\xff.pdf")  # Latin-1 é and a stray byte: not UTF-8


def _good_pdf() -> Path:
    return next(
        p for p in sample_documents("referrals") if p.suffix == ".pdf" and truth_of(p)["referrals"]
    )


def _env(data: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "INTAKE_DATA_DIR": str(data), "INTAKE_DATABASE_URL": "", **extra}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One ``intake process --json`` run over every hostile input plus good files."""
    root = tmp_path_factory.mktemp("hostile")
    inputs = root / "in"
    inputs.mkdir()
    bomb = flate_bomb_pdf(inputs / "bomb.pdf")
    (inputs / "passwd.pdf").symlink_to("/etc/passwd")
    (inputs / "zero.tif").symlink_to("/dev/zero")
    os.mkfifo(inputs / "pipe.pdf")
    folder = root / "folder"
    (folder / "sub").mkdir(parents=True)
    good = _good_pdf()
    odd = folder / NON_UTF8
    odd.write_bytes(good.read_bytes())
    (folder / "a").mkdir()
    (folder / "a" / "x.pdf").write_bytes(b"")  # same name as b/x.pdf: told apart by source
    (folder / "b").mkdir()
    (folder / "b" / "x.pdf").write_bytes(b"%PDF-1.4 broken")
    empty = root / "empty"
    empty.mkdir()
    args = [
        str(bomb),
        str(inputs / "passwd.pdf"),
        str(inputs / "zero.tif"),
        str(inputs / "pipe.pdf"),
        str(folder),
        str(folder / "a" / "x.pdf"),
        str(folder / "b" / "x.pdf"),
        str(empty),
        str(root / "missing.pdf"),
        str(good),
    ]
    data = root / "data"
    run = subprocess.run(
        [*INTAKE, "process", "--json", *args],
        capture_output=True,
        cwd=ROOT,
        env=_env(data, INTAKE_PDF_MEMORY_MB="768"),
        timeout=300,
    )
    lines = [json.loads(line) for line in run.stdout.decode().splitlines()]
    return {"run": run, "lines": lines, "args": args, "data": data, "good": good, "root": root}


def _line(batch: dict, source: str) -> dict:
    found = [line for line in batch["lines"] if line["source"] == source]
    assert len(found) == 1, (source, [line["source"] for line in batch["lines"]])
    return found[0]


def test_every_input_gets_its_line_and_no_traceback(batch):
    run = batch["run"]
    assert run.returncode == 0, run.stderr.decode()
    assert b"Traceback" not in run.stderr
    # the folder stands for its one document; every other argument for itself
    assert len(batch["lines"]) == len(batch["args"])


def test_flate_bomb_is_quarantined_as_a_resource_limit(batch):
    line = _line(batch, batch["args"][0])
    assert line["status"] == "quarantined"
    assert line["error"].startswith("resource_limit:")
    quarantine = batch["data"] / "quarantine"
    notes = [p.read_text() for p in quarantine.glob("*.error.txt")]
    assert any(n.startswith("resource_limit:") for n in notes)
    copy = quarantine / f"{line['sha256'][:16]}.pdf"
    assert copy.stat().st_size < 16_000  # the few KB themselves, kept for a developer


@pytest.mark.parametrize(
    ("index", "kind"), [(1, "symbolic link"), (2, "symbolic link"), (3, "pipe")]
)
def test_links_and_pipes_are_refused_unread(batch, index, kind):
    line = _line(batch, batch["args"][index])
    assert line["status"] == "quarantined"
    assert line["error"].startswith("not_a_file:") and kind in line["error"]
    assert line["sha256"] == ""


def test_nothing_but_regular_inputs_was_copied(batch):
    passwd = Path("/etc/passwd").read_bytes()
    kept = [p for p in batch["data"].rglob("*") if p.is_file() and not p.is_symlink()]
    assert kept
    assert not any(p.stat().st_size == len(passwd) and p.read_bytes() == passwd for p in kept)


def test_non_utf8_name_is_processed_and_shown_escaped(batch):
    line = _line(batch, batch["args"][4] + "/r\\xe9f\\xff.pdf")
    assert line["status"] == "processed" and line["referrals"]
    # the duplicate bytes of the good file, given later, come back as the stored result
    assert _line(batch, str(batch["good"]))["duplicate"] is True
    from models.storage import Store

    store = Store(f"sqlite:///{batch['data'] / 'intake.db'}")
    assert store.document_by_sha(line["sha256"]).source_name == "r\\xe9f\\xff.pdf"


def test_same_name_in_two_folders_is_told_apart(batch):
    a, b = _line(batch, batch["args"][5]), _line(batch, batch["args"][6])
    assert a["error"].startswith("empty_file:") and b["error"].startswith("corrupt_file:")


def test_empty_folder_and_missing_path(batch):
    folder = _line(batch, batch["args"][7])
    assert folder["status"] == "quarantined" and "folder" in folder["error"]
    missing = _line(batch, batch["args"][8])
    assert missing["status"] == "not_found" and missing["error"].startswith("not_found")


def test_data_folder_is_private_after_process(batch):
    assert not_private(batch["data"]) == []
    assert list((batch["data"] / "tmp").iterdir()) == []  # the run's OCR temp folder is gone


def test_corrupt_fax_page_keeps_the_referral_and_names_the_page(tmp_path, settings, store):
    """One damaged frame: the other pages are read, the referral kept, a problem says which
    page is missing; a fax server that said 5 pages gets "fax may be incomplete" too.
    Run in-process under the usual 022 umask: modes are set explicitly, not by the CLI."""
    from pipeline.runner import process
    from pipeline.stage import StageContext

    source = next(p for p in sample_documents("referrals") if truth_of(p)["page_count"] == 3)
    assert truth_of(source)["referrals"][0]["pages"] == [2, 3]
    fax = tiff_with_corrupt_page(source, tmp_path / "fax.tif", bad_page=1)
    old = os.umask(0o022)
    try:
        ctx = StageContext(settings=settings)
        result = process(fax, ctx, store, fax=FaxMeta(pages_expected=5))
    finally:
        os.umask(old)
    assert result.status == "processed", result.error
    assert result.pages == 3 and len(result.referrals) == 1
    messages = [p.message for p in result.referrals[0].problems]
    assert "page 1 could not be read (corrupt_file)" in messages
    assert "fax may be incomplete: 5 pages expected, 3 received" in messages
    assert result.referrals[0].fields  # pages 2 and 3 were read
    assert not_private(settings.data_dir) == []


def test_failing_call_loads_no_model():
    """``intake process /nonexistent`` answers before any heavy library is imported."""
    probe = (
        "import sys; from pipeline.cli import main; code = main(['process', '/nonexistent']);"
        "print(code, *(m in sys.modules for m in ('spacy', 'torch', 'pypdfium2', 'cv2')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.split()[-5:] == ["1", "False", "False", "False", "False"]
    assert "NOT FOUND   /nonexistent" in out.stdout


def test_ctrl_c_is_one_line_not_a_traceback(tmp_path):
    """Ctrl-C once ``intake`` runs (its data folder exists): one line, exit 130. (A signal
    before the interpreter has started kills it the way it kills any program.)"""
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [*INTAKE, "process", str(_good_pdf())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=_env(data),
    )
    deadline = time.monotonic() + 120
    while not (data / "tmp").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal")
    assert proc.returncode == 130
    assert b"Traceback" not in err
    assert err.decode().strip().splitlines()[-1].startswith("intake: interrupted")
