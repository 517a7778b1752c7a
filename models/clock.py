"""Time helpers shared by the domain, storage and stages."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(value: datetime) -> datetime:
    """An aware datetime: naive values are UTC (SQLite hands back naive datetimes for UTC
    columns, PostgreSQL aware ones; fax servers and CSV imports may omit the offset)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
