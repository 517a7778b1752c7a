"""Shared fixtures: sample folders, isolated settings and store per test."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractors.base import DOCUMENT_SUFFIXES

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def sample_documents(folder: str) -> list[Path]:
    """Committed sample documents in ``samples/<folder>`` (sorted, for stable test ids)."""
    path = SAMPLES / folder
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES)


def truth_of(doc: Path) -> dict:
    """Ground truth beside a committed sample."""
    return json.loads(doc.with_name(doc.stem + ".truth.json").read_text(encoding="utf-8"))


@pytest.fixture
def settings(tmp_path):
    """Settings pointing at a fresh data folder and SQLite file."""
    from pipeline.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url="")


@pytest.fixture
def store(settings):
    """A fresh embedded store."""
    from models.storage import Store

    return Store(settings.effective_database_url)


@pytest.fixture
def ctx(settings):
    """A stage context over the isolated settings."""
    from pipeline.stage import StageContext

    return StageContext(settings=settings)
