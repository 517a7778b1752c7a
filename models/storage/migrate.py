"""Schema migrations (Alembic) run from the application, on the database of its settings.

Every command that opens the database goes through :func:`ensure_schema` (``Store`` calls it),
so an upgraded install migrates itself on first start; ``intake db upgrade`` does it
explicitly and ``intake db current`` says where a database stands. A database created before
migrations existed (tables, no ``alembic_version``) is adopted by the first revision, which
creates only what is missing. Concurrent starts are serialised: a PostgreSQL advisory lock,
and on SQLite a retry when another process holds the write lock.

Adding a revision: change ``tables.py`` (or ``job_tables.py``/``ops_tables.py``), then add
``migrations/versions/NNNN_what.py`` with ``down_revision`` set to the previous head — see
the README, "Schema migrations". ``tests/ops/test_migrations.py`` fails while the models and
the migrations disagree.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
_PG_LOCK_KEY = 0x1E7A4E  # any constant shared by every intake process
_done: set[str] = set()
_lock = threading.Lock()


class SchemaError(RuntimeError):
    """The database cannot be brought to this version's schema (e.g. it is newer)."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, bound to ``connection``."""
    from alembic.config import Config  # imported on demand: a process at head never needs it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of the package (Alembic's answer)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def shipped_head() -> str:
    """The head without importing Alembic: revision ids are the files' ``NNNN`` prefixes and
    the chain is linear (both checked by the migration tests)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def known_revisions() -> set[str]:
    """Revision ids shipped with this version (the files' prefixes)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at; None when it has no ``alembic_version`` (new or legacy)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_legacy(engine: Engine) -> bool:
    """Tables created by the pre-migration ``create_all`` code, without a version stamp."""
    names = set(inspect(engine).get_table_names())
    return "documents" in names and "alembic_version" not in names


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade the database to ``revision``; returns the revision it is at afterwards."""
    from alembic import command

    legacy = is_legacy(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)
    if legacy:
        log.info("db: adopted a database created before migrations")
    now = current_revision(engine)
    log.info("db: schema at revision %s", now)
    return now


def ensure_schema(engine: Engine, attempts: int = 6) -> None:
    """Bring the database to the head revision, once per process and URL (cheap afterwards)."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key in _done:
            return
        head = shipped_head()
        for attempt in range(attempts):
            try:
                current = current_revision(engine)
                if current is not None and current not in known_revisions():
                    raise SchemaError(
                        f"the database schema ({current}) is newer than this version of intake "
                        f"(head {head}); upgrade intake"
                    )
                if current != head:
                    upgrade(engine)
                break
            except (OperationalError, IntegrityError, ProgrammingError):
                # another process is migrating the same database right now (SQLite lock,
                # or both created a table): wait and look again
                if attempt == attempts - 1:
                    raise
                time.sleep(0.3 * (attempt + 1))
        if not key.endswith(":memory:"):
            _done.add(key)
