"""``intake status``: inbox backlog, work in flight, failures and throughput at a glance.

Everything is read from where durability lives — the inbox folder and the database — plus,
in scaled-out mode, the Redis queue lengths. Counts and timings only: no names, no values.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from models.clock import as_utc
from models.storage.job_tables import ArrivalRow, JobRow
from models.storage.tables import DocumentRow
from pipeline.inbox import is_candidate
from pipeline.jobs import open_runtime
from pipeline.settings import Settings

_QUEUES = ("intake", "ocr", "ocr_bulk")


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (``fraction`` in 0–1) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def inbox_backlog(inbox: Path) -> dict[str, Any]:
    """Files waiting in the inbox (including those being processed) and the oldest's age."""
    now = time.time()
    ages = []
    try:
        for path in inbox.iterdir():
            if is_candidate(path.name) and path.is_file():
                ages.append(now - path.stat().st_mtime)
    except FileNotFoundError:
        pass
    return {"files": len(ages), "oldest_s": round(max(ages), 1) if ages else None}


def redis_queues(url: str) -> dict[str, dict[str, int]]:
    """Per queue: waiting, in progress (delivered, not acked), delayed retries, dead letters."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    out = {}
    for queue in _QUEUES:
        key = f"dramatiq:{queue}"
        waiting = int(client.llen(key))
        unacked = int(client.hlen(f"{key}.msgs"))
        out[queue] = {
            "waiting": waiting,
            "in_progress": max(0, unacked - waiting),
            "delayed": int(client.hlen(f"{key}.DQ.msgs")),
            "dead": int(client.hlen(f"{key}.XQ.msgs")),
        }
    return out


def collect(settings: Settings, inbox: Path, *, window_s: float = 3600.0) -> dict[str, Any]:
    """The status as one JSON-able dict (``intake status --json``)."""
    rt = open_runtime(settings)
    now = datetime.now(UTC)
    since = now - timedelta(seconds=window_s)
    with rt.jobs.store.session() as s:
        open_jobs = s.execute(
            select(func.count(), func.sum(JobRow.pages_done), func.sum(JobRow.pages_total)).where(
                JobRow.finished_at.is_(None)
            )
        ).one()
        waiting = s.scalar(
            select(func.count()).select_from(ArrivalRow).where(ArrivalRow.finished_at.is_(None))
        )
        failed = dict(
            s.execute(
                select(DocumentRow.error_code, func.count())
                .where(DocumentRow.status == "quarantined", DocumentRow.created_at >= since)
                .group_by(DocumentRow.error_code)
            ).all()
        )
        failed_total = s.scalar(
            select(func.count()).select_from(DocumentRow).where(DocumentRow.status == "quarantined")
        )
        done = s.execute(
            select(DocumentRow.created_at, DocumentRow.page_count, func.min(ArrivalRow.landed_at))
            .join(ArrivalRow, ArrivalRow.sha256 == DocumentRow.sha256, isouter=True)
            .where(DocumentRow.status == "processed", DocumentRow.created_at >= since)
            .group_by(DocumentRow.id, DocumentRow.created_at, DocumentRow.page_count)
        ).all()
    latencies = [
        (as_utc(created) - as_utc(landed)).total_seconds()
        for created, _, landed in done
        if landed is not None
    ]
    pages = sum(count for _, count, _ in done)
    report: dict[str, Any] = {
        "inbox": inbox_backlog(inbox),
        "in_flight": {
            "files": int(waiting or 0),
            "documents": int(open_jobs[0] or 0),
            "pages_done": int(open_jobs[1] or 0),
            "pages_total": int(open_jobs[2] or 0),
        },
        "failures": {"total": int(failed_total or 0), "window": failed},
        "throughput": {
            "window_s": window_s,
            "documents": len(done),
            "pages": pages,
            "pages_per_min": round(pages * 60.0 / window_s, 2),
            "latency_p50_s": _round(percentile(latencies, 0.5)),
            "latency_p95_s": _round(percentile(latencies, 0.95)),
        },
        "mode": "redis" if settings.broker_url else "embedded",
    }
    if settings.broker_url:
        try:
            report["queues"] = redis_queues(settings.broker_url)
        except Exception as exc:  # status must still show the rest when Redis is down
            report["queues"] = {"error": type(exc).__name__}
    return report


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def show_status(settings: Settings, inbox: Path, *, as_json: bool = False) -> int:
    """Print the status (a small table, or JSON); returns the CLI exit code: 1 when the
    database or the broker does not answer (monitors and scripts rely on it)."""
    from pipeline.health import health

    if not settings.database_url:  # a fresh install: the embedded database is created
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    checks = health(settings)
    code = 0 if checks["status"] == "ok" else 1
    if checks["database"]["ok"]:
        report = collect(settings, inbox)
    else:  # nothing else can be read; say so and stop
        report = {"mode": "redis" if settings.broker_url else "embedded"}
    report["health"] = checks
    if as_json:
        sys.stdout.write(json.dumps(report, default=str) + "\n")
        return code
    if not checks["database"]["ok"]:
        error = checks["database"]["error"]
        sys.stderr.write(f"intake status: database unreachable ({error})\n")
        return code
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"intake status ({report['mode']})", show_header=False)
    ib, fl, fa, tp = (report[k] for k in ("inbox", "in_flight", "failures", "throughput"))
    oldest = f", oldest {ib['oldest_s']} s" if ib["oldest_s"] is not None else ""
    table.add_row("inbox backlog", f"{ib['files']} file(s){oldest}")
    table.add_row(
        "in flight",
        f"{fl['files']} file(s), {fl['documents']} document(s), "
        f"pages {fl['pages_done']}/{fl['pages_total']}",
    )
    for queue, counts in report.get("queues", {}).items():
        table.add_row(f"queue {queue}", json.dumps(counts))
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(fa["window"].items())) or "none"
    table.add_row("failures", f"{fa['total']} quarantined in all; last hour: {codes}")
    table.add_row(
        "throughput (last hour)",
        f"{tp['documents']} document(s), {tp['pages']} page(s), {tp['pages_per_min']} pages/min",
    )
    table.add_row("landing → queue", f"p50 {tp['latency_p50_s']} s, p95 {tp['latency_p95_s']} s")
    table.add_row(
        "health",
        f"database {'ok' if checks['database']['ok'] else 'DOWN'}, "
        f"broker {'ok' if checks['broker']['ok'] else 'DOWN'}",
    )
    Console().print(table)
    return code
