"""``intake queue``: one page of the review queue, filtered, as a table or JSON.

Times (received, due by) are shown in the site's time zone, ``INTAKE_TIMEZONE``; the last
line says which rows were shown out of how many and how to ask for the next page.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any


def _local(value: datetime | None, zone: Any) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "-"


def cmd_queue(args: argparse.Namespace) -> int:
    """Print one page of the review queue, most urgent first, times in INTAKE_TIMEZONE."""
    from pipeline.settings import get_settings

    settings = get_settings()
    from pipeline.cli_ops import open_store

    store = open_store(settings)
    status = None if args.all else args.status
    where = {"urgency": args.urgency, "specialty": args.specialty}
    offset = args.offset if args.page is None else (args.page - 1) * args.limit
    total = store.count_queue(status, **where)
    rows = store.queue(status, limit=args.limit, offset=offset, **where)
    zone = settings.zone
    if args.json:
        out = {
            "total": total,
            "limit": args.limit,
            "offset": offset,
            "timezone": settings.timezone,
            "referrals": [
                {
                    **row,
                    "received": row["received"].astimezone(zone).isoformat()
                    if row["received"]
                    else None,
                    "due_by": row["due_by"].astimezone(zone).isoformat() if row["due_by"] else None,
                }
                for row in rows
            ],
        }
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(
        f"{'referral':10} {'status':12} {'urgency':8} {'specialty':22} {'received':17} "
        f"{'due by':17} {'pages':8} {'problems':8} source"
    )
    for row in rows:
        pages = ",".join(str(p) for p in row["pages"])
        print(
            f"{row['id'][:8]:10} {row['status']:12} {row['urgency'] or '-':8} "
            f"{row['specialty'] or '-':22} {_local(row['received'], zone):17} "
            f"{_local(row['due_by'], zone):17} {pages:8} {row['problems']:<8} {row['source']}"
        )
    shown = f"{offset + 1}-{offset + len(rows)}" if rows else "none"
    more = offset + len(rows) < total
    hint = f"; next: --offset {offset + len(rows)}" if more else ""
    print(f"{shown} of {total} referral(s), times in {settings.timezone}{hint}")
    return 0
