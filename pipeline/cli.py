"""``intake``: the command line. Heavy modules are imported inside commands so --help is instant."""

from __future__ import annotations

import argparse
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.base import DOCUMENT_SUFFIXES

if TYPE_CHECKING:
    from pipeline.results import ProcessResult


def _expand(paths: Sequence[str]) -> list[tuple[str, Path | None]]:
    """(source as given, path to process) per input; a folder stands for the documents in it.

    Nothing is opened or followed here (``lstat`` only). A path is ``None`` when there is
    nothing to process: it does not exist, or it is a folder with no document in it.
    Sub-folders of a folder are not entered.
    """
    out: list[tuple[str, Path | None]] = []
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            out.append((raw, None))
            continue
        except OSError:
            mode = 0
        if not stat.S_ISDIR(mode):
            out.append((raw, path))
            continue
        try:
            children = sorted(path.iterdir())
        except OSError:
            children = []
        sep = "" if raw.endswith("/") else "/"
        found = [
            (f"{raw}{sep}{child.name}", child)
            for child in children
            if child.suffix.lower() in DOCUMENT_SUFFIXES
            and not child.name.startswith(".")
            and not stat.S_ISDIR(child.lstat().st_mode)
        ]
        out.extend(found or [(raw, path)])
    return out


def _progress_printer(index: int, total: int) -> Callable[[str, float], None]:
    def report(message: str, _fraction: float) -> None:
        print(f"[{index}/{total}] {message}", file=sys.stderr, flush=True)

    return report


def _print(result: ProcessResult, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_contract(), ensure_ascii=False), flush=True)
    else:
        print(_summary_line(result), flush=True)


def cmd_process(args: argparse.Namespace) -> int:
    """Process files, store the results, print JSON lines or a summary.

    Inputs are looked at before anything heavy is loaded: a call whose inputs do not exist
    answers at once. Every input gets its line, in the order given.
    """
    from models.fs import safe_name
    from pipeline.results import not_found

    inputs = _expand(args.files)
    if all(path is None for _, path in inputs):
        for raw, _ in inputs:
            _print(not_found(safe_name(raw)), as_json=args.json)
        return 1
    os.umask(0o077)  # a second line of defence: every writer also sets its mode
    from models.storage import Store
    from pipeline.datadir import prepare
    from pipeline.runner import process
    from pipeline.settings import get_settings
    from pipeline.stage import StageContext, no_progress

    settings = get_settings()
    prepare(settings)
    store = Store(settings.effective_database_url)
    show_progress = sys.stderr.isatty() and not args.quiet
    failures = 0
    done = 0
    try:
        for index, (raw, path) in enumerate(inputs, start=1):
            shown = safe_name(raw)
            if path is None:
                result = not_found(shown)
            else:
                report = _progress_printer(index, len(inputs)) if show_progress else no_progress
                ctx = StageContext(settings=settings, report=report)
                result = process(path, ctx, store, source=shown)
            failures += result.status != "processed"
            _print(result, as_json=args.json)
            done += 1
    except KeyboardInterrupt:
        print(
            f"intake: interrupted; {done} of {len(inputs)} input(s) done, the rest untouched",
            file=sys.stderr,
            flush=True,
        )
        return 130
    return 1 if failures == len(inputs) else 0


def _summary_line(result: ProcessResult) -> str:
    if result.status == "not_found":
        return f"NOT FOUND   {result.source}"
    if result.status != "processed":
        return f"QUARANTINED {result.source}: {result.error}"
    dup = " (already processed)" if result.duplicate else ""
    if not result.referrals:
        return f"processed   {result.source}{dup}: no referral ({result.document_type})"
    parts = []
    for ref in result.referrals:
        t = ref.triage
        parts.append(
            f"pages {ref.pages} {t.urgency.value if t else '?'}/"
            f"{t.specialty.value if t else '?'} {len(ref.fields)} fields, "
            f"{len(ref.missing)} missing, {len(ref.problems)} problems"
        )
    return f"processed   {result.source}{dup}: " + "; ".join(parts)


def cmd_watch(args: argparse.Namespace) -> int:
    """Watch an inbox folder; embedded workers unless INTAKE_BROKER_URL is set."""
    from pipeline.settings import get_settings
    from pipeline.watch import run_watch

    settings = get_settings()
    inbox = Path(args.inbox) if args.inbox else settings.inbox_dir
    os.umask(0o077)  # a second line of defence: every writer also sets its mode
    try:
        return run_watch(
            inbox,
            settings,
            threads=args.threads,
            polling=True if args.polling else None,
            until_idle=args.until_idle,
            progress=sys.stderr.isatty() and not args.quiet,
        )
    except ValueError as exc:
        print(f"intake watch: {exc}", file=sys.stderr)
        return 2


def cmd_submit(args: argparse.Namespace) -> int:
    """Hand a received fax and its metadata to the inbox (for fax-server hooks)."""
    from models.document import FaxMeta
    from pipeline.handoff import parse_received, resolve_inbox, submit
    from pipeline.settings import get_settings

    try:
        fax = FaxMeta(
            sender_fax=args.sender_fax or None,
            csid=args.csid or None,
            received=parse_received(args.received) if args.received else None,
            job_id=args.job_id or None,
            pages_expected=args.pages,
        )
        default = get_settings().inbox_dir
        inbox = resolve_inbox(Path(args.inbox) if args.inbox else default, default)
        target = submit(Path(args.file), inbox, fax, name=args.name or "")
    except (OSError, ValueError) as exc:
        print(f"intake submit: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(target)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Start dramatiq worker processes on the shared Redis broker."""
    from pipeline.settings import get_settings

    if not get_settings().broker_url:
        print(
            "intake worker: set INTAKE_BROKER_URL=redis://… (without it, `intake watch` "
            "runs its workers in-process)",
            file=sys.stderr,
        )
        return 2
    from pipeline.worker import actors
    from pipeline.worker import main as worker_main

    if actors.start_periodic(get_settings()):
        logging.getLogger(__name__).info(
            "periodic clean-up and routing every %g min", get_settings().periodic_minutes
        )
    return worker_main(processes=args.processes, threads=args.threads, verbose=args.verbose)


def cmd_status(args: argparse.Namespace) -> int:
    """Inbox backlog, work in flight, failures and throughput."""
    from pipeline.settings import get_settings
    from pipeline.status import show_status

    settings = get_settings()
    inbox = Path(args.inbox) if args.inbox else settings.inbox_dir
    return show_status(settings, inbox, as_json=args.json)


def _common() -> argparse.ArgumentParser:
    """``-v``/``-q`` accepted before and after the sub-command (SUPPRESS: no clobbering)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logs"
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="warnings only; no progress lines",
    )
    return common


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("referral-intake")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept separate so tests can inspect it)."""
    from pipeline import cli_cleanup, cli_ops, cli_review

    common = _common()
    parser = argparse.ArgumentParser(
        prog="intake",
        description="Referral intake: read faxed and scanned referrals.",
        parents=[common],
    )
    parser.set_defaults(verbose=False, quiet=False)
    parser.add_argument("--version", action="version", version=f"intake {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("process", help="process files and store the referrals", parents=[common])
    p.add_argument("files", nargs="+", help="PDF/TIFF/PNG/JPEG files or folders")
    p.add_argument("--json", action="store_true", help="print one JSON object per input")
    p.set_defaults(func=cmd_process)
    w = sub.add_parser(
        "watch", help="watch an inbox folder and process what lands there", parents=[common]
    )
    w.add_argument("inbox", nargs="?", help="folder to watch (default: INTAKE_INBOX)")
    w.add_argument("--polling", action="store_true", help="poll (NFS/SMB) instead of inotify")
    w.add_argument("--threads", type=int, help="in-process worker threads (0: watch only)")
    w.add_argument("--until-idle", action="store_true", help="exit once the inbox is done")
    w.set_defaults(func=cmd_watch)
    s = sub.add_parser(
        "submit", help="hand a received fax to the inbox (fax-server hook)", parents=[common]
    )
    s.add_argument("file", help="the received PDF/TIFF")
    s.add_argument("--inbox", help="inbox folder (default: INTAKE_INBOX)")
    s.add_argument("--sender-fax", help="caller's fax number")
    s.add_argument("--csid", help="remote station id (TSI/CSID)")
    s.add_argument("--received", help="ISO 8601 or 'YYYY:MM:DD HH:MM:SS' (faxinfo)")
    s.add_argument("--job-id", help="fax server job/communication id")
    s.add_argument("--pages", type=int, help="pages the fax server received")
    s.add_argument("--name", help="file name in the inbox (default: the file's)")
    s.set_defaults(func=cmd_submit)
    k = sub.add_parser("worker", help="run workers on the shared Redis broker", parents=[common])
    k.add_argument("-p", "--processes", type=int, default=1, help="worker processes")
    k.add_argument("-t", "--threads", type=int, default=0, help="threads per process")
    k.set_defaults(func=cmd_worker)
    t = sub.add_parser(
        "status", help="inbox backlog, in-flight work, failures, throughput", parents=[common]
    )
    t.add_argument("--inbox", help="inbox folder (default: INTAKE_INBOX)")
    t.add_argument("--json", action="store_true", help="one JSON object")
    t.set_defaults(func=cmd_status)
    cli_ops.add_commands(sub, common)
    cli_review.add_commands(sub, common)
    cli_cleanup.add_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``intake`` console script.

    A wrong setting (environment or ``INTAKE_CONFIG`` file) is one line on stderr and exit
    code 2, before any work; logs are INFO by default, ``-v`` DEBUG, ``-q`` WARNING.
    """
    from pipeline.logs import configure_logging
    from pipeline.settings import SettingsProblem, get_settings

    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except SettingsProblem as exc:
        print(f"intake: bad setting: {exc}", file=sys.stderr)
        return 2
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    configure_logging(level, settings.log_format)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:  # Ctrl-C while loading, before a command's own handler
        print("intake: interrupted", file=sys.stderr, flush=True)
        return 130
    except Exception as exc:
        # the database is down or its schema is not ours: one line, not a traceback
        # (checked by module so that sqlalchemy is not imported for commands that never use it)
        if type(exc).__module__.startswith("sqlalchemy"):
            print(f"intake: database unreachable ({type(exc).__name__})", file=sys.stderr)
            return 1
        if type(exc).__name__ == "SchemaError":
            print(f"intake: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
