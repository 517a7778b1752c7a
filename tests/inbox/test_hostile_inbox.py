"""Issue 7: odd things in the inbox, and mistyped inbox paths, through the real ``intake`` CLI.

Links (to ``/etc/passwd``, to ``/dev/zero``) and a named pipe dropped in the inbox are moved
to quarantine unread with a note; a sub-folder is left alone and does not keep
``--until-idle`` from ending; a fax with a non-UTF-8 name is processed; the data folder is
private afterwards. ``intake watch FILE`` and a mistyped inbox are one clear line, and a
mistyped inbox is not created.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.hostile import not_private

INTAKE = [sys.executable, "-m", "pipeline.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "INTAKE_DATA_DIR": str(tmp_path / "data"),
        "INTAKE_DATABASE_URL": "",
        "INTAKE_BROKER_URL": "",
        "INTAKE_STABLE_S": "0.3",
        "INTAKE_INBOX_POLL_S": "0.1",
        "INTAKE_INBOX_RESCAN_S": "1",
        "INTAKE_WORKER_THREADS": "1",
        **extra,
    }


def test_watch_refuses_links_and_pipes_and_becomes_idle(tmp_path, small_faxes):
    inbox = tmp_path / "inbox"
    (inbox / "later").mkdir(parents=True)
    (inbox / "later" / "not-yet.tif").write_bytes(small_faxes[0].read_bytes())
    (inbox / "passwd.tif").symlink_to("/etc/passwd")
    (inbox / "zero.pdf").symlink_to("/dev/zero")
    os.mkfifo(inbox / "pipe.tif")
    odd = inbox / os.fsdecode(b"fax-\xe9\xff.tif")
    odd.write_bytes(small_faxes[0].read_bytes())
    run = subprocess.run(
        [*INTAKE, "watch", str(inbox), "--until-idle", "-q"],
        capture_output=True,
        cwd=ROOT,
        env=_env(tmp_path),
        timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert b"Traceback" not in run.stderr
    assert sorted(p.name for p in inbox.iterdir()) == ["later"]  # the sub-folder is left alone
    assert (inbox / "later" / "not-yet.tif").exists()
    data = tmp_path / "data"
    archived = [p for p in (data / "archive").iterdir() if p.suffix == ".tif"]
    assert len(archived) == 1 and archived[0].read_bytes() == small_faxes[0].read_bytes()
    quarantine = data / "quarantine"
    refused = sorted(p for p in quarantine.iterdir() if p.name.startswith("refused-"))
    notes = [p for p in refused if p.name.endswith(".error.txt")]
    kept = [p for p in refused if not p.name.endswith(".error.txt")]
    assert len(notes) == 3 and len(kept) == 3
    assert all(n.read_text().startswith("not_a_file: the inbox entry is") for n in notes)
    assert sum(p.is_symlink() for p in kept) == 2  # moved as links, never followed
    passwd = Path("/etc/passwd").read_bytes()
    stored = [p for p in (data / "files").rglob("*") if p.is_file()]
    assert not any(p.read_bytes() == passwd for p in stored)
    assert not_private(data) == []


def test_watch_of_a_file_or_a_missing_folder_is_one_clear_line(tmp_path):
    env = _env(tmp_path, INTAKE_INBOX=str(tmp_path / "default-inbox"))
    a_file = tmp_path / "fax.tif"
    a_file.write_bytes(b"II*\x00")
    typo = tmp_path / "inbxo"
    for target, words in ((a_file, "not a folder"), (typo, "does not exist")):
        run = subprocess.run(
            [*INTAKE, "watch", str(target), "--until-idle"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert run.returncode == 2
        assert "Traceback" not in run.stderr
        assert words in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not typo.exists()
    submit = subprocess.run(
        [*INTAKE, "submit", str(a_file), "--inbox", str(typo)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert submit.returncode == 1 and "does not exist" in submit.stderr
    assert not typo.exists()
    default = subprocess.run(  # the configured default inbox may be created
        [*INTAKE, "watch", "--until-idle", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert default.returncode == 0, default.stderr
    assert (tmp_path / "default-inbox").is_dir()
