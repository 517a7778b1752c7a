"""The audit log is append-only: no code path and no SQL statement may change or remove a row.

Two guards, so neither a bug in our code nor a hand-typed ``UPDATE`` rewrites history:
the ORM refuses to flush a changed or deleted :class:`AuditRow`, and the database itself
refuses ``UPDATE``/``DELETE`` on ``audit_log`` (a trigger on SQLite and PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, event
from sqlalchemy.orm import Session

from models.storage.tables import AuditRow

MESSAGE = "audit_log is append-only"

_SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb} BEFORE {verb.upper()} ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for verb in ("update", "delete")
]
_POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]

#: Statements that install the database guard, per dialect (also used by the migration).
GUARD_SQL: dict[str, list[str]] = {"sqlite": _SQLITE, "postgresql": _POSTGRES}


class AuditImmutable(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, AuditRow):
            raise AuditImmutable(MESSAGE)


def install() -> None:
    """Register both guards (idempotent): ORM flush check, and triggers on table creation."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
    table = AuditRow.__table__
    for dialect, statements in GUARD_SQL.items():
        for sql in statements:
            event.listen(table, "after_create", DDL(sql).execute_if(dialect=dialect))


install()
