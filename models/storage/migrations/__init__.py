"""Alembic migrations of the storage schema (see ``models.storage.migrate`` and the README)."""
