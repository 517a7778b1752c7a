"""Persistence: SQLAlchemy tables and the repository that reads and writes them."""

from models.storage.repository import SaveOutcome, Store

__all__ = ["SaveOutcome", "Store"]
