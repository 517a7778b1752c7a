"""``intake`` commands for running the service: db, queue, serve, reprocess, purge.

Kept apart from ``pipeline.cli`` (which parses and dispatches) so each stays small; heavy
modules are imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from models.vocab import ReferralStatus, Specialty, Urgency
from pipeline import queue_view

if TYPE_CHECKING:
    from models.storage import Store
    from pipeline.settings import Settings


def open_store(settings: Settings) -> Store:
    """The data folder made private (0700/0600, own OCR temp folder) and the migrated store:
    what every command that writes under ``DATA_DIR`` does first."""
    from models.storage import Store
    from pipeline.datadir import prepare

    os.umask(0o077)  # a second line of defence: every writer also sets its mode
    prepare(settings)
    return Store(settings.effective_database_url)


def cmd_db(args: argparse.Namespace) -> int:
    """``intake db upgrade|current``: migrate the configured database, or say where it is."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.storage.migrate import current_revision, head_revision, upgrade
    from models.storage.repository import make_engine
    from pipeline.datadir import prepare
    from pipeline.settings import get_settings

    settings = get_settings()
    os.umask(0o077)
    prepare(settings)
    engine = make_engine(settings.effective_database_url)
    try:
        revision = upgrade(engine) if args.action == "upgrade" else current_revision(engine)
    except SQLAlchemyError as exc:
        print(f"intake db: database unreachable ({type(exc).__name__})", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    head = head_revision()
    note = "(head)" if revision == head else f"(head is {head}; run `intake db upgrade`)"
    print(f"{revision or 'none'} {note}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the review workspace (web UI, JSON API, ``/health``) with uvicorn."""
    import uvicorn

    from pipeline.settings import get_settings
    from review_ui.app import create_app

    settings = get_settings()
    open_store(settings)  # private data folder, migrated before the first request
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None)
    return 0


def _since(value: str) -> datetime:
    """``--since``: an ISO date or date-time; a naive one is in the site's time zone."""
    from pipeline.settings import get_settings

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("use an ISO date, e.g. 2026-11-20") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=get_settings().zone)


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Run stored documents again; exit 1 unless every one ended processed."""
    from models.storage import history
    from pipeline.reprocess import Refused, reprocess
    from pipeline.settings import get_settings

    if bool(args.target) == bool(args.quarantined):
        print("intake reprocess: give a document id or sha256, or --quarantined", file=sys.stderr)
        return 2
    settings = get_settings()
    store = open_store(settings)
    rows = history.find_documents(
        store, args.target, quarantined=args.quarantined, since=args.since
    )
    if not rows:
        if args.quarantined:
            print("intake reprocess: no quarantined document to retry", file=sys.stderr)
            return 0
        print("intake reprocess: document not found", file=sys.stderr)
        return 1
    failed = 0
    for row, result in zip(
        rows, reprocess(rows, settings, store, keep_reviewed=args.keep_reviewed), strict=True
    ):
        if isinstance(result, Refused):
            failed += 1
            line: dict[str, Any] = {
                "document_id": row.id,
                "sha256": row.sha256,
                "status": "refused",
                "error": f"reviewed: {result}",
            }
            print(json.dumps(line) if args.json else f"REFUSED     {row.id}: {line['error']}")
            continue
        failed += result.status.value != "processed"
        if args.json:
            print(json.dumps(result.to_contract(), ensure_ascii=False), flush=True)
        else:
            from pipeline.cli import _summary_line

            print(_summary_line(result), flush=True)
    return 1 if failed else 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Remove documents everywhere (or list them with --dry-run), leaving tombstones."""
    from pipeline.purge import actor, files_of, purge, select_targets
    from pipeline.settings import get_settings

    if args.targets and args.older_than:
        print("intake purge: give ids/sha256s or --older-than, not both", file=sys.stderr)
        return 2
    settings = get_settings()
    store = open_store(settings)
    try:
        targets, missing, reason = select_targets(store, settings, args.targets, args.older_than)
    except ValueError as exc:
        print(f"intake purge: {exc}", file=sys.stderr)
        return 2
    for key in missing:
        print(f"intake purge: not found: {key[:64]}", file=sys.stderr)
    verb = "would purge" if args.dry_run else "purging"
    for target in targets:
        when = target.received_at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
        files = len(files_of(settings, target))
        print(
            f"{verb} {target.document_id} sha256 {target.sha256[:16]} "
            f"received {when}, {files} file(s)/folder(s)"
        )
    if not args.dry_run:
        purge(store, settings, targets, actor=actor(), reason=reason)
    done = "would be purged (dry run)" if args.dry_run else "purged"
    print(f"{len(targets)} document(s) {done}")
    return 1 if missing else 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register this module's sub-commands on ``intake``'s sub-parser action."""
    d = sub.add_parser(
        "db", help="schema migrations: upgrade or show the revision", parents=[common]
    )
    d.add_argument("action", choices=["upgrade", "current"])
    d.set_defaults(func=cmd_db)
    q = sub.add_parser("queue", help="list referrals waiting for review", parents=[common])
    q.add_argument("--all", action="store_true", help="every status, not only needs_review")
    q.add_argument("--status", default="needs_review", choices=[s.value for s in ReferralStatus])
    q.add_argument("--urgency", choices=[u.value for u in Urgency])
    q.add_argument("--specialty", choices=[s.value for s in Specialty])
    q.add_argument("--limit", type=_positive, default=50, help="rows per page (default 50)")
    q.add_argument("--offset", type=int, default=0, help="rows to skip")
    q.add_argument("--page", type=_positive, help="page number (1-based), instead of --offset")
    q.add_argument("--json", action="store_true", help="one JSON object with the page")
    q.set_defaults(func=queue_view.cmd_queue)
    r = sub.add_parser(
        "reprocess",
        help="run stored documents again (after a fix or a setting change)",
        parents=[common],
    )
    r.add_argument("target", nargs="?", help="document id or sha256 (or a unique 8+ prefix)")
    r.add_argument("--quarantined", action="store_true", help="every quarantined document")
    r.add_argument("--since", type=_since, help="with --quarantined: stored since this date")
    r.add_argument(
        "--keep-reviewed",
        action="store_true",
        help="keep reviewed referrals as they are (default: refuse the document)",
    )
    r.add_argument("--json", action="store_true", help="one JSON object per document")
    r.set_defaults(func=cmd_reprocess)
    g = sub.add_parser(
        "purge", help="remove documents everywhere, leaving a tombstone", parents=[common]
    )
    g.add_argument("targets", nargs="*", help="document ids or sha256s")
    g.add_argument(
        "--older-than",
        type=_positive,
        metavar="DAYS",
        help="documents received more than DAYS ago (default: INTAKE_RETENTION_DAYS)",
    )
    g.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")
    g.set_defaults(func=cmd_purge)
    v = sub.add_parser(
        "serve", help="run the review workspace (web UI, API, /health)", parents=[common]
    )
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8000)
    v.set_defaults(func=cmd_serve)
