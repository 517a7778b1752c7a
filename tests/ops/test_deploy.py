"""The systemd units in deploy/ run real ``intake`` commands with the documented config."""

from __future__ import annotations

import configparser
import shlex

import pytest

from pipeline.cli import build_parser
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SERVICES = sorted(DEPLOY.glob("*.service"))


def _unit(path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


def test_a_unit_for_each_long_running_command():
    commands = set()
    for path in SERVICES:
        exec_start = _unit(path)["Service"]["ExecStart"]
        commands.add(shlex.split(exec_start)[1])
    assert {"watch", "worker", "serve", "purge"} <= commands


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_units_parse_as_intake_commands_with_private_files(path):
    service = _unit(path)["Service"]
    assert service["UMask"] == "0077"
    assert service["Environment"] == "INTAKE_CONFIG=/etc/referral-intake/intake.env"
    for key in ("ExecStart", "ExecStartPre"):
        if key in service:
            argv = shlex.split(service[key])
            assert argv[0].endswith("/bin/intake")
            args = build_parser().parse_args(argv[1:])  # exits (fails) on a bad flag
            assert callable(args.func)


def test_example_config_names_only_known_settings():
    from pipeline.settings import Settings

    known = {f"INTAKE_{name.upper()}" for name in Settings.model_fields}
    for line in (DEPLOY / "intake.env.example").read_text(encoding="utf-8").splitlines():
        line = line.lstrip("# ").strip()
        if line.startswith("INTAKE_") and "=" in line:
            assert line.split("=", 1)[0] in known
