"""``intake cleanup`` (merge duplicates, expire, close; undo) and ``intake import-status``.

Kept apart from ``pipeline.cli`` so each command module stays small; heavy modules are
imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from typing import Any

log = logging.getLogger(__name__)


def _line(item: Any) -> str:
    done = f"  [action {item.id}]" if item.id is not None else ""
    into = f" into {item.duplicate_of}" if item.duplicate_of else ""
    head = f"{item.action.upper():<7} {item.referral}{into}"
    return f"{head} score {item.score:.2f}: {item.reason}{done}"


def cmd_cleanup(args: argparse.Namespace) -> int:
    """Propose (``--dry-run``) or apply merges, closures and expiries; or undo one action."""
    from pipeline.cleanup_apply import CleanupError, apply, undo
    from pipeline.cleanup_plan import plan
    from pipeline.cli_ops import open_store
    from pipeline.dedup.propose import safe_embedder
    from pipeline.purge import actor
    from pipeline.settings import get_settings

    settings = get_settings()
    store = open_store(settings)
    if args.undo is not None:
        try:
            action = undo(store, args.undo, actor())
        except CleanupError as exc:
            print(f"intake cleanup: {exc}", file=sys.stderr)
            return 1
        log.info("clean-up action %s undone", action.id)
        out = {
            "undone": action.id,
            "action": action.action,
            "referral": action.referral_id,
            "status": action.previous_status,
        }
        print(
            json.dumps(out)
            if args.json
            else f"undone: action {action.id} ({action.action}); referral {action.referral_id} "
            f"is {action.previous_status} again"
        )
        return 0
    planned = plan(store, settings, embed=safe_embedder(settings.embedding_model_path))
    done = planned if args.dry_run else apply(store, planned, actor())
    for item in done:
        print(json.dumps(item.to_json()) if args.json else _line(item), flush=True)
    counts = Counter(item.action for item in done)
    log.info("cleanup: %s", dict(counts) or "nothing to do")
    if not args.json:
        what = ", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "nothing to do"
        tail = "dry run: nothing changed" if args.dry_run else "undo one: intake cleanup --undo ID"
        print(f"{len(done)} action(s): {what}; {tail}")
    return 0


def cmd_import_status(args: argparse.Namespace) -> int:
    """Record closed-loop status updates from a CSV export or a FHIR Task (JSON)."""
    from pathlib import Path

    from pipeline.cli_ops import open_store
    from pipeline.purge import actor
    from pipeline.settings import get_settings
    from pipeline.status_import import import_status

    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"intake import-status: cannot read the file ({type(exc).__name__})", file=sys.stderr)
        return 1
    report = import_status(open_store(get_settings()), raw, actor())
    log.info("import-status: %d recorded, %d skipped", report.imported, len(report.errors))
    if args.json:
        errors = [{"line": line, "error": msg} for line, msg in report.errors]
        print(json.dumps({"imported": report.imported, "errors": errors}))
    else:
        for line, msg in report.errors:
            print(f"line {line}: {msg}", file=sys.stderr)
        print(f"imported {report.imported} update(s); {len(report.errors)} skipped")
    return 1 if report.errors else 0


def cmd_route(args: argparse.Namespace) -> int:
    """Route approved referrals by the YAML rules (``--rules`` or ``INTAKE_ROUTING_RULES``)."""
    from pathlib import Path

    from pipeline.cli_ops import open_store
    from pipeline.purge import actor
    from pipeline.routing.rules import RulesError, load
    from pipeline.routing.run import route
    from pipeline.settings import get_settings

    settings = get_settings()
    path = Path(args.rules) if args.rules else settings.routing_rules
    if path is None:
        print("intake route: no rules (set INTAKE_ROUTING_RULES or --rules FILE)", file=sys.stderr)
        return 2
    try:
        rules = load(path)
    except RulesError as exc:
        print(f"intake route: {exc}", file=sys.stderr)
        return 2
    results = route(open_store(settings), settings, rules, actor=actor(), dry_run=args.dry_run)
    for r in results:
        if args.json:
            print(json.dumps(r.to_json()), flush=True)
        else:
            print(
                f"{r.status:<11} {r.referral} rule {r.rule or '-'} -> {r.destination or '-'}"
                f" ({r.reason})",
                flush=True,
            )
    counts = Counter(r.status for r in results)
    log.info("route: %s", dict(counts) or "nothing approved")
    return 1 if counts.get("failed") else 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register this module's sub-commands on ``intake``'s sub-parser action."""
    c = sub.add_parser(
        "cleanup",
        help="merge duplicates, expire stale and close finished referrals",
        parents=[common],
    )
    c.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    c.add_argument("--json", action="store_true", help="one JSON object per action, per line")
    c.add_argument("--undo", type=int, metavar="ACTION_ID", help="reverse one clean-up action")
    c.set_defaults(func=cmd_cleanup)
    i = sub.add_parser(
        "import-status",
        help="closed-loop status (360X) from a CSV export or a FHIR Task",
        parents=[common],
    )
    i.add_argument("file", help="CSV (referral_id or patient+dob, status, date, note) or JSON")
    i.add_argument("--json", action="store_true", help="one JSON object")
    i.set_defaults(func=cmd_import_status)
    r = sub.add_parser(
        "route", help="send approved referrals where the rules say", parents=[common]
    )
    r.add_argument("--dry-run", action="store_true", help="say where each would go, send nothing")
    r.add_argument("--json", action="store_true", help="one JSON object per referral, per line")
    r.add_argument("--rules", help="YAML rules file (default: INTAKE_ROUTING_RULES)")
    r.set_defaults(func=cmd_route)
