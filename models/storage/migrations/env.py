"""Alembic environment: always run on a connection handed over by ``models.storage.migrate``.

No ``alembic.ini`` and no URL here: the application decides which database to migrate (its
settings), and the ``intake db`` commands call Alembic's API with the open connection.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `intake db upgrade` (models.storage.migrate)")

context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE by copy on SQLite
)
with context.begin_transaction():
    context.run_migrations()
