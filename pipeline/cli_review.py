"""``intake`` commands of the review workspace: ``users add``, ``users token``, ``review-stats``."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

#: ``models.review.Role`` values, spelled out so ``intake --help`` imports no pydantic model
#: (a test keeps the two equal).
ROLES = ("intake", "referral_team", "admin")


def _store() -> Any:
    """The migrated store in a private data folder (as every writing command opens it)."""
    from pipeline.cli_ops import open_store
    from pipeline.settings import get_settings

    return open_store(get_settings())


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ValueError("passwords differ")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    """Add a user (password from a prompt or stdin) or issue an API token."""
    from pipeline import accounts

    store = _store()
    try:
        if args.action == "add":
            if not args.role:
                raise ValueError("--role is required")
            user = accounts.add_user(store, args.name, args.role, _read_password(args))
            print(f"user {user.name} added ({user.role.value})")
        else:
            print(accounts.issue_token(store, args.name))
    except (ValueError, EOFError) as exc:
        print(f"intake users: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_review_stats(args: argparse.Namespace) -> int:
    """Per-field accuracy and confidence calibration from reviews."""
    from pipeline.review_stats import collect

    report = collect(_store())
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['reviewed_fields']} reviewed field value(s); accuracy {report['accuracy']}")
    print(f"{'field':28} {'reviewed':>8} {'correct':>8} {'accuracy':>8}")
    for name, entry in report["fields"].items():
        print(f"{name:28} {entry['reviewed']:>8} {entry['correct']:>8} {entry['accuracy']:>8}")
    print(f"\ncalibration (ECE {report['ece']})")
    print(f"{'confidence':12} {'n':>6} {'mean conf':>10} {'accuracy':>9}")
    for b in report["calibration"]:
        print(f"{b['confidence']:12} {b['n']:>6} {b['mean_confidence']:>10} {b['accuracy']:>9}")
    return 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register this module's sub-commands on ``intake``'s sub-parser action."""
    u = sub.add_parser(
        "users", help="staff accounts: add a user, issue an API token", parents=[common]
    )
    u.add_argument("action", choices=["add", "token"])
    u.add_argument("name", help="user name")
    u.add_argument("--role", choices=ROLES, help="role (for add)")
    u.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (no prompt)",
    )
    u.set_defaults(func=cmd_users)
    r = sub.add_parser(
        "review-stats", help="per-field accuracy and calibration from reviews", parents=[common]
    )
    r.add_argument("--json", action="store_true", help="one JSON object")
    r.set_defaults(func=cmd_review_stats)
