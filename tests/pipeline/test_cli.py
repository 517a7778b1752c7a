"""The ``intake`` command as a user runs it: JSON lines, exit codes, progress on a terminal."""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, sample_documents, truth_of

INTAKE = [sys.executable, "-m", "pipeline.cli"]
CONTRACT_KEYS = {"source", "sha256", "pages", "status", "error", "referrals", "document_type"}
REFERRAL_KEYS = {"id", "pages", "fields", "missing", "problems", "triage", "status"}


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "INTAKE_DATA_DIR": str(tmp_path / "data"), "INTAKE_DATABASE_URL": ""}


def _digital_referral() -> Path:
    return next(
        p for p in sample_documents("referrals") if p.suffix == ".pdf" and truth_of(p)["referrals"]
    )


def test_help_is_instant_and_lists_commands():
    out = subprocess.run([*INTAKE, "--help"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "process" in out.stdout
    # heavy libraries are imported lazily: --help must not load torch or spaCy
    probe = "import sys, pipeline.cli; print('torch' in sys.modules, 'spacy' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert loaded.stdout.split() == ["False", "False"]


@pytest.mark.slow
def test_json_lines_follow_the_contract_and_exit_zero_on_partial_failure(tmp_path):
    good = _digital_referral()
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    run = subprocess.run(
        [*INTAKE, "process", "--json", str(good), str(empty)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
    )
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(lines) == 2
    ok, bad = lines
    assert set(ok) >= CONTRACT_KEYS and set(bad) >= CONTRACT_KEYS
    assert ok["status"] == "processed" and ok["error"] is None
    assert ok["referrals"] and set(ok["referrals"][0]) >= REFERRAL_KEYS
    field = next(iter(ok["referrals"][0]["fields"].values()))
    assert {"value", "confidence", "page", "box"} <= set(field)
    assert bad["status"] == "quarantined" and bad["error"].startswith("empty_file:")
    assert bad["referrals"] == []
    assert "Traceback" not in run.stderr


def test_exit_code_is_non_zero_when_every_input_failed(tmp_path):
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"PK\x03\x04 not a pdf at all")
    run = subprocess.run(
        [*INTAKE, "process", "--json", str(empty), str(junk)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
    )
    assert run.returncode == 1
    assert [json.loads(x)["status"] for x in run.stdout.splitlines()] == ["quarantined"] * 2
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_progress_line_per_page_on_a_terminal(tmp_path):
    three = next(
        (
            p
            for p in sample_documents("referrals")
            if truth_of(p)["page_count"] == 3 and p.suffix.lower() in {".tif", ".tiff"}
        ),
        None,
    )
    assert three is not None, "samples need a 3-page fax"
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout/stderr are the terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [*INTAKE, "process", str(three)], _env(tmp_path))
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    output = b"".join(chunks).decode(errors="replace")
    for n in (1, 2, 3):
        assert f"page {n}/3" in output
